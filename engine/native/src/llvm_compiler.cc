// LLVM back end: LLVM IR text → verified Module → new-pass-manager pipeline (O0..O3, with
// our loop versioning on 32-bit indices at O2/O3: index_versioning.cc, and at every level
// the stack and interrupt checks of runtime_checks.cc, last) →
// object file for the host CPU (all its features) or generic x86-64 → linked by our own
// object loader (object_loader.h: code units and cached objects) or by the one process-wide
// ORC LLJIT (JITLink) into a JITDylib of its own (single compiles, and whatever the loader
// declines); either is freed on release.
// Functions the runtime marks as guarded are split off first and compiled without
// optimisation (guarded_pipeline.h), their object linked into the same JITDylib; a
// request's cancellation is polled between stages, passes and functions.
//
// Thread safety: each compile owns its LLVMContext, Module and TargetMachine, so parsing,
// optimisation and code generation of different modules run in parallel; only adding the
// object and the symbol lookup touch the shared ExecutionSession, which locks itself.
// We generate the object ourselves (instead of LLJIT's IRCompileLayer) so that the target
// CPU and the code generation level can differ per module and codegen and link are timed
// separately.

#include "llvm_compiler.h"

#include <dlfcn.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "abi.h"
#include "compile_pool.h"
#include "debug_switches.h"
#include "guarded_pipeline.h"
#include "index_versioning.h"
#include "runtime_checks.h"
#include "running_extremes.h"
#include "vector_widening.h"
#include "llvm/AsmParser/Parser.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/OptimizationLevel.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SmallVectorMemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Transforms/Utils/Cloning.h"

namespace wasm_native {
namespace {

using Clock = std::chrono::steady_clock;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Debugging hooks (debug_switches.h; docs/RATIONALE.md, "Why a dump hook in the addon?"):
// WASM_LLVM_DUMP_DIR=<dir> writes each module's IR before and after optimisation, assembly
// and object there; WASM_LLVM_DISABLE=<name>,... turns off our own pipeline choices by name,
// for before/after measurements: "index-versioning" (the pass), "strided-exits",
// "carried-loads" and "base-offsets" (parts of it), "widening" (vector_widening.cc),
// "no-widen" (IndVarSimplify widens induction variables again), "no-gather" (the vectoriser
// may use gathers and scatters), "running-extremes" (running_extremes.cc: running maxima and
// minima stay conditional moves), "code-alignment" (loops and functions at x86's default 16
// bytes, not 64), and in runtime_checks.cc "loop-polls" and "entry-checks"
// (measurement only: code without them is not safe to run untrusted).

/** Errors that ORC reports out of band (e.g. "Symbols not found") while this thread links. */
thread_local std::string t_sessionErrors;

/** The process-wide JIT. Never destroyed: finalizers may still release code at exit. */
struct Jit {
  std::unique_ptr<llvm::orc::LLJIT> lljit;
  llvm::orc::JITDylib* runtime = nullptr;  // wasm_rt_* as absolute symbols
  llvm::orc::JITDylibSP process;           // libm and the rest of the process
  std::atomic<uint64_t> nextModuleId{0};
};

Jit* g_jit = nullptr;
std::string g_jitError;
std::once_flag g_jitOnce;

/** The runtime functions generated code calls by name. */
struct RuntimeSymbol {
  const char* name;
  void* address;
};
const RuntimeSymbol kRuntimeSymbols[] = {
    {"wasm_rt_trap", reinterpret_cast<void*>(&wasm_rt_trap)},
    {"wasm_rt_memory_grow", reinterpret_cast<void*>(&wasm_rt_memory_grow)},
    {"wasm_rt_table_grow", reinterpret_cast<void*>(&wasm_rt_table_grow)},
    {"wasm_rt_host_call", reinterpret_cast<void*>(&wasm_rt_host_call)},
    {"wasm_rt_tier_up", reinterpret_cast<void*>(&wasm_rt_tier_up)},
    {"wasm_rt_check_slow", reinterpret_cast<void*>(&wasm_rt_check_slow)},
    {"wasm_rt_check_slow_preserving", reinterpret_cast<void*>(&wasm_rt_check_slow_preserving)},
};

llvm::Error DefineRuntimeSymbols(Jit& jit) {
  using llvm::JITSymbolFlags;
  using llvm::orc::ExecutorAddr;
  using llvm::orc::ExecutorSymbolDef;
  const JITSymbolFlags function = JITSymbolFlags::Exported | JITSymbolFlags::Callable;
  llvm::orc::SymbolMap symbols;
  for (const RuntimeSymbol& symbol : kRuntimeSymbols) {
    symbols[jit.lljit->mangleAndIntern(symbol.name)] = ExecutorSymbolDef(ExecutorAddr::fromPtr(symbol.address), function);
  }
  return jit.runtime->define(llvm::orc::absoluteSymbols(std::move(symbols)));
}

/** What the JIT's link order finds for `name` (the runtime, then the process): the object loader's resolver. */
uint64_t ResolveExternalSymbol(const std::string& name) {
  for (const RuntimeSymbol& symbol : kRuntimeSymbols) {
    if (name == symbol.name) return reinterpret_cast<uint64_t>(symbol.address);
  }
  return reinterpret_cast<uint64_t>(dlsym(RTLD_DEFAULT, name.c_str()));
}

std::atomic<uint64_t> g_objectsLoaded{0};
std::atomic<uint64_t> g_objectsDeclined{0};

/**
 * Process-wide LLVM options of the pipeline (this process runs no other LLVM client).
 * -indvars-widen-indvars=false: IndVarSimplify widens an i32 induction variable whose
 * zext feeds addresses, and for the wasm idiom "count up to 0" (i = -n .. 0) it turns the
 * exit test into `and i64 %i.next, 0xffffffff == 0`, after which no trip count is
 * computable and neither index versioning nor the vectoriser touch the loop.
 */
void SetPipelineOptions() {
  std::vector<const char*> arguments = {"wasm-llvm-jit"};
  if (!DebugDisabled("no-widen")) arguments.push_back("-indvars-widen-indvars=false");
  // Innermost loops start at a 64-byte boundary (x86's default is 16) in optimised code; with
  // functions aligned the same way at O2 (AlignFunctionsForCode), a loop's placement in the
  // cache lines and the op cache no longer depends on the size of unrelated code before it
  // (docs/RATIONALE.md, "Why align loops and functions to 64 bytes?").
  if (!DebugDisabled("code-alignment")) arguments.push_back("-x86-experimental-pref-innermost-loop-alignment=6");
  if (arguments.size() > 1) llvm::cl::ParseCommandLineOptions(int(arguments.size()), arguments.data(), "", nullptr, nullptr);
}

/** At O2/O3 every defined function starts at a 64-byte boundary (see SetPipelineOptions). */
void AlignFunctionsForCode(llvm::Module& module) {
  if (DebugDisabled("code-alignment")) return;
  for (llvm::Function& function : module) {
    if (!function.isDeclaration()) function.setAlignment(llvm::Align(64));
  }
}

void CreateJit() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::InitializeNativeTargetAsmParser();
  SetPipelineOptions();
  auto built = llvm::orc::LLJITBuilder()
                   .setPlatformSetUp(llvm::orc::setUpInactivePlatform)  // no static initialisers
                   .setLinkProcessSymbolsByDefault(true)
                   .create();
  if (!built) {
    g_jitError = "cannot create the ORC LLJIT: " + llvm::toString(built.takeError());
    return;
  }
  auto jit = std::make_unique<Jit>();
  jit->lljit = std::move(*built);
  jit->lljit->getExecutionSession().setErrorReporter([](llvm::Error error) {
    if (!t_sessionErrors.empty()) t_sessionErrors += "\n";
    t_sessionErrors += llvm::toString(std::move(error));
  });
  jit->process = jit->lljit->getProcessSymbolsJITDylib();
  jit->runtime = &jit->lljit->getExecutionSession().createBareJITDylib("wasm_rt");
  if (!jit->process) {
    g_jitError = "the ORC LLJIT has no process-symbols JITDylib";
    return;
  }
  if (auto error = DefineRuntimeSymbols(*jit)) {
    g_jitError = "cannot define the runtime symbols: " + llvm::toString(std::move(error));
    return;
  }
  g_jit = jit.release();
}

Jit* GetJit(std::string* error) {
  std::call_once(g_jitOnce, CreateJit);
  if (!g_jit) *error = g_jitError;
  return g_jit;
}

llvm::CodeGenOptLevel CodeGenLevel(int optLevel) {
  switch (optLevel) {
    case 0: return llvm::CodeGenOptLevel::None;  // FastISel, no scheduling
    case 1: return llvm::CodeGenOptLevel::Less;
    case 3: return llvm::CodeGenOptLevel::Aggressive;
    default: return llvm::CodeGenOptLevel::Default;
  }
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>> CreateTargetMachine(const CompileRequest& request, int optLevel) {
  llvm::orc::JITTargetMachineBuilder builder{llvm::Triple(llvm::sys::getProcessTriple())};
  if (request.cpu == TargetCpu::Native) {
    auto host = llvm::orc::JITTargetMachineBuilder::detectHost();  // host CPU, all its features
    if (!host) return host.takeError();
    builder = std::move(*host);
    if (!DebugDisabled("no-gather")) {
      // Zen 4 runs vgatherqpd/vscatterqpd microcoded, slower than the scalar loads they
      // replace; without this the vectoriser picks them for strided accesses (syr2k).
      builder.getFeatures().AddFeature("prefer-no-gather");
      builder.getFeatures().AddFeature("prefer-no-scatter");
    }
  } else {
    builder.setCPU("x86-64");  // baseline x86-64: SSE2, no SSE4.1/AVX
  }
  builder.setCodeGenOptLevel(CodeGenLevel(optLevel));
  // What JITLink expects on x86-64 ELF: position-independent code, small code model
  // (calls to far absolute symbols go through JITLink's GOT/PLT stubs).
  builder.setRelocationModel(llvm::Reloc::PIC_);
  builder.setCodeModel(llvm::CodeModel::Small);
  // Strict IEEE: wasm forbids contracting a*b+c into an FMA.
  builder.getOptions().AllowFPOpFusion = llvm::FPOpFusion::Strict;
  return builder.createTargetMachine();
}

/**
 * This thread's target machine for (cpu, optLevel), made on first use and kept: creating one
 * (host detection, subtarget tables) costs about a millisecond, which a module of many code
 * units would otherwise pay per unit. A TargetMachine is used by one thread at a time and
 * holds no state from one module to the next that changes the code generated.
 */
llvm::Expected<llvm::TargetMachine*> ThreadTargetMachine(const CompileRequest& request, int optLevel) {
  thread_local std::unique_ptr<llvm::TargetMachine> machines[2][4];
  std::unique_ptr<llvm::TargetMachine>& slot = machines[request.cpu == TargetCpu::Native ? 0 : 1][optLevel & 3];
  if (!slot) {
    auto created = CreateTargetMachine(request, optLevel);
    if (!created) return created.takeError();
    slot = std::move(*created);
  }
  return slot.get();
}

/** Parses and verifies; on failure returns nullptr with LLVM's diagnostic in *error. */
std::unique_ptr<llvm::Module> ParseAndVerify(const CompileRequest& request, llvm::LLVMContext& context,
                                             std::string* error) {
  llvm::SMDiagnostic diagnostic;
  std::unique_ptr<llvm::Module> module =
      llvm::parseAssembly(llvm::MemoryBufferRef(request.ir, request.name), diagnostic, context);
  if (!module) {
    std::string text;
    llvm::raw_string_ostream out(text);
    diagnostic.print("", out, /*ShowColors=*/false);  // the message starts with name:line:col
    *error = "LLVM IR parse error: " + out.str();
    return nullptr;
  }
  std::string problems;
  llvm::raw_string_ostream out(problems);
  if (llvm::verifyModule(*module, &out)) {
    *error = "LLVM IR verification failed for module " + request.name + ":\n" + out.str();
    return nullptr;
  }
  return module;
}

/**
 * With WASM_LLVM_DUMP_DIR set, the stem of this module's dump files,
 * <dir>/<module name>.<n>: .input.ll (the IR before optimisation), .ll (optimised IR), .s
 * (assembly), .o (the object linked).
 */
std::string DumpStem(const std::string& name) {
  const char* directory = std::getenv("WASM_LLVM_DUMP_DIR");
  if (!directory) return "";
  static std::atomic<uint64_t> counter{0};
  return std::string(directory) + "/" + name + "." + std::to_string(counter.fetch_add(1));
}

void DumpModule(llvm::Module& module, llvm::TargetMachine& machine, const std::string& stem) {
  std::error_code error;
  llvm::raw_fd_ostream ir(stem + ".ll", error);
  if (!error) module.print(ir, nullptr);
  llvm::raw_fd_ostream assembly(stem + ".s", error);
  if (error) return;
  std::unique_ptr<llvm::Module> copy = llvm::CloneModule(module);
  llvm::legacy::PassManager codegen;
  if (!machine.addPassesToEmitFile(codegen, assembly, nullptr, llvm::CodeGenFileType::AssemblyFile)) {
    codegen.run(*copy);
  }
}

/** WASM_LLVM_WIDENING_FACTOR=2|4 fixes the widening factor (measurement); else the target's width decides. */
unsigned WideningFactorSetting() {
  const char* setting = std::getenv("WASM_LLVM_WIDENING_FACTOR");
  if (setting == nullptr) return 0;
  const int factor = std::atoi(setting);
  return factor == 2 || factor == 4 ? static_cast<unsigned>(factor) : 0;
}

void Optimize(llvm::Module& module, llvm::TargetMachine& machine, int optLevel, CompileCancellation* cancellation) {
  // Declaration order matters: the managers refer to each other and die in reverse order.
  llvm::PassInstrumentationCallbacks callbacks;
  if (cancellation != nullptr) SkipPassesWhenCancelled(callbacks, cancellation);
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(&machine, llvm::PipelineTuningOptions(), std::nullopt, &callbacks);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  if (optLevel >= 2 && !DebugDisabled("index-versioning")) {
    IndexVersioningOptions options;
    options.stridedExits = !DebugDisabled("strided-exits");
    options.hoistCarriedLoads = !DebugDisabled("carried-loads");
    options.baseOffsets = !DebugDisabled("base-offsets");
    builder.registerVectorizerStartEPCallback([options](llvm::FunctionPassManager& passes, llvm::OptimizationLevel) {
      passes.addPass(ZextIndexVersioningPass(options));
    });
  }
  if (optLevel >= 2 && !DebugDisabled("widening")) {
    // After index versioning, whose no-alias scopes let more loops be widened.
    builder.registerVectorizerStartEPCallback([](llvm::FunctionPassManager& passes, llvm::OptimizationLevel) {
      passes.addPass(VectorWideningPass(WideningFactorSetting()));
    });
  }
  llvm::ModulePassManager pipeline;
  switch (optLevel) {
    case 0: pipeline = builder.buildO0DefaultPipeline(llvm::OptimizationLevel::O0); break;
    case 1: pipeline = builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O1); break;
    case 3: pipeline = builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3); break;
    default: pipeline = builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2); break;
  }
  if (optLevel >= 2) AlignFunctionsForCode(module);
  if (optLevel >= 2 && !DebugDisabled("running-extremes")) {
    pipeline.addPass(llvm::createModuleToFunctionPassAdaptor(RunningExtremeBranchesPass()));
  }
  // Last, after inlining and vectorisation: stack and interrupt checks where the code ends up.
  pipeline.addPass(llvm::createModuleToFunctionPassAdaptor(RuntimeChecksPass(ThreadLimitsTlsOffset(), optLevel > 0)));
  pipeline.run(module, modules);
}

bool EmitObject(llvm::Module& module, llvm::TargetMachine& machine, llvm::SmallVector<char, 0>* object,
                std::string* error, CompileCancellation* cancellation) {
  llvm::raw_svector_ostream out(*object);
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, out, nullptr, llvm::CodeGenFileType::ObjectFile)) {
    *error = "the target machine cannot emit an object file";
    return false;
  }
  if (cancellation != nullptr) codegen.add(CreateCodegenCancellationPass(cancellation));  // after each function
  codegen.run(module);
  return true;
}

/** The guarded functions' object: no optimisation, fast instruction selection and register allocation. */
bool EmitGuardedObject(llvm::Module& module, const CompileRequest& request, llvm::SmallVector<char, 0>* object,
                       const std::string& dumpStem, std::string* error) {
  auto machine = ThreadTargetMachine(request, 0);
  if (!machine) {
    *error = "cannot create the target machine: " + llvm::toString(machine.takeError());
    return false;
  }
  module.setDataLayout((*machine)->createDataLayout());
  module.setTargetTriple((*machine)->getTargetTriple().str());
  PrepareGuardedModule(module);
  // The sandbox's checks, as in every other pipeline (guarded functions can loop too).
  llvm::FunctionAnalysisManager analyses;
  RuntimeChecksPass checks(ThreadLimitsTlsOffset(), /*optimized=*/false);  // no analyses registered here
  for (llvm::Function& function : module) {
    if (!function.isDeclaration()) checks.run(function, analyses);
  }
  if (!dumpStem.empty()) DumpModule(module, **machine, dumpStem + ".guarded");
  return EmitObject(module, **machine, object, error, request.cancellation.get());
}

}  // namespace

CompiledModule::~CompiledModule() { Release(); }

void CompiledModule::Release() {
  UnloadImage(&image_);  // idempotent
  if (!dylib_) return;
  auto* dylib = static_cast<llvm::orc::JITDylib*>(dylib_);
  dylib_ = nullptr;
  if (auto error = g_jit->lljit->getExecutionSession().removeJITDylib(*dylib)) {
    std::fprintf(stderr, "wasm_llvm_native: removing a JITDylib failed: %s\n",
                 llvm::toString(std::move(error)).c_str());
  }
}

/** IR size from which a compile returns freed memory to the system (malloc_trim) when it ends. */
constexpr size_t kTrimAfterIrBytes = 16u << 20;

bool CompileToObjects(const CompileRequest& request, std::vector<std::string>* objects, CompileTimings* timings,
                      std::string* error) {
  CompileCancellation* cancellation = request.cancellation.get();
  auto cancelled = [&] {
    if (cancellation == nullptr || !cancellation->IsCancelled()) return false;
    *error = cancellation->Reason();
    return true;
  };
  if (cancelled() || !GetJit(error)) return false;  // GetJit: the targets are initialised with it
  llvm::SmallVector<char, 0> object;
  llvm::SmallVector<char, 0> guardedObject;
  std::string dumpStem;
  {
    Clock::time_point start = Clock::now();
    llvm::LLVMContext context;
    std::unique_ptr<llvm::Module> module = ParseAndVerify(request, context, error);
    if (!module) return false;
    MarkFunctionsNoUnwind(*module);
    timings->parseMs += MillisecondsSince(start);
    if (cancelled()) return false;

    dumpStem = DumpStem(request.name);
    if (!request.guardedFunctions.empty()) {
      start = Clock::now();
      std::unique_ptr<llvm::Module> guarded =
          SplitOffFunctions(&module, request.guardedFunctions, /*keepNames=*/!dumpStem.empty(), error);
      if (!guarded || !EmitGuardedObject(*guarded, request, &guardedObject, dumpStem, error)) return false;
      timings->guardedMs += MillisecondsSince(start);
      if (cancelled()) return false;
    }

    auto machine = ThreadTargetMachine(request, request.optLevel);
    if (!machine) {
      *error = "cannot create the target machine: " + llvm::toString(machine.takeError());
      return false;
    }
    module->setDataLayout((*machine)->createDataLayout());
    module->setTargetTriple((*machine)->getTargetTriple().str());

    if (!dumpStem.empty()) {
      std::error_code failure;
      llvm::raw_fd_ostream input(dumpStem + ".input.ll", failure);
      if (!failure) module->print(input, nullptr);
    }
    start = Clock::now();
    Optimize(*module, **machine, request.optLevel, cancellation);
    timings->optimizeMs += MillisecondsSince(start);
    if (cancelled()) return false;
    llvm::TargetMachine* codegenMachine = *machine;
    if (request.quickCodegen && request.optLevel > 0) {
      auto quick = ThreadTargetMachine(request, 0);
      if (!quick) {
        *error = "cannot create the target machine: " + llvm::toString(quick.takeError());
        return false;
      }
      codegenMachine = *quick;
    }
    if (!dumpStem.empty()) DumpModule(*module, *codegenMachine, dumpStem);

    start = Clock::now();
    if (!EmitObject(*module, *codegenMachine, &object, error, cancellation)) return false;
    timings->codegenMs += MillisecondsSince(start);
    if (cancelled()) return false;
  }
  if (!dumpStem.empty()) {
    std::error_code failure;
    llvm::raw_fd_ostream file(dumpStem + ".o", failure);
    if (!failure) file.write(object.data(), object.size());
    if (!guardedObject.empty()) {
      llvm::raw_fd_ostream guardedFile(dumpStem + ".guarded.o", failure);
      if (!failure) guardedFile.write(guardedObject.data(), guardedObject.size());
    }
  }
  objects->emplace_back(object.data(), object.size());
  if (!guardedObject.empty()) objects->emplace_back(guardedObject.data(), guardedObject.size());
  timings->units += 1;
  return true;
}

void TrimAfterLargeCompile(size_t irBytes) {
  // LLVM frees a large module's memory into glibc's per-thread arenas, which keep it: after a
  // big compile, hand it back to the system. The JS API's limits.any.js (1,000,000-function
  // modules on several compile threads) peaked at 9.3 GB without this and 4.8 GB with it
  // (WASM_LLVM_DISABLE=malloc-trim for the comparison).
  if (irBytes >= kTrimAfterIrBytes && !DebugDisabled("malloc-trim")) malloc_trim(0);
}

std::unique_ptr<CompiledModule> CompileModule(const CompileRequest& request, std::string* error) {
  if (!GetJit(error)) return nullptr;
  CompileTimings timings;
  std::vector<std::string> objects;
  if (!CompileToObjects(request, &objects, &timings, error)) return nullptr;
  std::unique_ptr<CompiledModule> result(new CompiledModule());
  result->timings = timings;
  for (const std::string& object : objects) result->objectBytes += object.size();
  if (request.keepObjects) result->objects = objects;
  Clock::time_point start = Clock::now();
  if (!LinkInto(result.get(), std::move(objects), request.name, request.symbols, error)) return nullptr;
  result->timings.linkMs = MillisecondsSince(start);
  TrimAfterLargeCompile(request.ir.size());
  return result;
}

bool LinkInto(CompiledModule* result, std::vector<std::string> objects, const std::string& name,
              const std::vector<std::string>& symbols, std::string* error) {
  Jit* jit = GetJit(error);
  if (!jit) return false;
  llvm::orc::ExecutionSession& session = jit->lljit->getExecutionSession();
  std::string dylibName = name + "#" + std::to_string(jit->nextModuleId.fetch_add(1));
  llvm::orc::JITDylib& dylib = session.createBareJITDylib(dylibName);
  dylib.setLinkOrder({{jit->runtime, llvm::orc::JITDylibLookupFlags::MatchExportedSymbolsOnly},
                      {jit->process.get(), llvm::orc::JITDylibLookupFlags::MatchExportedSymbolsOnly}});
  result->dylib_ = &dylib;  // from here on, the destructor removes the dylib

  t_sessionErrors.clear();
  for (size_t i = 0; i < objects.size(); ++i) {
    llvm::SmallVector<char, 0> bytes(objects[i].begin(), objects[i].end());
    std::string().swap(objects[i]);
    auto buffer = std::make_unique<llvm::SmallVectorMemoryBuffer>(
        std::move(bytes), dylibName + "." + std::to_string(i), /*RequiresNullTerminator=*/false);
    if (auto failure = jit->lljit->addObjectFile(dylib, std::move(buffer))) {
      *error = "JIT link error in module " + name + ": " + llvm::toString(std::move(failure));
      return false;
    }
  }
  llvm::orc::SymbolLookupSet lookupSet;
  std::vector<llvm::orc::SymbolStringPtr> names;
  for (const std::string& symbol : symbols) {
    names.push_back(jit->lljit->mangleAndIntern(symbol));
    lookupSet.add(names.back());
  }
  if (!names.empty()) {
    auto found = session.lookup(
        llvm::orc::makeJITDylibSearchOrder(&dylib, llvm::orc::JITDylibLookupFlags::MatchExportedSymbolsOnly),
        std::move(lookupSet));
    if (!found) {
      *error = "JIT link error in module " + name + ": " + llvm::toString(found.takeError());
      if (!t_sessionErrors.empty()) *error += "\n" + t_sessionErrors;
      return false;
    }
    for (const auto& symbolName : names) result->addresses.push_back((*found)[symbolName].getAddress().getValue());
  }
  return true;
}

std::unique_ptr<CompiledModule> LinkObjects(const std::vector<std::string>& objects, const std::string& name,
                                            const std::vector<std::string>& symbols, std::string* error) {
  std::unique_ptr<CompiledModule> result(new CompiledModule());
  for (const std::string& object : objects) result->objectBytes += object.size();
  Clock::time_point start = Clock::now();
  // Our own loader first (object_loader.h); JITLink for whatever it declines or fails on,
  // which then reports its own error.
  if (!DebugDisabled("object-loader")) {
    std::vector<std::string_view> views(objects.begin(), objects.end());
    std::string declined;
    if (LoadObjects(views, symbols, ResolveExternalSymbol, &result->image_, &result->addresses, &declined, name) == LoadOutcome::kLoaded) {
      result->timings.linkMs = MillisecondsSince(start);
      g_objectsLoaded.fetch_add(1, std::memory_order_relaxed);
      return result;
    }
    result->addresses.clear();
    g_objectsDeclined.fetch_add(1, std::memory_order_relaxed);
  }
  if (!LinkInto(result.get(), objects, name, symbols, error)) return nullptr;
  result->timings.linkMs = MillisecondsSince(start);
  return result;
}

ObjectLoaderStats GetObjectLoaderStats() {
  return {g_objectsLoaded.load(std::memory_order_relaxed), g_objectsDeclined.load(std::memory_order_relaxed)};
}

std::string LlvmVersion() { return LLVM_VERSION_STRING; }

std::string HostCpuName() { return llvm::sys::getHostCPUName().str(); }

std::vector<std::string> HostCpuFeatures() {
  std::vector<std::string> enabled;
  for (const auto& feature : llvm::sys::getHostCPUFeatures()) {
    if (feature.getValue()) enabled.push_back(feature.getKey().str());
  }
  std::sort(enabled.begin(), enabled.end());
  return enabled;
}

}  // namespace wasm_native
