; ModuleID = 'wasm'
source_filename = "wasm"

declare void @wasm_rt_trap(i32) noreturn cold nounwind
declare i32 @wasm_rt_memory_grow(ptr, i32)
declare i32 @wasm_rt_table_grow(ptr, i32, i64)

define i32 @wasm_func_0(ptr %vmctx, i32 %p0, i32 %p1, i32 %p2) "wasm-runtime-checks" {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca i32
  store i32 %p1, ptr %l1
  %l2 = alloca i32
  store i32 %p2, ptr %l2
  %v4 = getelementptr inbounds i8, ptr %vmctx, i64 8
  %v5 = load ptr, ptr %v4, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  %v10 = load ptr, ptr %v5, align 8, !tbaa !5, !invariant.load !0, !nonnull !0
  br label %start
start:
  %v0 = load i32, ptr %l0
  %v1 = load i32, ptr %l2
  %v2 = zext i32 %v1 to i64
  %v3 = zext i32 %v0 to i64
  %v6 = getelementptr inbounds i8, ptr %v5, i64 8
  %v7 = load i64, ptr %v6, align 8, !tbaa !5, !range !13
  %v8 = add nuw nsw i64 %v3, %v2
  %v9 = icmp ugt i64 %v8, %v7
  br i1 %v9, label %trap, label %b0, !prof !12
b0:
  %v11 = getelementptr inbounds i8, ptr %v10, i64 %v3
  call void @llvm.memset.p0.i64(ptr align 1 %v11, i8 0, i64 %v2, i1 false), !tbaa !3
  %v12 = load i32, ptr %l0
  %v13 = load i32, ptr %l1
  %v14 = load i32, ptr %l2
  %v15 = zext i32 %v14 to i64
  %v16 = zext i32 %v13 to i64
  %v17 = zext i32 %v12 to i64
  %v18 = getelementptr inbounds i8, ptr %v5, i64 8
  %v19 = load i64, ptr %v18, align 8, !tbaa !5, !range !13
  %v20 = add nuw nsw i64 %v16, %v15
  %v21 = icmp ugt i64 %v20, %v19
  %v22 = add nuw nsw i64 %v17, %v15
  %v23 = icmp ugt i64 %v22, %v19
  %v24 = or i1 %v21, %v23
  br i1 %v24, label %trap, label %b1, !prof !12
b1:
  %v25 = getelementptr inbounds i8, ptr %v10, i64 %v17
  %v26 = getelementptr inbounds i8, ptr %v10, i64 %v16
  call void @llvm.memmove.p0.p0.i64(ptr align 1 %v25, ptr align 1 %v26, i64 %v15, i1 false), !tbaa !3
  %v27 = load i32, ptr %l0
  %v28 = zext i32 %v27 to i64
  %v29 = getelementptr inbounds i8, ptr %vmctx, i64 40
  %v30 = load ptr, ptr %v29, align 8, !tbaa !5
  %v31 = getelementptr inbounds i8, ptr %v29, i64 8
  %v32 = load i64, ptr %v31, align 8, !tbaa !5
  %v33 = getelementptr inbounds i8, ptr %v5, i64 8
  %v34 = load i64, ptr %v33, align 8, !tbaa !5, !range !13
  %v35 = add nuw nsw i64 1, 2
  %v36 = icmp ugt i64 %v35, %v32
  %v37 = add nuw nsw i64 %v28, 2
  %v38 = icmp ugt i64 %v37, %v34
  %v39 = or i1 %v36, %v38
  br i1 %v39, label %trap, label %b2, !prof !12
b2:
  %v40 = getelementptr inbounds i8, ptr %v10, i64 %v28
  %v41 = getelementptr i8, ptr %v30, i64 1
  call void @llvm.memcpy.p0.p0.i64(ptr align 1 %v40, ptr align 1 %v41, i64 2, i1 false)
  %v42 = getelementptr inbounds i8, ptr %vmctx, i64 48
  store i64 0, ptr %v42, align 8, !tbaa !5
  %v43 = getelementptr inbounds i8, ptr %v5, i64 8
  %v44 = load i64, ptr %v43, align 8, !tbaa !5, !range !13
  %v45 = lshr i64 %v44, 16
  %v46 = trunc i64 %v45 to i32
  %v47 = call i32 @wasm_rt_memory_grow(ptr %v5, i32 1)
  %v48 = add i32 %v46, %v47
  ret i32 %v48
trap:
  %v49 = phi i32 [ 5, %start ], [ 5, %b0 ], [ 5, %b1 ]
  call void @wasm_rt_trap(i32 %v49)
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
!13 = !{i64 0, i64 4294967297}
