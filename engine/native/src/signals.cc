// SIGSEGV/SIGBUS handling for guard-page traps (docs/ARCHITECTURE.md §4).
//
// Generated code never bounds-checks linear-memory accesses: an access past the accessible
// size lands in the PROT_NONE part of the memory's 8 GiB reservation and faults. The handler
// turns such a fault into TrapCode::MemoryOutOfBounds by siglongjmp to the innermost invoke()
// of the faulting thread — but only when (1) the thread is inside an invoke, (2) that invoke
// is running wasm code rather than a JavaScript host function, and (3) the address lies in a
// live reservation. Every other fault is passed to the handler that was installed before us
// (Node.js/V8's WebAssembly trap handler, whose own faults must keep working), and a fault
// nobody claims ends the process as it would have without us.
//
// Handlers run on a per-thread alternate stack (SA_ONSTACK), so that even a fault caused by
// running out of stack can be handled: stack exhaustion is caught earlier, by the stack-limit
// check at function entries (execution_limits.cc), except for a frame larger than the safety
// margin, whose stack probe faults below the limit or past the stack's end: that becomes
// TrapCode::CallStackExhausted.
//
// SA_NODEFER with an empty sa_mask: the kernel then runs the handler with the very signal
// mask the faulting code had, so leaving the handler by siglongjmp leaves the mask as it was
// and invoke() need not save and restore it (sigsetjmp(…, 0)): saving it costs a
// rt_sigprocmask system call, ~440 ns here, on every call from JavaScript into wasm.

#include "signals.h"

#include <signal.h>
#include <stdlib.h>

#include <cstdint>
#include <mutex>

#include "execution_limits.h"
#include "invoke.h"
#include "memory.h"
#include "trap_codes.h"

namespace wasm_native {
namespace {

struct sigaction g_previousSegv;
struct sigaction g_previousBus;
std::once_flag g_installOnce;

/** 64 KiB: glibc's SIGSTKSZ can be as small as 8 KiB, too little for chained handlers. */
constexpr size_t kSignalStackBytes = 64 * 1024;

/** Frees this thread's alternate stack at thread exit (after disabling it). */
struct ThreadSignalStack {
  void* memory = nullptr;
  ~ThreadSignalStack() {
    if (!memory) return;
    stack_t disable = {};
    disable.ss_flags = SS_DISABLE;
    sigaltstack(&disable, nullptr);
    free(memory);
  }
};
thread_local ThreadSignalStack t_signalStack;
thread_local bool t_signalStackChecked = false;

void ChainToPreviousHandler(int signal, siginfo_t* info, void* context) {
  const struct sigaction& previous = signal == SIGSEGV ? g_previousSegv : g_previousBus;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(signal, info, context);
    return;
  }
  if (previous.sa_handler == SIG_DFL || previous.sa_handler == SIG_IGN) {
    // Restore the default action and return: the faulting instruction runs again and the
    // process ends with the signal (core dump, exit status) as if we had never been here.
    struct sigaction fallback = {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal, &fallback, nullptr);
    if (info->si_code <= 0) raise(signal);  // sent by kill(): it would not recur by itself
    return;
  }
  previous.sa_handler(signal);
}

void HandleFault(int signal, siginfo_t* info, void* context) {
  InvokeFrame* frame = InnermostInvokeFrame();
  if (frame != nullptr && !frame->inHostCall) {
    uintptr_t address = reinterpret_cast<uintptr_t>(info->si_addr);
    if (IsInsideLiveMemory(address)) siglongjmp(frame->jump, static_cast<int>(TrapCode::MemoryOutOfBounds));
    if (IsStackOverflowAddress(address)) siglongjmp(frame->jump, static_cast<int>(TrapCode::CallStackExhausted));
  }
  ChainToPreviousHandler(signal, info, context);
}

void Install() {
  struct sigaction action = {};
  action.sa_sigaction = HandleFault;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, &g_previousSegv);
  sigaction(SIGBUS, &action, &g_previousBus);
}

}  // namespace

void InstallSignalHandlers() { std::call_once(g_installOnce, Install); }

void EnsureSignalStack() {
  if (t_signalStackChecked) return;
  t_signalStackChecked = true;
  stack_t current = {};
  if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) &&
      current.ss_size >= kSignalStackBytes) {
    return;  // the thread already has a big enough one (installed by someone else)
  }
  void* memory = malloc(kSignalStackBytes);
  if (!memory) return;
  stack_t stack = {};
  stack.ss_sp = memory;
  stack.ss_size = kSignalStackBytes;
  stack.ss_flags = 0;
  if (sigaltstack(&stack, nullptr) != 0) {
    free(memory);
    return;
  }
  t_signalStack.memory = memory;
}

}  // namespace wasm_native
