; ModuleID = 'wasm'
source_filename = "wasm"

declare void @wasm_rt_trap(i32) noreturn cold nounwind
declare i32 @wasm_rt_memory_grow(ptr, i32)
declare i32 @wasm_rt_table_grow(ptr, i32, i64)
@wasm_rt_stack_limit = external global i64

define i32 @wasm_func_0(ptr %vmctx, i32 %p0, i32 %p1, i32 %p2) {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca i32
  store i32 %p1, ptr %l1
  %l2 = alloca i32
  store i32 %p2, ptr %l2
  %v4 = load ptr, ptr %vmctx, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  %v9 = load ptr, ptr %v4, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  br label %start
start:
  %v0 = load i32, ptr %l0
  %v1 = load i32, ptr %l2
  %v2 = zext i32 %v1 to i64
  %v3 = zext i32 %v0 to i64
  %v5 = getelementptr inbounds i8, ptr %v4, i64 8
  %v6 = load i64, ptr %v5, align 8, !tbaa !5
  %v7 = add nuw nsw i64 %v3, %v2
  %v8 = icmp ugt i64 %v7, %v6
  br i1 %v8, label %trap, label %b0, !prof !12
b0:
  %v10 = getelementptr inbounds i8, ptr %v9, i64 %v3
  call void @llvm.memset.p0.i64(ptr align 1 %v10, i8 0, i64 %v2, i1 false), !tbaa !3
  %v11 = load i32, ptr %l0
  %v12 = load i32, ptr %l1
  %v13 = load i32, ptr %l2
  %v14 = zext i32 %v13 to i64
  %v15 = zext i32 %v12 to i64
  %v16 = zext i32 %v11 to i64
  %v17 = getelementptr inbounds i8, ptr %v4, i64 8
  %v18 = load i64, ptr %v17, align 8, !tbaa !5
  %v19 = add nuw nsw i64 %v15, %v14
  %v20 = icmp ugt i64 %v19, %v18
  %v21 = add nuw nsw i64 %v16, %v14
  %v22 = icmp ugt i64 %v21, %v18
  %v23 = or i1 %v20, %v22
  br i1 %v23, label %trap, label %b1, !prof !12
b1:
  %v24 = getelementptr inbounds i8, ptr %v9, i64 %v16
  %v25 = getelementptr inbounds i8, ptr %v9, i64 %v15
  call void @llvm.memmove.p0.p0.i64(ptr align 1 %v24, ptr align 1 %v25, i64 %v14, i1 false), !tbaa !3
  %v26 = load i32, ptr %l0
  %v27 = zext i32 %v26 to i64
  %v28 = getelementptr inbounds i8, ptr %vmctx, i64 40
  %v29 = load ptr, ptr %v28, align 8, !tbaa !5
  %v30 = getelementptr inbounds i8, ptr %v28, i64 8
  %v31 = load i64, ptr %v30, align 8, !tbaa !5
  %v32 = getelementptr inbounds i8, ptr %v4, i64 8
  %v33 = load i64, ptr %v32, align 8, !tbaa !5
  %v34 = add nuw nsw i64 1, 2
  %v35 = icmp ugt i64 %v34, %v31
  %v36 = add nuw nsw i64 %v27, 2
  %v37 = icmp ugt i64 %v36, %v33
  %v38 = or i1 %v35, %v37
  br i1 %v38, label %trap, label %b2, !prof !12
b2:
  %v39 = getelementptr inbounds i8, ptr %v9, i64 %v27
  %v40 = getelementptr i8, ptr %v29, i64 1
  call void @llvm.memcpy.p0.p0.i64(ptr align 1 %v39, ptr align 1 %v40, i64 2, i1 false)
  %v41 = getelementptr inbounds i8, ptr %vmctx, i64 48
  store i64 0, ptr %v41, align 8, !tbaa !5
  %v42 = getelementptr inbounds i8, ptr %v4, i64 8
  %v43 = load i64, ptr %v42, align 8, !tbaa !5
  %v44 = lshr i64 %v43, 16
  %v45 = trunc i64 %v44 to i32
  %v46 = call i32 @wasm_rt_memory_grow(ptr %v4, i32 1)
  %v47 = add i32 %v45, %v46
  ret i32 %v47
trap:
  %v48 = phi i32 [ 5, %start ], [ 5, %b0 ], [ 5, %b1 ]
  call void @wasm_rt_trap(i32 %v48)
  unreachable
}

define void @wasm_entry_0(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load i32, ptr %slots, align 4
  %slot1 = getelementptr inbounds i8, ptr %slots, i64 8
  %a1 = load i32, ptr %slot1, align 4
  %slot2 = getelementptr inbounds i8, ptr %slots, i64 16
  %a2 = load i32, ptr %slot2, align 4
  %result = call i32 %code(ptr %vmctx, i32 %a0, i32 %a1, i32 %a2)
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
