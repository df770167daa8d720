; ModuleID = 'wasm'
source_filename = "wasm"

declare void @wasm_rt_trap(i32) noreturn cold nounwind
declare i32 @wasm_rt_memory_grow(ptr, i32)
declare i32 @wasm_rt_table_grow(ptr, i32, i64)

define i64 @wasm_func_0(ptr %vmctx, i32 %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  br label %start
start:
  %v0 = load i32, ptr %l0
  %v1 = icmp ne i32 %v0, 0
  br i1 %v1, label %b0, label %b2
b0:
  br label %b1
b2:
  br label %b1
b1:
  %v2 = phi i64 [ 1, %b0 ], [ -1, %b2 ]
  ret i64 %v2
}

define { i32, i32 } @wasm_func_1(ptr %vmctx, i32 %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  br label %start
start:
  %v0 = load i32, ptr %l0
  br label %b0
b0:
  %v1 = phi i32 [ 0, %start ], [ %v3, %b0 ]
  %v2 = phi i32 [ %v0, %start ], [ %v5, %b0 ]
  store i32 %v2, ptr %l0
  %v3 = add i32 %v1, 1
  %v4 = load i32, ptr %l0
  %v5 = sub i32 %v4, 1
  store i32 %v5, ptr %l0
  %v6 = load i32, ptr %l0
  %v7 = icmp ne i32 %v6, 0
  br i1 %v7, label %b0, label %b1
b1:
  %v8 = insertvalue { i32, i32 } poison, i32 %v3, 0
  %v9 = insertvalue { i32, i32 } %v8, i32 %v5, 1
  ret { i32, i32 } %v9
}

define i32 @wasm_func_2(ptr %vmctx, i32 %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  br label %start
start:
  %v0 = load i32, ptr %l0
  switch i32 %v0, label %b0 [ i32 0, label %b1 i32 1, label %b0 ]
b1:
  %v1 = add i32 100, 1
  br label %b0
b0:
  %v2 = phi i32 [ 100, %start ], [ 100, %start ], [ %v1, %b1 ]
  ret i32 %v2
}

define void @wasm_entry_0(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load i32, ptr %slots, align 4
  %result = call i64 %code(ptr %vmctx, i32 %a0)
  store i64 %result, ptr %slots, align 8
  ret void
}

define void @wasm_entry_1(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load i32, ptr %slots, align 4
  %result = call { i32, i32 } %code(ptr %vmctx, i32 %a0)
  %r0 = extractvalue { i32, i32 } %result, 0
  %r0.wide = zext i32 %r0 to i64
  store i64 %r0.wide, ptr %slots, align 8
  %r1 = extractvalue { i32, i32 } %result, 1
  %rslot1 = getelementptr inbounds i8, ptr %slots, i64 8
  %r1.wide = zext i32 %r1 to i64
  store i64 %r1.wide, ptr %rslot1, align 8
  ret void
}

define void @wasm_entry_3(ptr %funcref, ptr %slots) {
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
