// Stage: compile. One wasm module compiled as code units (engine/translate/code-units.ts):
// the translator hands over one LLVM module per unit as soon as it is written, each unit is
// parsed, optimised and compiled to objects on the compile threads (compile_pool.h) while
// the next is being translated, and when the last is done all objects are linked, in unit
// order, into one JITDylib. Free of Node-API (compile_binding.cc wraps it).
//
// Memory: at most `maxInFlightIrBytes` of IR text is queued or being compiled at once (Add
// waits for room), so a compile's peak memory follows its largest units, not the module.
// Determinism: a unit's objects depend on its IR only and the link order is the unit order,
// so the code is the same whatever the number of threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "llvm_compiler.h"

namespace wasm_native {

class CompileBatch : public std::enable_shared_from_this<CompileBatch> {
 public:
  using Done = std::function<void(std::unique_ptr<CompiledModule> module, const std::string& error)>;

  /**
   * `settings`: optLevel, quickCodegen, cpu, name, keepObjects and cancellation apply to every unit (ir,
   * symbols and guardedFunctions are ignored). A batch without a cancellation gets its own.
   */
  static std::shared_ptr<CompileBatch> Create(CompileRequest settings, size_t maxInFlightIrBytes);

  /**
   * Queues one unit's IR (its guarded functions by symbol) on the compile threads; waits
   * first while more than maxInFlightIrBytes are queued or compiling (never for the first).
   * Returns false once the batch has failed (nothing queued; Finish reports why).
   */
  bool Add(std::string ir, std::vector<std::string> guardedFunctions);

  /** Waits for every unit and links them; nullptr and *error when a unit failed. Once only. */
  std::unique_ptr<CompiledModule> Finish(const std::vector<std::string>& symbols, std::string* error);

  /**
   * Finish without waiting: `done` runs once, on the compile thread that completes the last
   * unit (or a new compile job when all are done already), after linking.
   */
  void FinishAsync(std::vector<std::string> symbols, Done done);

  /** Stops the batch (translation failed): queued units are skipped, running ones cancelled. */
  void Abandon(const std::string& reason);

  const std::shared_ptr<CompileCancellation>& cancellation() const { return settings_.cancellation; }

 private:
  CompileBatch(CompileRequest settings, size_t maxInFlightIrBytes);
  void RunUnit(size_t index, CompileRequest request);
  /** Links the finished units (all done, none failed: the caller checked). */
  std::unique_ptr<CompiledModule> Link(const std::vector<std::string>& symbols, std::string* error);
  void Fail(const std::string& error);  // under mutex_

  CompileRequest settings_;
  const size_t maxInFlightIrBytes_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::vector<std::string>> objects_;  // per unit
  size_t pending_ = 0;
  size_t inFlightIrBytes_ = 0;
  size_t totalIrBytes_ = 0;
  bool failed_ = false;
  bool finishing_ = false;
  std::string error_;
  CompileTimings timings_;
  Done asyncDone_;
  std::vector<std::string> asyncSymbols_;
};

}  // namespace wasm_native
