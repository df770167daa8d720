// The wasm_llvm_native addon: module initialisation, and the ABI self-description that
// engine/native/abi.test.ts compares with engine/abi/abi.ts and trap-codes.ts.
// Each concern lives in its own file: llvm_compiler.cc + compile_binding.cc (LLVM, ORC),
// memory.cc, table.cc, raw_block.cc, instance_builder.cc (an instance's vmctx, memories,
// tables and segments in one call), invoke.cc (calls, traps), signals.cc (faults),
// execution_limits.cc (stack limit, interrupts), type_registry.cc (call_indirect type ids),
// runtime_checks.cc (the LLVM pass that inserts the stack and interrupt checks),
// wasi_fs.cc (engine/wasi's path operations beneath directory descriptors), and
// body_validator.cc (function bodies validated in C++ for validate() and lazy compiles).
// The typed JavaScript surface is engine/native/addon.ts.

#include <napi.h>

#include <cstddef>

#include "abi.h"
#include "addon_data.h"
#include "baseline_binding.h"
#include "body_validator.h"
#include "cache_lookup.h"
#include "compile_binding.h"
#include "execution_limits.h"
#include "fast_host_calls.h"
#include "instance_builder.h"
#include "invoke.h"
#include "machine_code.h"
#include "memory.h"
#include "raw_block.h"
#include "signals.h"
#include "table.h"
#include "trap_codes.h"
#include "type_registry.h"
#include "wasi_fs.h"

namespace wasm_native {
namespace {

Napi::Object Layout(Napi::Env env, std::initializer_list<std::pair<const char*, size_t>> fields) {
  Napi::Object object = Napi::Object::New(env);
  for (const auto& field : fields) object.Set(field.first, static_cast<double>(field.second));
  return object;
}

/** Sizes and offsets of the C++ structs, named as in abi.ts. */
Napi::Value AbiLayout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("MemoryDefinition", Layout(env, {{"size", sizeof(MemoryDefinition)},
                                              {"base", offsetof(MemoryDefinition, base)},
                                              {"byteLength", offsetof(MemoryDefinition, byteLength)},
                                              {"maxByteLength", offsetof(MemoryDefinition, maxByteLength)}}));
  layout.Set("TableDefinition", Layout(env, {{"size", sizeof(TableDefinition)},
                                             {"elements", offsetof(TableDefinition, elements)},
                                             {"length", offsetof(TableDefinition, length)},
                                             {"maximum", offsetof(TableDefinition, maximum)}}));
  layout.Set("FuncRef", Layout(env, {{"size", sizeof(FuncRef)},
                                     {"code", offsetof(FuncRef, code)},
                                     {"typeId", offsetof(FuncRef, typeId)},
                                     {"vmctx", offsetof(FuncRef, vmctx)}}));
  layout.Set("ThreadLimits", Layout(env, {{"size", sizeof(ThreadLimits)},
                                          {"stackLimit", offsetof(ThreadLimits, stackLimit)},
                                          {"interruptWord", offsetof(ThreadLimits, interruptWord)}}));
  layout.Set("INTERRUPT_THRESHOLD", Napi::BigInt::New(env, kInterruptThreshold));
  layout.Set("HostFunctionContext", Layout(env, {{"size", sizeof(HostFunctionContext)},
                                                 {"hostId", offsetof(HostFunctionContext, hostId)},
                                                 {"paramSlots", offsetof(HostFunctionContext, paramSlots)},
                                                 {"resultSlots", offsetof(HostFunctionContext, resultSlots)}}));
  layout.Set("WASM_PAGE_BYTES", static_cast<double>(kWasmPageBytes));
  layout.Set("WASM_MAX_PAGES", static_cast<double>(kWasmMaxPages));
  layout.Set("MEMORY_RESERVATION_BYTES", static_cast<double>(kMemoryReservationBytes));
  layout.Set("SLOT_BYTES", static_cast<double>(kSlotBytes));
  layout.Set("SCRATCH_BYTES", static_cast<double>(kScratchBytes));
  return layout;
}

/** TrapCode names → values from trap_codes.h, plus INVOKE_OK and INVOKE_HOST_EXCEPTION. */
Napi::Value TrapCodes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object codes = Napi::Object::New(env);
#define WASM_NATIVE_TRAP_ENTRY(name, value) codes.Set(#name, static_cast<double>(TrapCode::name));
  WASM_NATIVE_TRAP_CODES(WASM_NATIVE_TRAP_ENTRY)
#undef WASM_NATIVE_TRAP_ENTRY
  codes.Set("INVOKE_OK", static_cast<double>(kInvokeOk));
  codes.Set("INVOKE_HOST_EXCEPTION", static_cast<double>(kInvokeHostException));
  return codes;
}

void DeleteAddonData(Napi::Env, AddonData* data) {
  DeleteFastHostRegistry(data);
  DestroyThreadExecution(data->execution);
  if (CurrentAddonData() == data) SetCurrentAddonData(nullptr);
  delete data;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData(env);
  env.SetInstanceData<AddonData, DeleteAddonData>(data);
  SetCurrentAddonData(data);
  data->execution = CreateThreadExecution(env);
  InstallSignalHandlers();
  InitCompileBinding(env, exports);
  InitMemoryBinding(env, exports);
  InitTableBinding(env, exports);
  InitRawBlockBinding(env, exports);
  InitInstanceBuilderBinding(env, exports);
  InitMachineCodeBinding(env, exports);
  InitInvokeBinding(env, exports);
  InitFastHostCallsBinding(env, exports);
  InitExecutionLimitsBinding(env, exports);
  InitTypeRegistryBinding(env, exports);
  InitWasiFsBinding(env, exports);
  InitBodyValidatorBinding(env, exports);
  InitCacheLookupBinding(env, exports);
  InitBaselineBinding(env, exports);
  exports.Set("abiLayout", Napi::Function::New(env, AbiLayout, "abiLayout"));
  exports.Set("trapCodes", Napi::Function::New(env, TrapCodes, "trapCodes"));
  return exports;
}

}  // namespace
}  // namespace wasm_native

static Napi::Object InitWasmLlvmNative(Napi::Env env, Napi::Object exports) { return wasm_native::Init(env, exports); }

NODE_API_MODULE(wasm_llvm_native, InitWasmLlvmNative)
