// The guarded pipeline (docs/RATIONALE.md, "Why a guarded pipeline, and which functions
// go to it?"): functions the translator measured as pathological for LLVM's optimiser and
// code generator (deep nesting, many blocks, many locals, huge bodies) are moved out of the
// module into one of their own, compiled without optimisation, with fast instruction
// selection and the fast register allocator, after reshaping that keeps those linear:
// long basic blocks are cut, and phis with many incoming edges become stack slots. Both
// objects are linked into the module's one JITDylib. Also here: the cancellation hooks of
// the optimiser (between passes) and of code generation (between functions).
#pragma once

#include <string>
#include <vector>

#include "compile_pool.h"
#include "llvm/IR/Module.h"
#include "llvm/Pass.h"
#include "llvm/Passes/StandardInstrumentations.h"

namespace wasm_native {

/**
 * Splits `*module` in two modules of the same context: the returned one defines the
 * functions named by `symbols`, and `*module` afterwards defines everything else (each
 * declares what the other defines). The smaller side is copied, so either may be the
 * original. Local functions and globals referenced across the cut become external
 * (hidden). Unless `keepNames`, the moved functions lose their local value names first.
 * Returns nullptr with *error if a symbol is not a function defined in `*module`.
 */
std::unique_ptr<llvm::Module> SplitOffFunctions(std::unique_ptr<llvm::Module>* module,
                                                const std::vector<std::string>& symbols, bool keepNames,
                                                std::string* error);

/**
 * Reshapes the guarded module for linear-time code generation without optimisation: basic
 * blocks longer than kGuardedBlockInstructions are cut into pieces (fast register
 * allocation and fast instruction selection are quadratic in a block with many calls), and
 * phis with more than kGuardedPhiEdges incoming values are demoted to stack slots (fast
 * instruction selection looks each predecessor up in each successor phi).
 */
void PrepareGuardedModule(llvm::Module& module);
constexpr unsigned kGuardedBlockInstructions = 1000;
constexpr unsigned kGuardedPhiEdges = 64;

/**
 * Wasm functions never unwind in LLVM's sense (traps and host exceptions leave by
 * siglongjmp), so every definition is `nounwind`: no .eh_frame, whose splitting in
 * JITLink 19 is quadratic in the number of functions of an object.
 */
void MarkFunctionsNoUnwind(llvm::Module& module);

/** Optional passes of the new pass manager are skipped once `cancellation` is cancelled. */
void SkipPassesWhenCancelled(llvm::PassInstrumentationCallbacks& callbacks, CompileCancellation* cancellation);

/**
 * A legacy pass added after the code generator's passes: it runs after each function's
 * code is emitted, and once `cancellation` is cancelled it turns every function not yet
 * emitted into a declaration, which the code generator skips. The object is then useless;
 * the caller discards it.
 */
llvm::Pass* CreateCodegenCancellationPass(CompileCancellation* cancellation);

}  // namespace wasm_native
