// Machine code the runtime writes itself, without LLVM (engine/compile/signature-trampolines.ts):
//   installMachineCode(bytes: Uint8Array) → bigint address
// copies the bytes into fresh pages mapped for them alone, then makes those pages read+execute
// (never writable and executable at once). The pages are never written again, so code in them
// may run on any thread while other pages are being installed, and never freed: the runtime
// installs one batch per new set of signatures, so their number is bounded by the distinct
// signatures a process meets.
//   hostCallAddress() → bigint: the address of wasm_rt_host_call, which host trampolines call.

#include "machine_code.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "abi.h"

namespace wasm_native {
namespace {

constexpr size_t kMaximumCodeBytes = 64u << 20;  // far above any batch of trampolines

Napi::Value InstallMachineCode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    Napi::TypeError::New(env, "installMachineCode: expected a Uint8Array").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  size_t size = bytes.ByteLength();
  if (size == 0 || size > kMaximumCodeBytes) {
    Napi::RangeError::New(env, "installMachineCode: size must be in [1, 64 MiB]").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t rounded = (size + page - 1) & ~(page - 1);
  void* pages = mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) {
    Napi::Error::New(env, "installMachineCode: out of memory").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  std::memcpy(pages, bytes.Data(), size);
  std::memset(static_cast<uint8_t*>(pages) + size, 0xCC, rounded - size);  // int3 after the code
  if (mprotect(pages, rounded, PROT_READ | PROT_EXEC) != 0) {
    munmap(pages, rounded);
    Napi::Error::New(env, "installMachineCode: cannot make the pages executable").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  __builtin___clear_cache(static_cast<char*>(pages), static_cast<char*>(pages) + size);
  return Napi::BigInt::New(env, static_cast<uint64_t>(reinterpret_cast<uintptr_t>(pages)));
}

Napi::Value HostCallAddress(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&wasm_rt_host_call)));
}

}  // namespace

void InitMachineCodeBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("installMachineCode", Napi::Function::New(env, InstallMachineCode, "installMachineCode"));
  exports.Set("hostCallAddress", Napi::Function::New(env, HostCallAddress, "hostCallAddress"));
}

}  // namespace wasm_native
