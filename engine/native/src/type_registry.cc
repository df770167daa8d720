// Process-wide registry of canonical function types (type_registry.h). Wasmtime's
// TypeRegistry is the model: ids are handed out by the registry and reference-counted by
// the modules that use them; entries whose last module is gone are removed.
//
// Lifetime: a module's registration lives in a SignatureRegistration object that the
// module's compiled code keeps alive (engine/compile/compiled-module.ts); funcrefs keep
// their instance and so their module alive, so an id stays registered while any funcref
// that carries it can still be called. Ids are never reused, so even a stale id could only
// ever compare equal to the signature it was made for.

#include "type_registry.h"

#include <mutex>
#include <unordered_map>

#include "napi_checked.h"

namespace wasm_native {
namespace {

struct Entry {
  uint64_t id;
  uint64_t references;
};

struct Registry {
  std::mutex mutex;
  std::unordered_map<std::string, Entry> byKey;
  std::unordered_map<uint64_t, std::string> keyOf;
  uint64_t nextId = 1;  // 0 is never an id: a zeroed VMFuncRef matches no signature
};

/** Never destroyed: finalizers of other threads may still release ids during exit. */
Registry& TheRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

/** Owns one reference to each of a module's ids; released by its finalizer. */
struct SignatureRegistration {
  std::vector<uint64_t> ids;
};

void FinalizeRegistration(Napi::Env, SignatureRegistration* registration) {
  ReleaseSignatures(registration->ids);
  delete registration;
}

Napi::Value InternSignaturesBinding(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) {
    Napi::TypeError::New(env, "internSignatures: keys must be an array of strings").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  // Every status checked (napi_checked.h): keys read as empty strings would give distinct
  // signatures one id.
  std::vector<std::string> keys;
  if (!ReadStrings(info[0], &keys)) {
    Napi::TypeError::New(env, "internSignatures: keys must be an array of strings").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  Napi::BigInt64Array ids = Napi::BigInt64Array::New(env, keys.size());
  if (ids.IsEmpty() || (!keys.empty() && ids.Data() == nullptr)) return Napi::Value();
  auto* registration = new SignatureRegistration{InternSignatures(keys)};
  for (size_t i = 0; i < keys.size(); ++i) ids[i] = static_cast<int64_t>(registration->ids[i]);
  Napi::Object result = Napi::Object::New(env);
  result.Set("ids", ids);
  // The registration's lifetime is the result object's: the module keeps it.
  result.Set("registration", Napi::External<SignatureRegistration>::New(env, registration, FinalizeRegistration));
  return result;
}

Napi::Value LiveSignatureCount(const Napi::CallbackInfo& info) {
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  return Napi::Number::New(info.Env(), static_cast<double>(registry.byKey.size()));
}

}  // namespace

std::vector<uint64_t> InternSignatures(const std::vector<std::string>& keys) {
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  std::vector<uint64_t> ids;
  ids.reserve(keys.size());
  for (const std::string& key : keys) {
    auto found = registry.byKey.find(key);
    if (found == registry.byKey.end()) {
      uint64_t id = registry.nextId++;
      found = registry.byKey.emplace(key, Entry{id, 0}).first;
      registry.keyOf.emplace(id, key);
    }
    found->second.references++;
    ids.push_back(found->second.id);
  }
  return ids;
}

void ReleaseSignatures(const std::vector<uint64_t>& ids) {
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (uint64_t id : ids) {
    auto key = registry.keyOf.find(id);
    if (key == registry.keyOf.end()) continue;
    auto entry = registry.byKey.find(key->second);
    if (entry != registry.byKey.end() && --entry->second.references == 0) {
      registry.byKey.erase(entry);
      registry.keyOf.erase(key);
    }
  }
}

void InitTypeRegistryBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("internSignatures", Napi::Function::New(env, InternSignaturesBinding, "internSignatures"));
  exports.Set("liveSignatureCount", Napi::Function::New(env, LiveSignatureCount, "liveSignatureCount"));
}

}  // namespace wasm_native
