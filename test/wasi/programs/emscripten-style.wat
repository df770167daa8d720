;; Test module: what Emscripten's standalone WASI mode emits: printf flushes through
;; fd_write with an iovec array that includes zero-length entries (its stdio writes the
;; buffered part and the new part, either of which may be empty), and exit() is proc_exit
;; called from inside _start.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x100) "Hello")
  (data (i32.const 0x110) ", world\n")
  (data (i32.const 0x120) "stderr line\n")
  ;; iovecs at 0x200: "Hello", empty, ", world\n", empty (pointer 0)
  (data (i32.const 0x200) "\00\01\00\00\05\00\00\00" "\05\01\00\00\00\00\00\00" "\10\01\00\00\08\00\00\00" "\00\00\00\00\00\00\00\00")
  ;; iovecs at 0x240: only empty ones, then the stderr line
  (data (i32.const 0x240) "\20\01\00\00\00\00\00\00" "\20\01\00\00\0c\00\00\00")

  (func (export "_start")
    (if (call $fd_write (i32.const 1) (i32.const 0x200) (i32.const 4) (i32.const 0x300))
      (then (call $proc_exit (i32.const 2))))
    (if (i32.ne (i32.load (i32.const 0x300)) (i32.const 13))
      (then (call $proc_exit (i32.const 3))))
    (if (call $fd_write (i32.const 2) (i32.const 0x240) (i32.const 1) (i32.const 0x300))
      (then (call $proc_exit (i32.const 4))))
    (if (i32.load (i32.const 0x300))
      (then (call $proc_exit (i32.const 5))))
    (if (call $fd_write (i32.const 2) (i32.const 0x240) (i32.const 2) (i32.const 0x300))
      (then (call $proc_exit (i32.const 6))))
    (call $proc_exit (i32.const 17))
    unreachable))
