; ModuleID = 'wasm'
source_filename = "wasm"

declare void @wasm_rt_trap(i32) noreturn cold nounwind
declare i32 @wasm_rt_memory_grow(ptr, i32)
declare i32 @wasm_rt_table_grow(ptr, i32, i64)

define void @wasm_func_0(ptr %vmctx) "wasm-runtime-checks" {
entry:
  br label %start
start:
  ret void
}

define i32 @wasm_func_1(ptr %vmctx) "wasm-runtime-checks" {
entry:
  br label %start
start:
  %v0 = getelementptr inbounds i8, ptr %vmctx, i64 48
  %v1 = load i32, ptr %v0, align 4, !tbaa !7
  %v2 = getelementptr inbounds i8, ptr %vmctx, i64 32
  %v3 = load ptr, ptr %v2, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  %v4 = load i32, ptr %v3, align 4, !tbaa !7, !invariant.load !0
  %v5 = add i32 %v1, %v4
  %v6 = getelementptr inbounds i8, ptr %vmctx, i64 48
  store i32 %v5, ptr %v6, align 4, !tbaa !7
  %v7 = getelementptr inbounds i8, ptr %vmctx, i64 48
  %v8 = load i32, ptr %v7, align 4, !tbaa !7
  ret i32 %v8
}

define i32 @wasm_func_2(ptr %vmctx, i32 %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %v3 = getelementptr inbounds i8, ptr %vmctx, i64 24
  %v4 = load ptr, ptr %v3, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  br label %start
start:
  %v0 = load i32, ptr %l0
  %v1 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %v2 = zext i32 %v0 to i64
  %v5 = getelementptr inbounds i8, ptr %v4, i64 8
  %v6 = load i64, ptr %v5, align 8, !tbaa !5
  %v7 = icmp uge i64 %v2, %v6
  br i1 %v7, label %trap, label %b0, !prof !12
b0:
  %v8 = load ptr, ptr %v4, align 8, !tbaa !5
  %v9 = getelementptr inbounds i64, ptr %v8, i64 %v2
  store ptr %v1, ptr %v9, align 8, !tbaa !9
  %v10 = getelementptr inbounds i8, ptr %v4, i64 8
  %v11 = load i64, ptr %v10, align 8, !tbaa !5
  %v12 = trunc i64 %v11 to i32
  %v13 = getelementptr inbounds i8, ptr %v4, i64 8
  %v14 = load i64, ptr %v13, align 8, !tbaa !5
  %v15 = icmp uge i64 0, %v14
  br i1 %v15, label %trap, label %b1, !prof !12
b1:
  %v16 = load ptr, ptr %v4, align 8, !tbaa !5
  %v17 = getelementptr inbounds i64, ptr %v16, i64 0
  %v18 = load ptr, ptr %v17, align 8, !tbaa !9
  %v19 = icmp eq ptr %v18, null
  %v20 = zext i1 %v19 to i32
  %v21 = add i32 %v12, %v20
  ret i32 %v21
trap:
  %v22 = phi i32 [ 6, %start ], [ 6, %b0 ]
  call void @wasm_rt_trap(i32 %v22)
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
!13 = !{i64 0, i64 4294967297}
