// Linear memories (docs/ARCHITECTURE.md §3; abi.ts MemoryDefinition).
//
// Each memory reserves MEMORY_RESERVATION_BYTES (8 GiB + 64 KiB) of address space PROT_NONE
// with MAP_NORESERVE and makes its accessible prefix read-write; growth mprotects more of it.
// The base never moves. A reservation is shared, by reference count, between its
// LinearMemory JavaScript object and every ArrayBuffer made over it, and is unmapped when
// the last of them is garbage-collected. The LinearMemory's finalizer is a Node-API
// "basic" finalizer (NAPI_EXPERIMENTAL), which runs during the garbage collection itself;
// the ArrayBuffers are made with V8's own API, whose backing-store deleter also runs when
// V8 frees the buffer — Node-API's finalizers of external ArrayBuffers wait for the event
// loop, so a synchronous loop of instantiations that read memory.buffer could not get its
// address space back (47 bits hold only ~16,000 live reservations).
//
// Growth detaches the memory's current ArrayBuffer at once, whether JavaScript or wasm's
// memory.grow grew it (JS API "refresh the memory buffer"; V8 detaches even for 0 pages):
// glue code that caches a view and renews it when its length is 0 must see that length.
// JavaScript asks `generation()` whether the buffer it holds is still current.
//
// Live reservations are listed in a fixed table of atomics, which the fault handler scans
// without locks (async-signal-safe).
//
// A released reservation of at most kPoolMaxCommittedBytes goes to a small pool instead of
// munmap (Wasmtime's pooling allocator does this for all its memories): its pages are
// dropped with MADV_DONTNEED, so they read as zero again, and it leaves the registry. A
// new memory takes one from the pool when it can, and only changes the protection of the
// pages between the two sizes: the next instance of the same module makes no system call
// for its memory, and finds the page tables its data segments need already there.

#include "memory.h"

#include <errno.h>
#include <sys/mman.h>
#include <v8.h>

#include <atomic>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "abi.h"
#include "addon_data.h"
#include "v8_values.h"

namespace wasm_native {
namespace {

// ---------------------------------------------------------------- registry of reservations

/** More than the 47-bit address space can hold (128 TiB / 8 GiB = 16,384). */
constexpr size_t kRegistryCapacity = 1 << 15;

std::atomic<uintptr_t> g_reservationBases[kRegistryCapacity];
std::atomic<size_t> g_registryHighWater{0};  // slots [0, high water) may be in use
std::atomic<int64_t> g_liveMemories{0};
std::mutex g_registryMutex;                  // registration only; the fault handler never locks
std::vector<size_t> g_freeRegistrySlots;     // guarded by g_registryMutex

bool RegisterReservation(uintptr_t base, size_t* slot) {
  std::lock_guard<std::mutex> lock(g_registryMutex);
  if (!g_freeRegistrySlots.empty()) {
    *slot = g_freeRegistrySlots.back();
    g_freeRegistrySlots.pop_back();
  } else {
    size_t next = g_registryHighWater.load(std::memory_order_relaxed);
    if (next == kRegistryCapacity) return false;
    *slot = next;
    g_registryHighWater.store(next + 1, std::memory_order_release);
  }
  g_reservationBases[*slot].store(base, std::memory_order_release);
  g_liveMemories.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void UnregisterReservation(size_t slot) {
  std::lock_guard<std::mutex> lock(g_registryMutex);
  g_reservationBases[slot].store(0, std::memory_order_release);
  g_freeRegistrySlots.push_back(slot);
  g_liveMemories.fetch_sub(1, std::memory_order_relaxed);
}

// ---------------------------------------------------------------- reservations

/** The JavaScript side of a memory: its current buffer (weak), owned by the LinearMemory. */
struct CurrentBuffer {
  v8::Isolate* isolate = nullptr;
  v8::Global<v8::ArrayBuffer> buffer;  // weak: V8 may collect it; empty once detached
};

/** The MemoryDefinition plus its owners' count; generated code sees only `definition`. */
struct Reservation {
  MemoryDefinition definition;  // first: generated code's pointer is the Reservation's
  std::atomic<int> owners{1};
  /** Successful growths (0 pages included): a buffer made before the last one is detached. */
  std::atomic<uint64_t> generation{0};
  /** Set while the LinearMemory lives (only its thread touches it). */
  CurrentBuffer* current = nullptr;

  void AddOwner() { owners.fetch_add(1, std::memory_order_relaxed); }
  void RemoveOwner();
};

// ---------------------------------------------------------------- the pool of released reservations

/** Reservations kept, and the largest accessible prefix a kept one may have. */
constexpr size_t kPoolCapacity = 16;
constexpr uint64_t kPoolMaxCommittedBytes = 64ull << 20;

struct PooledReservation {
  uint8_t* base;
  uint64_t committedBytes;  // read-write, zero-filled on demand; the rest PROT_NONE
};

std::mutex g_poolMutex;
std::vector<PooledReservation> g_pool;  // guarded by g_poolMutex
/** Memories made from a pooled reservation since the process started. */
std::atomic<uint64_t> g_poolReuses{0};

/** Keeps a released reservation for reuse; false when it must be unmapped. Any thread. */
bool ReturnToPool(uint8_t* base, uint64_t committedBytes) {
  if (committedBytes > kPoolMaxCommittedBytes) return false;
  {
    std::lock_guard<std::mutex> lock(g_poolMutex);
    if (g_pool.size() >= kPoolCapacity) return false;
  }
  // Outside the lock: the pages' contents go, their mappings stay (zero on the next touch).
  if (committedBytes > 0 && madvise(base, committedBytes, MADV_DONTNEED) != 0) return false;
  std::lock_guard<std::mutex> lock(g_poolMutex);
  if (g_pool.size() >= kPoolCapacity) return false;
  g_pool.push_back({base, committedBytes});
  return true;
}

/**
 * A pooled reservation with exactly `initialBytes` accessible, or nullptr when the pool is
 * empty or the protection change fails (that reservation is unmapped). Prefers one whose
 * accessible prefix already has that size.
 */
uint8_t* TakeFromPool(uint64_t initialBytes) {
  PooledReservation taken{nullptr, 0};
  {
    std::lock_guard<std::mutex> lock(g_poolMutex);
    if (g_pool.empty()) return nullptr;
    size_t chosen = g_pool.size() - 1;
    for (size_t i = 0; i < g_pool.size(); ++i) {
      if (g_pool[i].committedBytes == initialBytes) chosen = i;
    }
    taken = g_pool[chosen];
    g_pool[chosen] = g_pool.back();
    g_pool.pop_back();
  }
  bool ok = true;
  if (taken.committedBytes > initialBytes) {
    ok = mprotect(taken.base + initialBytes, taken.committedBytes - initialBytes, PROT_NONE) == 0;
  } else if (taken.committedBytes < initialBytes) {
    ok = mprotect(taken.base + taken.committedBytes, initialBytes - taken.committedBytes, PROT_READ | PROT_WRITE) == 0;
  }
  if (!ok) {
    munmap(taken.base, kMemoryReservationBytes);
    return nullptr;
  }
  g_poolReuses.fetch_add(1, std::memory_order_relaxed);
  return taken.base;
}

/** Unmaps every pooled reservation (when the address space runs out). */
void DrainPool() {
  std::vector<PooledReservation> drained;
  {
    std::lock_guard<std::mutex> lock(g_poolMutex);
    drained.swap(g_pool);
  }
  for (const PooledReservation& entry : drained) munmap(entry.base, kMemoryReservationBytes);
}

void Reservation::RemoveOwner() {
  if (owners.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  UnregisterReservation(definition.reserved);
  if (!ReturnToPool(definition.base, definition.byteLength)) munmap(definition.base, kMemoryReservationBytes);
  delete this;
}

static_assert(offsetof(Reservation, definition) == 0, "wasm_rt_memory_grow's definition pointer is its Reservation");

/** A fresh reservation with `initialBytes` accessible; nullptr with *error set on failure. */
void* NewReservation(uint64_t initialBytes, std::string* error) {
  void* base = mmap(nullptr, kMemoryReservationBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    // The pool's reservations are address space too: give them back and try once more.
    DrainPool();
    base = mmap(nullptr, kMemoryReservationBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  }
  if (base == MAP_FAILED) {
    *error = std::string("cannot reserve 8 GiB of address space for a linear memory (") +
             std::to_string(g_liveMemories.load()) + " memories live): " + std::strerror(errno);
    return nullptr;
  }
  if (initialBytes > 0 && mprotect(base, initialBytes, PROT_READ | PROT_WRITE) != 0) {
    *error = std::string("cannot commit ") + std::to_string(initialBytes / kWasmPageBytes) +
             " pages for a linear memory: " + std::strerror(errno);
    munmap(base, kMemoryReservationBytes);
    return nullptr;
  }
  return base;
}

/** Returns nullptr with *error set when the address space or memory is exhausted. */
Reservation* CreateReservation(uint64_t initialPages, uint64_t maximumPages, std::string* error) {
  uint64_t initialBytes = initialPages * kWasmPageBytes;
  void* base = TakeFromPool(initialBytes);
  if (base == nullptr) base = NewReservation(initialBytes, error);
  if (base == nullptr) return nullptr;
  size_t slot = 0;
  if (!RegisterReservation(reinterpret_cast<uintptr_t>(base), &slot)) {
    *error = "too many live linear memories";
    munmap(base, kMemoryReservationBytes);
    return nullptr;
  }
  auto* reservation = new Reservation();
  reservation->definition.base = static_cast<uint8_t*>(base);
  reservation->definition.byteLength = initialBytes;
  reservation->definition.maxByteLength = maximumPages * kWasmPageBytes;
  reservation->definition.reserved = slot;
  return reservation;
}

/** Detaches the memory's current ArrayBuffer, if JavaScript holds one (on the memory's thread). */
void DetachCurrentBuffer(Reservation* reservation) {
  CurrentBuffer* current = reservation->current;
  if (current == nullptr || current->buffer.IsEmpty()) return;
  v8::HandleScope scope(current->isolate);
  v8::Local<v8::ArrayBuffer> buffer = current->buffer.Get(current->isolate);
  current->buffer.Reset();
  if (!buffer.IsEmpty() && buffer->IsDetachable()) buffer->Detach();
}

/** memory.grow: old size in pages, or -1 (over the maximum, or the kernel refused). */
int64_t GrowMemory(Reservation* reservation, uint64_t deltaPages) {
  MemoryDefinition* memory = &reservation->definition;
  uint64_t oldPages = memory->byteLength / kWasmPageBytes;
  uint64_t maximumPages = memory->maxByteLength / kWasmPageBytes;
  if (deltaPages > maximumPages - oldPages) return -1;
  uint64_t deltaBytes = deltaPages * kWasmPageBytes;
  if (deltaBytes > 0 && mprotect(memory->base + memory->byteLength, deltaBytes, PROT_READ | PROT_WRITE) != 0) return -1;
  memory->byteLength += deltaBytes;
  reservation->generation.fetch_add(1, std::memory_order_relaxed);
  DetachCurrentBuffer(reservation);
  return static_cast<int64_t>(oldPages);
}

/** An integral number in [-1, 2^32], or -2 for anything else. */
int64_t ReadInteger(const Napi::Value& value) {
  if (!value.IsNumber()) return -2;
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= -1 && number <= 4294967296.0) || number != static_cast<double>(static_cast<int64_t>(number))) return -2;
  return static_cast<int64_t>(number);
}

/** V8's backing-store deleter (any thread, when V8 frees the buffer's memory). */
void ReleaseBufferOwner(void* /*data*/, size_t /*length*/, void* reservation) {
  static_cast<Reservation*>(reservation)->RemoveOwner();
}

// ---------------------------------------------------------------- JavaScript class

/**
 * new LinearMemory(initialPages, maximumPages)   maximumPages -1: none (65536)
 *   definition: bigint        address of the MemoryDefinition
 *   grow(deltaPages): number  old size in pages, or -1
 *   byteLength(): number
 *   newBuffer(): ArrayBuffer  a new external ArrayBuffer over [base, base + byteLength)
 *   copyData(plan: ArrayBuffer, count): void   the plan's first `count` data copies
 * (addon.ts caches newBuffer()'s result and detaches it when the size changes.)
 */
class LinearMemory : public Napi::ObjectWrap<LinearMemory> {
 public:
  static Napi::Function DefineClass(Napi::Env env) {
    return Napi::ObjectWrap<LinearMemory>::DefineClass(
        env, "LinearMemory",
        {InstanceMethod<&LinearMemory::Grow>("grow"), InstanceMethod<&LinearMemory::ByteLength>("byteLength"),
         InstanceMethod<&LinearMemory::NewBuffer>("newBuffer"),
         InstanceMethod<&LinearMemory::Generation>("generation"), InstanceMethod<&LinearMemory::CopyData>("copyData")});
  }

  explicit LinearMemory(const Napi::CallbackInfo& info) : Napi::ObjectWrap<LinearMemory>(info) {
    Napi::Env env = info.Env();
    int64_t initialPages = ReadInteger(info[0]);
    int64_t maximumPages = ReadInteger(info[1]);
    if (maximumPages == -1) maximumPages = static_cast<int64_t>(kWasmMaxPages);
    if (initialPages < 0 || initialPages > static_cast<int64_t>(kWasmMaxPages)) {
      Napi::RangeError::New(env, "initial pages must be an integer in [0, 65536]").ThrowAsJavaScriptException();
      return;
    }
    if (maximumPages < initialPages || maximumPages > static_cast<int64_t>(kWasmMaxPages)) {
      Napi::RangeError::New(env, "maximum pages must be -1 or an integer in [initial, 65536]")
          .ThrowAsJavaScriptException();
      return;
    }
    std::string error;
    reservation_ = CreateReservation(static_cast<uint64_t>(initialPages), static_cast<uint64_t>(maximumPages), &error);
    if (!reservation_) {
      Napi::Error::New(env, error).ThrowAsJavaScriptException();
      return;
    }
    current_.isolate = v8::Isolate::GetCurrent();
    reservation_->current = &current_;
    info.This().As<Napi::Object>().DefineProperty(Napi::PropertyDescriptor::Value(
        "definition", Napi::BigInt::New(env, reinterpret_cast<uint64_t>(&reservation_->definition)), napi_enumerable));
    ReportCommittedBytes(env);
  }

  MemoryDefinition* definition() const { return reservation_ ? &reservation_->definition : nullptr; }

  void Finalize(Napi::BasicEnv env) override {
    if (!reservation_) return;
    Napi::MemoryManagement::AdjustExternalMemory(env, -reportedBytes_);
    reservation_->current = nullptr;
    current_.buffer.Reset();
    reservation_->RemoveOwner();
    reservation_ = nullptr;
  }

 private:
  /** Tells V8 about committed bytes, including growth done by generated code since. */
  void ReportCommittedBytes(Napi::BasicEnv env) {
    int64_t committed = static_cast<int64_t>(reservation_->definition.byteLength);
    if (committed == reportedBytes_) return;
    Napi::MemoryManagement::AdjustExternalMemory(env, committed - reportedBytes_);
    reportedBytes_ = committed;
  }

  Napi::Value Grow(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    double delta = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
    if (!(delta >= 0 && delta <= 4294967295.0) || delta != static_cast<double>(static_cast<uint64_t>(delta))) {
      Napi::RangeError::New(env, "delta pages must be an integer in [0, 2^32)").ThrowAsJavaScriptException();
      return Napi::Value();
    }
    int64_t old = GrowMemory(reservation_, static_cast<uint64_t>(delta));
    ReportCommittedBytes(env);
    return Napi::Number::New(env, static_cast<double>(old));
  }

  /** Successful growths so far: the buffer made at another generation is detached. */
  Napi::Value Generation(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(reservation_->generation.load(std::memory_order_relaxed)));
  }

  Napi::Value ByteLength(const Napi::CallbackInfo& info) {
    ReportCommittedBytes(info.Env());
    return Napi::Number::New(info.Env(), static_cast<double>(reservation_->definition.byteLength));
  }

  /** Applies the first `count` { destination, source, length } entries of `plan` (CopyDataPlan). */
  Napi::Value CopyData(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    double count = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : -1;
    if (!info[0].IsArrayBuffer() || !(count >= 0 && count <= 4294967295.0) || count != static_cast<double>(static_cast<uint32_t>(count))) {
      Napi::TypeError::New(env, "copyData(plan: ArrayBuffer, count: number)").ThrowAsJavaScriptException();
      return Napi::Value();
    }
    Napi::ArrayBuffer plan = info[0].As<Napi::ArrayBuffer>();
    uint64_t entries = static_cast<uint64_t>(count);
    if (reinterpret_cast<uintptr_t>(plan.Data()) % alignof(uint64_t) != 0 || entries * kDataCopyEntryBytes > plan.ByteLength()) {
      Napi::RangeError::New(env, "copyData: the plan is shorter than its count").ThrowAsJavaScriptException();
      return Napi::Value();
    }
    if (!CopyDataPlan(&reservation_->definition, static_cast<const uint64_t*>(plan.Data()), static_cast<uint32_t>(entries))) {
      Napi::RangeError::New(env, "copyData: a data segment does not fit the memory").ThrowAsJavaScriptException();
    }
    return env.Undefined();
  }

  Napi::Value NewBuffer(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ReportCommittedBytes(env);
    v8::Isolate* isolate = v8::Isolate::GetCurrent();
    reservation_->AddOwner();
    std::shared_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(
        reservation_->definition.base, reservation_->definition.byteLength, ReleaseBufferOwner, reservation_);
    v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
    current_.buffer.Reset(isolate, buffer);
    current_.buffer.SetWeak();
    return Napi::Value(env, NapiValueOf(buffer));
  }

  Reservation* reservation_ = nullptr;
  CurrentBuffer current_;
  int64_t reportedBytes_ = 0;
};

Napi::Value LiveMemoryCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(g_liveMemories.load(std::memory_order_relaxed)));
}

/** { pooled: released reservations kept for reuse, reused: memories made from one so far }. */
Napi::Value MemoryPoolStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object stats = Napi::Object::New(env);
  size_t pooled = 0;
  {
    std::lock_guard<std::mutex> lock(g_poolMutex);
    pooled = g_pool.size();
  }
  stats.Set("pooled", static_cast<double>(pooled));
  stats.Set("reused", static_cast<double>(g_poolReuses.load(std::memory_order_relaxed)));
  return stats;
}

}  // namespace

bool CopyDataPlan(MemoryDefinition* memory, const uint64_t* plan, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t destination = plan[3 * i], length = plan[3 * i + 2];
    if (destination > memory->byteLength || length > memory->byteLength - destination) return false;
  }
  for (uint32_t i = 0; i < count; ++i) {
    std::memcpy(memory->base + plan[3 * i], reinterpret_cast<const void*>(static_cast<uintptr_t>(plan[3 * i + 1])), plan[3 * i + 2]);
  }
  return true;
}

bool IsInsideLiveMemory(uintptr_t address) {
  size_t count = g_registryHighWater.load(std::memory_order_acquire);
  for (size_t i = 0; i < count; ++i) {
    uintptr_t base = g_reservationBases[i].load(std::memory_order_relaxed);
    if (base != 0 && address - base < kMemoryReservationBytes) return true;
  }
  return false;
}

Napi::Object NewLinearMemoryObject(Napi::Env env, uint32_t initialPages, int64_t maximumPages, MemoryDefinition** definition) {
  Napi::Object object = CurrentAddonData()->memoryConstructor.New(
      {Napi::Number::New(env, initialPages), Napi::Number::New(env, static_cast<double>(maximumPages))});
  if (env.IsExceptionPending() || object.IsEmpty()) return Napi::Object();
  *definition = LinearMemory::Unwrap(object)->definition();
  return object;
}

void InitMemoryBinding(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor = LinearMemory::DefineClass(env);
  CurrentAddonData()->memoryConstructor = Napi::Persistent(constructor);
  exports.Set("LinearMemory", constructor);
  exports.Set("liveMemoryCount", Napi::Function::New(env, LiveMemoryCount, "liveMemoryCount"));
  exports.Set("memoryPoolStats", Napi::Function::New(env, MemoryPoolStats, "memoryPoolStats"));
}

}  // namespace wasm_native

extern "C" int32_t wasm_rt_memory_grow(wasm_native::MemoryDefinition* memory, int32_t deltaPages) {
  // wasm's memory.grow operand is an unsigned page count. The definition is the first
  // member of its Reservation.
  auto* reservation = reinterpret_cast<wasm_native::Reservation*>(memory);
  return static_cast<int32_t>(wasm_native::GrowMemory(reservation, static_cast<uint32_t>(deltaPages)));
}
