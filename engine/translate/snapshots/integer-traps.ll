; ModuleID = 'wasm'
source_filename = "wasm"

declare void @wasm_rt_trap(i32) noreturn cold nounwind
declare i32 @wasm_rt_memory_grow(ptr, i32)
declare i32 @wasm_rt_table_grow(ptr, i32, i64)

define i32 @wasm_func_0(ptr %vmctx, i32 %p0, i32 %p1) "wasm-runtime-checks" {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca i32
  store i32 %p1, ptr %l1
  br label %start
start:
  %v0 = load i32, ptr %l0
  %v1 = load i32, ptr %l1
  %v2 = icmp eq i32 %v1, 0
  br i1 %v2, label %trap, label %b0, !prof !12
b0:
  %v3 = icmp eq i32 %v1, -1
  %v4 = icmp eq i32 %v0, -2147483648
  %v5 = and i1 %v3, %v4
  br i1 %v5, label %trap, label %b1, !prof !12
b1:
  %v6 = sdiv i32 %v0, %v1
  ret i32 %v6
trap:
  %v7 = phi i32 [ 2, %start ], [ 3, %b0 ]
  call void @wasm_rt_trap(i32 %v7)
  unreachable
}

define i64 @wasm_func_1(ptr %vmctx, i64 %p0, i64 %p1) "wasm-runtime-checks" {
entry:
  %l0 = alloca i64
  store i64 %p0, ptr %l0
  %l1 = alloca i64
  store i64 %p1, ptr %l1
  br label %start
start:
  %v0 = load i64, ptr %l0
  %v1 = load i64, ptr %l1
  %v2 = icmp eq i64 %v1, 0
  br i1 %v2, label %trap, label %b0, !prof !12
b0:
  %v3 = icmp eq i64 %v1, -1
  %v4 = select i1 %v3, i64 1, i64 %v1
  %v5 = srem i64 %v0, %v4
  ret i64 %v5
trap:
  %v6 = phi i32 [ 2, %start ]
  call void @wasm_rt_trap(i32 %v6)
  unreachable
}

define i32 @wasm_func_2(ptr %vmctx, i32 %p0) "wasm-runtime-checks" {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  br label %start
start:
  %v0 = load i32, ptr %l0
  %v1 = udiv i32 %v0, 10
  ret i32 %v1
}

define void @wasm_entry_0(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load i32, ptr %slots, align 4
  %slot1 = getelementptr inbounds i8, ptr %slots, i64 8
  %a1 = load i32, ptr %slot1, align 4
  %result = call i32 %code(ptr %vmctx, i32 %a0, i32 %a1)
  %r0.wide = zext i32 %result to i64
  store i64 %r0.wide, ptr %slots, align 8
  ret void
}

define void @wasm_entry_1(ptr %funcref, ptr %slots) {
entry:
  %code = load ptr, ptr %funcref, align 8
  %vmctx.field = getelementptr inbounds i8, ptr %funcref, i64 16
  %vmctx = load ptr, ptr %vmctx.field, align 8
  %a0 = load i64, ptr %slots, align 8
  %slot1 = getelementptr inbounds i8, ptr %slots, i64 8
  %a1 = load i64, ptr %slot1, align 8
  %result = call i64 %code(ptr %vmctx, i64 %a0, i64 %a1)
  store i64 %result, ptr %slots, align 8
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
