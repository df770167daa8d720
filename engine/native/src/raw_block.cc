// Raw blocks: allocate(bytes) → { address: bigint, buffer: ArrayBuffer }, zeroed, 16-byte
// aligned, at a stable address. The runtime builds vmctx, VMFuncRef arrays, host function
// contexts, global cells and segment copies in them through the buffer, and hands the
// address to generated code. The block is freed when its ArrayBuffer is garbage-collected,
// so the runtime keeps the buffer (or the returned object) alive while code can reach it.

#include "raw_block.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace wasm_native {
namespace {

constexpr double kMaximumBlockBytes = 1u << 31;  // 2 GiB: far above any vmctx or segment

void FreeBlock(node_api_basic_env env, void* data, void* hint) {
  Napi::MemoryManagement::AdjustExternalMemory(Napi::BasicEnv(env), -static_cast<int64_t>(reinterpret_cast<uintptr_t>(hint)));
  std::free(data);
}

Napi::Value Allocate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double bytes = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(bytes >= 0 && bytes <= kMaximumBlockBytes) || bytes != static_cast<double>(static_cast<uint64_t>(bytes))) {
    Napi::RangeError::New(env, "allocate: bytes must be an integer in [0, 2^31]").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  uint8_t* block = nullptr;
  return NewRawBlock(env, static_cast<size_t>(bytes), &block);
}

}  // namespace

Napi::Value NewRawBlock(Napi::Env env, size_t size, uint8_t** address, napi_value* bufferOut) {
  size_t rounded = size == 0 ? 16 : (size + 15) & ~static_cast<size_t>(15);
  void* block = std::aligned_alloc(16, rounded);
  if (!block) {
    Napi::Error::New(env, "allocate: out of memory").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  std::memset(block, 0, rounded);
  napi_value buffer = nullptr;
  if (napi_create_external_arraybuffer(env, block, size, FreeBlock, reinterpret_cast<void*>(static_cast<uintptr_t>(rounded)),
                                       &buffer) != napi_ok) {
    std::free(block);
    Napi::Error::New(env, "allocate: cannot create the ArrayBuffer").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(rounded));
  Napi::Object result = Napi::Object::New(env);
  result.Set("address", Napi::BigInt::New(env, reinterpret_cast<uint64_t>(block)));
  result.Set("buffer", Napi::Value(env, buffer));
  *address = static_cast<uint8_t*>(block);
  if (bufferOut != nullptr) *bufferOut = buffer;
  return result;
}

/**
 * bufferAddress(view: Uint8Array) → bigint: where the view's bytes are. ArrayBuffers'
 * contents do not move (asking for the buffer takes a small array's bytes off V8's heap
 * first), so the address holds while the buffer is alive and not detached.
 */
Napi::Value BufferAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    Napi::TypeError::New(env, "bufferAddress(view: Uint8Array)").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  Napi::Uint8Array view = info[0].As<Napi::Uint8Array>();
  auto* data = static_cast<uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset();
  return Napi::BigInt::New(env, reinterpret_cast<uint64_t>(data));
}

void InitRawBlockBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("allocate", Napi::Function::New(env, Allocate, "allocate"));
  exports.Set("bufferAddress", Napi::Function::New(env, BufferAddress, "bufferAddress"));
}

}  // namespace wasm_native
