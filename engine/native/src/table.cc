// Tables' native storage (abi.ts TableDefinition). Generated code reads `elements` and
// `length` directly (call_indirect, table.get/set) and always bounds-checks; the element
// array is realloc'd on growth, so code must reload `elements` after any call.
// Elements are opaque 8-byte values: VMFuncRef addresses or externref host handles.

#include "table.h"

#include <cstdint>
#include <cstdlib>

#include "abi.h"
#include "addon_data.h"

namespace wasm_native {
namespace {

/** Implementation limit on table length (V8 has the same one: 10,000,000 elements). */
constexpr uint64_t kTableMaxLength = 10'000'000;

/** table.grow: old length, or -1 (over the maximum or the implementation limit, or no memory). */
int64_t GrowTable(TableDefinition* table, uint64_t delta, uint64_t init) {
  uint64_t oldLength = table->length;
  uint64_t limit = table->maximum < kTableMaxLength ? table->maximum : kTableMaxLength;
  if (oldLength > limit || delta > limit - oldLength) return -1;
  if (delta == 0) return static_cast<int64_t>(oldLength);
  uint64_t newLength = oldLength + delta;
  auto* elements = static_cast<uint64_t*>(std::realloc(table->elements, newLength * sizeof(uint64_t)));
  if (!elements) return -1;
  for (uint64_t i = oldLength; i < newLength; ++i) elements[i] = init;
  table->elements = elements;
  table->length = newLength;
  return static_cast<int64_t>(oldLength);
}

bool ReadUint64(const Napi::Value& value, uint64_t* out) {
  if (!value.IsBigInt()) {
    Napi::TypeError::New(value.Env(), "table elements are bigints").ThrowAsJavaScriptException();
    return false;
  }
  bool lossless = false;
  *out = value.As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) {
    Napi::RangeError::New(value.Env(), "a table element must fit in 64 bits (unsigned)").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

/** An integer in [0, limit], or -1 (exception thrown) for anything else. */
int64_t ReadCount(const Napi::Value& value, const char* what, uint64_t limit) {
  double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (!(number >= 0 && number <= static_cast<double>(limit)) ||
      number != static_cast<double>(static_cast<uint64_t>(number))) {
    Napi::RangeError::New(value.Env(), std::string(what) + " must be an integer in [0, " + std::to_string(limit) + "]")
        .ThrowAsJavaScriptException();
    return -1;
  }
  return static_cast<int64_t>(number);
}

/**
 * new Table(initial, maximum (-1: none), init: bigint)
 *   definition: bigint   address of the TableDefinition
 *   grow(delta, init): number   old length, or -1
 *   length(): number;  get(i): bigint;  set(i, value: bigint)
 */
class Table : public Napi::ObjectWrap<Table> {
 public:
  static Napi::Function DefineClass(Napi::Env env) {
    return Napi::ObjectWrap<Table>::DefineClass(
        env, "Table",
        {InstanceMethod<&Table::Grow>("grow"), InstanceMethod<&Table::Length>("length"),
         InstanceMethod<&Table::Get>("get"), InstanceMethod<&Table::Set>("set"),
         InstanceMethod<&Table::SetFuncRefs>("setFuncRefs")});
  }

  explicit Table(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Table>(info) {
    Napi::Env env = info.Env();
    int64_t initial = ReadCount(info[0], "initial", kTableMaxLength);
    if (initial < 0) return;
    uint64_t maximum = kTableNoMaximum;
    if (!(info[1].IsNumber() && info[1].As<Napi::Number>().DoubleValue() == -1)) {
      int64_t declared = ReadCount(info[1], "maximum (or -1)", kTableNoMaximum);
      if (declared < 0) return;
      if (declared < initial) {
        Napi::RangeError::New(env, "the maximum is below the initial length").ThrowAsJavaScriptException();
        return;
      }
      maximum = static_cast<uint64_t>(declared);
    }
    uint64_t init = 0;
    if (!ReadUint64(info[2], &init)) return;
    definition_.elements = static_cast<uint64_t*>(std::malloc(sizeof(uint64_t)));  // never null
    definition_.maximum = maximum;
    if (!definition_.elements || GrowTable(&definition_, static_cast<uint64_t>(initial), init) < 0) {
      Napi::Error::New(env, "cannot allocate the table").ThrowAsJavaScriptException();
      return;
    }
    info.This().As<Napi::Object>().DefineProperty(Napi::PropertyDescriptor::Value(
        "definition", Napi::BigInt::New(env, reinterpret_cast<uint64_t>(&definition_)), napi_enumerable));
    ReportBytes(env);
  }

  TableDefinition* definition() { return &definition_; }

  void Finalize(Napi::BasicEnv env) override {
    Napi::MemoryManagement::AdjustExternalMemory(env, -static_cast<int64_t>(definition_.reserved));
    std::free(definition_.elements);
    definition_.elements = nullptr;
  }

 private:
  /** definition_.reserved holds the element bytes last reported to V8 (growth from wasm is lazy). */
  void ReportBytes(Napi::BasicEnv env) {
    uint64_t bytes = definition_.length * sizeof(uint64_t);
    if (bytes == definition_.reserved) return;
    Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(bytes) - static_cast<int64_t>(definition_.reserved));
    definition_.reserved = bytes;
  }

  Napi::Value Grow(const Napi::CallbackInfo& info) {
    int64_t delta = ReadCount(info[0], "delta", 0xffffffffull);
    uint64_t init = 0;
    if (delta < 0 || !ReadUint64(info[1], &init)) return Napi::Value();
    int64_t old = GrowTable(&definition_, static_cast<uint64_t>(delta), init);
    ReportBytes(info.Env());
    return Napi::Number::New(info.Env(), static_cast<double>(old));
  }

  Napi::Value Length(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(definition_.length));
  }

  /** Index in [0, length), or -1 with a RangeError thrown. */
  int64_t ReadIndex(const Napi::Value& value) {
    double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
    if (!(number >= 0 && number < static_cast<double>(definition_.length)) ||
        number != static_cast<double>(static_cast<uint64_t>(number))) {
      Napi::RangeError::New(value.Env(), "table index out of bounds").ThrowAsJavaScriptException();
      return -1;
    }
    return static_cast<int64_t>(number);
  }

  Napi::Value Get(const Napi::CallbackInfo& info) {
    int64_t index = ReadIndex(info[0]);
    if (index < 0) return Napi::Value();
    return Napi::BigInt::New(info.Env(), definition_.elements[index]);
  }

  Napi::Value Set(const Napi::CallbackInfo& info) {
    int64_t index = ReadIndex(info[0]);
    uint64_t value = 0;
    if (index < 0 || !ReadUint64(info[1], &value)) return Napi::Value();
    definition_.elements[index] = value;
    return info.Env().Undefined();
  }

  /**
   * setFuncRefs(index, vmctx: bigint, offsets: Uint32Array): element index + i becomes
   * vmctx + offsets[i] (the FuncRefs of an instance's functions: an active element segment
   * applied in one call). RangeError, nothing written, when it does not fit.
   */
  Napi::Value SetFuncRefs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    double start = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
    uint64_t base = 0;
    if (!ReadUint64(info[1], &base)) return Napi::Value();
    if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      Napi::TypeError::New(env, "setFuncRefs: offsets must be a Uint32Array").ThrowAsJavaScriptException();
      return Napi::Value();
    }
    Napi::Uint32Array offsets = info[2].As<Napi::Uint32Array>();
    size_t count = offsets.ElementLength();
    if (!(start >= 0 && start == static_cast<double>(static_cast<uint64_t>(start)) &&
          start + static_cast<double>(count) <= static_cast<double>(definition_.length))) {
      Napi::RangeError::New(env, "table index out of bounds").ThrowAsJavaScriptException();
      return Napi::Value();
    }
    uint64_t* elements = definition_.elements + static_cast<uint64_t>(start);
    for (size_t i = 0; i < count; ++i) elements[i] = base + offsets[i];
    return env.Undefined();
  }

  TableDefinition definition_ = {};
};

}  // namespace

Napi::Object NewTableObject(Napi::Env env, uint32_t initial, int64_t maximum, TableDefinition** definition) {
  Napi::Object object = CurrentAddonData()->tableConstructor.New(
      {Napi::Number::New(env, initial), Napi::Number::New(env, static_cast<double>(maximum)), Napi::BigInt::New(env, uint64_t{0})});
  if (env.IsExceptionPending() || object.IsEmpty()) return Napi::Object();
  *definition = Table::Unwrap(object)->definition();
  return object;
}

void InitTableBinding(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor = Table::DefineClass(env);
  CurrentAddonData()->tableConstructor = Napi::Persistent(constructor);
  exports.Set("Table", constructor);
}

}  // namespace wasm_native

extern "C" int32_t wasm_rt_table_grow(wasm_native::TableDefinition* table, int32_t delta, int64_t init) {
  // wasm's table.grow operand is an unsigned count.
  return static_cast<int32_t>(
      wasm_native::GrowTable(table, static_cast<uint32_t>(delta), static_cast<uint64_t>(init)));
}
