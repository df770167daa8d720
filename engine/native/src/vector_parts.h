// What the vector widening pass (vector_widening.cc) and the merging of unrolled copies
// (vector_copy_merging.cc) share: both make one vector of `parts` × the lanes out of parts
// that are vectors of the original width, the concatenation of the parts' values, and
// rewrite each operation for it. docs/RATIONALE.md, "Why widen 128-bit loops?".
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"

namespace wasm_native {

/** The translator's load anchor: `call void asm sideeffect "", "x"(%v)` ("r" for integers). */
inline bool IsLoadAnchor(const llvm::Instruction& instruction) {
  const auto* call = llvm::dyn_cast<llvm::CallInst>(&instruction);
  if (call == nullptr) return false;
  const auto* assembly = llvm::dyn_cast<llvm::InlineAsm>(call->getCalledOperand());
  return assembly != nullptr && assembly->hasSideEffects() && assembly->getAsmString().empty() &&
         call->getType()->isVoidTy() && call->arg_size() == 1;
}

inline bool IsVectorAnchor(const llvm::Instruction& instruction) {
  return IsLoadAnchor(instruction) &&
         llvm::cast<llvm::CallInst>(instruction).getArgOperand(0)->getType()->isVectorTy();
}

/** Intrinsics that compute each result lane from the same lane of their vector operands. */
inline bool IsLaneWise(llvm::Intrinsic::ID id) {
  using namespace llvm;
  switch (id) {
    case Intrinsic::fabs: case Intrinsic::sqrt: case Intrinsic::ceil: case Intrinsic::floor:
    case Intrinsic::trunc: case Intrinsic::nearbyint: case Intrinsic::rint: case Intrinsic::roundeven:
    case Intrinsic::minnum: case Intrinsic::maxnum: case Intrinsic::minimum: case Intrinsic::maximum:
    case Intrinsic::copysign: case Intrinsic::fma: case Intrinsic::fmuladd:
    case Intrinsic::smin: case Intrinsic::smax: case Intrinsic::umin: case Intrinsic::umax: case Intrinsic::abs:
    case Intrinsic::sadd_sat: case Intrinsic::uadd_sat: case Intrinsic::ssub_sat: case Intrinsic::usub_sat:
    case Intrinsic::ctpop: case Intrinsic::ctlz: case Intrinsic::cttz: case Intrinsic::fshl: case Intrinsic::fshr:
    case Intrinsic::bswap: case Intrinsic::bitreverse: case Intrinsic::fptosi_sat: case Intrinsic::fptoui_sat:
      return true;
    default:
      return false;
  }
}

/** The same anchor for a (wider) value. */
inline llvm::CallInst* CreateAnchorLike(llvm::IRBuilder<>& builder, const llvm::CallInst& anchor, llvm::Value* value) {
  const auto* assembly = llvm::cast<llvm::InlineAsm>(anchor.getCalledOperand());
  auto* type = llvm::FunctionType::get(builder.getVoidTy(), {value->getType()}, false);
  llvm::CallInst* call = builder.CreateCall(
      type, llvm::InlineAsm::get(type, assembly->getAsmString(), assembly->getConstraintString(), /*hasSideEffects=*/true),
      {value});
  call->setAttributes(anchor.getAttributes());
  return call;
}

/** A shuffle's mask applied to each of `parts` parts of operands with `lanes` lanes per part. */
inline llvm::SmallVector<int, 64> PartwiseMask(llvm::ArrayRef<int> mask, int lanes, unsigned parts) {
  const int total = lanes * static_cast<int>(parts);
  llvm::SmallVector<int, 64> result;
  for (unsigned part = 0; part < parts; part++) {
    const int offset = static_cast<int>(part) * lanes;
    for (int element : mask) {
      if (element == llvm::PoisonMaskElem) result.push_back(llvm::PoisonMaskElem);
      else if (element < lanes) result.push_back(offset + element);
      else result.push_back(total + offset + (element - lanes));
    }
  }
  return result;
}

/** The mask that repeats a vector of `lanes` lanes `parts` times. */
inline llvm::SmallVector<int, 64> RepeatMask(int lanes, unsigned parts) {
  llvm::SmallVector<int, 64> mask;
  for (unsigned part = 0; part < parts; part++) {
    for (int lane = 0; lane < lanes; lane++) mask.push_back(lane);
  }
  return mask;
}

/** The mask that takes part `part` (of `lanes` lanes) out of a widened vector. */
inline llvm::SmallVector<int, 64> PartMask(int lanes, unsigned part) {
  llvm::SmallVector<int, 64> mask;
  for (int lane = 0; lane < lanes; lane++) mask.push_back(static_cast<int>(part) * lanes + lane);
  return mask;
}

/** The mask that puts a vector of `lanes` lanes into the last of `parts` parts (the others poison). */
inline llvm::SmallVector<int, 64> IntoLastPartMask(int lanes, unsigned parts) {
  const int total = lanes * static_cast<int>(parts);
  llvm::SmallVector<int, 64> mask(total, llvm::PoisonMaskElem);
  for (int lane = 0; lane < lanes; lane++) mask[total - lanes + lane] = lane;
  return mask;
}

/**
 * A recurrence's value from the previous and the current widened values (both `parts` parts
 * of `lanes` lanes): part 0 is the previous one's last part, part p the current one's p − 1.
 */
inline llvm::SmallVector<int, 64> ShiftedInMask(int lanes, unsigned parts) {
  const int total = lanes * static_cast<int>(parts);
  llvm::SmallVector<int, 64> mask;
  for (int lane = 0; lane < lanes; lane++) mask.push_back(total - lanes + lane);
  for (int lane = 0; lane < total - lanes; lane++) mask.push_back(total + lane);
  return mask;
}

/** Points a lane-wise intrinsic call whose operands and type were widened at the matching declaration. */
inline bool RedeclareWidenedIntrinsic(llvm::IntrinsicInst* intrinsic) {
  llvm::SmallVector<llvm::Type*, 4> parameters;
  for (llvm::Value* argument : intrinsic->args()) parameters.push_back(argument->getType());
  auto* type = llvm::FunctionType::get(intrinsic->getType(), parameters, false);
  llvm::SmallVector<llvm::Type*, 4> overloads;
  if (!llvm::Intrinsic::getIntrinsicSignature(intrinsic->getIntrinsicID(), type, overloads)) return false;
  intrinsic->setCalledFunction(
      llvm::Intrinsic::getDeclaration(intrinsic->getModule(), intrinsic->getIntrinsicID(), overloads));
  return true;
}

}  // namespace wasm_native
