// Per-environment state of the addon (one per Node.js main thread or worker that loads it):
// the scratch slot buffer that invoke() and host calls share with JavaScript, the host
// call handler, and the constructors of the classes the addon creates itself.
#pragma once

#include <napi.h>
#include <v8.h>

#include <cstdint>

#include "abi.h"

namespace wasm_native {

struct ThreadExecution;
struct FastHostRegistry;

struct AddonData {
  explicit AddonData(napi_env environment) : env(environment) {}
  napi_env env;
  /** Registered by setHostCallHandler() (strong), or empty; called through V8 directly (invoke.cc). */
  v8::Global<v8::Function> hostCallHandler;
  Napi::FunctionReference compiledCodeConstructor;
  Napi::FunctionReference cancellationConstructor;
  /** LinearMemory and Table, for the objects instance_builder.cc creates. */
  Napi::FunctionReference memoryConstructor;
  Napi::FunctionReference tableConstructor;
  /** Numeric JavaScript imports called from C++ (fast_host_calls.cc); created on first use. */
  FastHostRegistry* fastHosts = nullptr;
  /** This thread's execution limits and interrupt state (execution_limits.cc). */
  ThreadExecution* execution = nullptr;
  alignas(16) uint64_t scratch[kScratchSlots] = {};
  /**
   * invokeFromHeader's operands, written by JavaScript as doubles (addresses below 2^53):
   * entry, funcRef, slotCount; and its result: the trap code, or 0.
   */
  alignas(16) double invokeHeader[4] = {};
};

/** The calling thread's AddonData (each thread has at most one Node.js environment). */
AddonData* CurrentAddonData();
void SetCurrentAddonData(AddonData* data);

}  // namespace wasm_native
