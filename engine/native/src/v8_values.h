// napi_value ↔ v8::Local<v8::Value>, for the few places where the addon calls V8 directly
// (host calls and invokeFromHeader: invoke.cc, fast_host_calls.cc; a memory's ArrayBuffer:
// memory.cc). Node-API's napi_value is a v8::Local's slot address (node's
// js_native_api_v8.h converts the same way).
#pragma once

#include <napi.h>
#include <v8.h>

#include <cstring>

namespace wasm_native {

static_assert(sizeof(napi_value) == sizeof(v8::Local<v8::Value>), "napi_value is a v8::Local");

inline v8::Local<v8::Value> V8LocalOf(napi_value value) {
  v8::Local<v8::Value> local;
  std::memcpy(static_cast<void*>(&local), &value, sizeof value);
  return local;
}

inline napi_value NapiValueOf(v8::Local<v8::Value> local) {
  napi_value value = nullptr;
  std::memcpy(&value, static_cast<void*>(&local), sizeof value);
  return value;
}

}  // namespace wasm_native
