; ModuleID = 'wasm'
source_filename = "wasm"

declare void @wasm_rt_trap(i32) noreturn cold nounwind
declare i32 @wasm_rt_memory_grow(ptr, i32)
declare i32 @wasm_rt_table_grow(ptr, i32, i64)
@wasm_rt_stack_limit = external global i64

define void @wasm_func_0(ptr %vmctx) {
entry:
  br label %start
start:
  ret void
}

define i32 @wasm_func_1(ptr %vmctx) {
entry:
  br label %start
start:
  %v0 = getelementptr inbounds i8, ptr %vmctx, i64 16
  %v1 = load i32, ptr %v0, align 4, !tbaa !7
  %v2 = getelementptr inbounds i8, ptr %vmctx, i64 8
  %v3 = load ptr, ptr %v2, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  %v4 = load i32, ptr %v3, align 4, !tbaa !7, !invariant.load !0
  %v5 = add i32 %v1, %v4
  %v6 = getelementptr inbounds i8, ptr %vmctx, i64 16
  store i32 %v5, ptr %v6, align 4, !tbaa !7
  %v7 = getelementptr inbounds i8, ptr %vmctx, i64 16
  %v8 = load i32, ptr %v7, align 4, !tbaa !7
  ret i32 %v8
}

define i32 @wasm_func_2(ptr %vmctx, i32 %p0) {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %v3 = load ptr, ptr %vmctx, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  br label %start
start:
  %v0 = load i32, ptr %l0
  %v1 = getelementptr inbounds i8, ptr %vmctx, i64 32
  %v2 = zext i32 %v0 to i64
  %v4 = getelementptr inbounds i8, ptr %v3, i64 8
  %v5 = load i64, ptr %v4, align 8, !tbaa !5
  %v6 = icmp uge i64 %v2, %v5
  br i1 %v6, label %trap, label %b0, !prof !12
b0:
  %v7 = load ptr, ptr %v3, align 8, !tbaa !5
  %v8 = getelementptr inbounds i64, ptr %v7, i64 %v2
  store ptr %v1, ptr %v8, align 8, !tbaa !9
  %v9 = getelementptr inbounds i8, ptr %v3, i64 8
  %v10 = load i64, ptr %v9, align 8, !tbaa !5
  %v11 = trunc i64 %v10 to i32
  %v12 = getelementptr inbounds i8, ptr %v3, i64 8
  %v13 = load i64, ptr %v12, align 8, !tbaa !5
  %v14 = icmp uge i64 0, %v13
  br i1 %v14, label %trap, label %b1, !prof !12
b1:
  %v15 = load ptr, ptr %v3, align 8, !tbaa !5
  %v16 = getelementptr inbounds i64, ptr %v15, i64 0
  %v17 = load ptr, ptr %v16, align 8, !tbaa !9
  %v18 = icmp eq ptr %v17, null
  %v19 = zext i1 %v18 to i32
  %v20 = add i32 %v11, %v19
  ret i32 %v20
trap:
  %v21 = phi i32 [ 6, %start ], [ 6, %b0 ]
  call void @wasm_rt_trap(i32 %v21)
  unreachable
}

define void @wasm_entry_0(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  call void %code(ptr %vmctx)
  ret void
}

define void @wasm_entry_1(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %result = call i32 %code(ptr %vmctx)
  %r0.wide = zext i32 %result to i64
  store i64 %r0.wide, ptr %slots, align 8
  ret void
}

define void @wasm_entry_2(ptr %funcref, ptr %slots) {
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
