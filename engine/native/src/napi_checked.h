// Node-API calls whose failure must be seen (the addon is built without C++ exceptions, so
// node-addon-api answers a failed call with an empty value): on a thread being terminated
// (worker.terminate(), process.exit()) Node-API refuses every call into V8, and an empty typed
// array's Data() is null. These helpers check, so that a binding fails instead of reading
// an array as empty or writing through a null pointer. docs/RATIONALE.md, "Why check every
// Node-API status in the bindings?".
#pragma once

#include <napi.h>

#include <algorithm>
#include <string>
#include <vector>

namespace wasm_native {

/**
 * An array of strings into *out; false if it is not one, or if it cannot be read (every
 * status checked: Array::Length() gave 0 in a translation worker being terminated, and its
 * batch was then linked with no symbols — a compile that "succeeded" with no code).
 */
inline bool ReadStrings(Napi::Value value, std::vector<std::string>* out) {
  if (value.IsEmpty() || !value.IsArray()) return false;
  napi_env env = value.Env();
  uint32_t length = 0;
  if (napi_get_array_length(env, value, &length) != napi_ok) return false;
  for (uint32_t i = 0; i < length; ++i) {
    napi_value item = nullptr;
    if (napi_get_element(env, value, i, &item) != napi_ok) return false;
    napi_valuetype type = napi_undefined;
    if (napi_typeof(env, item, &type) != napi_ok || type != napi_string) return false;
    size_t bytes = 0;
    if (napi_get_value_string_utf8(env, item, nullptr, 0, &bytes) != napi_ok) return false;
    std::string text(bytes, '\0');
    if (napi_get_value_string_utf8(env, item, text.data(), bytes + 1, &bytes) != napi_ok) return false;
    out->push_back(std::move(text));
  }
  return true;
}

/**
 * A new typed array of `T` holding `values`, or an empty value when Node-API could not make
 * one (the caller returns it: a JavaScript exception is pending, or the thread is going away).
 */
template <typename T, typename Values>
Napi::TypedArrayOf<T> NewTypedArrayOf(Napi::Env env, const Values& values) {
  Napi::TypedArrayOf<T> array = Napi::TypedArrayOf<T>::New(env, values.size());
  if (array.IsEmpty() || (values.size() > 0 && array.Data() == nullptr)) return Napi::TypedArrayOf<T>();
  std::copy(values.begin(), values.end(), array.Data());
  return array;
}

}  // namespace wasm_native
