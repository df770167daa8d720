// LLVM back end, free of Node-API so that it runs on any thread: parse LLVM IR text,
// verify, optimise with the new pass manager, generate an object file for the host or a
// generic x86-64 CPU, and link it: with our object loader (object_loader.h), or into the
// process-wide ORC LLJIT, one JITDylib per module, for single compiles and what the loader declines.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compile_pool.h"
#include "object_loader.h"

namespace wasm_native {

enum class TargetCpu { Native, Generic };

struct CompileRequest {
  std::string ir;
  std::string name;
  int optLevel = 2;  // 0..3
  /**
   * Generate code as O0 does (fast instruction selection and register allocation) after
   * optLevel's IR passes: the top tier of a function too large for the full code generator to
   * finish while it runs (docs/RATIONALE.md, "Why a quick top tier for functions whose compile
   * never finishes?").
   */
  bool quickCodegen = false;
  TargetCpu cpu = TargetCpu::Native;
  std::vector<std::string> symbols;
  /** Functions compiled by the guarded pipeline (guarded_pipeline.h), not at optLevel. */
  std::vector<std::string> guardedFunctions;
  /** Polled between stages, passes and functions; when cancelled the compile fails. May be null. */
  std::shared_ptr<CompileCancellation> cancellation;
  /** Keep copies of the object files in CompiledModule::objects (for the code cache). */
  bool keepObjects = false;
};

struct CompileTimings {
  double parseMs = 0;     // text → Module, and the verifier
  double optimizeMs = 0;  // pass pipeline
  double codegenMs = 0;   // instruction selection … object file
  double linkMs = 0;      // JITLink: add the object, resolve, look up the symbols
  double guardedMs = 0;   // the guarded pipeline: split, reshape, codegen at O0 (not in the others)
  unsigned units = 0;     // LLVM modules compiled (code units); the times above are their sums
};

/** Generated code living in its own JITDylib; destroying it removes the dylib (frees code). */
class CompiledModule {
 public:
  ~CompiledModule();
  CompiledModule(const CompiledModule&) = delete;
  CompiledModule& operator=(const CompiledModule&) = delete;

  /** Frees the code now; addresses become dangling. Idempotent. */
  void Release();

  std::vector<uint64_t> addresses;  // same order as CompileRequest::symbols
  CompileTimings timings;
  uint64_t objectBytes = 0;
  /** The relocatable object files linked, when CompileRequest::keepObjects (else empty). */
  std::vector<std::string> objects;

 private:
  friend std::unique_ptr<CompiledModule> CompileModule(const CompileRequest&, std::string*);
  friend std::unique_ptr<CompiledModule> LinkObjects(const std::vector<std::string>&, const std::string&,
                                                     const std::vector<std::string>&, std::string*);
  friend bool LinkInto(CompiledModule*, std::vector<std::string>, const std::string&, const std::vector<std::string>&,
                       std::string*);
  CompiledModule() = default;
  void* dylib_ = nullptr;  // llvm::orc::JITDylib*
  LoadedImage image_;  // code loaded by object_loader.h instead of a JITDylib
};

/**
 * Thread-safe. Returns nullptr and sets *error (LLVM's diagnostic) on failure; a cancelled
 * compile fails with request.cancellation's reason.
 */
std::unique_ptr<CompiledModule> CompileModule(const CompileRequest& request, std::string* error);

/**
 * The object files of one LLVM module (request.ir; the main object, then the guarded
 * functions' one if any), without linking: one code unit of a CompileBatch. Adds this
 * compile's stage times to *timings and counts it in timings->units. Thread-safe; false and
 * *error on failure (request.cancellation's reason when cancelled).
 */
bool CompileToObjects(const CompileRequest& request, std::vector<std::string>* objects, CompileTimings* timings,
                      std::string* error);

/** After a compile of `irBytes` of IR text or more, hands freed memory back to the system (malloc_trim). */
void TrimAfterLargeCompile(size_t irBytes);

/**
 * Links object files that CompileModule produced earlier (kept with keepObjects, possibly by
 * another process with the same addon, LLVM, CPU and thread-pointer layout: the code cache
 * checks that) and looks up `symbols`: with our own loader (object_loader.h), or into a new
 * JITDylib where it declines. Thread-safe; nullptr and *error on failure.
 */
std::unique_ptr<CompiledModule> LinkObjects(const std::vector<std::string>& objects, const std::string& name,
                                            const std::vector<std::string>& symbols, std::string* error);

/** Adds `objects` to a new JITDylib of `module` and fills module->addresses. */
bool LinkInto(CompiledModule* module, std::vector<std::string> objects, const std::string& name,
              const std::vector<std::string>& symbols, std::string* error);

/** How often LinkObjects loaded the objects itself, and how often it left them to JITLink. */
struct ObjectLoaderStats {
  uint64_t loaded;
  uint64_t declined;
};
ObjectLoaderStats GetObjectLoaderStats();

std::string LlvmVersion();
std::string HostCpuName();
std::vector<std::string> HostCpuFeatures();  // enabled features, LLVM names

}  // namespace wasm_native
