; ModuleID = 'wasm'
source_filename = "wasm"

declare void @wasm_rt_trap(i32) noreturn cold nounwind
declare i32 @wasm_rt_memory_grow(ptr, i32)
declare i32 @wasm_rt_table_grow(ptr, i32, i64)

define float @wasm_func_0(ptr %vmctx, float %p0, float %p1) "wasm-runtime-checks" {
entry:
  %l0 = alloca float
  store float %p0, ptr %l0
  %l1 = alloca float
  store float %p1, ptr %l1
  br label %start
start:
  %v0 = load float, ptr %l0
  %v1 = load float, ptr %l1
  %v2 = call float @llvm.minimum.f32(float %v0, float %v1)
  %v3 = fcmp uno float %v2, 0.0
  %v4 = bitcast float %v2 to i32
  %v5 = or i32 %v4, 4194304
  %v6 = bitcast i32 %v5 to float
  %v7 = select i1 %v3, float %v6, float %v2
  ret float %v7
}

define double @wasm_func_1(ptr %vmctx, double %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca double
  store double %p0, ptr %l0
  br label %start
start:
  %v0 = load double, ptr %l0
  %v1 = call double @llvm.roundeven.f64(double %v0)
  ret double %v1
}

define i32 @wasm_func_2(ptr %vmctx, double %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca double
  store double %p0, ptr %l0
  br label %start
start:
  %v0 = load double, ptr %l0
  %v1 = fcmp ule double %v0, bitcast (i64 u0xc1e0000000200000 to double)
  %v2 = fcmp uge double %v0, bitcast (i64 u0x41e0000000000000 to double)
  %v3 = or i1 %v1, %v2
  %v4 = fcmp uno double %v0, %v0
  %v5 = select i1 %v4, i32 4, i32 3
  br i1 %v3, label %trap, label %b0, !prof !12
b0:
  %v6 = fptosi double %v0 to i32
  ret i32 %v6
trap:
  %v7 = phi i32 [ %v5, %start ]
  call void @wasm_rt_trap(i32 %v7)
  unreachable
}

define i64 @wasm_func_3(ptr %vmctx, float %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca float
  store float %p0, ptr %l0
  br label %start
start:
  %v0 = load float, ptr %l0
  %v1 = call i64 @llvm.fptoui.sat.i64.f32(float %v0)
  ret i64 %v1
}

define float @wasm_func_4(ptr %vmctx, float %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca float
  store float %p0, ptr %l0
  br label %start
start:
  %v0 = load float, ptr %l0
  %v1 = fmul float %v0, bitcast (i32 1056964608 to float)
  %v2 = call float @llvm.copysign.f32(float %v1, float bitcast (i32 -2147483648 to float))
  ret float %v2
}

define void @wasm_entry_0(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load float, ptr %slots, align 4
  %slot1 = getelementptr inbounds i8, ptr %slots, i64 8
  %a1 = load float, ptr %slot1, align 4
  %result = call float %code(ptr %vmctx, float %a0, float %a1)
  %r0.bits = bitcast float %result to i32
  %r0.wide = zext i32 %r0.bits to i64
  store i64 %r0.wide, ptr %slots, align 8
  ret void
}

define void @wasm_entry_1(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load double, ptr %slots, align 8
  %result = call double %code(ptr %vmctx, double %a0)
  store double %result, ptr %slots, align 8
  ret void
}

define void @wasm_entry_2(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load double, ptr %slots, align 8
  %result = call i32 %code(ptr %vmctx, double %a0)
  %r0.wide = zext i32 %result to i64
  store i64 %r0.wide, ptr %slots, align 8
  ret void
}

define void @wasm_entry_3(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load float, ptr %slots, align 4
  %result = call i64 %code(ptr %vmctx, float %a0)
  store i64 %result, ptr %slots, align 8
  ret void
}

define void @wasm_entry_4(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load float, ptr %slots, align 4
  %result = call float %code(ptr %vmctx, float %a0)
  %r0.bits = bitcast float %result to i32
  %r0.wide = zext i32 %r0.bits to i64
  store i64 %r0.wide, ptr %slots, align 8
  ret void
}

!0 = !{}
!1 = !{!"wasm tbaa"}
!2 = !{!"wasm linear memory", !1, i64 0}
!3 = !{!2, !2, i64 0}
!4 = !{!"wasm vmctx", !1, i64 0}
!5 = !{!4, !4, i64 0}
!6 = !{!"wasm global", !1, i64 0}
!7 = !{!6, !6, i64 0}
!8 = !{!"wasm table element", !1, i64 0}
!9 = !{!8, !8, i64 0}
!10 = !{!"wasm funcref", !1, i64 0}
!11 = !{!10, !10, i64 0}
!12 = !{!"branch_weights", i32 1, i32 1048575}
!13 = !{i64 0, i64 4294967297}
