// The addon's compile threads: a FIFO queue and a fixed set of workers with 64 MiB stacks,
// created on the first job and never destroyed (a job may still be running when Node exits;
// the process ends it). A thread that cannot start is an error for the compile that needed
// it, never an abort of the process. See compile_pool.h and docs/RATIONALE.md ("Why our own compile
// thread pool?").

#include "compile_pool.h"

#include <pthread.h>
#include <sched.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <thread>
#include <utility>

#include "threads.h"

namespace wasm_native {

void CompileCancellation::Cancel(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (cancelled_.load(std::memory_order_relaxed)) return;
  reason_ = reason;
  cancelled_.store(true, std::memory_order_release);
}

void CompileCancellation::SetDeadline(Clock::time_point deadline, const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    deadlineReason_ = reason;
  }
  int64_t nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
  deadlineNanoseconds_.store(nanoseconds, std::memory_order_release);
}

bool CompileCancellation::IsCancelled() {
  if (cancelled_.load(std::memory_order_acquire)) return true;
  int64_t deadline = deadlineNanoseconds_.load(std::memory_order_acquire);
  if (deadline == INT64_MAX) return false;
  int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
  if (now < deadline) return false;
  std::string reason;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    reason = deadlineReason_;
  }
  Cancel(reason);
  return true;
}

std::string CompileCancellation::Reason() {
  std::lock_guard<std::mutex> lock(mutex_);
  return reason_;
}

namespace {

unsigned UsableCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) return static_cast<unsigned>(count);
  }
  unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? hardware : 1;
}

class CompilePool {
 public:
  /** Starts up to `threads` workers; those that cannot start are left out (Submit retries when none did). */
  explicit CompilePool(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) {
      if (StartThread(&CompilePool::WorkerMain, this, kCompileThreadStackBytes) == 0) ++threads_;
    }
  }

  bool Submit(std::function<void()> job, std::string* error) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (threads_ == 0) {
        // No worker could start so far: try once more (the new one waits for this lock).
        int failed = StartThread(&CompilePool::WorkerMain, this, kCompileThreadStackBytes);
        if (failed != 0) {
          *error = ThreadStartError("a compile thread", failed);
          return false;
        }
        ++threads_;
      }
      queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
  }

  CompilePoolStats Stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {threads_, queue_.size(), running_, completed_};
  }

 private:
  static void* WorkerMain(void* self) {
    static_cast<CompilePool*>(self)->Work();
    return nullptr;
  }

  void Work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return !queue_.empty(); });
        job = std::move(queue_.front());
        queue_.pop_front();
        ++running_;
      }
      job();
      job = nullptr;  // release what the job holds before counting it done
      std::lock_guard<std::mutex> lock(mutex_);
      --running_;
      ++completed_;
    }
  }

  unsigned threads_ = 0;  // started; guarded by mutex_ after construction
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  size_t running_ = 0;
  size_t completed_ = 0;
};

std::once_flag g_poolOnce;
std::atomic<CompilePool*> g_pool{nullptr};  // never destroyed: workers may be busy at exit

CompilePool& Pool() {
  std::call_once(g_poolOnce, [] { g_pool.store(new CompilePool(CompileThreadCount())); });
  return *g_pool.load();
}

}  // namespace

unsigned CompileThreadCount() {
  const char* configured = std::getenv("WASM_LLVM_COMPILE_THREADS");
  if (configured != nullptr && *configured != '\0') {
    char* end = nullptr;
    long count = std::strtol(configured, &end, 10);
    if (*end == '\0' && count >= 1 && count <= 256) return static_cast<unsigned>(count);
    std::fprintf(stderr, "wasm_llvm_native: ignoring WASM_LLVM_COMPILE_THREADS=%s (want 1-256)\n", configured);
  }
  return UsableCores();
}

bool SubmitCompileJob(std::function<void()> job, std::string* error) { return Pool().Submit(std::move(job), error); }

bool CompilePoolStarted() { return g_pool.load() != nullptr; }

bool RunOnCompileStack(const std::function<void()>& job, std::string* error) {
  struct Run {
    const std::function<void()>* job;
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
  } run;
  run.job = &job;
  int failed = StartThread(
      [](void* argument) -> void* {
        auto* run = static_cast<Run*>(argument);
        (*run->job)();
        std::lock_guard<std::mutex> lock(run->mutex);
        run->done = true;
        run->finished.notify_one();  // under the lock: `run` dies once the waiter sees done
        return nullptr;
      },
      &run, kCompileThreadStackBytes);
  if (failed != 0) {
    *error = ThreadStartError("a compile thread", failed);
    return false;
  }
  std::unique_lock<std::mutex> lock(run.mutex);
  run.finished.wait(lock, [&run] { return run.done; });
  return true;
}

CompilePoolStats GetCompilePoolStats() {
  CompilePool* pool = g_pool.load();
  return pool == nullptr ? CompilePoolStats{} : pool->Stats();
}

}  // namespace wasm_native
