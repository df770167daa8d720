// Starting the addon's own threads (compile threads, the C++ validator's helpers, the
// deadline timer) without ever aborting the process: std::thread reports a failed start by
// throwing, which under -fno-exceptions is std::terminate. pthread_create's error is returned
// instead, and each caller has a fallback or reports it to JavaScript (a RangeError whose
// code is WASM_THREAD_START_FAILED).
// WASM_LLVM_DISABLE=thread-start makes every start fail with EAGAIN without trying, for the
// tests of those fallbacks (debug_switches.h).
#pragma once

#include <errno.h>
#include <pthread.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "debug_switches.h"

namespace wasm_native {

/** pthread_create of a thread running entry(argument), detached unless `joinable` is given; 0 or the error. */
inline int StartThread(void* (*entry)(void*), void* argument, size_t stackBytes, pthread_t* joinable = nullptr) {
  if (DebugDisabled("thread-start")) return EAGAIN;
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  if (stackBytes != 0) pthread_attr_setstacksize(&attributes, stackBytes);
  if (joinable == nullptr) pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  int failed = pthread_create(joinable != nullptr ? joinable : &thread, &attributes, entry, argument);
  pthread_attr_destroy(&attributes);
  return failed;
}

/** The `code` of the RangeError JavaScript gets when a thread cannot start. */
constexpr const char* kThreadStartFailedCode = "WASM_THREAD_START_FAILED";
constexpr const char kThreadStartPrefix[] = "cannot start ";

/** The message for a thread that could not start (IsThreadStartError recognises it). */
inline std::string ThreadStartError(const char* what, int error) {
  return std::string(kThreadStartPrefix) + what + ": " + std::strerror(error) + " (the process's thread or memory limit?)";
}

inline bool IsThreadStartError(const std::string& message) {
  return message.compare(0, sizeof(kThreadStartPrefix) - 1, kThreadStartPrefix) == 0;
}

}  // namespace wasm_native
