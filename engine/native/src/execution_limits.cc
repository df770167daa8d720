// Per-thread execution limits of generated code (execution_limits.h; docs/RATIONALE.md,
// "How generated code is interrupted" and "Why may wasm use the whole thread stack").
//
// Every thread has its ThreadLimits (abi.h) in thread-local storage. Generated code checks, at the
// entry of every function that calls, `sp < *interruptWord`, and at every loop head
// `*interruptWord > threshold` (runtime_checks.cc); a failed check calls wasm_rt_check_slow.
// The word is a stack limit that interrupts raise to ~0, so one compare at entries serves
// both; the slow path tells them apart, and checks the thread's own stack limit, which on
// the main thread lies far below V8's (calls that deep take the slow path and go on).
//
// The interrupt word is V8's own JavaScript stack limit for the isolate when we can find
// it: V8 interrupts JavaScript — and its own wasm code — by storing 0xffff'ffff'ffff'fffe
// there (TerminateExecution for worker.terminate() and process.exit(), RequestInterrupt,
// garbage collection and code installation requests), so our code sees every interrupt
// V8's code sees. The slow path then calls a JavaScript no-op function: entering it makes
// V8 handle its pending interrupts, exactly as at a JavaScript function entry. If V8 is
// terminating the thread, the call fails and we unwind every wasm frame of the thread;
// otherwise the interrupts are handled, V8 restores the limit, and wasm continues.
//
// Finding the word: v8-internal.h (a public header) fixes the isolate's IsolateData at the
// isolate's address and its StackGuard at Internals::kIsolateStackGuardOffset; the guard
// starts with its isolate pointer followed by the thread-local limits real_jslimit,
// real_climit, jslimit, climit. That inner order is V8's and not promised by a header, so
// it is checked when each thread starts (the isolate pointer, and two equal limits that
// lie in this thread's stack below the current frame); if the check fails, the word is a
// field of ThreadLimits that only our own API sets (interruptThread, deadlines), and
// worker.terminate() cannot stop a running loop. WASM_LLVM_DISABLE=v8-interrupts forces
// that fallback (tests run both).
//
// Our interrupts: interruptThread(handle) asks V8 to run a callback on the target thread
// (Isolate::RequestInterrupt, callable from any thread); the callback, run at the next
// check, marks the running call interrupted — only if wasm is running then, so a request
// that arrives between calls is dropped instead of hitting the next call. Deadlines
// (pushDeadline/popDeadline) are kept per thread as an absolute time on the steady clock;
// a process-wide timer thread wakes the target thread the same way when one passes, and
// every check of the slow path, every invoke() entry and every return from a host call
// compares the clock with the deadline.

#include "execution_limits.h"

#include <pthread.h>
#include <setjmp.h>
#include <v8.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "debug_switches.h"
#include "invoke.h"
#include "threads.h"
#include "trap_codes.h"

namespace wasm_native {

struct ThreadExecution {
  /** The thread's ThreadLimits: t_threadLimits of the thread that created this. */
  ThreadLimits* limits = nullptr;
  napi_env env = nullptr;
  v8::Isolate* isolate = nullptr;
  /** True when limits.interruptWord is V8's jslimit (V8 interrupts are seen). */
  bool v8InterruptWord = false;
  /** V8's real JavaScript stack limit (below it V8 refuses to run JavaScript), in V8 mode. */
  const uint64_t* v8RealJsLimit = nullptr;
  /** When the slow path last tried to run V8's interrupts below V8's stack limit (ns). */
  int64_t lastAttemptBelowJsLimit = 0;
  /** Registry key, handed to JavaScript as the thread's interrupt handle. */
  uint64_t handle = 0;
  /** A JavaScript function doing nothing: calling it lets V8 handle its interrupts. */
  napi_ref interruptPoint = nullptr;
  /** The JavaScript function a failing check calls after NotifyBackgroundWorkDone (setBackgroundPoll); null: none. */
  napi_ref backgroundPoll = nullptr;
  /** Set (from any thread) by NotifyBackgroundWorkDone; taken by the next failing check. */
  std::atomic<bool> backgroundWorkDone{false};
  /** Set on this thread (by the interrupt callback) when an interruptThread() request hits running wasm. */
  std::atomic<bool> interruptRequested{false};
  /** The earliest active deadline, steady-clock nanoseconds; 0 when none. */
  std::atomic<int64_t> deadline{0};
  /** Active deadlines, innermost last (this thread only). */
  std::vector<int64_t> deadlines;
};

namespace {

/** Stack kept free below the wasm frames (trap unwinding, runtime calls, host calls). */
constexpr uintptr_t kStackSafetyMargin = 256 * 1024;
/** Stacks reported larger than this (e.g. `ulimit -s unlimited`) are used only this deep. */
constexpr uintptr_t kMaximumWasmStack = 512ull * 1024 * 1024;

/** v8-internal.h Internals::kIsolateStackGuardOffset (V8 11.3). */
constexpr size_t kIsolateStackGuardOffset = 8;
/** Word indices in V8's StackGuard: { isolate_, real_jslimit_, real_climit_, jslimit_, climit_, ... }. */
constexpr size_t kGuardIsolate = 0;
constexpr size_t kGuardRealJsLimit = 1;
constexpr size_t kGuardJsLimit = 3;
/** StackGuard::kInterruptLimit: what V8 stores in jslimit_ to interrupt. */
constexpr uint64_t kV8InterruptLimit = 0xfffffffffffffffeull;
static_assert(kV8InterruptLimit > kInterruptThreshold, "V8's interrupt limit must fail the checks");

thread_local ThreadExecution* t_execution = nullptr;
/** What generated code reads as %fs:(offset + field) (initial-exec: a fixed offset from %fs). */
__attribute__((tls_model("initial-exec"))) thread_local ThreadLimits t_threadLimits = {};
/** ThreadLimitsTlsOffset(), from the first thread; every later thread must agree. */
std::atomic<int64_t> g_tlsOffset{0};

int64_t OffsetFromThreadPointer(const void* address) {
  uintptr_t threadPointer = 0;
  asm("movq %%fs:0, %0" : "=r"(threadPointer));  // x86-64 TCB: its first word is its own address
  return static_cast<int64_t>(reinterpret_cast<uintptr_t>(address) - threadPointer);
}
/** The stack's lowest usable address, for the fault handler (initial-exec: async-signal-safe). */
__attribute__((tls_model("initial-exec"))) thread_local uintptr_t t_stackLowest = 0;

/** Threads by handle. Never destroyed: other threads' finalizers may run during exit. */
struct ThreadRegistry {
  std::mutex mutex;
  std::unordered_map<uint64_t, ThreadExecution*> threads;
  uint64_t nextHandle = 1;
};
ThreadRegistry& Threads() {
  static ThreadRegistry* registry = new ThreadRegistry();
  return *registry;
}

int64_t NowNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

[[noreturn]] void Fatal(const char* message) {
  std::fprintf(stderr, "wasm_llvm_native: fatal: %s\n", message);
  std::abort();
}

/** [lowest usable address, a safe limit] of the calling thread's stack. */
void MeasureStack(uintptr_t* lowest, uintptr_t* limit) {
  uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  uintptr_t bottom = here > kMaximumWasmStack ? here - kMaximumWasmStack : 0;
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
    void* address = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attributes, &address, &size) == 0) {
      bottom = std::max(bottom, reinterpret_cast<uintptr_t>(address));
    }
    pthread_attr_destroy(&attributes);
  }
  *lowest = bottom;
  // A stack with less than the margin left: every wasm call traps, rather than crashing.
  *limit = std::min(bottom + kStackSafetyMargin, here);
}

/** V8's jslimit word of `isolate` if the layout checks out on this thread, else nullptr. */
const uint64_t* FindV8InterruptWord(v8::Isolate* isolate, uintptr_t stackLowest) {
  if (isolate == nullptr || DebugDisabled("v8-interrupts")) return nullptr;
  const auto* guard =
      reinterpret_cast<const uint64_t*>(reinterpret_cast<const uint8_t*>(isolate) + kIsolateStackGuardOffset);
  uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  uint64_t realLimit = guard[kGuardRealJsLimit];
  uint64_t limit = __atomic_load_n(&guard[kGuardJsLimit], __ATOMIC_RELAXED);
  bool layoutHolds = guard[kGuardIsolate] == reinterpret_cast<uint64_t>(isolate) &&
                     realLimit > stackLowest && realLimit < here &&
                     (limit == realLimit || limit == kV8InterruptLimit);
  return layoutHolds ? &guard[kGuardJsLimit] : nullptr;
}

/** Runs on the target thread when V8 handles an interruptThread() request. */
void InterruptCallback(v8::Isolate*, void* data) {
  ThreadExecution* execution = t_execution;
  if (execution == nullptr || execution->handle != reinterpret_cast<uintptr_t>(data)) return;
  if (InnermostInvokeFrame() != nullptr) execution->interruptRequested.store(true);
}

/** Runs on the target thread when V8 handles a deadline wake-up: the checks read the clock. */
void WakeCallback(v8::Isolate*, void*) {}

/**
 * Makes the thread `handle` fail its next check: asks V8 to interrupt it, or sets the
 * fallback word. `interrupt`: mark the running call interrupted. False if the thread is gone.
 */
bool WakeThread(uint64_t handle, bool interrupt, bool backgroundWorkDone = false) {
  ThreadRegistry& registry = Threads();
  std::lock_guard<std::mutex> lock(registry.mutex);
  auto found = registry.threads.find(handle);
  if (found == registry.threads.end()) return false;
  ThreadExecution* execution = found->second;
  if (backgroundWorkDone) {
    if (execution->backgroundPoll == nullptr) return false;
    execution->backgroundWorkDone.store(true);
  }
  if (execution->v8InterruptWord) {
    execution->isolate->RequestInterrupt(interrupt ? InterruptCallback : WakeCallback,
                                         reinterpret_cast<void*>(static_cast<uintptr_t>(handle)));
  } else {
    if (interrupt) execution->interruptRequested.store(true);
    __atomic_store_n(&execution->limits->fallbackWord, ~uint64_t{0}, __ATOMIC_RELAXED);  // fails every check
  }
  return true;
}

/** One thread for the whole process that wakes threads whose deadline has passed. */
class DeadlineTimer {
 public:
  /** False (and `error`) when the timer's thread cannot start: nothing is scheduled then. */
  bool Schedule(int64_t when, uint64_t handle, std::string* error) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_) {
      int failed = StartThread(
          [](void* self) -> void* {
            static_cast<DeadlineTimer*>(self)->Run();
            return nullptr;
          },
          this, 0);
      if (failed != 0) {
        *error = ThreadStartError("the deadline timer's thread", failed);
        return false;
      }
      started_ = true;
    }
    queue_.emplace(when, handle);
    changed_.notify_one();
    return true;
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (queue_.empty()) {
        changed_.wait(lock);
        continue;
      }
      auto first = queue_.begin();
      int64_t now = NowNanoseconds();
      if (first->first > now) {
        changed_.wait_for(lock, std::chrono::nanoseconds(first->first - now));
        continue;
      }
      uint64_t handle = first->second;
      queue_.erase(first);
      lock.unlock();
      WakeThread(handle, false);
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::multimap<int64_t, uint64_t> queue_;
  bool started_ = false;
};

DeadlineTimer& Timer() {
  static DeadlineTimer* timer = new DeadlineTimer();  // its thread outlives static destruction
  return *timer;
}

/** How often the slow path retries V8's interrupts while wasm runs below V8's stack limit. */
constexpr int64_t kRetryBelowJsLimitNanoseconds = 1'000'000;

/**
 * Calls the JavaScript function `reference` with no arguments from a failing check; returns
 * true when the thread is terminating (JavaScript cannot run any more: leave wasm).
 *
 * Wasm may run deeper than V8 lets JavaScript run (execution_limits.cc keeps its own, lower
 * stack limit), and there V8 refuses the call with a RangeError before it looks at its
 * interrupts: the error is dropped, and *refusedBelowJsLimit says so (the caller tries again
 * at a later check, made at most once a millisecond while so deep). Termination is still
 * seen there, as Node.js forbids calls into JavaScript first (the call fails with no
 * exception). Any other exception leaves wasm as the isolate's own if `rethrow`, else it is
 * dropped.
 */
__attribute__((noinline)) bool CallFromCheck(ThreadExecution* execution, napi_ref reference, bool rethrow,
                                             bool* refusedBelowJsLimit) {
  *refusedBelowJsLimit = false;
  bool belowJsLimit = execution->v8RealJsLimit != nullptr &&
                      reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < *execution->v8RealJsLimit;
  if (belowJsLimit) {
    int64_t now = NowNanoseconds();
    if (now - execution->lastAttemptBelowJsLimit < kRetryBelowJsLimitNanoseconds) {
      *refusedBelowJsLimit = true;
      return false;
    }
    execution->lastAttemptBelowJsLimit = now;
  }
  napi_env env = execution->env;
  napi_handle_scope scope = nullptr;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return true;
  napi_value function = nullptr;
  napi_value receiver = nullptr;
  napi_value result = nullptr;
  bool failed = napi_get_reference_value(env, reference, &function) != napi_ok ||
                function == nullptr || napi_get_undefined(env, &receiver) != napi_ok ||
                napi_call_function(env, receiver, function, 0, nullptr, &result) != napi_ok;
  bool terminating = failed;
  if (failed) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value error = nullptr;
      napi_get_and_clear_last_exception(env, &error);
      if (belowJsLimit) {
        terminating = false;  // V8's stack overflow RangeError: not an answer to the interrupt
        *refusedBelowJsLimit = true;
      } else if (error != nullptr && !v8::Isolate::GetCurrent()->IsExecutionTerminating()) {
        terminating = false;
        // Any other exception leaves wasm as the isolate's own, as host calls' exceptions do
        // (invokeFromHeader is no Node-API callback, which would rethrow Node-API's copy).
        if (rethrow) {
          napi_throw(env, error);
          terminating = true;
        }
      }
    }
  }
  napi_close_handle_scope(env, scope);
  return terminating;
}

/** Calls the no-op interrupt point, so that V8 handles its pending interrupts (CallFromCheck). */
bool RunJavaScriptInterrupts(ThreadExecution* execution) {
  bool refused = false;
  return CallFromCheck(execution, execution->interruptPoint, /*rethrow=*/true, &refused);
}

/**
 * After NotifyBackgroundWorkDone: calls the thread's background-poll function once (its
 * exceptions are dropped: taking finished background work is optional); refused below V8's
 * stack limit, it is asked for again at a later check. Returns true when the thread is
 * terminating.
 */
bool RunBackgroundPoll(ThreadExecution* execution) {
  if (execution->backgroundPoll == nullptr || !execution->backgroundWorkDone.exchange(false)) return false;
  bool refused = false;
  bool terminating = CallFromCheck(execution, execution->backgroundPoll, /*rethrow=*/false, &refused);
  if (refused) execution->backgroundWorkDone.store(true);
  return terminating;
}

int32_t DeadlineTrap(const ThreadExecution* execution) {
  int64_t deadline = execution->deadline.load(std::memory_order_relaxed);
  return deadline != 0 && NowNanoseconds() >= deadline ? static_cast<int32_t>(TrapCode::DeadlineExceeded) : 0;
}

ThreadExecution* CurrentExecution(const Napi::Env& env) {
  if (t_execution == nullptr) Napi::Error::New(env, "this thread has no wasm execution state").ThrowAsJavaScriptException();
  return t_execution;
}

// ---- JavaScript bindings ----

Napi::Value InterruptHandle(const Napi::CallbackInfo& info) {
  ThreadExecution* execution = CurrentExecution(info.Env());
  if (!execution) return Napi::Value();
  return Napi::Number::New(info.Env(), static_cast<double>(execution->handle));
}

/**
 * setBackgroundPoll(fn | undefined): the function this thread's failing checks call once after
 * NotifyBackgroundWorkDone (runtime/lazy-calls.ts installs finished tier-up code with it).
 */
Napi::Value SetBackgroundPoll(const Napi::CallbackInfo& info) {
  ThreadExecution* execution = CurrentExecution(info.Env());
  if (!execution) return Napi::Value();
  if (!info[0].IsFunction() && !info[0].IsUndefined()) {
    Napi::TypeError::New(info.Env(), "setBackgroundPoll: a function or undefined").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  napi_ref previous = nullptr;
  napi_ref next = nullptr;
  if (info[0].IsFunction() && napi_create_reference(info.Env(), info[0], 1, &next) != napi_ok) return Napi::Value();
  {
    // Under the registry's lock: WakeThread reads the field from other threads.
    std::lock_guard<std::mutex> lock(Threads().mutex);
    previous = execution->backgroundPoll;
    execution->backgroundPoll = next;
  }
  if (previous != nullptr) napi_delete_reference(info.Env(), previous);
  return info.Env().Undefined();
}

Napi::Value InterruptThread(const Napi::CallbackInfo& info) {
  double handle = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(handle >= 1 && handle <= 9007199254740991.0) || handle != static_cast<double>(static_cast<uint64_t>(handle))) {
    Napi::TypeError::New(info.Env(), "interruptThread: the handle must be a number from interruptHandle()")
        .ThrowAsJavaScriptException();
    return Napi::Value();
  }
  return Napi::Boolean::New(info.Env(), WakeThread(static_cast<uint64_t>(handle), true));
}

Napi::Value PushDeadline(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThreadExecution* execution = CurrentExecution(env);
  if (!execution) return Napi::Value();
  double milliseconds = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(milliseconds >= 0 && milliseconds <= 1e12)) {
    Napi::RangeError::New(env, "a deadline must be a number of milliseconds in [0, 1e12]").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  int64_t when = NowNanoseconds() + static_cast<int64_t>(milliseconds * 1e6);
  int64_t outer = execution->deadline.load(std::memory_order_relaxed);
  int64_t effective = outer != 0 ? std::min(outer, when) : when;
  if (effective == 0) effective = 1;  // 0 means "none"
  execution->deadlines.push_back(effective);
  execution->deadline.store(effective, std::memory_order_relaxed);
  std::string error;
  if (effective == when && !Timer().Schedule(when, execution->handle, &error)) {
    execution->deadlines.pop_back();  // as if never pushed
    execution->deadline.store(outer, std::memory_order_relaxed);
    Napi::Error failure = Napi::RangeError::New(env, error);
    failure.Set("code", Napi::String::New(env, kThreadStartFailedCode));
    failure.ThrowAsJavaScriptException();
    return Napi::Value();
  }
  return Napi::Number::New(env, static_cast<double>(execution->deadlines.size()));
}

Napi::Value PopDeadline(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThreadExecution* execution = CurrentExecution(env);
  if (!execution) return Napi::Value();
  double token = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (token != static_cast<double>(execution->deadlines.size()) || token < 1) {
    Napi::Error::New(env, "popDeadline: deadlines must end innermost first").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  execution->deadlines.pop_back();
  execution->deadline.store(execution->deadlines.empty() ? 0 : execution->deadlines.back(), std::memory_order_relaxed);
  return env.Undefined();
}

Napi::Value ExecutionLimitsInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ThreadExecution* execution = CurrentExecution(env);
  if (!execution) return Napi::Value();
  Napi::Object result = Napi::Object::New(env);
  result.Set("interrupts", execution->v8InterruptWord ? "v8" : "fallback");
  result.Set("stackLimit", Napi::BigInt::New(env, execution->limits->stackLimit));
  result.Set("stackLowest", Napi::BigInt::New(env, static_cast<uint64_t>(t_stackLowest)));
  return result;
}

}  // namespace

ThreadExecution* CreateThreadExecution(napi_env env) {
  int64_t offset = OffsetFromThreadPointer(&t_threadLimits);
  int64_t expected = 0;
  if (!g_tlsOffset.compare_exchange_strong(expected, offset) && expected != offset) {
    Fatal("the addon's initial-exec thread-local ThreadLimits moved between threads");
  }
  auto* execution = new ThreadExecution();
  execution->env = env;
  execution->limits = &t_threadLimits;
  uintptr_t lowest = 0;
  uintptr_t limit = 0;
  MeasureStack(&lowest, &limit);
  t_stackLowest = lowest;
  execution->limits->stackLimit = limit;
  execution->isolate = v8::Isolate::GetCurrent();
  const uint64_t* word = FindV8InterruptWord(execution->isolate, lowest);
  execution->v8InterruptWord = word != nullptr;
  if (word != nullptr) execution->v8RealJsLimit = word - (kGuardJsLimit - kGuardRealJsLimit);
  execution->limits->fallbackWord = limit;  // a stack limit until an interrupt raises it
  execution->limits->interruptWord = word != nullptr ? word : &execution->limits->fallbackWord;

  napi_value source = nullptr;
  napi_value function = nullptr;
  napi_create_string_utf8(env, "(function wasmInterruptPoint() {})", NAPI_AUTO_LENGTH, &source);
  if (napi_run_script(env, source, &function) == napi_ok) napi_create_reference(env, function, 1, &execution->interruptPoint);

  ThreadRegistry& registry = Threads();
  {
    std::lock_guard<std::mutex> lock(registry.mutex);
    execution->handle = registry.nextHandle++;
    registry.threads.emplace(execution->handle, execution);
  }
  t_execution = execution;
  return execution;
}

void DestroyThreadExecution(ThreadExecution* execution) {
  if (execution == nullptr) return;
  ThreadRegistry& registry = Threads();
  {
    std::lock_guard<std::mutex> lock(registry.mutex);
    registry.threads.erase(execution->handle);
  }
  if (execution->interruptPoint != nullptr) napi_delete_reference(execution->env, execution->interruptPoint);
  if (execution->backgroundPoll != nullptr) napi_delete_reference(execution->env, execution->backgroundPoll);
  if (t_execution == execution) {
    t_execution = nullptr;
    t_threadLimits = {};  // no wasm runs on this thread any more: the V8 word may go away
  }
  delete execution;
}

int64_t ThreadLimitsTlsOffset() {
  int64_t offset = g_tlsOffset.load();
  return offset != 0 ? offset : OffsetFromThreadPointer(&t_threadLimits);
}

uint64_t CurrentThreadHandle() {
  ThreadExecution* execution = t_execution;
  return execution == nullptr ? 0 : execution->handle;
}

void NotifyBackgroundWorkDone(uint64_t handle) {
  if (handle != 0) WakeThread(handle, /*interrupt=*/false, /*backgroundWorkDone=*/true);
}

int32_t CheckBeforeEntry(bool outermost) {
  ThreadExecution* execution = t_execution;
  if (execution == nullptr) return 0;
  // A request that reached no running wasm (fallback word only) is dropped, as V8's callback drops it.
  if (outermost && !execution->v8InterruptWord) execution->interruptRequested.store(false);
  return DeadlineTrap(execution);
}

int32_t TakePendingInterrupt() {
  ThreadExecution* execution = t_execution;
  if (execution == nullptr) return 0;
  if (execution->interruptRequested.exchange(false)) return static_cast<int32_t>(TrapCode::Interrupted);
  return DeadlineTrap(execution);
}

bool IsStackOverflowAddress(uintptr_t address) {
  // A wasm frame larger than kStackSafetyMargin can pass the entry check and still run off
  // the stack: its stack probes (runtime_checks.cc) fault below the limit or past the
  // stack's end. Anything from 1 GiB past the end up to the limit counts.
  uintptr_t lowest = t_stackLowest;
  if (lowest == 0) return false;
  constexpr uintptr_t kBeyondEnd = uintptr_t{1} << 30;
  uintptr_t from = lowest > kBeyondEnd ? lowest - kBeyondEnd : 0;
  return address >= from && address < lowest + kStackSafetyMargin;
}

void InitExecutionLimitsBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("interruptHandle", Napi::Function::New(env, InterruptHandle, "interruptHandle"));
  exports.Set("interruptThread", Napi::Function::New(env, InterruptThread, "interruptThread"));
  exports.Set("pushDeadline", Napi::Function::New(env, PushDeadline, "pushDeadline"));
  exports.Set("popDeadline", Napi::Function::New(env, PopDeadline, "popDeadline"));
  exports.Set("executionLimitsInfo", Napi::Function::New(env, ExecutionLimitsInfo, "executionLimitsInfo"));
  exports.Set("setBackgroundPoll", Napi::Function::New(env, SetBackgroundPoll, "setBackgroundPoll"));
}

}  // namespace wasm_native

using wasm_native::InvokeFrame;
using wasm_native::ThreadExecution;

// wasm_rt_check_slow_preserving: what generated code calls, with LLVM's preserve_mostcc: it
// saves the general-purpose registers the C calling convention lets wasm_rt_check_slow
// clobber (all but r11, which preserve_most leaves as scratch; vector registers are the
// caller's to save under that convention), so the caller keeps its values in any register
// across the call instead of saving callee-saved registers in every function's prologue
// for a call that almost never happens. rdi already holds the argument.
asm(R"(
  .text
  .globl wasm_rt_check_slow_preserving
  .type wasm_rt_check_slow_preserving, @function
  .p2align 4
wasm_rt_check_slow_preserving:
  .cfi_startproc
  pushq %rax
  .cfi_adjust_cfa_offset 8
  pushq %rcx
  .cfi_adjust_cfa_offset 8
  pushq %rdx
  .cfi_adjust_cfa_offset 8
  pushq %rsi
  .cfi_adjust_cfa_offset 8
  pushq %rdi
  .cfi_adjust_cfa_offset 8
  pushq %r8
  .cfi_adjust_cfa_offset 8
  pushq %r9
  .cfi_adjust_cfa_offset 8
  pushq %r10
  .cfi_adjust_cfa_offset 8
  subq $8, %rsp
  .cfi_adjust_cfa_offset 8
  call wasm_rt_check_slow@PLT
  addq $8, %rsp
  .cfi_adjust_cfa_offset -8
  popq %r10
  .cfi_adjust_cfa_offset -8
  popq %r9
  .cfi_adjust_cfa_offset -8
  popq %r8
  .cfi_adjust_cfa_offset -8
  popq %rdi
  .cfi_adjust_cfa_offset -8
  popq %rsi
  .cfi_adjust_cfa_offset -8
  popq %rdx
  .cfi_adjust_cfa_offset -8
  popq %rcx
  .cfi_adjust_cfa_offset -8
  popq %rax
  .cfi_adjust_cfa_offset -8
  ret
  .cfi_endproc
  .size wasm_rt_check_slow_preserving, .-wasm_rt_check_slow_preserving
)");

namespace wasm_native {
bool JavaScriptHasStack(uint64_t stackPointer, uint64_t margin) {
  ThreadExecution* execution = t_execution;
  if (execution == nullptr || execution->limits == nullptr) return false;
  uint64_t limit = execution->v8RealJsLimit != nullptr ? *execution->v8RealJsLimit : execution->limits->stackLimit;
  return stackPointer > limit && stackPointer - limit > margin;
}
}  // namespace wasm_native

extern "C" void wasm_rt_check_slow(uint64_t stackPointer) {
  ThreadExecution* execution = wasm_native::t_execution;
  InvokeFrame* frame = wasm_native::InnermostInvokeFrame();
  if (execution == nullptr || frame == nullptr) wasm_native::Fatal("wasm_rt_check_slow called outside invoke()");
  if (stackPointer < execution->limits->stackLimit) {
    wasm_rt_trap(static_cast<int32_t>(wasm_native::TrapCode::CallStackExhausted));
  }
  if (execution->v8InterruptWord) {
    if (__atomic_load_n(execution->limits->interruptWord, __ATOMIC_RELAXED) > wasm_native::kInterruptThreshold) {
      frame->inHostCall = true;  // JavaScript runs: a fault now is not wasm's
      bool terminating = wasm_native::RunJavaScriptInterrupts(execution);
      frame->inHostCall = false;
      // Nothing to catch: the thread is being torn down; leave every wasm frame.
      if (terminating) siglongjmp(frame->jump, wasm_native::kInvokeHostException);
    }
  } else {
    __atomic_store_n(&execution->limits->fallbackWord, execution->limits->stackLimit, __ATOMIC_RELAXED);
  }
  if (execution->backgroundWorkDone.load(std::memory_order_relaxed)) {
    frame->inHostCall = true;
    bool terminating = wasm_native::RunBackgroundPoll(execution);
    frame->inHostCall = false;
    if (terminating) siglongjmp(frame->jump, wasm_native::kInvokeHostException);
  }
  int32_t trap = wasm_native::TakePendingInterrupt();
  if (trap != 0) wasm_rt_trap(trap);
}
