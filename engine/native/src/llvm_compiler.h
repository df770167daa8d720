// LLVM back end, free of Node-API so that it runs on any thread: parse LLVM IR text,
// verify, optimise with the new pass manager, generate an object file for the host or a
// generic x86-64 CPU, and link it into the process-wide ORC LLJIT, one JITDylib per module.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wasm_native {

enum class TargetCpu { Native, Generic };

struct CompileRequest {
  std::string ir;
  std::string name;
  int optLevel = 2;  // 0..3
  TargetCpu cpu = TargetCpu::Native;
  std::vector<std::string> symbols;
};

struct CompileTimings {
  double parseMs = 0;     // text → Module, and the verifier
  double optimizeMs = 0;  // pass pipeline
  double codegenMs = 0;   // instruction selection … object file
  double linkMs = 0;      // JITLink: add the object, resolve, look up the symbols
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

 private:
  friend std::unique_ptr<CompiledModule> CompileModule(const CompileRequest&, std::string*);
  CompiledModule() = default;
  void* dylib_ = nullptr;  // llvm::orc::JITDylib*
};

/** Thread-safe. Returns nullptr and sets *error (LLVM's diagnostic) on failure. */
std::unique_ptr<CompiledModule> CompileModule(const CompileRequest& request, std::string* error);

std::string LlvmVersion();
std::string HostCpuName();
std::vector<std::string> HostCpuFeatures();  // enabled features, LLVM names

}  // namespace wasm_native
