// JavaScript face of the LLVM back end (llvm_compiler.cc):
//   compile(ir, options) → CompiledCode            on the calling thread
//   compileAsync(ir, options) → Promise<CompiledCode>   on the libuv thread pool
//   CompiledCode { addresses: bigint[], timings, objectBytes, release() }: owns the code;
//     release() or garbage collection removes its JITDylib.
//   llvmVersion(), hostCpuName(), hostCpuFeatures()
// options: { optLevel: 0|1|2|3, cpu: 'native'|'generic', name: string, symbols: string[] }.

#include "compile_binding.h"

#include <memory>
#include <string>
#include <utility>

#include "addon_data.h"
#include "llvm_compiler.h"

namespace wasm_native {
namespace {

/** Reads (ir, options) into *request; throws a TypeError and returns false when malformed. */
bool ReadCompileRequest(const Napi::CallbackInfo& info, CompileRequest* request) {
  Napi::Env env = info.Env();
  auto fail = [&](const char* message) {
    Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
    return false;
  };
  if (!info[0].IsString()) return fail("compile: ir must be a string");
  if (!info[1].IsObject()) return fail("compile: options must be an object");
  request->ir = info[0].As<Napi::String>().Utf8Value();
  Napi::Object options = info[1].As<Napi::Object>();

  Napi::Value optLevel = options.Get("optLevel");
  if (!optLevel.IsNumber()) return fail("compile: options.optLevel must be 0, 1, 2 or 3");
  double level = optLevel.As<Napi::Number>().DoubleValue();
  if (level != 0 && level != 1 && level != 2 && level != 3) return fail("compile: options.optLevel must be 0, 1, 2 or 3");
  request->optLevel = static_cast<int>(level);

  Napi::Value cpu = options.Get("cpu");
  std::string cpuName = cpu.IsString() ? cpu.As<Napi::String>().Utf8Value() : "";
  if (cpuName == "native") {
    request->cpu = TargetCpu::Native;
  } else if (cpuName == "generic") {
    request->cpu = TargetCpu::Generic;
  } else {
    return fail("compile: options.cpu must be 'native' or 'generic'");
  }

  Napi::Value name = options.Get("name");
  if (!name.IsString()) return fail("compile: options.name must be a string");
  request->name = name.As<Napi::String>().Utf8Value();

  Napi::Value symbols = options.Get("symbols");
  if (!symbols.IsArray()) return fail("compile: options.symbols must be an array of strings");
  Napi::Array list = symbols.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Value symbol = list.Get(i);
    if (!symbol.IsString()) return fail("compile: options.symbols must be an array of strings");
    request->symbols.push_back(symbol.As<Napi::String>().Utf8Value());
  }
  return true;
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
    self.DefineProperties({
        Napi::PropertyDescriptor::Value("addresses", addresses, napi_enumerable),
        Napi::PropertyDescriptor::Value("timings", timings, napi_enumerable),
        Napi::PropertyDescriptor::Value("objectBytes", Napi::Number::New(env, static_cast<double>(module_->objectBytes)),
                                        napi_enumerable),
    });
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

Napi::Value Compile(const Napi::CallbackInfo& info) {
  CompileRequest request;
  if (!ReadCompileRequest(info, &request)) return Napi::Value();
  std::string error;
  std::unique_ptr<CompiledModule> module = CompileModule(request, &error);
  if (!module) {
    Napi::Error::New(info.Env(), error).ThrowAsJavaScriptException();
    return Napi::Value();
  }
  return CompiledCode::New(info.Env(), std::move(module));
}

/** Parse, optimise, codegen and link on a libuv pool thread; settle the promise on the JS thread. */
class CompileWorker : public Napi::AsyncWorker {
 public:
  CompileWorker(Napi::Env env, CompileRequest request)
      : Napi::AsyncWorker(env, "wasm_llvm_native.compile"),
        deferred_(Napi::Promise::Deferred::New(env)),
        request_(std::move(request)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    std::string error;
    module_ = CompileModule(request_, &error);
    if (!module_) SetError(error);
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Value code = CompiledCode::New(env, std::move(module_));
    if (env.IsExceptionPending()) {
      deferred_.Reject(env.GetAndClearPendingException().Value());
      return;
    }
    deferred_.Resolve(code);
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  CompileRequest request_;
  std::unique_ptr<CompiledModule> module_;
};

Napi::Value CompileAsync(const Napi::CallbackInfo& info) {
  CompileRequest request;
  if (!ReadCompileRequest(info, &request)) return Napi::Value();
  auto* worker = new CompileWorker(info.Env(), std::move(request));  // deletes itself when done
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value GetLlvmVersion(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), LlvmVersion()); }

Napi::Value GetHostCpuName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), HostCpuName()); }

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
  exports.Set("compile", Napi::Function::New(env, Compile, "compile"));
  exports.Set("compileAsync", Napi::Function::New(env, CompileAsync, "compileAsync"));
  exports.Set("llvmVersion", Napi::Function::New(env, GetLlvmVersion, "llvmVersion"));
  exports.Set("hostCpuName", Napi::Function::New(env, GetHostCpuName, "hostCpuName"));
  exports.Set("hostCpuFeatures", Napi::Function::New(env, GetHostCpuFeatures, "hostCpuFeatures"));
}

}  // namespace wasm_native
