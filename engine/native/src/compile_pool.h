// The addon's own compile threads (docs/RATIONALE.md, "Why our own compile thread pool?"):
// a fixed set of workers, as many as the machine has cores unless
// WASM_LLVM_COMPILE_THREADS says fewer (or more), each with a large stack, taking queued
// jobs in order. LLVM never runs on libuv's pool, which Node's fs, dns and crypto share, so
// compiles cannot starve them. Free of Node-API: compile_binding.cc settles promises.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace wasm_native {

/**
 * Cancellation of one compile, shared by the thread that asked for it (AbortSignal,
 * deadline) and the thread compiling, which polls it between stages, between optimisation
 * passes and between functions of code generation. Thread-safe; the first reason wins.
 */
class CompileCancellation {
 public:
  using Clock = std::chrono::steady_clock;

  void Cancel(const std::string& reason);
  /**
   * Cancelled at `deadline` with `reason`, noticed by the next IsCancelled(). Set it
   * before the compile starts (the reason is not synchronised for later changes).
   */
  void SetDeadline(Clock::time_point deadline, const std::string& reason);
  /** Lock-free unless it cancels: a clock read when a deadline is set. */
  bool IsCancelled();
  std::string Reason();

 private:
  std::atomic<bool> cancelled_{false};
  std::atomic<int64_t> deadlineNanoseconds_{INT64_MAX};  // steady clock; INT64_MAX: none
  std::mutex mutex_;
  std::string reason_;
  std::string deadlineReason_;
};

/** Stack of each compile thread: LLVM recurses on deeply nested control flow. */
constexpr size_t kCompileThreadStackBytes = 64u << 20;

/** Worker count: WASM_LLVM_COMPILE_THREADS (1-256) if set, else the cores this process may use. */
unsigned CompileThreadCount();

/**
 * Runs `job` on a compile thread, after the jobs queued before it. Starts the workers on
 * first use. A worker that cannot start (pthread_create fails: the process's thread or
 * memory limit) is left out; with none at all, the next submission tries again, and if that
 * fails too the job is not queued: false, with the reason in `error`. Never aborts.
 */
bool SubmitCompileJob(std::function<void()> job, std::string* error);

/** Whether the workers have been started (by a first SubmitCompileJob). */
bool CompilePoolStarted();

/**
 * Runs `job` on a new thread with the compile threads' stack size and waits for it; false
 * (and `error`) when the thread cannot start, and `job` did not run.
 */
bool RunOnCompileStack(const std::function<void()>& job, std::string* error);

struct CompilePoolStats {
  unsigned threads = 0;  // started; 0 until the first job (or when none could start)
  size_t queued = 0;     // submitted, not started
  size_t running = 0;
  size_t completed = 0;
};
CompilePoolStats GetCompilePoolStats();

}  // namespace wasm_native
