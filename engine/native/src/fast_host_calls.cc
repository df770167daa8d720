// Host calls without the JavaScript handler (fast_host_calls.h; JS API "run a host function"
// for signatures of numbers only).
//
// Registry: per environment, hostId → the function (a weak handle: the store's map in
// engine/runtime/store.ts keeps it alive as long as code can call it, and a strong handle
// here would keep alive, through the closures of the JS glue, the very instance whose death
// should drop it) and its signature. hostIds are never reused, so an entry can never answer
// for another instance's import. An instance's entries are dropped after its vmctx buffer
// has been collected: the buffer's finalizer (during garbage collection, where handles must
// not be reset) only queues the hostId range, and the next registration drops the queued
// ranges.
//
// A call: the arguments made from the wasm slots (i32 and f32/f64 as Numbers, i64 as a
// BigInt), the function called with `undefined` as receiver, and its result converted as
// ToWebAssemblyValue does — ToInt32, ToNumber (rounded to f32), ToBigInt64 — by V8's own
// conversions, which run valueOf/toString/@@toPrimitive and throw as the JavaScript handler's
// did. An exception is rethrown past the wasm frames (invoke.cc unwinds them), as the
// handler's exception is.

#include "fast_host_calls.h"

#include <v8.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <unordered_map>
#include <utility>
#include <vector>

#include "addon_data.h"
#include "v8_values.h"

namespace wasm_native {
namespace {

/** Kinds in the signature bytes (engine/runtime/vmctx-template.ts writes them). */
enum ValueKind : uint8_t { kNone = 0, kI32 = 1, kI64 = 2, kF32 = 3, kF64 = 4 };
constexpr uint8_t kNotEligible = 0xff;
constexpr uint8_t kMaxParams = 16;

struct FastHostFunction {
  v8::Global<v8::Function> callable;  // weak
  uint8_t paramCount = 0;
  uint8_t params[kMaxParams] = {};
  uint8_t result = kNone;
};

/** hostId ranges of collected instances, filled during GC, drained outside it. */
struct PendingRanges {
  std::mutex mutex;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // { first hostId, count }
};

/** The finalizer's data: which range to queue, and where (the list outlives the registry). */
struct VmctxRange {
  std::shared_ptr<PendingRanges> pending;
  uint64_t first;
  uint64_t count;
};

}  // namespace

struct FastHostRegistry {
  v8::Isolate* isolate = nullptr;
  std::unordered_map<uint64_t, std::unique_ptr<FastHostFunction>> entries;
  /** Recently called entries by hostId modulo its size (a hash lookup per call costs a division). */
  struct Recent {
    uint64_t hostId = 0;  // 0: empty (hostIds start at 1)
    FastHostFunction* function = nullptr;
  };
  static constexpr size_t kRecentSize = 64;
  Recent recent[kRecentSize];
  std::shared_ptr<PendingRanges> pending = std::make_shared<PendingRanges>();
};

namespace {

FastHostRegistry* RegistryOf(AddonData* addon) {
  if (addon->fastHosts == nullptr) {
    addon->fastHosts = new FastHostRegistry();
    addon->fastHosts->isolate = v8::Isolate::GetCurrent();  // the environment's thread, as every call
  }
  return addon->fastHosts;
}

/** Drops the entries of every instance collected since the last call (not during GC). */
void DropCollected(FastHostRegistry* registry) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  {
    std::lock_guard<std::mutex> lock(registry->pending->mutex);
    ranges.swap(registry->pending->ranges);
  }
  for (const auto& [first, count] : ranges) {
    for (uint64_t id = first; id < first + count; ++id) registry->entries.erase(id);
  }
  if (!ranges.empty()) {
    for (auto& slot : registry->recent) slot = FastHostRegistry::Recent{};
  }
}

/** The vmctx buffer's finalizer: runs during garbage collection, so it only queues. */
void QueueCollectedRange(node_api_basic_env, void* data, void*) {
  auto* range = static_cast<VmctxRange*>(data);
  {
    std::lock_guard<std::mutex> lock(range->pending->mutex);
    range->pending->ranges.emplace_back(range->first, range->count);
  }
  delete range;
}

v8::Local<v8::Value> ArgumentOf(v8::Isolate* isolate, uint8_t kind, uint64_t slot) {
  switch (kind) {
    case kI32:
      return v8::Integer::New(isolate, static_cast<int32_t>(static_cast<uint32_t>(slot)));
    case kI64:
      return v8::BigInt::New(isolate, static_cast<int64_t>(slot));
    case kF32: {
      float value = 0;
      uint32_t bits = static_cast<uint32_t>(slot);
      std::memcpy(&value, &bits, sizeof value);
      return v8::Number::New(isolate, static_cast<double>(value));
    }
    default: {
      double value = 0;
      std::memcpy(&value, &slot, sizeof value);
      return v8::Number::New(isolate, value);
    }
  }
}

/** ToWebAssemblyValue(value, kind) into *slot; false when a conversion threw. */
bool ConvertResult(v8::Local<v8::Context> context, uint8_t kind, v8::Local<v8::Value> value, uint64_t* slot) {
  switch (kind) {
    case kI32: {
      int32_t result = 0;
      if (!value->Int32Value(context).To(&result)) return false;
      *slot = static_cast<uint32_t>(result);
      return true;
    }
    case kI64: {
      v8::Local<v8::BigInt> big;
      if (!value->ToBigInt(context).ToLocal(&big)) return false;
      *slot = static_cast<uint64_t>(big->Int64Value());  // BigInt.asIntN(64, …)
      return true;
    }
    case kF32: {
      double number = 0;
      if (!value->NumberValue(context).To(&number)) return false;
      float rounded = static_cast<float>(number);  // Math.fround: to nearest, ties to even
      uint32_t bits = 0;
      std::memcpy(&bits, &rounded, sizeof bits);
      *slot = bits;
      return true;
    }
    case kF64: {
      double number = 0;
      if (!value->NumberValue(context).To(&number)) return false;
      std::memcpy(slot, &number, sizeof number);
      return true;
    }
    default:
      return true;
  }
}

/** The call, in a frame of its own: its handle scope and TryCatch are gone before any unwinding. */
__attribute__((noinline)) FastHostCall CallFast(v8::Isolate* isolate, const FastHostFunction& host, uint64_t* slots) {
  if (isolate->IsExecutionTerminating()) return FastHostCall::kThrew;
  v8::HandleScope scope(isolate);
  v8::Local<v8::Function> callable = host.callable.Get(isolate);
  if (callable.IsEmpty()) return FastHostCall::kNotRegistered;
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  // Uninitialised storage: zeroing 16 handles (rep stos) cost more than the rest of this frame.
  alignas(v8::Local<v8::Value>) unsigned char storage[kMaxParams * sizeof(v8::Local<v8::Value>)];
  auto* args = reinterpret_cast<v8::Local<v8::Value>*>(storage);
  for (uint8_t i = 0; i < host.paramCount; ++i) new (&args[i]) v8::Local<v8::Value>(ArgumentOf(isolate, host.params[i], slots[i]));
  // Nothing of the entry is read after the call: the JavaScript may instantiate, which drops
  // collected instances' entries (never this running instance's, but no need to rely on it).
  const uint8_t resultKind = host.result;
  v8::TryCatch tryCatch(isolate);
  v8::Local<v8::Value> returned;
  bool ok = callable->Call(context, v8::Undefined(isolate), host.paramCount, args).ToLocal(&returned);
  if (ok && resultKind != kNone) ok = ConvertResult(context, resultKind, returned, &slots[0]);
  if (ok) return FastHostCall::kReturned;
  // Rethrown to the JavaScript that called into wasm once invoke() returns; a termination
  // cannot be caught or rethrown, it just goes on.
  if (tryCatch.HasCaught() && tryCatch.CanContinue() && !tryCatch.HasTerminated()) tryCatch.ReThrow();
  return FastHostCall::kThrew;
}

Napi::Value FastHostFunctionCount(const Napi::CallbackInfo& info) {
  AddonData* addon = info.Env().GetInstanceData<AddonData>();
  if (addon->fastHosts == nullptr) return Napi::Number::New(info.Env(), 0);
  DropCollected(addon->fastHosts);
  return Napi::Number::New(info.Env(), static_cast<double>(addon->fastHosts->entries.size()));
}

}  // namespace

bool RegisterFastHostFunctions(Napi::Env env, napi_value vmctxBuffer, uint64_t hostIdBase, const Napi::Value& callables,
                               const uint8_t* signatures, size_t signatureBytes) {
  if (callables.IsUndefined() || signatureBytes == 0) return true;
  if (!callables.IsArray()) {
    Napi::TypeError::New(env, "buildInstance: hostCallables must be an array").ThrowAsJavaScriptException();
    return false;
  }
  AddonData* addon = env.GetInstanceData<AddonData>();
  FastHostRegistry* registry = RegistryOf(addon);
  DropCollected(registry);
  Napi::Array list = callables.As<Napi::Array>();
  uint32_t count = list.Length();
  v8::Isolate* isolate = registry->isolate;
  size_t at = 0;
  uint64_t registered = 0;
  for (uint32_t index = 0; index < count; ++index) {
    if (at >= signatureBytes) break;
    uint8_t paramCount = signatures[at++];
    if (paramCount == kNotEligible) continue;
    if (paramCount > kMaxParams || at + paramCount + 1 > signatureBytes) {
      Napi::Error::New(env, "buildInstance: internal error: malformed host signatures").ThrowAsJavaScriptException();
      return false;
    }
    const uint8_t* kinds = signatures + at;
    at += paramCount + 1;
    Napi::Value callable = list.Get(index);
    if (!callable.IsFunction()) continue;
    auto entry = std::make_unique<FastHostFunction>();
    entry->callable.Reset(isolate, V8LocalOf(callable).As<v8::Function>());
    entry->callable.SetWeak();
    entry->paramCount = paramCount;
    for (uint8_t i = 0; i < paramCount; ++i) {
      if (kinds[i] < kI32 || kinds[i] > kF64) {
        Napi::Error::New(env, "buildInstance: internal error: a host signature kind out of range").ThrowAsJavaScriptException();
        return false;
      }
      entry->params[i] = kinds[i];
    }
    entry->result = kinds[paramCount] <= kF64 ? kinds[paramCount] : static_cast<uint8_t>(kNone);
    registry->entries[hostIdBase + index] = std::move(entry);
    registry->recent[(hostIdBase + index) % FastHostRegistry::kRecentSize] = FastHostRegistry::Recent{};
    registered = index + 1;
  }
  if (registered == 0) return true;
  auto* range = new VmctxRange{registry->pending, hostIdBase, registered};
  if (napi_add_finalizer(env, vmctxBuffer, range, QueueCollectedRange, nullptr, nullptr) != napi_ok) {
    delete range;
    for (uint64_t id = hostIdBase; id < hostIdBase + registered; ++id) registry->entries.erase(id);
    for (auto& slot : registry->recent) slot = FastHostRegistry::Recent{};
    Napi::Error::New(env, "buildInstance: cannot watch the vmctx for host functions").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

FastHostCall TryFastHostCall(AddonData* addon, uint64_t hostId, uint64_t* slots) {
  FastHostRegistry* registry = addon->fastHosts;
  if (registry == nullptr) return FastHostCall::kNotRegistered;
  FastHostRegistry::Recent& recent = registry->recent[hostId % FastHostRegistry::kRecentSize];
  if (recent.hostId != hostId) {
    auto found = registry->entries.find(hostId);
    if (found == registry->entries.end()) return FastHostCall::kNotRegistered;
    recent = FastHostRegistry::Recent{hostId, found->second.get()};
  }
  return CallFast(registry->isolate, *recent.function, slots);
}

void DeleteFastHostRegistry(AddonData* addon) {
  delete addon->fastHosts;
  addon->fastHosts = nullptr;
}

void InitFastHostCallsBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("fastHostFunctionCount", Napi::Function::New(env, FastHostFunctionCount, "fastHostFunctionCount"));
}

}  // namespace wasm_native
