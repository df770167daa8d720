// JavaScript face of the LLVM back end (llvm_compiler.cc):
//   compile(ir, options, cancellation?) → CompiledCode   blocking the caller, on a compile-sized stack
//   compileAsync(ir, options, cancellation?) → Promise<CompiledCode>   on our compile threads
//     (compile_pool.cc, never libuv's pool), settled through a thread-safe function
//   CompiledCode { addresses: bigint[], timings, objectBytes, release() }: owns the code;
//     release() or garbage collection removes its JITDylib.
//   CompileCancellation { cancel(reason), cancelled }: stops a compile (guarded_pipeline.h);
//     a cancelled compile fails with an Error whose code is 'WASM_COMPILE_CANCELLED', one
//     that found no thread to run on with a RangeError whose code is 'WASM_THREAD_START_FAILED'.
//   new CompileBatch(options, cancellation?): a module compiled as code units (compile_batch.h):
//     add(ir, guardedFunctions?), finish(symbols) / finishAsync(symbols), abandon(reason)
//   linkObjects(objects, { name, symbols }) → CompiledCode   links object files kept by a compile
//     with { keepObjects: true } (CompiledCode.objects), for the code cache
//   compilePoolStats(), objectLoaderStats(), llvmVersion(), hostCpuName(), hostCpuFeatures(), hostHasSsse3(), threadLimitsTlsOffset()
// ir: LLVM IR text, a string or its UTF-8 bytes (a Uint8Array, copied).
// options: { optLevel: 0|1|2|3, cpu: 'native'|'generic', name: string, symbols: string[],
//   guardedFunctions?: string[], timeoutMs?: number, keepObjects?: boolean, quickCodegen?: boolean }.

#include "compile_binding.h"
#include <cstdlib>
#include <algorithm>
#include <thread>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "abi.h"
#include "addon_data.h"
#include "compile_batch.h"
#include "compile_pool.h"
#include "execution_limits.h"
#include "llvm_compiler.h"
#include "napi_checked.h"
#include "threads.h"

namespace wasm_native {
namespace {

/** The JavaScript handle of a CompileCancellation, passed as compile's third argument. */
class CancellationHandle : public Napi::ObjectWrap<CancellationHandle> {
 public:
  static Napi::Function DefineClass(Napi::Env env) {
    return Napi::ObjectWrap<CancellationHandle>::DefineClass(
        env, "CompileCancellation",
        {InstanceMethod<&CancellationHandle::Cancel>("cancel"),
         InstanceAccessor<&CancellationHandle::Cancelled>("cancelled")});
  }

  explicit CancellationHandle(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<CancellationHandle>(info), cancellation_(std::make_shared<CompileCancellation>()) {}

  const std::shared_ptr<CompileCancellation>& cancellation() const { return cancellation_; }

 private:
  Napi::Value Cancel(const Napi::CallbackInfo& info) {
    std::string reason = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "cancelled";
    cancellation_->Cancel(reason);
    return info.Env().Undefined();
  }

  Napi::Value Cancelled(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), cancellation_->IsCancelled());
  }

  std::shared_ptr<CompileCancellation> cancellation_;
};

/**
 * Reads compile options (and the optional CompileCancellation handle) into *request; throws
 * a TypeError and returns false when malformed. `what` names the function in messages;
 * symbols may be absent when !requireSymbols.
 */
bool ReadCompileOptions(Napi::Env env, const char* what, Napi::Value value, Napi::Value handleValue,
                        bool requireSymbols, CompileRequest* request) {
  auto fail = [&](const std::string& message) {
    Napi::TypeError::New(env, std::string(what) + ": " + message).ThrowAsJavaScriptException();
    return false;
  };
  if (!value.IsObject()) return fail("options must be an object");
  Napi::Object options = value.As<Napi::Object>();

  Napi::Value optLevel = options.Get("optLevel");
  if (!optLevel.IsNumber()) return fail("options.optLevel must be 0, 1, 2 or 3");
  double level = optLevel.As<Napi::Number>().DoubleValue();
  if (level != 0 && level != 1 && level != 2 && level != 3) return fail("options.optLevel must be 0, 1, 2 or 3");
  request->optLevel = static_cast<int>(level);

  Napi::Value cpu = options.Get("cpu");
  std::string cpuName = cpu.IsString() ? cpu.As<Napi::String>().Utf8Value() : "";
  if (cpuName == "native") {
    request->cpu = TargetCpu::Native;
  } else if (cpuName == "generic") {
    request->cpu = TargetCpu::Generic;
  } else {
    return fail("options.cpu must be 'native' or 'generic'");
  }

  Napi::Value name = options.Get("name");
  if (!name.IsString()) return fail("options.name must be a string");
  request->name = name.As<Napi::String>().Utf8Value();

  Napi::Value symbols = options.Get("symbols");
  if (requireSymbols || !symbols.IsUndefined()) {
    if (!ReadStrings(symbols, &request->symbols)) return fail("options.symbols must be an array of strings");
  }
  Napi::Value guarded = options.Get("guardedFunctions");
  if (!guarded.IsUndefined() && !ReadStrings(guarded, &request->guardedFunctions)) {
    return fail("options.guardedFunctions must be an array of strings");
  }

  if (!handleValue.IsEmpty() && !handleValue.IsUndefined()) {
    Napi::Object handle = handleValue.IsObject() ? handleValue.As<Napi::Object>() : Napi::Object();
    AddonData* addon = env.GetInstanceData<AddonData>();
    if (handle.IsEmpty() || !handle.InstanceOf(addon->cancellationConstructor.Value())) {
      return fail("the cancellation must be a CompileCancellation");
    }
    request->cancellation = CancellationHandle::Unwrap(handle)->cancellation();
  }
  Napi::Value quickCodegen = options.Get("quickCodegen");
  if (!quickCodegen.IsUndefined()) {
    if (!quickCodegen.IsBoolean()) return fail("options.quickCodegen must be a boolean");
    request->quickCodegen = quickCodegen.As<Napi::Boolean>().Value();
  }
  Napi::Value keepObjects = options.Get("keepObjects");
  if (!keepObjects.IsUndefined()) {
    if (!keepObjects.IsBoolean()) return fail("options.keepObjects must be a boolean");
    request->keepObjects = keepObjects.As<Napi::Boolean>().Value();
  }
  Napi::Value timeout = options.Get("timeoutMs");
  if (!timeout.IsUndefined()) {
    double milliseconds = timeout.IsNumber() ? timeout.As<Napi::Number>().DoubleValue() : -1;
    if (!(milliseconds >= 0 && milliseconds <= 1e12)) return fail("options.timeoutMs must be a number of milliseconds");
    if (!request->cancellation) request->cancellation = std::make_shared<CompileCancellation>();
    auto deadline = CompileCancellation::Clock::now() +
                    std::chrono::microseconds(static_cast<int64_t>(milliseconds * 1000));
    request->cancellation->SetDeadline(deadline, "the compile deadline passed");
  }
  return true;
}

/** IR text from a string or a Uint8Array of UTF-8 (copied); false when it is neither. */
bool ReadIr(Napi::Value value, std::string* ir) {
  if (value.IsString()) {
    *ir = value.As<Napi::String>().Utf8Value();
    return true;
  }
  if (value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
    ir->assign(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
    return true;
  }
  return false;
}

/** Reads (ir, options, cancellation?) into *request; throws a TypeError and returns false when malformed. */
bool ReadCompileRequest(const Napi::CallbackInfo& info, CompileRequest* request) {
  if (!ReadIr(info[0], &request->ir)) {
    Napi::TypeError::New(info.Env(), "compile: ir must be a string or a Uint8Array of UTF-8").ThrowAsJavaScriptException();
    return false;
  }
  return ReadCompileOptions(info.Env(), "compile", info[1], info.Length() > 2 ? info[2] : Napi::Value(), true, request);
}

/** The error a failed compile settles with: code 'WASM_COMPILE_CANCELLED' when it was cancelled, a RangeError with code 'WASM_THREAD_START_FAILED' when no thread could run it. */
Napi::Error CompileFailure(Napi::Env env, const std::shared_ptr<CompileCancellation>& cancellation,
                           const std::string& message) {
  if (IsThreadStartError(message)) {
    Napi::Error error = Napi::RangeError::New(env, message);
    error.Set("code", Napi::String::New(env, kThreadStartFailedCode));
    return error;
  }
  Napi::Error error = Napi::Error::New(env, message);
  if (cancellation && cancellation->IsCancelled()) {
    error.Set("code", Napi::String::New(env, "WASM_COMPILE_CANCELLED"));
  }
  return error;
}

class CompiledCode : public Napi::ObjectWrap<CompiledCode> {
 public:
  static Napi::Function DefineClass(Napi::Env env) {
    return Napi::ObjectWrap<CompiledCode>::DefineClass(env, "CompiledCode",
                                                        {InstanceMethod<&CompiledCode::Release>("release")});
  }

  /** Wraps a compiled module (ownership moves into the new object). */
  static Napi::Value New(Napi::Env env, std::unique_ptr<CompiledModule> module) {
    AddonData* addon = env.GetInstanceData<AddonData>();
    // The constructor takes ownership first thing.
    return addon->compiledCodeConstructor.New({Napi::External<CompiledModule>::New(env, module.release())});
  }

  /** Constructed only by New(): the argument is an External holding the CompiledModule. */
  explicit CompiledCode(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CompiledCode>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsExternal()) {
      Napi::TypeError::New(env, "CompiledCode is made by compile(), not by new").ThrowAsJavaScriptException();
      return;
    }
    module_.reset(info[0].As<Napi::External<CompiledModule>>().Data());
    Napi::Object self = info.This().As<Napi::Object>();
    Napi::Array addresses = Napi::Array::New(env, module_->addresses.size());
    for (size_t i = 0; i < module_->addresses.size(); ++i) {
      addresses.Set(static_cast<uint32_t>(i), Napi::BigInt::New(env, module_->addresses[i]));
    }
    Napi::Object timings = Napi::Object::New(env);
    timings.Set("parseMs", module_->timings.parseMs);
    timings.Set("optimizeMs", module_->timings.optimizeMs);
    timings.Set("codegenMs", module_->timings.codegenMs);
    timings.Set("linkMs", module_->timings.linkMs);
    timings.Set("guardedMs", module_->timings.guardedMs);
    timings.Set("units", module_->timings.units);
    self.DefineProperties({
        Napi::PropertyDescriptor::Value("addresses", addresses, napi_enumerable),
        Napi::PropertyDescriptor::Value("timings", timings, napi_enumerable),
        Napi::PropertyDescriptor::Value("objectBytes", Napi::Number::New(env, static_cast<double>(module_->objectBytes)),
                                        napi_enumerable),
    });
    if (!module_->objects.empty()) {
      Napi::Array objects = Napi::Array::New(env, module_->objects.size());
      for (size_t i = 0; i < module_->objects.size(); ++i) {
        const std::string& object = module_->objects[i];
        objects.Set(static_cast<uint32_t>(i), Napi::Buffer<char>::Copy(env, object.data(), object.size()));
      }
      std::vector<std::string>().swap(module_->objects);
      self.DefineProperty(Napi::PropertyDescriptor::Value("objects", objects, napi_enumerable));
    }
    reportedBytes_ = static_cast<int64_t>(module_->objectBytes);
    Napi::MemoryManagement::AdjustExternalMemory(env, reportedBytes_);
  }

  void Finalize(Napi::BasicEnv env) override {
    Napi::MemoryManagement::AdjustExternalMemory(env, -reportedBytes_);
    module_.reset();  // removes the JITDylib if release() has not
  }

 private:
  Napi::Value Release(const Napi::CallbackInfo& info) {
    if (module_) module_->Release();
    return info.Env().Undefined();
  }

  std::unique_ptr<CompiledModule> module_;
  int64_t reportedBytes_ = 0;
};

/** Compiles on a thread of its own with the compile threads' stack size; the caller waits. */
Napi::Value Compile(const Napi::CallbackInfo& info) {
  CompileRequest request;
  if (!ReadCompileRequest(info, &request)) return Napi::Value();
  std::string error;
  std::unique_ptr<CompiledModule> module;
  if (!RunOnCompileStack([&] { module = CompileModule(request, &error); }, &error)) {
    CompileFailure(info.Env(), request.cancellation, error).ThrowAsJavaScriptException();
    return Napi::Value();
  }
  if (!module) {
    CompileFailure(info.Env(), request.cancellation, error).ThrowAsJavaScriptException();
    return Napi::Value();
  }
  return CompiledCode::New(info.Env(), std::move(module));
}

/** linkObjects(objects: Uint8Array[], { name, symbols }) → CompiledCode: links cached object files. */
Napi::Value LinkObjectsValue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto fail = [&](const char* message) {
    Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
    return Napi::Value();
  };
  if (!info[0].IsArray()) return fail("linkObjects: objects must be an array of Uint8Arrays");
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<std::string> objects;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value item = list.Get(i);
    if (!item.IsTypedArray() || item.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      return fail("linkObjects: objects must be an array of Uint8Arrays");
    }
    Napi::Uint8Array bytes = item.As<Napi::Uint8Array>();
    objects.emplace_back(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
  }
  if (objects.empty()) return fail("linkObjects: at least one object is needed");
  if (!info[1].IsObject()) return fail("linkObjects: options must be an object");
  Napi::Object options = info[1].As<Napi::Object>();
  Napi::Value nameValue = options.Get("name");
  if (!nameValue.IsString()) return fail("linkObjects: options.name must be a string");
  std::string name = nameValue.As<Napi::String>().Utf8Value();
  std::vector<std::string> symbols;
  if (!ReadStrings(options.Get("symbols"), &symbols)) return fail("linkObjects: options.symbols must be an array of strings");
  std::string error;
  std::unique_ptr<CompiledModule> module = LinkObjects(objects, name, symbols, &error);
  if (!module) {
    Napi::Error::New(env, error).ThrowAsJavaScriptException();
    return Napi::Value();
  }
  return CompiledCode::New(env, std::move(module));
}

Napi::Value GetThreadLimitsTlsOffset(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(ThreadLimitsTlsOffset()));
}

/** One compileAsync: made and settled on the JavaScript thread, compiled on a compile thread. */
struct AsyncCompile {
  Napi::Promise::Deferred deferred;
  CompileRequest request;
  std::unique_ptr<CompiledModule> module;
  std::string error;
};

/** On the JavaScript thread (env is null when the environment is going away): settle, free. */
void SettleAsyncCompile(Napi::Env env, Napi::Function, void*, AsyncCompile* job) {
  std::unique_ptr<AsyncCompile> owned(job);
  if (env == nullptr) return;  // the CompiledModule's destructor frees the code
  Napi::HandleScope scope(env);
  if (!owned->module) {
    owned->deferred.Reject(CompileFailure(env, owned->request.cancellation, owned->error).Value());
    return;
  }
  Napi::Value code = CompiledCode::New(env, std::move(owned->module));
  if (env.IsExceptionPending()) {
    owned->deferred.Reject(env.GetAndClearPendingException().Value());
    return;
  }
  owned->deferred.Resolve(code);
}

using AsyncCompileDone = Napi::TypedThreadSafeFunction<void, AsyncCompile, SettleAsyncCompile>;

/**
 * Whether a job's thread-safe function still exists. A worker thread's environment may go
 * away while its compile runs, and Node then frees the thread-safe function even though the
 * compile thread holds it: the finalizer clears `alive` (under the mutex) first.
 */
struct AsyncCompileChannel {
  std::mutex mutex;
  bool alive = true;
};

void CloseAsyncCompileChannel(Napi::Env, std::shared_ptr<AsyncCompileChannel>* channel, void*) {
  {
    std::lock_guard<std::mutex> lock((*channel)->mutex);
    (*channel)->alive = false;
  }
  delete channel;
}

Napi::Value CompileAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto job = std::make_unique<AsyncCompile>(AsyncCompile{Napi::Promise::Deferred::New(env), {}, nullptr, ""});
  if (!ReadCompileRequest(info, &job->request)) return Napi::Value();
  Napi::Promise promise = job->deferred.Promise();
  // Keeps the event loop alive until the job is settled, like libuv's async work did.
  auto channel = std::make_shared<AsyncCompileChannel>();
  AsyncCompileDone done = AsyncCompileDone::New(env, "wasm_llvm_native.compile", 0, 1, nullptr, CloseAsyncCompileChannel,
                                                new std::shared_ptr<AsyncCompileChannel>(channel));
  AsyncCompile* owned = job.release();
  std::string error;
  bool queued = SubmitCompileJob([job = owned, done, channel]() mutable {
    job->module = CompileModule(job->request, &job->error);
    job->request.ir = std::string();  // the IR text can be large; free it here, not on the JS thread
    std::lock_guard<std::mutex> lock(channel->mutex);
    if (!channel->alive) {
      delete job;  // the environment is gone; the CompiledModule's destructor frees the code
      return;
    }
    if (done.NonBlockingCall(job) != napi_ok) delete job;  // napi_closing: the environment is going away
    done.Release();
  }, &error);
  if (!queued) {
    // No compile thread can run it: the job was dropped unrun; settle it here.
    owned->deferred.Reject(CompileFailure(env, owned->request.cancellation, error).Value());
    delete owned;
    done.Release();
  }
  return promise;
}

/**
 * `new CompileBatch(options, cancellation?)`: one module's code units (compile_batch.h).
 *   add(ir, guardedFunctions?) → boolean   queues a unit (waits while too much IR is in flight);
 *     false once the batch failed
 *   finish(symbols) → CompiledCode         waits for the units and links them
 *   finishAsync(symbols) → Promise<CompiledCode>
 *   abandon(reason)                        stops it (translation failed)
 *   finishInBackground(symbols), poll(wait?) links on the compile threads; poll takes the code
 *   handOff() → ticket                     the one unit and the symbols come through
 *                                          submitHandedOffBatch(ticket, ...), from any thread
 * options as compile's, without symbols (they come with finish).
 */
/**
 * Background compiles (tier-up) may still run when the process exits; LLVM's statics must
 * not be destroyed under them. JavaScript calls stopBackgroundCompiles() from the process's
 * 'exit' event (before any static destructor; function-local statics that LLVM initialises
 * lazily would be destroyed before a late atexit handler ran): every background compile
 * still alive is cancelled and the compile pool is given a few seconds to go idle. The
 * atexit handler does the same for exits that skip the event.
 */
std::mutex g_backgroundMutex;
std::vector<std::weak_ptr<CompileCancellation>> g_background;
/** Set once the process exits: no background compile starts after that (a translation worker may still submit one). */
bool g_backgroundStopped = false;

void StopBackgroundCompilesAtExit() {
  {
    std::lock_guard<std::mutex> lock(g_backgroundMutex);
    g_backgroundStopped = true;
    for (const auto& entry : g_background) {
      if (auto cancellation = entry.lock()) cancellation->Cancel("the process is exiting");
    }
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    CompilePoolStats stats = GetCompilePoolStats();
    if (stats.queued == 0 && stats.running == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

/** Registers a background compile to be cancelled at exit; false (and cancelled) if the process is exiting already. */
bool RegisterBackgroundCompile(const std::shared_ptr<CompileCancellation>& cancellation) {
  static std::once_flag registered;
  std::call_once(registered, [] { std::atexit(StopBackgroundCompilesAtExit); });
  std::lock_guard<std::mutex> lock(g_backgroundMutex);
  if (g_backgroundStopped) {
    cancellation->Cancel("the process is exiting");
    return false;
  }
  g_background.erase(std::remove_if(g_background.begin(), g_background.end(), [](const auto& entry) { return entry.expired(); }),
                     g_background.end());
  g_background.push_back(cancellation);
  return true;
}

/** Where a background compile's result waits for poll() (BatchHandle). */
struct BackgroundResult {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  bool taken = false;
  std::unique_ptr<CompiledModule> module;
  std::string error;
  /** The thread to tell when it is done (NotifyBackgroundWorkDone), or 0. */
  uint64_t notifyThread = 0;

  void Complete(std::unique_ptr<CompiledModule> compiled, const std::string& failure) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      module = std::move(compiled);
      error = failure;
      done = true;
    }
    finished.notify_all();
    NotifyBackgroundWorkDone(notifyThread);
  }
};

/** Links `batch` in the background into `result` (its units queued already). */
void FinishIntoResult(const std::shared_ptr<CompileBatch>& batch, std::vector<std::string> symbols,
                      const std::shared_ptr<BackgroundResult>& result) {
  if (!RegisterBackgroundCompile(batch->cancellation())) {
    batch->Abandon("the process is exiting");
    result->Complete(nullptr, "the process is exiting");
    return;
  }
  batch->FinishAsync(std::move(symbols), [result](std::unique_ptr<CompiledModule> module, const std::string& error) {
    result->Complete(std::move(module), error);
  });
}

/**
 * Batches handed off (CompileBatch.handOff): their IR comes from whichever thread translates
 * it — the program's or the translation worker's (compile/translation-worker.ts) — through
 * submitHandedOffBatch(ticket, ...), while the handle's poll() waits for the result as after
 * finishInBackground. A ticket is taken by its first submit, or dropped with its handle.
 */
struct HandedOffBatch {
  std::shared_ptr<CompileBatch> batch;
  std::shared_ptr<BackgroundResult> result;
};
std::mutex g_handOffMutex;
std::unordered_map<uint32_t, HandedOffBatch> g_handedOff;
uint32_t g_nextTicket = 1;

uint32_t RegisterHandOff(const std::shared_ptr<CompileBatch>& batch, const std::shared_ptr<BackgroundResult>& result) {
  std::lock_guard<std::mutex> lock(g_handOffMutex);
  uint32_t ticket = g_nextTicket++;
  if (g_nextTicket == 0) g_nextTicket = 1;
  g_handedOff[ticket] = HandedOffBatch{batch, result};
  return ticket;
}

void DropHandOff(uint32_t ticket) {
  std::lock_guard<std::mutex> lock(g_handOffMutex);
  g_handedOff.erase(ticket);
}

class BatchHandle : public Napi::ObjectWrap<BatchHandle> {
 public:
  static Napi::Function DefineClass(Napi::Env env) {
    return Napi::ObjectWrap<BatchHandle>::DefineClass(
        env, "CompileBatch",
        {InstanceMethod<&BatchHandle::Add>("add"), InstanceMethod<&BatchHandle::Finish>("finish"),
         InstanceMethod<&BatchHandle::FinishAsync>("finishAsync"), InstanceMethod<&BatchHandle::Abandon>("abandon"),
         InstanceMethod<&BatchHandle::FinishInBackground>("finishInBackground"),
         InstanceMethod<&BatchHandle::HandOff>("handOff"),
         InstanceMethod<&BatchHandle::Poll>("poll")});
  }

  explicit BatchHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BatchHandle>(info) {
    CompileRequest settings;
    if (!ReadCompileOptions(info.Env(), "CompileBatch", info[0], info.Length() > 1 ? info[1] : Napi::Value(), false,
                            &settings)) {
      return;
    }
    Napi::Value limit = info[0].As<Napi::Object>().Get("maxInFlightIrBytes");
    size_t maxInFlight = kDefaultMaxInFlightIrBytes;
    if (!limit.IsUndefined()) {
      double bytes = limit.IsNumber() ? limit.As<Napi::Number>().DoubleValue() : -1;
      if (!(bytes >= 1 && bytes <= 1e15)) {
        Napi::TypeError::New(info.Env(), "CompileBatch: options.maxInFlightIrBytes must be a positive number")
            .ThrowAsJavaScriptException();
        return;
      }
      maxInFlight = static_cast<size_t>(bytes);
    }
    batch_ = CompileBatch::Create(std::move(settings), maxInFlight);
  }

  ~BatchHandle() override {
    // A handed-off batch whose IR never came: nobody may submit it any more.
    if (ticket_ != 0) DropHandOff(ticket_);
    // Collected without finish (the translator threw past abandon): stop its units.
    if (batch_ && !finished_) batch_->Abandon("the compile was abandoned");
    // A background compile nobody will poll any more: stop it rather than link it.
    if (background_) {
      std::lock_guard<std::mutex> lock(background_->mutex);
      if (!background_->done) batch_->cancellation()->Cancel("the compile was abandoned");
    }
  }

 private:
  static constexpr size_t kDefaultMaxInFlightIrBytes = size_t{128} << 20;

  bool Usable(Napi::Env env) {
    if (batch_ && !finished_) return true;
    Napi::Error::New(env, "CompileBatch: this batch is finished").ThrowAsJavaScriptException();
    return false;
  }

  Napi::Value Add(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(env)) return Napi::Value();
    std::string ir;
    if (!ReadIr(info[0], &ir)) {
      Napi::TypeError::New(env, "CompileBatch.add: ir must be a string or a Uint8Array of UTF-8").ThrowAsJavaScriptException();
      return Napi::Value();
    }
    std::vector<std::string> guarded;
    if (info.Length() > 1 && !info[1].IsUndefined() && !ReadStrings(info[1], &guarded)) {
      Napi::TypeError::New(env, "CompileBatch.add: guardedFunctions must be an array of strings")
          .ThrowAsJavaScriptException();
      return Napi::Value();
    }
    return Napi::Boolean::New(env, batch_->Add(std::move(ir), std::move(guarded)));
  }

  bool ReadSymbols(const Napi::CallbackInfo& info, std::vector<std::string>* symbols) {
    if (ReadStrings(info[0], symbols)) return true;
    Napi::TypeError::New(info.Env(), "CompileBatch.finish: symbols must be an array of strings").ThrowAsJavaScriptException();
    return false;
  }

  Napi::Value Finish(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<std::string> symbols;
    if (!Usable(env) || !ReadSymbols(info, &symbols)) return Napi::Value();
    finished_ = true;
    std::string error;
    std::unique_ptr<CompiledModule> module = batch_->Finish(symbols, &error);
    if (!module) {
      CompileFailure(env, batch_->cancellation(), error).ThrowAsJavaScriptException();
      return Napi::Value();
    }
    return CompiledCode::New(env, std::move(module));
  }

  Napi::Value FinishAsync(const Napi::CallbackInfo& info);

  /**
   * Finish without waiting and without the event loop (tier-up compiles while wasm runs on
   * this thread): the result is kept here until poll() takes it.
   */
  Napi::Value FinishInBackground(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<std::string> symbols;
    if (!Usable(env) || !ReadSymbols(info, &symbols)) return Napi::Value();
    finished_ = true;
    background_ = std::make_shared<BackgroundResult>();
    FinishIntoResult(batch_, std::move(symbols), background_);
    return env.Undefined();
  }

  /**
   * Hands the batch off: its one unit of IR and its symbols will come through
   * submitHandedOffBatch(ticket, ...), from any thread; poll() then works as after
   * finishInBackground. handOff(notify): with `notify` true, this thread's next failing check
   * calls its background poll (setBackgroundPoll) once the result is there. Returns the ticket.
   */
  Napi::Value HandOff(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Usable(env)) return Napi::Value();
    finished_ = true;
    background_ = std::make_shared<BackgroundResult>();
    if (info.Length() > 0 && info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value()) background_->notifyThread = CurrentThreadHandle();
    ticket_ = RegisterHandOff(batch_, background_);
    return Napi::Number::New(env, ticket_);
  }

  /**
   * After finishInBackground: undefined while compiling, then the CompiledCode once (or throws
   * its error once); poll(true) waits for it (a lazy unit compiled ahead, now called).
   */
  Napi::Value Poll(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!background_) {
      Napi::Error::New(env, "CompileBatch.poll: call finishInBackground first").ThrowAsJavaScriptException();
      return Napi::Value();
    }
    bool wait = info.Length() > 0 && info[0].IsBoolean() && info[0].As<Napi::Boolean>().Value();
    std::unique_ptr<CompiledModule> module;
    std::string error;
    {
      std::unique_lock<std::mutex> lock(background_->mutex);
      if (wait) background_->finished.wait(lock, [this] { return background_->done; });
      if (!background_->done) return env.Undefined();
      if (background_->taken) {
        Napi::Error::New(env, "CompileBatch.poll: the result was taken already").ThrowAsJavaScriptException();
        return Napi::Value();
      }
      background_->taken = true;
      module = std::move(background_->module);
      error = background_->error;
    }
    if (!module) {
      CompileFailure(env, batch_->cancellation(), error).ThrowAsJavaScriptException();
      return Napi::Value();
    }
    return CompiledCode::New(env, std::move(module));
  }

  Napi::Value Abandon(const Napi::CallbackInfo& info) {
    if (batch_ && !finished_) {
      finished_ = true;
      batch_->Abandon(info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "the compile was abandoned");
    }
    return info.Env().Undefined();
  }

  std::shared_ptr<CompileBatch> batch_;
  bool finished_ = false;
  std::shared_ptr<BackgroundResult> background_;
  /** Its hand-off ticket (0: not handed off). */
  uint32_t ticket_ = 0;
};

/**
 * submitHandedOffBatch(ticket, ir, guardedFunctions, symbols) → boolean: queues the IR of a
 * handed-off batch and links it in the background; false if the ticket was taken or dropped
 * already, or the process is exiting. Callable from the translation worker's thread.
 */
Napi::Value SubmitHandedOffBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double ticketValue = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(ticketValue >= 1 && ticketValue <= 4294967295.0 && ticketValue == static_cast<double>(static_cast<uint32_t>(ticketValue)))) {
    Napi::TypeError::New(env, "submitHandedOffBatch: ticket must be a ticket from CompileBatch.handOff").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  std::string ir;
  std::vector<std::string> guarded;
  std::vector<std::string> symbols;
  if (!ReadIr(info[1], &ir) || !ReadStrings(info[2], &guarded) || !ReadStrings(info[3], &symbols)) {
    Napi::TypeError::New(env, "submitHandedOffBatch: (ticket, ir: Uint8Array | string, guardedFunctions: string[], symbols: string[])")
        .ThrowAsJavaScriptException();
    return Napi::Value();
  }
  HandedOffBatch entry;
  {
    std::lock_guard<std::mutex> lock(g_handOffMutex);
    auto found = g_handedOff.find(static_cast<uint32_t>(ticketValue));
    if (found == g_handedOff.end()) return Napi::Boolean::New(env, false);
    entry = std::move(found->second);
    g_handedOff.erase(found);
  }
  entry.batch->Add(std::move(ir), std::move(guarded));  // a failed unit is reported by the link
  FinishIntoResult(entry.batch, std::move(symbols), entry.result);
  return Napi::Boolean::New(env, true);
}

Napi::Value BatchHandle::FinishAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> symbols;
  if (!Usable(env) || !ReadSymbols(info, &symbols)) return Napi::Value();
  finished_ = true;
  auto job = std::make_unique<AsyncCompile>(AsyncCompile{Napi::Promise::Deferred::New(env), {}, nullptr, ""});
  job->request.cancellation = batch_->cancellation();
  Napi::Promise promise = job->deferred.Promise();
  auto channel = std::make_shared<AsyncCompileChannel>();
  AsyncCompileDone done = AsyncCompileDone::New(env, "wasm_llvm_native.compileBatch", 0, 1, nullptr,
                                                CloseAsyncCompileChannel, new std::shared_ptr<AsyncCompileChannel>(channel));
  batch_->FinishAsync(std::move(symbols), [job = job.release(), done, channel](std::unique_ptr<CompiledModule> module,
                                                                                const std::string& error) mutable {
    job->module = std::move(module);
    job->error = error;
    std::lock_guard<std::mutex> lock(channel->mutex);
    if (!channel->alive) {
      delete job;
      return;
    }
    if (done.NonBlockingCall(job) != napi_ok) delete job;
    done.Release();
  });
  return promise;
}

Napi::Value StopBackgroundCompilesValue(const Napi::CallbackInfo& info) {
  StopBackgroundCompilesAtExit();
  return info.Env().Undefined();
}

/** objectLoaderStats() → { loaded, declined }: LinkObjects calls served by object_loader.h, and those left to JITLink. */
Napi::Value ObjectLoaderStatsValue(const Napi::CallbackInfo& info) {
  ObjectLoaderStats stats = GetObjectLoaderStats();
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("loaded", Napi::Number::New(info.Env(), static_cast<double>(stats.loaded)));
  result.Set("declined", Napi::Number::New(info.Env(), static_cast<double>(stats.declined)));
  return result;
}

Napi::Value CompilePoolStatsValue(const Napi::CallbackInfo& info) {
  CompilePoolStats stats = GetCompilePoolStats();
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("threads", static_cast<double>(stats.threads != 0 ? stats.threads : CompileThreadCount()));
  result.Set("started", stats.threads != 0);
  result.Set("queued", static_cast<double>(stats.queued));
  result.Set("running", static_cast<double>(stats.running));
  result.Set("completed", static_cast<double>(stats.completed));
  return result;
}

Napi::Value GetLlvmVersion(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), LlvmVersion()); }

Napi::Value GetHostCpuName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), HostCpuName()); }

/**
 * Whether this CPU has SSSE3 (pshufb, for i8x16.swizzle): from the CPU model data the
 * compiler's runtime reads once at start-up, so no CPUID now (LLVM's full feature query
 * costs ~90 µs on a VM, where each CPUID exits to the hypervisor).
 */
Napi::Value GetHostHasSsse3(const Napi::CallbackInfo& info) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return Napi::Boolean::New(info.Env(), __builtin_cpu_supports("ssse3") != 0);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Value GetHostCpuFeatures(const Napi::CallbackInfo& info) {
  std::vector<std::string> features = HostCpuFeatures();
  Napi::Array result = Napi::Array::New(info.Env(), features.size());
  for (size_t i = 0; i < features.size(); ++i) result.Set(static_cast<uint32_t>(i), features[i]);
  return result;
}

}  // namespace

void InitCompileBinding(Napi::Env env, Napi::Object exports) {
  AddonData* addon = env.GetInstanceData<AddonData>();
  Napi::Function compiledCode = CompiledCode::DefineClass(env);
  addon->compiledCodeConstructor = Napi::Persistent(compiledCode);
  exports.Set("CompiledCode", compiledCode);
  Napi::Function cancellation = CancellationHandle::DefineClass(env);
  addon->cancellationConstructor = Napi::Persistent(cancellation);
  exports.Set("CompileCancellation", cancellation);
  Napi::Function batch = BatchHandle::DefineClass(env);
  exports.Set("CompileBatch", batch);
  exports.Set("compilePoolStats", Napi::Function::New(env, CompilePoolStatsValue, "compilePoolStats"));
  exports.Set("objectLoaderStats", Napi::Function::New(env, ObjectLoaderStatsValue, "objectLoaderStats"));
  exports.Set("submitHandedOffBatch", Napi::Function::New(env, SubmitHandedOffBatch, "submitHandedOffBatch"));
  exports.Set("stopBackgroundCompiles", Napi::Function::New(env, StopBackgroundCompilesValue, "stopBackgroundCompiles"));
  exports.Set("compile", Napi::Function::New(env, Compile, "compile"));
  exports.Set("compileAsync", Napi::Function::New(env, CompileAsync, "compileAsync"));
  exports.Set("linkObjects", Napi::Function::New(env, LinkObjectsValue, "linkObjects"));
  exports.Set("threadLimitsTlsOffset", Napi::Function::New(env, GetThreadLimitsTlsOffset, "threadLimitsTlsOffset"));
  exports.Set("llvmVersion", Napi::Function::New(env, GetLlvmVersion, "llvmVersion"));
  exports.Set("hostCpuName", Napi::Function::New(env, GetHostCpuName, "hostCpuName"));
  exports.Set("hostCpuFeatures", Napi::Function::New(env, GetHostCpuFeatures, "hostCpuFeatures"));
  exports.Set("hostHasSsse3", Napi::Function::New(env, GetHostHasSsse3, "hostHasSsse3"));
}

}  // namespace wasm_native
