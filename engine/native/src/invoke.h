// Calls from JavaScript into generated code (invoke) and back (wasm_rt_host_call), with
// traps unwinding to the innermost invoke by siglongjmp.
#pragma once

#include <napi.h>
#include <setjmp.h>

#include <cstdint>

namespace wasm_native {

/** One per active invoke() on this thread, innermost first; lives on invoke's C++ stack. */
struct InvokeFrame {
  sigjmp_buf jump;  // sigsetjmp(…, 0): the fault handler leaves the signal mask unchanged (signals.cc)
  InvokeFrame* previous;
  /** True while this invoke's wasm code waits for a JavaScript host function: a fault then is not wasm's. */
  volatile bool inHostCall;
};

/** Async-signal-safe (initial-exec TLS): the innermost invoke of the calling thread, or nullptr. */
InvokeFrame* InnermostInvokeFrame();

/** Exports invoke, setHostCallHandler, scratch. */
void InitInvokeBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
