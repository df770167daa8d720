// Code cache lookups off the JavaScript thread (engine/compile/code-cache.ts, docs/RATIONALE.md
// "Why is a cache lookup started before the module is decoded?"): the entry key's SHA-256
// over a prefix (engine build, settings) and the module's bytes, then the read of the entry
// file the key names, on a compile thread while JavaScript decodes the module's sections.
//
// startCacheLookup(bytes: Uint8Array, prefix: string, directory: string, refreshAfterMs: number)
//   → handle; the bytes must stay unchanged until finishCacheLookup returns.
// finishCacheLookup(handle) → [key: string (64 hex digits), file: Buffer | undefined]
// readCacheEntry(path: string, refreshAfterMs: number) → Buffer | undefined: the same read,
//   here and now (CodeCache.load: entries whose key is known, such as the tiered parts)
//
// The key is SHA-256(UTF-8 prefix ‖ bytes) in lowercase hex, as code-cache.ts codeKey computes
// it; the entry is `${directory}/${key[0..2]}/${key[2..]}.wljc`, as CodeCache.entryPath names
// it (the cache tests store entries through JavaScript and find them through this). The file
// is read whole; an entry last used more than refreshAfterMs ago gets its times set to now
// (the cache's least-recently-used order). A missing or unreadable file is undefined: a miss.
// Nothing here checks the entry: decodeEntry does (magic, format, length, CRC-32, key).
//
// The work runs as a compile-pool job when the pool's threads have started (no thread is
// started for it), and on the calling thread otherwise; finishCacheLookup takes the work
// over itself if no thread has begun it yet (a pool busy with compiles), else waits for it.
// The SHA-256 is OpenSSL's, which Node.js exports to addons.

#include "cache_lookup.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "compile_pool.h"

namespace wasm_native {
namespace {

/** Least recently used by mtime: a hit sets the times to now, unless they are recent. */
void RefreshIfOld(int fd, const struct stat& status, int64_t refreshAfterMs) {
  int64_t modifiedMs = static_cast<int64_t>(status.st_mtim.tv_sec) * 1000 + status.st_mtim.tv_nsec / 1000000;
  int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (nowMs - modifiedMs <= refreshAfterMs) return;
  futimens(fd, nullptr);  // a read-only cache: the entry is still whole
}

/**
 * Reads the entry file at `path` whole into *file (malloc'd; nullptr for an empty file) and
 * refreshes its times as above; false when there is no regular file to read. A file cut
 * short meanwhile gives what was read: decodeEntry's length and checksum catch it.
 */
bool ReadEntryFile(const std::string& path, int64_t refreshAfterMs, uint8_t** file, size_t* fileLength) {
  *file = nullptr;
  *fileLength = 0;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool found = false;
  struct stat status;
  if (fstat(fd, &status) == 0 && S_ISREG(status.st_mode)) {
    size_t size = static_cast<size_t>(status.st_size);
    *file = size > 0 ? static_cast<uint8_t*>(std::malloc(size)) : nullptr;
    found = size == 0 || *file != nullptr;
    while (*file != nullptr && *fileLength < size) {
      ssize_t got = pread(fd, *file + *fileLength, size - *fileLength, static_cast<off_t>(*fileLength));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      *fileLength += static_cast<size_t>(got);
    }
    if (found) RefreshIfOld(fd, status, refreshAfterMs);
  }
  close(fd);
  return found;
}

/** The entry's bytes as a Buffer that owns them (an empty one for an empty file). */
Napi::Value EntryBuffer(Napi::Env env, uint8_t* file, size_t length) {
  if (file == nullptr) return Napi::Buffer<uint8_t>::New(env, 0);
  return Napi::Buffer<uint8_t>::New(env, file, length, [](Napi::Env, uint8_t* data) { std::free(data); });
}

struct LookupTask {
  enum State : int { kPending = 0, kRunning = 1, kDone = 2 };

  // Inputs, fixed before the task is shared.
  const uint8_t* bytes = nullptr;
  size_t length = 0;
  std::string prefix;
  std::string directory;
  int64_t refreshAfterMs = 0;

  // Results, written by whoever runs the task before it is marked done.
  std::string key;
  std::string error;  // a failure of the hash itself (an internal error)
  uint8_t* file = nullptr;  // malloc'd; ownership passes to the Buffer
  size_t fileLength = 0;
  bool found = false;

  std::atomic<int> state{kPending};
  std::mutex mutex;
  std::condition_variable done;

  ~LookupTask() { std::free(file); }

  /** Runs the task if nobody has begun it; true if this call ran it. */
  bool Claim() {
    int expected = kPending;
    if (!state.compare_exchange_strong(expected, kRunning, std::memory_order_acq_rel)) return false;
    Run();
    std::lock_guard<std::mutex> lock(mutex);
    state.store(kDone, std::memory_order_release);
    done.notify_all();
    return true;
  }

  void WaitUntilDone() {
    std::unique_lock<std::mutex> lock(mutex);
    done.wait(lock, [this] { return state.load(std::memory_order_acquire) == kDone; });
  }

  void Run() {
    if (!Hash()) return;
    ReadEntry();
  }

  bool Hash() {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    bool ok = context != nullptr && EVP_DigestInit_ex(context, EVP_sha256(), nullptr) == 1 &&
              EVP_DigestUpdate(context, prefix.data(), prefix.size()) == 1 &&
              (length == 0 || EVP_DigestUpdate(context, bytes, length) == 1) &&
              EVP_DigestFinal_ex(context, digest, &digestLength) == 1 && digestLength == 32;
    EVP_MD_CTX_free(context);
    if (!ok) {
      error = "the code cache key's SHA-256 failed";
      return false;
    }
    static const char kHex[] = "0123456789abcdef";
    key.resize(2 * digestLength);
    for (unsigned int i = 0; i < digestLength; ++i) {
      key[2 * i] = kHex[digest[i] >> 4];
      key[2 * i + 1] = kHex[digest[i] & 15];
    }
    return true;
  }

  void ReadEntry() {
    std::string path = directory + "/" + key.substr(0, 2) + "/" + key.substr(2) + ".wljc";
    found = ReadEntryFile(path, refreshAfterMs, &file, &fileLength);
  }
};

/** The handle JavaScript holds: keeps the task, and the bytes' array while a thread may read them. */
struct LookupHandle {
  std::shared_ptr<LookupTask> task;
  Napi::Reference<Napi::Uint8Array> bytes;
};

void FinalizeHandle(Napi::Env, LookupHandle* handle) {
  // Dropped without finishCacheLookup (an error in between): no thread may still read the
  // bytes once their reference goes.
  if (!handle->task->Claim()) handle->task->WaitUntilDone();
  delete handle;
}

Napi::Value StartCacheLookup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array || !info[1].IsString() ||
      !info[2].IsString() || !info[3].IsNumber()) {
    Napi::TypeError::New(env, "startCacheLookup(bytes: Uint8Array, prefix: string, directory: string, refreshAfterMs: number)")
        .ThrowAsJavaScriptException();
    return Napi::Value();
  }
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  auto task = std::make_shared<LookupTask>();
  task->bytes = bytes.Data();
  task->length = bytes.ByteLength();
  task->prefix = info[1].As<Napi::String>().Utf8Value();
  task->directory = info[2].As<Napi::String>().Utf8Value();
  task->refreshAfterMs = static_cast<int64_t>(info[3].As<Napi::Number>().DoubleValue());

  auto* handle = new LookupHandle{task, Napi::Persistent(bytes)};
  Napi::External<LookupHandle> external = Napi::External<LookupHandle>::New(env, handle, FinalizeHandle);
  std::string error;
  if (!CompilePoolStarted() || !SubmitCompileJob([task] { task->Claim(); }, &error)) {
    task->Claim();  // no compile thread (yet): here, now
  }
  return external;
}

Napi::Value FinishCacheLookup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsExternal()) {
    Napi::TypeError::New(env, "finishCacheLookup(handle)").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  LookupHandle* handle = info[0].As<Napi::External<LookupHandle>>().Data();
  LookupTask& task = *handle->task;
  if (!task.Claim()) task.WaitUntilDone();
  if (!task.error.empty()) {
    Napi::Error::New(env, task.error).ThrowAsJavaScriptException();
    return Napi::Value();
  }
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(uint32_t{0}, Napi::String::New(env, task.key));
  if (task.found) {
    result.Set(uint32_t{1}, EntryBuffer(env, task.file, task.fileLength));
    task.file = nullptr;
    task.found = false;  // handed over once
  } else {
    result.Set(uint32_t{1}, env.Undefined());
  }
  return result;
}

Napi::Value ReadCacheEntry(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "readCacheEntry(path: string, refreshAfterMs: number)").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  uint8_t* file = nullptr;
  size_t length = 0;
  if (!ReadEntryFile(info[0].As<Napi::String>().Utf8Value(), static_cast<int64_t>(info[1].As<Napi::Number>().DoubleValue()), &file, &length)) {
    std::free(file);
    return env.Undefined();
  }
  return EntryBuffer(env, file, length);
}

}  // namespace

void InitCacheLookupBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("startCacheLookup", Napi::Function::New(env, StartCacheLookup, "startCacheLookup"));
  exports.Set("finishCacheLookup", Napi::Function::New(env, FinishCacheLookup, "finishCacheLookup"));
  exports.Set("readCacheEntry", Napi::Function::New(env, ReadCacheEntry, "readCacheEntry"));
}

}  // namespace wasm_native
