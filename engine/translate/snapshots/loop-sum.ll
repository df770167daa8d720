; ModuleID = 'wasm'
source_filename = "wasm"

declare void @wasm_rt_trap(i32) noreturn cold nounwind
declare i32 @wasm_rt_memory_grow(ptr, i32)
declare i32 @wasm_rt_table_grow(ptr, i32, i64)

define i32 @wasm_func_0(ptr %vmctx, i32 %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca i32
  store i32 0, ptr %l1
  %l2 = alloca i32
  store i32 0, ptr %l2
  %v7 = getelementptr inbounds i8, ptr %vmctx, i64 8
  %v8 = load ptr, ptr %v7, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  %v9 = load ptr, ptr %v8, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  br label %start
start:
  br label %b0
b0:
  %v0 = load i32, ptr %l1
  %v1 = load i32, ptr %l0
  %v2 = icmp uge i32 %v0, %v1
  %v3 = zext i1 %v2 to i32
  br i1 %v2, label %b2, label %b1
b1:
  %v4 = load i32, ptr %l2
  %v5 = load i32, ptr %l1
  %v6 = shl i32 %v5, 2
  %v10 = zext i32 %v6 to i64
  %v11 = add nuw nsw i64 %v10, 16
  %v12 = getelementptr inbounds i8, ptr %v9, i64 %v11
  %v13 = load i32, ptr %v12, align 1, !tbaa !3
  %v14 = add i32 %v4, %v13
  store i32 %v14, ptr %l2
  %v15 = load i32, ptr %l1
  %v16 = add i32 %v15, 1
  store i32 %v16, ptr %l1
  %v17 = load i32, ptr %l2
  call void asm sideeffect "", "r"(i32 %v17) nounwind memory(inaccessiblemem: readwrite)
  br label %b0
b2:
  %v18 = load i32, ptr %l2
  ret i32 %v18
}

define void @wasm_entry_0(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load i32, ptr %slots, align 4
  %result = call i32 %code(ptr %vmctx, i32 %a0)
  %r0.wide = zext i32 %result to i64
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
