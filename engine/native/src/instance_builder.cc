// Instantiation's native part (Core spec §4.5.4 "Instantiation", the steps that need no
// JavaScript): one call makes an instance's vmctx from its module's template, its defined
// memories and tables, and — when the module's plan says they cannot trap — applies its
// active segments. engine/runtime/instance-plan.ts writes the plan (once per module) and
// engine/runtime/instantiation.ts does the rest: imports, exports, the JavaScript objects.
//
// buildInstance(template: Uint8Array, plan: Uint32Array, funcRefOffsets: Uint32Array,
//               hostIdBase: number, hostCallables?: (Function | undefined)[],
//               hostSignatures?: Uint8Array) → [vmctx block, ...memories, ...tables]
//
// The vmctx block is a raw block (raw_block.cc) of the template's size holding a copy of the
// template; the memories and tables are LinearMemory and Table objects, as JavaScript's
// `new` makes them. The plan, in 32-bit words (instance-plan.ts writes the same order):
//   [0] relocations R   [1] host contexts H   [2] host contexts' offset
//   [3] memories M      [4] tables T          [5] element writes E
//   [6] data copies D   [7, 8] the data plan's address (low, high)
//   R × { offset, addend }                  the u64 at offset becomes vmctx + addend
//   M × { initial, maximum, pointer }       pages (maximum 0xffffffff: none); the vmctx
//                                           field at `pointer` gets the MemoryDefinition
//   T × { initial, maximum, pointer }       elements, as for memories
//   E × { table, start, from, to }          elements start.. of the plan's table `table`
//                                           become vmctx + funcRefOffsets[from, to)
// Host context i (at hostContexts' offset + 24 i) gets hostId hostIdBase + i; the template
// holds its slot counts. The D data copies are { destination, source, length } u64 triples
// at the data plan's address, copied into the first memory. Everything is bounds-checked
// here (an internal error, not a trap: the plan is only given segments that fit).
// hostCallables and hostSignatures register the imported JavaScript functions whose
// signatures are numbers only for host calls from C++ (fast_host_calls.h).

#include "instance_builder.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "abi.h"
#include "fast_host_calls.h"
#include "memory.h"
#include "raw_block.h"
#include "table.h"

namespace wasm_native {
namespace {

constexpr uint32_t kNoMaximum = 0xffffffffu;
constexpr size_t kHeaderWords = 9;

Napi::Value Fail(Napi::Env env, const char* message) {
  Napi::Error::New(env, std::string("buildInstance: internal error: ") + message).ThrowAsJavaScriptException();
  return Napi::Value();
}

bool IsUint32Array(const Napi::Value& value) {
  return value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint32_array;
}

Napi::Value BuildInstance(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      !IsUint32Array(info[1]) || !IsUint32Array(info[2]) || !info[3].IsNumber()) {
    Napi::TypeError::New(env, "buildInstance(template: Uint8Array, plan: Uint32Array, funcRefOffsets: Uint32Array, hostIdBase: number)")
        .ThrowAsJavaScriptException();
    return Napi::Value();
  }
  Napi::Uint8Array templateBytes = info[0].As<Napi::Uint8Array>();
  Napi::Uint32Array planArray = info[1].As<Napi::Uint32Array>();
  Napi::Uint32Array funcRefArray = info[2].As<Napi::Uint32Array>();
  const uint32_t* plan = planArray.Data();
  size_t planWords = planArray.ElementLength();
  const uint32_t* funcRefOffsets = funcRefArray.Data();
  size_t funcRefCount = funcRefArray.ElementLength();
  uint64_t hostIdBase = static_cast<uint64_t>(info[3].As<Napi::Number>().DoubleValue());
  if (planWords < kHeaderWords) return Fail(env, "the plan has no header");
  uint32_t relocations = plan[0], hostContexts = plan[1], hostContextsOffset = plan[2];
  uint32_t memories = plan[3], tables = plan[4], elementWrites = plan[5], dataCopies = plan[6];
  const auto* dataPlan = reinterpret_cast<const uint64_t*>(static_cast<uintptr_t>(plan[7]) | (static_cast<uintptr_t>(plan[8]) << 32));
  size_t needed = kHeaderWords + 2 * size_t{relocations} + 3 * size_t{memories} + 3 * size_t{tables} + 4 * size_t{elementWrites};
  if (planWords != needed) return Fail(env, "the plan's length does not match its header");
  if (dataCopies > 0 && (memories == 0 || dataPlan == nullptr)) return Fail(env, "data copies without a memory");

  size_t size = templateBytes.ByteLength();
  auto fits = [size](uint64_t offset, uint64_t bytes) { return offset <= size && bytes <= size - offset; };
  if (!fits(hostContextsOffset, uint64_t{hostContexts} * sizeof(HostFunctionContext))) return Fail(env, "host contexts outside the vmctx");

  uint8_t* vmctx = nullptr;
  napi_value vmctxBuffer = nullptr;
  Napi::Value block = NewRawBlock(env, size, &vmctx, &vmctxBuffer);
  if (block.IsEmpty()) return Napi::Value();
  std::memcpy(vmctx, templateBytes.Data(), size);
  auto writeWord = [vmctx](uint64_t offset, uint64_t value) { std::memcpy(vmctx + offset, &value, sizeof value); };
  const uint64_t base = reinterpret_cast<uint64_t>(vmctx);

  const uint32_t* word = plan + kHeaderWords;
  for (uint32_t i = 0; i < relocations; ++i, word += 2) {
    if (!fits(word[0], 8) || word[1] > size) return Fail(env, "a relocation outside the vmctx");
    writeWord(word[0], base + word[1]);
  }
  for (uint32_t i = 0; i < hostContexts; ++i) {
    writeWord(hostContextsOffset + uint64_t{i} * sizeof(HostFunctionContext) + offsetof(HostFunctionContext, hostId), hostIdBase + i);
  }

  Napi::Array result = Napi::Array::New(env, 1 + memories + tables);
  result.Set(uint32_t{0}, block);
  MemoryDefinition* firstMemory = nullptr;
  for (uint32_t i = 0; i < memories; ++i, word += 3) {
    if (!fits(word[2], 8)) return Fail(env, "a memory pointer outside the vmctx");
    MemoryDefinition* definition = nullptr;
    Napi::Object memory = NewLinearMemoryObject(env, word[0], word[1] == kNoMaximum ? -1 : int64_t{word[1]}, &definition);
    if (memory.IsEmpty()) return Napi::Value();
    writeWord(word[2], reinterpret_cast<uint64_t>(definition));
    if (i == 0) firstMemory = definition;
    result.Set(1 + i, memory);
  }
  std::vector<TableDefinition*> tableDefinitions(tables);
  for (uint32_t i = 0; i < tables; ++i, word += 3) {
    if (!fits(word[2], 8)) return Fail(env, "a table pointer outside the vmctx");
    Napi::Object table = NewTableObject(env, word[0], word[1] == kNoMaximum ? -1 : int64_t{word[1]}, &tableDefinitions[i]);
    if (table.IsEmpty()) return Napi::Value();
    writeWord(word[2], reinterpret_cast<uint64_t>(tableDefinitions[i]));
    result.Set(1 + memories + i, table);
  }

  // Active segments, elements first (the spec's order; none of them can trap here).
  for (uint32_t i = 0; i < elementWrites; ++i, word += 4) {
    uint32_t table = word[0], start = word[1], from = word[2], to = word[3];
    if (table >= tables || from > to || to > funcRefCount) return Fail(env, "an element write outside its plan");
    TableDefinition* definition = tableDefinitions[table];
    if (uint64_t{start} + (to - from) > definition->length) return Fail(env, "an element segment does not fit its table");
    for (uint32_t j = from; j < to; ++j) {
      if (!fits(funcRefOffsets[j], sizeof(FuncRef))) return Fail(env, "a FuncRef outside the vmctx");
      definition->elements[start + (j - from)] = base + funcRefOffsets[j];
    }
  }
  if (!CopyDataPlan(firstMemory, dataPlan, dataCopies)) return Fail(env, "a data segment does not fit its memory");
  if (info.Length() > 5 && info[5].IsTypedArray() && info[5].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array signatures = info[5].As<Napi::Uint8Array>();
    if (!RegisterFastHostFunctions(env, vmctxBuffer, hostIdBase, info[4], signatures.Data(), signatures.ByteLength())) return Napi::Value();
  }
  return result;
}

}  // namespace

void InitInstanceBuilderBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("buildInstance", Napi::Function::New(env, BuildInstance, "buildInstance"));
}

}  // namespace wasm_native
