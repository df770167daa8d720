// Baseline compile, C++ side (docs/RATIONALE.md "Why a baseline compiler in C++ as well?"):
// the baseline compiler of engine/baseline/baseline-function.ts and the unit assembly of
// engine/baseline/baseline-unit.ts (compileUnit), ported statement by statement so that both
// produce the same bytes for every unit (engine/baseline/native-baseline.test.ts compares
// them on every function of the suites and the spec modules). The TypeScript compiler stays
// the reference; this one is what lazy and tiered modules use, because in a fresh process
// the TypeScript one runs in V8's interpreter for most of a program's first calls.
//
// The module is described once (BaselineModule, built by baseline_binding.cc from what
// engine/baseline/native-baseline.ts passes: the bytes, the types, the bodies' extents and
// locals, the globals' types and the vmctx layout's offsets); each unit is compiled on the
// calling thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wasm_native {
namespace baseline {

/** Value types by their binary encoding (engine/wasm/value-types.ts ValType). */
enum ValType : uint8_t {
  kI32 = 0x7f,
  kI64 = 0x7e,
  kF32 = 0x7d,
  kF64 = 0x7c,
  kV128 = 0x7b,
  kFuncRef = 0x70,
  kExternRef = 0x6f,
};

struct FuncType {
  std::vector<uint8_t> params;
  std::vector<uint8_t> results;
};

/** A defined function's body (binary/module-info.ts FunctionBody): its code and its locals. */
struct FunctionBody {
  /** Offset in the module's bytes of the first instruction, and of the byte after the final `end`. */
  uint32_t codeStart = 0;
  uint32_t end = 0;
  /** The local declarations in order: [count, type] groups (the parameters are not included). */
  std::vector<std::pair<uint32_t, uint8_t>> locals;
};

/**
 * The vmctx layout's offsets the code uses (abi/vmctx-layout.ts VmctxLayout): every field the
 * compiler addresses is one of these bases plus a fixed stride, as in VmctxLayout's methods.
 */
struct VmctxOffsets {
  int32_t typeIds = 0;          // + 8 × type index
  int32_t memories = 0;         // + 8 × memory index (the MemoryDefinition's address)
  int32_t tables = 0;           // + 8 × table index (the TableDefinition's address)
  int32_t importedGlobals = 0;  // + 8 × global index (the cell's address)
  int32_t definedGlobals = 0;   // + globalCellBytes × (global index − imported globals)
  int32_t globalCellBytes = 16;
  int32_t funcRefs = 0;         // + 24 × function index (the FuncRef)
  int32_t tierUpContext = 0;
  int32_t tierCounters = 0;     // + 4 × (function index − imported functions)
  int32_t osrFlags = 0;         // + 4 × (function index − imported functions)
};

/** What the compiler knows of a module (BaselineContext and the ModuleInfo fields it reads). */
struct BaselineModule {
  /** The module's bytes: borrowed, kept alive by the binding for the BaselineModule's life. */
  const uint8_t* bytes = nullptr;
  size_t byteLength = 0;
  /** Tiered code: entry and loop counters, OSR at candidate loops. */
  bool tiered = false;
  /** ThreadLimits' offset from %fs (threadLimitsTlsOffset()). */
  int32_t tlsOffset = 0;
  uint32_t importedFunctionCount = 0;
  uint32_t importedGlobalCount = 0;
  /** Memories (imported and defined); the compiler uses memory 0 when there is one. */
  uint32_t memoryCount = 0;
  std::vector<FuncType> types;
  /** Type index of every function, imports first. */
  std::vector<uint32_t> functionTypeIndices;
  /** The defined functions' bodies, in order (function index − importedFunctionCount). */
  std::vector<FunctionBody> bodies;
  /** Every global's value type, imports first. */
  std::vector<uint8_t> globalTypes;
  VmctxOffsets offsets;
};

/** One unit's machine code (engine/baseline/baseline-unit.ts BaselineUnitCode). */
struct BaselineUnitCode {
  /** The functions, then the runtime table (zeros). */
  std::vector<uint8_t> bytes;
  /** Each function's offset in `bytes`, in the unit's order. */
  std::vector<uint32_t> offsets;
  uint32_t tableOffset = 0;
  /** OSR candidate loops: [functionIndex, ordinal] pairs, flattened. */
  std::vector<uint32_t> osrCandidates;
};

enum class BaselineStatus {
  /** `out` holds the unit's code. */
  kCompiled,
  /** A function the baseline does not take (BaselineUnsupported), or code over the size limit: the unit goes to LLVM. */
  kDeclined,
  /** A bug (an internal error of the TypeScript compiler): `error` says what. */
  kError,
};

/**
 * Compiles the functions `functions[0..count)` (defined function indices, imports first) of
 * `module` into one unit, as BaselineModuleCompiler.compileUnit does, byte for byte.
 */
BaselineStatus CompileBaselineUnit(const BaselineModule& module, const uint32_t* functions, size_t count, BaselineUnitCode* out, std::string* error);

}  // namespace baseline
}  // namespace wasm_native
