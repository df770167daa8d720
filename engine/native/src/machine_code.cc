// Machine code the runtime writes itself, without LLVM (engine/compile/signature-trampolines.ts,
// engine/baseline/):
//   installMachineCode(bytes: Uint8Array, perfSymbols?: string) → bigint address
// copies the bytes into fresh pages mapped for them alone, then makes those pages read+execute
// (never writable and executable at once). With WASM_LLVM_PERF_MAP=1, perfSymbols' lines
// "<offset> <size> <name>" (decimal offset and size within the bytes) go to perf's map of JIT
// code at the installed address (perf_map.h), as the object loader does for LLVM's code. The
// pages are never written again, so code in them may run on any thread while other pages are
// being installed. The trampolines' pages are
// never freed: the runtime installs one batch per new set of signatures, so their number is
// bounded by the distinct signatures a process meets.
//   hostCallAddress() → bigint: the address of wasm_rt_host_call, which host trampolines call.
//   releaseMachineCode(address: bigint, size: number): unmaps pages installMachineCode made,
//   for code that dies with its module (the baseline compiler's, engine/baseline/), once
//   nothing can run it any more; the trampolines' pages are never released.
//   runtimeAddresses() → BigUint64Array: [wasm_rt_trap, wasm_rt_check_slow, wasm_rt_memory_grow,
//   wasm_rt_tier_up], the runtime entry points machine code calls by absolute address.

#include "machine_code.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "abi.h"
#include "perf_map.h"

namespace wasm_native {
namespace {

/** Names the code at `base` in perf's map: `symbols` is lines "<offset> <size> <name>"; a line that does not parse or fit is skipped. */
void AddPerfSymbols(uint64_t base, size_t codeSize, const std::string& symbols) {
  size_t start = 0;
  while (start < symbols.size()) {
    size_t end = symbols.find('\n', start);
    if (end == std::string::npos) end = symbols.size();
    std::string line = symbols.substr(start, end - start);
    start = end + 1;
    char* rest = nullptr;
    unsigned long long offset = std::strtoull(line.c_str(), &rest, 10);
    if (rest == line.c_str() || *rest != ' ') continue;
    char* nameStart = nullptr;
    unsigned long long size = std::strtoull(rest + 1, &nameStart, 10);
    if (nameStart == rest + 1 || *nameStart != ' ' || nameStart[1] == '\0') continue;
    if (size == 0 || offset > codeSize || size > codeSize - offset) continue;
    AddPerfMapEntry(base + offset, size, std::string(nameStart + 1));
  }
}

constexpr size_t kMaximumCodeBytes = 64u << 20;  // far above any batch of trampolines

/** Copies info[0]'s bytes into read+execute pages of their own; their address, or an exception. */
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
  uint64_t address = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(pages));
  if (info.Length() > 1 && info[1].IsString() && PerfMapEnabled()) AddPerfSymbols(address, size, info[1].As<Napi::String>().Utf8Value());
  return Napi::BigInt::New(env, address);
}

Napi::Value ReleaseMachineCode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool lossless = false;
  if (info.Length() < 2 || !info[0].IsBigInt() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "releaseMachineCode: expected (address: bigint, size: number)").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  uint64_t address = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  double size = info[1].As<Napi::Number>().DoubleValue();
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  if (!lossless || address == 0 || address % page != 0 || !(size >= 1 && size <= kMaximumCodeBytes)) {
    Napi::RangeError::New(env, "releaseMachineCode: not an address and size from installMachineCode").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  size_t rounded = (static_cast<size_t>(size) + page - 1) & ~(page - 1);
  munmap(reinterpret_cast<void*>(static_cast<uintptr_t>(address)), rounded);
  return env.Undefined();
}

Napi::Value RuntimeAddresses(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, 4 * sizeof(uint64_t));
  if (buffer.IsEmpty() || buffer.Data() == nullptr) return Napi::Value();  // Node-API refused (a thread going away)
  uint64_t* words = static_cast<uint64_t*>(buffer.Data());
  words[0] = reinterpret_cast<uintptr_t>(&wasm_rt_trap);
  words[1] = reinterpret_cast<uintptr_t>(&wasm_rt_check_slow);
  words[2] = reinterpret_cast<uintptr_t>(&wasm_rt_memory_grow);
  words[3] = reinterpret_cast<uintptr_t>(&wasm_rt_tier_up);
  return Napi::TypedArrayOf<uint64_t>::New(env, 4, buffer, 0, napi_biguint64_array);
}

Napi::Value HostCallAddress(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&wasm_rt_host_call)));
}

}  // namespace

void InitMachineCodeBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("installMachineCode", Napi::Function::New(env, InstallMachineCode, "installMachineCode"));
  exports.Set("releaseMachineCode", Napi::Function::New(env, ReleaseMachineCode, "releaseMachineCode"));
  exports.Set("runtimeAddresses", Napi::Function::New(env, RuntimeAddresses, "runtimeAddresses"));
  exports.Set("hostCallAddress", Napi::Function::New(env, HostCallAddress, "hostCallAddress"));
}

}  // namespace wasm_native
