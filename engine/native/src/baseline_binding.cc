// Baseline compile, the binding (baseline_compiler.h): createBaselineModule(description)
// describes a module once (engine/baseline/native-baseline.ts builds the description) and
// compileBaselineUnit(handle, functions) compiles one code unit on the calling thread,
// giving { bytes, offsets, tableOffset, osrCandidates } (BaselineUnitCode), or undefined
// when the unit is not for the baseline (it goes to LLVM).
#include "baseline_binding.h"

#include <string>
#include <utility>
#include <vector>

#include "baseline_compiler.h"
#include "napi_checked.h"

namespace wasm_native {
namespace {

/** The handle JavaScript holds: the description, and the module's bytes it borrows. */
struct BaselineModuleHandle {
  baseline::BaselineModule module;
  Napi::Reference<Napi::Uint8Array> bytes;
};

/** Tags the handle, so that no other External passes for one. */
constexpr napi_type_tag kHandleTag = {0x6261736531696e65ull, 0x6d6f64756c650001ull};

void FinalizeHandle(Napi::Env, BaselineModuleHandle* handle) { delete handle; }

/** A Uint32Array/Int32Array/Uint8Array field of the description, or false (a TypeError is pending). */
template <typename Array>
bool ReadArray(Napi::Env env, Napi::Object description, const char* name, napi_typedarray_type type, Array* out) {
  Napi::Value value = description.Get(name);
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    Napi::TypeError::New(env, std::string("createBaselineModule: description.") + name + " is not the typed array expected").ThrowAsJavaScriptException();
    return false;
  }
  *out = value.As<Array>();
  return true;
}

bool ReadNumber(Napi::Env env, Napi::Object description, const char* name, int64_t low, int64_t high, int64_t* out) {
  Napi::Value value = description.Get(name);
  if (!value.IsNumber()) {
    Napi::TypeError::New(env, std::string("createBaselineModule: description.") + name + " is not a number").ThrowAsJavaScriptException();
    return false;
  }
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= static_cast<double>(low) && number <= static_cast<double>(high)) || number != static_cast<double>(static_cast<int64_t>(number))) {
    Napi::RangeError::New(env, std::string("createBaselineModule: description.") + name + " is out of range").ThrowAsJavaScriptException();
    return false;
  }
  *out = static_cast<int64_t>(number);
  return true;
}

void ThrowMalformed(Napi::Env env, const char* what) {
  Napi::RangeError::New(env, std::string("createBaselineModule: malformed description (") + what + ")").ThrowAsJavaScriptException();
}

/**
 * createBaselineModule({ bytes, tiered, tlsOffset, importedFunctionCount, importedGlobalCount,
 * memoryCount, types, functionTypeIndices, bodies, locals, globalTypes, offsets }):
 * - types: Uint8Array, per type [paramCount (u32 LE), ...params, resultCount (u32 LE), ...results];
 * - bodies: Uint32Array, per defined function [codeStart, end, localGroupCount];
 * - locals: Uint32Array, the groups of all bodies in order, [count, type] each;
 * - offsets: Int32Array, VmctxOffsets's fields in declaration order.
 */
Napi::Value CreateBaselineModule(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) {
    Napi::TypeError::New(env, "createBaselineModule(description: object)").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  Napi::Object description = info[0].As<Napi::Object>();
  Napi::Uint8Array bytes, types, globalTypes;
  Napi::Uint32Array functionTypeIndices, bodies, locals;
  Napi::Int32Array offsets;
  int64_t tlsOffset, importedFunctionCount, importedGlobalCount, memoryCount;
  if (!ReadArray(env, description, "bytes", napi_uint8_array, &bytes) || !ReadArray(env, description, "types", napi_uint8_array, &types) ||
      !ReadArray(env, description, "globalTypes", napi_uint8_array, &globalTypes) ||
      !ReadArray(env, description, "functionTypeIndices", napi_uint32_array, &functionTypeIndices) ||
      !ReadArray(env, description, "bodies", napi_uint32_array, &bodies) || !ReadArray(env, description, "locals", napi_uint32_array, &locals) ||
      !ReadArray(env, description, "offsets", napi_int32_array, &offsets) ||
      !ReadNumber(env, description, "tlsOffset", INT32_MIN, INT32_MAX, &tlsOffset) ||
      !ReadNumber(env, description, "importedFunctionCount", 0, UINT32_MAX, &importedFunctionCount) ||
      !ReadNumber(env, description, "importedGlobalCount", 0, UINT32_MAX, &importedGlobalCount) ||
      !ReadNumber(env, description, "memoryCount", 0, UINT32_MAX, &memoryCount)) {
    return Napi::Value();
  }

  auto* handle = new BaselineModuleHandle();
  baseline::BaselineModule& module = handle->module;
  module.bytes = bytes.Data();
  module.byteLength = bytes.ByteLength();
  // Read once and checked: a failed Get (a thread being terminated) is an empty value, and
  // converting one is a fatal error in node-addon-api (napi_checked.h).
  Napi::Value tiered = description.Get("tiered");
  if (tiered.IsEmpty()) {
    delete handle;
    return Napi::Value();
  }
  module.tiered = tiered.IsBoolean() && tiered.As<Napi::Boolean>().Value();
  module.tlsOffset = static_cast<int32_t>(tlsOffset);
  module.importedFunctionCount = static_cast<uint32_t>(importedFunctionCount);
  module.importedGlobalCount = static_cast<uint32_t>(importedGlobalCount);
  module.memoryCount = static_cast<uint32_t>(memoryCount);

  // Types: [paramCount u32 LE, params…, resultCount u32 LE, results…] one after another.
  const uint8_t* typeBytes = types.Data();
  size_t typeLength = types.ByteLength();
  size_t at = 0;
  auto readCount = [&](uint32_t* count) {
    if (typeLength - at < 4) return false;
    *count = static_cast<uint32_t>(typeBytes[at]) | static_cast<uint32_t>(typeBytes[at + 1]) << 8 | static_cast<uint32_t>(typeBytes[at + 2]) << 16 |
             static_cast<uint32_t>(typeBytes[at + 3]) << 24;
    at += 4;
    return *count <= typeLength - at;
  };
  while (at < typeLength) {
    baseline::FuncType type;
    uint32_t count;
    if (!readCount(&count)) {
      delete handle;
      ThrowMalformed(env, "types");
      return Napi::Value();
    }
    type.params.assign(typeBytes + at, typeBytes + at + count);
    at += count;
    if (!readCount(&count)) {
      delete handle;
      ThrowMalformed(env, "types");
      return Napi::Value();
    }
    type.results.assign(typeBytes + at, typeBytes + at + count);
    at += count;
    module.types.push_back(std::move(type));
  }

  module.functionTypeIndices.assign(functionTypeIndices.Data(), functionTypeIndices.Data() + functionTypeIndices.ElementLength());
  for (uint32_t typeIndex : module.functionTypeIndices) {
    if (typeIndex >= module.types.size()) {
      delete handle;
      ThrowMalformed(env, "functionTypeIndices");
      return Napi::Value();
    }
  }
  if (module.importedFunctionCount > module.functionTypeIndices.size() || bodies.ElementLength() % 3 != 0 ||
      bodies.ElementLength() / 3 != module.functionTypeIndices.size() - module.importedFunctionCount || locals.ElementLength() % 2 != 0) {
    delete handle;
    ThrowMalformed(env, "bodies");
    return Napi::Value();
  }
  const uint32_t* body = bodies.Data();
  const uint32_t* group = locals.Data();
  size_t groupsLeft = locals.ElementLength() / 2;
  module.bodies.resize(bodies.ElementLength() / 3);
  for (baseline::FunctionBody& out : module.bodies) {
    out.codeStart = body[0];
    out.end = body[1];
    uint32_t groups = body[2];
    body += 3;
    if (out.codeStart > out.end || out.end > module.byteLength || groups > groupsLeft) {
      delete handle;
      ThrowMalformed(env, "bodies");
      return Napi::Value();
    }
    for (uint32_t i = 0; i < groups; i++, group += 2) out.locals.emplace_back(group[0], static_cast<uint8_t>(group[1]));
    groupsLeft -= groups;
  }

  module.globalTypes.assign(globalTypes.Data(), globalTypes.Data() + globalTypes.ByteLength());
  if (module.importedGlobalCount > module.globalTypes.size()) {
    delete handle;
    ThrowMalformed(env, "globals");
    return Napi::Value();
  }

  constexpr size_t kOffsetFields = 10;
  if (offsets.ElementLength() != kOffsetFields) {
    delete handle;
    ThrowMalformed(env, "offsets");
    return Napi::Value();
  }
  const int32_t* o = offsets.Data();
  module.offsets = baseline::VmctxOffsets{o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9]};

  handle->bytes = Napi::Persistent(bytes);
  Napi::External<BaselineModuleHandle> external = Napi::External<BaselineModuleHandle>::New(env, handle, FinalizeHandle);
  external.TypeTag(&kHandleTag);
  return external;
}

/** compileBaselineUnit(handle, functions: Uint32Array): BaselineUnitCode, or undefined (declined). */
Napi::Value CompileBaselineUnitBinding(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsExternal() || !info[0].As<Napi::Object>().CheckTypeTag(&kHandleTag) || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    Napi::TypeError::New(env, "compileBaselineUnit(handle: from createBaselineModule, functions: Uint32Array)").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  const baseline::BaselineModule& module = info[0].As<Napi::External<BaselineModuleHandle>>().Data()->module;
  Napi::Uint32Array functions = info[1].As<Napi::Uint32Array>();
  for (size_t i = 0; i < functions.ElementLength(); i++) {
    uint32_t functionIndex = functions[i];
    if (functionIndex < module.importedFunctionCount || functionIndex >= module.functionTypeIndices.size()) {
      Napi::RangeError::New(env, "compileBaselineUnit: function " + std::to_string(functionIndex) + " is not a defined function").ThrowAsJavaScriptException();
      return Napi::Value();
    }
  }
  baseline::BaselineUnitCode unit;
  std::string error;
  switch (baseline::CompileBaselineUnit(module, functions.Data(), functions.ElementLength(), &unit, &error)) {
    case baseline::BaselineStatus::kDeclined:
      return env.Undefined();
    case baseline::BaselineStatus::kError:
      Napi::Error::New(env, "internal error in the baseline compiler: " + error).ThrowAsJavaScriptException();
      return Napi::Value();
    case baseline::BaselineStatus::kCompiled:
      break;
  }
  Napi::Object result = Napi::Object::New(env);
  Napi::Uint8Array bytes = NewTypedArrayOf<uint8_t>(env, unit.bytes);
  Napi::Uint32Array offsets = NewTypedArrayOf<uint32_t>(env, unit.offsets);
  Napi::Uint32Array osrCandidates = NewTypedArrayOf<uint32_t>(env, unit.osrCandidates);
  if (result.IsEmpty() || bytes.IsEmpty() || offsets.IsEmpty() || osrCandidates.IsEmpty()) return Napi::Value();
  result.Set("bytes", bytes);
  result.Set("offsets", offsets);
  result.Set("tableOffset", Napi::Number::New(env, unit.tableOffset));
  result.Set("osrCandidates", osrCandidates);
  return result;
}

}  // namespace

void InitBaselineBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("createBaselineModule", Napi::Function::New(env, CreateBaselineModule, "createBaselineModule"));
  exports.Set("compileBaselineUnit", Napi::Function::New(env, CompileBaselineUnitBinding, "compileBaselineUnit"));
}

}  // namespace wasm_native
