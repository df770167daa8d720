// Calls across the JavaScript/wasm boundary (docs/ARCHITECTURE.md §2 step 6,
// abi.ts "Entry trampoline" and "Host trampoline").
//
// invoke(entry, funcRef, slotCount), or invokeFromHeader() with those three in the
// invokeHeader doubles and the trap code written back there (no argument to convert and no
// number to make: a third of a call's cost went to both; and a V8 callback, not a Node-API
// one): copies the arguments from the scratch slot buffer onto the C++ stack, pushes an
// InvokeFrame (sigsetjmp; the signal mask needs no saving, see signals.cc) and calls the
// entry trampoline `void entry(ptr funcRef, ptr slots)`; results are copied back to scratch.
// Traps leave the wasm frames by siglongjmp to the innermost frame: wasm_rt_trap (explicit
// traps), the fault handler (signals.cc) and wasm_rt_host_call when a JavaScript import threw.
// Only wasm frames are ever skipped: a host call re-enters JavaScript through V8
// (fast_host_calls.cc, or the JavaScript handler) and lets it return normally, its exception
// rethrown into the isolate; a nested invoke made by that JavaScript pushes its own frame, so
// a JavaScript exception propagates through every level unchanged (docs/RATIONALE.md, "Why
// are numeric host calls made from C++?").
//
// Stack exhaustion and interruption: generated code checks its thread's ThreadLimits
// (execution_limits.cc); an interrupt request pending when a host function returns to wasm
// ends the call there.

#include "invoke.h"

#include <alloca.h>
#include <pthread.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "abi.h"
#include "addon_data.h"
#include "execution_limits.h"
#include "fast_host_calls.h"
#include "v8_values.h"
#include "signals.h"
#include "trap_codes.h"

namespace wasm_native {
namespace {

// initial-exec: read by the signal handler, which must not reach __tls_get_addr's allocation.
__attribute__((tls_model("initial-exec"))) thread_local InvokeFrame* t_innermostInvoke = nullptr;
thread_local AddonData* t_addonData = nullptr;
[[noreturn]] void Fatal(const char* message) {
  std::fprintf(stderr, "wasm_llvm_native: fatal: %s\n", message);
  std::abort();
}

/** sigsetjmp and the call in a frame of their own that stays live until a trap unwinds. */
__attribute__((noinline)) int CallGuarded(InvokeFrame* frame, EntryTrampoline entry, void* funcRef,
                                          uint64_t* slots) {
  int code = sigsetjmp(frame->jump, 0);
  if (code == 0) {
    entry(funcRef, slots);
    return kInvokeOk;
  }
  return code;
}

__attribute__((noinline)) int RunInvoke(AddonData* addon, EntryTrampoline entry, void* funcRef,
                                        uint32_t slotCount) {
  uint64_t* slots = static_cast<uint64_t*>(alloca(std::max<uint32_t>(slotCount, 1) * kSlotBytes));
  std::memcpy(slots, addon->scratch, slotCount * kSlotBytes);
  InvokeFrame frame;
  frame.previous = t_innermostInvoke;
  frame.inHostCall = false;
  if (frame.previous == nullptr) EnsureSignalStack();
  int32_t refused = CheckBeforeEntry(frame.previous == nullptr);
  if (refused != 0) return refused;
  t_innermostInvoke = &frame;
  int code = CallGuarded(&frame, entry, funcRef, slots);
  t_innermostInvoke = frame.previous;
  if (code == kInvokeOk) std::memcpy(addon->scratch, slots, slotCount * kSlotBytes);
  return code;
}

/**
 * An address given as a Number (an integer below 2^53: what exported functions pass, as a
 * Number costs less to read than a BigInt) or as a BigInt.
 */
bool ReadAddress(const Napi::Value& value, const char* what, uint64_t* out) {
  double number = 0;
  if (napi_get_value_double(value.Env(), value, &number) == napi_ok) {
    if (!(number >= 0 && number <= 9007199254740991.0) || number != static_cast<double>(static_cast<uint64_t>(number))) {
      Napi::RangeError::New(value.Env(), std::string(what) + " must be an integer in [0, 2^53) when it is a number").ThrowAsJavaScriptException();
      return false;
    }
    *out = static_cast<uint64_t>(number);
    return true;
  }
  if (!value.IsBigInt()) {
    Napi::TypeError::New(value.Env(), std::string(what) + " must be a bigint or a number").ThrowAsJavaScriptException();
    return false;
  }
  bool lossless = false;
  *out = value.As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) {
    Napi::RangeError::New(value.Env(), std::string(what) + " does not fit in 64 bits").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

Napi::Value Invoke(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t entry = 0;
  uint64_t funcRef = 0;
  if (!ReadAddress(info[0], "entry", &entry) || !ReadAddress(info[1], "funcRef", &funcRef)) return Napi::Value();
  double slotCount = info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : -1;
  if (!(slotCount >= 0 && slotCount <= static_cast<double>(kScratchSlots)) ||
      slotCount != static_cast<double>(static_cast<uint32_t>(slotCount))) {
    Napi::RangeError::New(env, "slotCount must be an integer in [0, 8192]").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  if (entry == 0) {
    Napi::TypeError::New(env, "entry is a null pointer").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  AddonData* addon = env.GetInstanceData<AddonData>();
  int code = RunInvoke(addon, reinterpret_cast<EntryTrampoline>(entry), reinterpret_cast<void*>(funcRef),
                       static_cast<uint32_t>(slotCount));
  if (code == kInvokeHostException) return Napi::Value();  // the exception is pending: it propagates
  return Napi::Number::New(env, code);
}

/** The largest address a double in the header may hold: every integer below it is exact. */
constexpr double kMaximumHeaderAddress = 9007199254740992.0;  // 2^53

/**
 * A V8 function callback, not a Node-API one: the call every exported function makes, where
 * Node-API's wrapper (its callback info, instance data and bookkeeping) cost a sixth of a
 * call. Exceptions from host functions are the isolate's own (CallHostHandler and
 * fast_host_calls.cc rethrow them), so they surface when this returns, as they did through
 * Node-API.
 */
void InvokeFromHeader(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* addon = static_cast<AddonData*>(info.Data().As<v8::External>()->Value());
  double* header = addon->invokeHeader;
  double entry = header[0], funcRef = header[1], slotCount = header[2];
  if (!(entry > 0 && entry < kMaximumHeaderAddress && entry == static_cast<double>(static_cast<uint64_t>(entry))) ||
      !(funcRef >= 0 && funcRef < kMaximumHeaderAddress && funcRef == static_cast<double>(static_cast<uint64_t>(funcRef))) ||
      !(slotCount >= 0 && slotCount <= static_cast<double>(kScratchSlots)) ||
      slotCount != static_cast<double>(static_cast<uint32_t>(slotCount))) {
    v8::Isolate* isolate = info.GetIsolate();
    isolate->ThrowException(v8::Exception::RangeError(v8::String::NewFromUtf8Literal(
        isolate, "invokeFromHeader: the header must hold an entry address, a funcRef address and a slot count in [0, 8192]")));
    return;
  }
  int code = RunInvoke(addon, reinterpret_cast<EntryTrampoline>(static_cast<uintptr_t>(entry)),
                       reinterpret_cast<void*>(static_cast<uintptr_t>(funcRef)), static_cast<uint32_t>(slotCount));
  if (code == kInvokeHostException) return;  // the exception is pending: it propagates
  // Written after the call: a nested invoke made by a host function wrote its own code before.
  header[3] = code;
}

Napi::Value SetHostCallHandler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* addon = env.GetInstanceData<AddonData>();
  if (!info[0].IsFunction() && !info[0].IsNull() && !info[0].IsUndefined()) {
    Napi::TypeError::New(env, "the host call handler must be a function").ThrowAsJavaScriptException();
    return Napi::Value();
  }
  addon->hostCallHandler.Reset();
  if (info[0].IsFunction()) addon->hostCallHandler.Reset(v8::Isolate::GetCurrent(), V8LocalOf(info[0]).As<v8::Function>());
  return env.Undefined();
}

/**
 * Calls the JavaScript handler with the host id, through V8 directly (no napi handle scope
 * to allocate, no reference to look up); returns true when it threw, the exception rethrown
 * to the JavaScript that called into wasm (it surfaces when invoke() returns), or when
 * JavaScript cannot run any more (a worker being terminated); either way the wasm frames must
 * be left. Its handle scope and TryCatch are gone before returning, so the caller may unwind.
 */
__attribute__((noinline)) bool CallHostHandler(AddonData* addon, uint64_t hostId) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  if (isolate->IsExecutionTerminating()) return true;
  v8::HandleScope scope(isolate);
  if (addon->hostCallHandler.IsEmpty()) {
    isolate->ThrowException(v8::Exception::Error(
        v8::String::NewFromUtf8Literal(isolate, "wasm_llvm_native: a host function was called but no host call handler is set")));
    return true;
  }
  v8::Local<v8::Function> handler = addon->hostCallHandler.Get(isolate);
  v8::Local<v8::Value> argument = v8::Number::New(isolate, static_cast<double>(hostId));
  v8::TryCatch tryCatch(isolate);
  if (!handler->Call(isolate->GetCurrentContext(), v8::Undefined(isolate), 1, &argument).IsEmpty()) return false;
  if (tryCatch.HasCaught() && tryCatch.CanContinue() && !tryCatch.HasTerminated()) tryCatch.ReThrow();
  return true;
}

}  // namespace

InvokeFrame* InnermostInvokeFrame() { return t_innermostInvoke; }

AddonData* CurrentAddonData() { return t_addonData; }
void SetCurrentAddonData(AddonData* data) { t_addonData = data; }

void InitInvokeBinding(Napi::Env env, Napi::Object exports) {
  AddonData* addon = env.GetInstanceData<AddonData>();
  exports.Set("invoke", Napi::Function::New(env, Invoke, "invoke"));
  {
    v8::Isolate* isolate = v8::Isolate::GetCurrent();
    v8::Local<v8::FunctionTemplate> invokeFromHeader = v8::FunctionTemplate::New(
        isolate, InvokeFromHeader, v8::External::New(isolate, addon), v8::Local<v8::Signature>(), 0, v8::ConstructorBehavior::kThrow);
    v8::Local<v8::Function> function = invokeFromHeader->GetFunction(isolate->GetCurrentContext()).ToLocalChecked();
    function->SetName(v8::String::NewFromUtf8Literal(isolate, "invokeFromHeader"));
    exports.Set("invokeFromHeader", Napi::Value(env, NapiValueOf(function)));
  }
  exports.Set("setHostCallHandler", Napi::Function::New(env, SetHostCallHandler, "setHostCallHandler"));
  // The scratch buffer lives as long as the environment's AddonData: no finalizer.
  napi_value scratch = nullptr;
  napi_create_external_arraybuffer(env, addon->scratch, kScratchBytes, nullptr, nullptr, &scratch);
  exports.Set("scratch", Napi::Value(env, scratch));
  napi_value header = nullptr;
  napi_create_external_arraybuffer(env, addon->invokeHeader, sizeof addon->invokeHeader, nullptr, nullptr, &header);
  exports.Set("invokeHeader", Napi::Value(env, header));
}

}  // namespace wasm_native

using wasm_native::AddonData;
using wasm_native::InvokeFrame;

extern "C" void wasm_rt_trap(int32_t code) {
  InvokeFrame* frame = wasm_native::t_innermostInvoke;
  if (frame == nullptr) wasm_native::Fatal("wasm_rt_trap called outside invoke()");
  // sigsetjmp reports 0 as "first return": an invalid code 0 becomes Unreachable.
  siglongjmp(frame->jump, code != 0 ? code : static_cast<int>(wasm_native::TrapCode::Unreachable));
}

extern "C" void wasm_rt_tier_up(const wasm_native::HostFunctionContext* context, uint64_t* slots) {
  // 256 KiB: what the tier-up handler may use in JavaScript (translating a unit included).
  constexpr uint64_t kTierUpStackBytes = uint64_t{256} << 10;
  if (!wasm_native::JavaScriptHasStack(reinterpret_cast<uintptr_t>(__builtin_frame_address(0)), kTierUpStackBytes)) {
    slots[0] = 0;  // no OSR entry: the baseline goes on
    return;
  }
  wasm_rt_host_call(context, slots);
}

extern "C" void wasm_rt_host_call(const wasm_native::HostFunctionContext* context, uint64_t* slots) {
  InvokeFrame* frame = wasm_native::t_innermostInvoke;
  AddonData* addon = wasm_native::t_addonData;
  if (frame == nullptr || addon == nullptr) wasm_native::Fatal("wasm_rt_host_call called outside invoke()");
  frame->inHostCall = true;
  // A JavaScript import of numbers only: called from C++, its result written into the slots.
  wasm_native::FastHostCall fast = wasm_native::TryFastHostCall(addon, context->hostId, slots);
  bool threw = fast == wasm_native::FastHostCall::kThrew;
  bool handled = fast != wasm_native::FastHostCall::kNotRegistered;
  uint64_t resultSlots = std::min<uint64_t>(context->resultSlots, wasm_native::kScratchSlots);
  if (!handled) {
    uint64_t paramSlots = std::min<uint64_t>(context->paramSlots, wasm_native::kScratchSlots);
    std::memcpy(addon->scratch, slots, paramSlots * wasm_native::kSlotBytes);
    threw = wasm_native::CallHostHandler(addon, context->hostId);
  }
  frame->inHostCall = false;
  if (threw) siglongjmp(frame->jump, wasm_native::kInvokeHostException);
  // An interruptThread() request or a deadline that the JavaScript function ran into.
  int32_t interrupted = wasm_native::TakePendingInterrupt();
  if (interrupted != 0) siglongjmp(frame->jump, interrupted);
  if (!handled) std::memcpy(slots, addon->scratch, resultSlots * wasm_native::kSlotBytes);
}
