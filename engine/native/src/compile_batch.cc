// Stage: compile. A wasm module's code units compiled on the compile threads and linked
// into one JITDylib (compile_batch.h).

#include "compile_batch.h"

#include <chrono>
#include <utility>

#include "compile_pool.h"

namespace wasm_native {

std::shared_ptr<CompileBatch> CompileBatch::Create(CompileRequest settings, size_t maxInFlightIrBytes) {
  return std::shared_ptr<CompileBatch>(new CompileBatch(std::move(settings), maxInFlightIrBytes));
}

CompileBatch::CompileBatch(CompileRequest settings, size_t maxInFlightIrBytes)
    : settings_(std::move(settings)), maxInFlightIrBytes_(maxInFlightIrBytes) {
  settings_.ir.clear();
  settings_.symbols.clear();
  settings_.guardedFunctions.clear();
  if (!settings_.cancellation) settings_.cancellation = std::make_shared<CompileCancellation>();
}

void CompileBatch::Fail(const std::string& error) {
  if (failed_) return;
  failed_ = true;
  error_ = error;
}

bool CompileBatch::Add(std::string ir, std::vector<std::string> guardedFunctions) {
  size_t index;
  size_t bytes = ir.size();
  {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return failed_ || inFlightIrBytes_ == 0 || inFlightIrBytes_ + bytes <= maxInFlightIrBytes_; });
    if (failed_ || finishing_) return false;
    index = objects_.size();
    objects_.emplace_back();
    ++pending_;
    inFlightIrBytes_ += bytes;
    totalIrBytes_ += bytes;
  }
  CompileRequest request;
  request.ir = std::move(ir);
  request.name = settings_.name + ".unit" + std::to_string(index);
  request.optLevel = settings_.optLevel;
  request.quickCodegen = settings_.quickCodegen;
  request.cpu = settings_.cpu;
  request.guardedFunctions = std::move(guardedFunctions);
  request.cancellation = settings_.cancellation;
  std::string error;
  bool queued = SubmitCompileJob([self = shared_from_this(), index, request = std::move(request)]() mutable {
    self->RunUnit(index, std::move(request));
  }, &error);
  if (!queued) {
    // No compile thread can run it: the batch fails with that reason (finish reports it).
    {
      std::lock_guard<std::mutex> lock(mutex_);
      Fail(error);
      inFlightIrBytes_ -= bytes;
      --pending_;
    }
    changed_.notify_all();
    return false;
  }
  return true;
}

void CompileBatch::RunUnit(size_t index, CompileRequest request) {
  bool skip;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    skip = failed_;
  }
  std::vector<std::string> objects;
  CompileTimings timings;
  std::string error;
  bool compiled = !skip && CompileToObjects(request, &objects, &timings, &error);
  size_t bytes = request.ir.size();
  std::string().swap(request.ir);  // free the IR before waiting for the lock

  Done done;
  std::vector<std::string> symbols;
  bool failed;
  std::string failure;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!skip && !compiled) Fail(error);
    if (compiled) {
      objects_[index] = std::move(objects);
      timings_.parseMs += timings.parseMs;
      timings_.optimizeMs += timings.optimizeMs;
      timings_.codegenMs += timings.codegenMs;
      timings_.guardedMs += timings.guardedMs;
      timings_.units += timings.units;
    }
    inFlightIrBytes_ -= bytes;
    --pending_;
    if (pending_ == 0 && asyncDone_) {
      done = std::move(asyncDone_);
      symbols = std::move(asyncSymbols_);
    }
    failed = failed_;
    failure = error_;
  }
  changed_.notify_all();
  if (!done) return;
  std::string linkError;
  std::unique_ptr<CompiledModule> module = failed ? nullptr : Link(symbols, &linkError);
  done(std::move(module), failed ? failure : linkError);
}

std::unique_ptr<CompiledModule> CompileBatch::Link(const std::vector<std::string>& symbols, std::string* error) {
  std::vector<std::string> objects;
  for (std::vector<std::string>& unit : objects_) {
    for (std::string& object : unit) objects.push_back(std::move(object));
  }
  std::vector<std::vector<std::string>>().swap(objects_);
  std::unique_ptr<CompiledModule> module = LinkObjects(objects, settings_.name, symbols, error);
  if (!module) return nullptr;
  double linkMs = module->timings.linkMs;
  module->timings = timings_;
  module->timings.linkMs = linkMs;
  if (settings_.keepObjects) module->objects = std::move(objects);
  TrimAfterLargeCompile(totalIrBytes_);
  return module;
}

std::unique_ptr<CompiledModule> CompileBatch::Finish(const std::vector<std::string>& symbols, std::string* error) {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (finishing_) {
      *error = "this compile batch is already finished";
      return nullptr;
    }
    finishing_ = true;
    changed_.wait(lock, [&] { return pending_ == 0; });
    if (failed_) {
      *error = error_;
      return nullptr;
    }
  }
  return Link(symbols, error);
}

void CompileBatch::FinishAsync(std::vector<std::string> symbols, Done done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finishing_) {
      done(nullptr, "this compile batch is already finished");
      return;
    }
    finishing_ = true;
    if (pending_ > 0) {
      asyncDone_ = std::move(done);
      asyncSymbols_ = std::move(symbols);
      return;
    }
  }
  // Every unit is done: link on a compile thread, not on the caller's (when none can start,
  // `done` gets that error here).
  auto shared = std::make_shared<Done>(std::move(done));
  std::string error;
  bool queued = SubmitCompileJob([self = shared_from_this(), symbols = std::move(symbols), shared] {
    Done& done = *shared;
    bool failed;
    std::string error;
    {
      std::lock_guard<std::mutex> lock(self->mutex_);
      failed = self->failed_;
      error = self->error_;
    }
    std::unique_ptr<CompiledModule> module = failed ? nullptr : self->Link(symbols, &error);
    done(std::move(module), error);
  }, &error);
  if (!queued) (*shared)(nullptr, error);
}

void CompileBatch::Abandon(const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Fail(reason);
    finishing_ = true;
  }
  settings_.cancellation->Cancel(reason);
  changed_.notify_all();
}

}  // namespace wasm_native
