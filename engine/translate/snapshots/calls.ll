; ModuleID = 'wasm'
source_filename = "wasm"

declare void @wasm_rt_trap(i32) noreturn cold nounwind
declare i32 @wasm_rt_memory_grow(ptr, i32)
declare i32 @wasm_rt_table_grow(ptr, i32, i64)
declare void @wasm_rt_host_call(ptr, ptr)

define i32 @wasm_func_1(ptr %vmctx, i32 %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  br label %start
start:
  %v0 = load i32, ptr %l0
  %v1 = load i32, ptr %l0
  %v2 = add i32 %v0, %v1
  ret i32 %v2
}

define i32 @wasm_func_2(ptr %vmctx, i32 %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %v8 = getelementptr inbounds i8, ptr %vmctx, i64 16
  %v9 = load ptr, ptr %v8, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  br label %start
start:
  %v0 = load i32, ptr %l0
  %v1 = getelementptr inbounds i8, ptr %vmctx, i64 32
  %v2 = load ptr, ptr %v1, align 8, !tbaa !11, !invariant.load !0
  %v3 = getelementptr inbounds i8, ptr %v1, i64 16
  %v4 = load ptr, ptr %v3, align 8, !tbaa !11, !invariant.load !0
  notail call void %v2(ptr %v4, i32 %v0)
  %v5 = load i32, ptr %l0
  %v6 = notail call i32 @wasm_func_1(ptr %vmctx, i32 %v5)
  %v7 = zext i32 0 to i64
  %v10 = getelementptr inbounds i8, ptr %v9, i64 8
  %v11 = load i64, ptr %v10, align 8, !tbaa !5
  %v12 = icmp uge i64 %v7, %v11
  br i1 %v12, label %trap, label %b0, !prof !12
b0:
  %v13 = load ptr, ptr %v9, align 8, !tbaa !5
  %v14 = getelementptr inbounds ptr, ptr %v13, i64 %v7
  %v15 = load ptr, ptr %v14, align 8, !tbaa !9
  %v16 = icmp eq ptr %v15, null
  br i1 %v16, label %trap, label %b1, !prof !12
b1:
  %v17 = getelementptr inbounds i8, ptr %v15, i64 8
  %v18 = load i64, ptr %v17, align 8, !tbaa !11, !invariant.load !0
  %v19 = load i64, ptr %vmctx, align 8, !tbaa !5, !invariant.load !0
  %v20 = icmp ne i64 %v18, %v19
  br i1 %v20, label %trap, label %b2, !prof !12
b2:
  %v21 = load ptr, ptr %v15, align 8, !tbaa !11, !invariant.load !0
  %v22 = getelementptr inbounds i8, ptr %v15, i64 16
  %v23 = load ptr, ptr %v22, align 8, !tbaa !11, !invariant.load !0
  %v24 = notail call i32 %v21(ptr %v23, i32 %v6)
  ret i32 %v24
trap:
  %v25 = phi i32 [ 7, %start ], [ 8, %b0 ], [ 9, %b1 ]
  call void @wasm_rt_trap(i32 %v25)
  unreachable
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

define void @wasm_host_1(ptr %context, i32 %p0) {
entry:
  %slots = alloca [1 x i64], align 16
  %p0.wide = zext i32 %p0 to i64
  store i64 %p0.wide, ptr %slots, align 8
  call void @wasm_rt_host_call(ptr %context, ptr %slots)
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
