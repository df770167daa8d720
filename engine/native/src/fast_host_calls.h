// Host calls without the JavaScript handler (JS API "run a host function", for the common
// signatures): a JavaScript function imported with a signature of numbers only — parameters
// i32, i64, f32, f64 and at most one such result — is called from C++ through V8 directly,
// its arguments made from the wasm slots and its result converted with V8's own ToInt32,
// ToNumber and ToBigInt. Everything else (references, v128, several results, lazy stubs and
// tier-up calls) still goes to the JavaScript handler (engine/runtime/calls.ts).
// docs/RATIONALE.md, "Why are numeric host calls made from C++?".
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace wasm_native {

struct AddonData;

/** What TryFastHostCall did. */
enum class FastHostCall {
  kNotRegistered,  // no fast entry for this hostId: use the JavaScript handler
  kReturned,       // called; the result (if any) is in slots[0]
  kThrew,          // the function (or a conversion) threw, or JavaScript cannot run: unwind
};

/**
 * Registers the fast entries of an instance's imported functions: `callables[i]` (a function,
 * or undefined when import i is not a JavaScript function) gets hostId hostIdBase + i when its
 * signature in `signatures` qualifies. `signatures`, per imported function in order: 0xff
 * (not eligible), or n, n parameter kinds, the result kind (ValueKind below). The entries are
 * dropped once `vmctxBuffer` (the instance's vmctx ArrayBuffer) has been collected. Returns
 * false with a JavaScript exception pending when the arguments are malformed.
 */
bool RegisterFastHostFunctions(Napi::Env env, napi_value vmctxBuffer, uint64_t hostIdBase, const Napi::Value& callables,
                               const uint8_t* signatures, size_t signatureBytes);

/** Calls hostId's function if it has a fast entry; slots hold its arguments and get its result. */
FastHostCall TryFastHostCall(AddonData* addon, uint64_t hostId, uint64_t* slots);

/** Frees every fast entry of the environment (at its teardown). */
void DeleteFastHostRegistry(AddonData* addon);

/** Exports fastHostFunctionCount() (for tests: entries registered and not yet dropped). */
void InitFastHostCallsBinding(Napi::Env env, Napi::Object exports);

}  // namespace wasm_native
