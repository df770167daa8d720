// Per-thread execution limits of generated code: the stack limit and the interrupt word
// that function entries and loop back-edges check (runtime_checks.cc inserts the checks),
// and what happens when a check fails (wasm_rt_check_slow): a stack-exhaustion trap, V8's
// own interrupts (worker.terminate(), process.exit(), garbage collection requests), or an
// interruption asked for through our API (interruptThread, deadlines).
#pragma once

#include <napi.h>

#include <cstdint>

#include "abi.h"

namespace wasm_native {

struct ThreadExecution;

/** Creates the calling thread's state (from the addon's Init, on the environment's thread). */
ThreadExecution* CreateThreadExecution(napi_env env);
/** At environment teardown: unregisters the thread (no interrupt can reach it after this). */
void DestroyThreadExecution(ThreadExecution* execution);

/** Before invoke() enters wasm: 0, or the trap code to return at once (a deadline that has passed). */
int32_t CheckBeforeEntry(bool outermost);
/** After a host call returned to wasm: 0, or the trap code an interrupt request left pending. */
int32_t TakePendingInterrupt();
/**
 * Whether JavaScript could run here with `margin` bytes of stack to spare: above V8's real
 * JavaScript stack limit (or, without V8's word, the thread's wasm stack limit).
 */
bool JavaScriptHasStack(uint64_t stackPointer, uint64_t margin);

/** The calling thread's interrupt handle (interruptHandle()), or 0 if it has no execution state. */
uint64_t CurrentThreadHandle();
/**
 * From any thread: background work the thread `handle` started has finished. Its next
 * failing check (made to fail now, as by interruptThread, but without interrupting) calls
 * the thread's background-poll function (setBackgroundPoll) once; a thread that is gone or
 * has no such function is left alone.
 */
void NotifyBackgroundWorkDone(uint64_t handle);

/** Async-signal-safe: whether a fault at `address` is wasm code running off this thread's stack. */
bool IsStackOverflowAddress(uintptr_t address);

/** Exports interruptHandle, interruptThread, pushDeadline, popDeadline, executionLimitsInfo, setBackgroundPoll. */
void InitExecutionLimitsBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native

extern "C" {
/**
 * Called by generated code when an entry check (sp < stackLimit, or the interrupt word set)
 * or a back-edge check (the interrupt word set) fails. Traps with CallStackExhausted,
 * Interrupted or DeadlineExceeded (siglongjmp), unwinds for a terminating JavaScript
 * environment, or returns so that the code continues.
 */
void wasm_rt_check_slow(uint64_t stackPointer);
}
