;; Test module: the start-up sequence of Rust's standard library on wasm32-wasi (and of
;; wasi-libc's preopen discovery, which Rust std relies on): probe descriptors from 3 with
;; fd_prestat_get until `badf`, read each directory name with fd_prestat_dir_name, then
;; environ_sizes_get/environ_get and args_sizes_get/args_get. Prints what it found, and
;; returns from _start (exit code 0), as a Rust main that returns does.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)

  ;; 0x000 prestat, 0x010 iovec, 0x040 nwritten, 0x100 directory name,
  ;; 0x220 environ sizes, 0x228 args sizes, 0x400/0x800 environ, 0x1000/0x1400 args.
  (data (i32.const 0x200) "preopen ")
  (data (i32.const 0x210) "\n")
  (data (i32.const 0x214) "environ:\n")
  (data (i32.const 0x230) "args:\n")
  (data (i32.const 0x240) "probe ended with errno ")

  (func $write (param $pointer i32) (param $length i32)
    (i32.store (i32.const 0x10) (local.get $pointer))
    (i32.store (i32.const 0x14) (local.get $length))
    (if (call $fd_write (i32.const 1) (i32.const 0x10) (i32.const 1) (i32.const 0x40))
      (then (call $proc_exit (i32.const 90)))))

  (func $newline (call $write (i32.const 0x210) (i32.const 1)))

  (func $strlen (param $pointer i32) (result i32)
    (local $end i32)
    (local.set $end (local.get $pointer))
    (block $done
      (loop $scan
        (br_if $done (i32.eqz (i32.load8_u (local.get $end))))
        (local.set $end (i32.add (local.get $end) (i32.const 1)))
        (br $scan)))
    (i32.sub (local.get $end) (local.get $pointer)))

  ;; Writes each NUL-terminated string of a pointer array on its own line.
  (func $print_strings (param $pointers i32) (param $count i32)
    (local $i i32) (local $string i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $string (i32.load (i32.add (local.get $pointers) (i32.shl (local.get $i) (i32.const 2)))))
        (call $write (local.get $string) (call $strlen (local.get $string)))
        (call $newline)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func (export "_start")
    (local $fd i32) (local $errno i32) (local $length i32)
    (local.set $fd (i32.const 3))
    (block $probed
      (loop $probe
        (local.set $errno (call $fd_prestat_get (local.get $fd) (i32.const 0)))
        (br_if $probed (local.get $errno))
        (if (i32.eqz (i32.load8_u (i32.const 0))) ;; preopentype::dir
          (then
            (local.set $length (i32.load (i32.const 4)))
            (if (call $fd_prestat_dir_name (local.get $fd) (i32.const 0x100) (local.get $length))
              (then (call $proc_exit (i32.const 91))))
            (call $write (i32.const 0x200) (i32.const 8))
            (call $write (i32.const 0x100) (local.get $length))
            (call $newline)))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $probe)))
    ;; Rust std stops at badf (8); report what ended the probe.
    (call $write (i32.const 0x240) (i32.const 23))
    (i32.store8 (i32.const 0x300) (i32.add (i32.const 0x30) (i32.div_u (local.get $errno) (i32.const 10))))
    (i32.store8 (i32.const 0x301) (i32.add (i32.const 0x30) (i32.rem_u (local.get $errno) (i32.const 10))))
    (call $write (i32.const 0x300) (i32.const 2))
    (call $newline)

    (if (call $environ_sizes_get (i32.const 0x220) (i32.const 0x224)) (then (call $proc_exit (i32.const 92))))
    ;; Like wasi-libc, fetch only a non-empty environment (node:wasi says inval for an empty one).
    (if (i32.load (i32.const 0x220))
      (then (if (call $environ_get (i32.const 0x400) (i32.const 0x800)) (then (call $proc_exit (i32.const 93))))))
    (call $write (i32.const 0x214) (i32.const 9))
    (call $print_strings (i32.const 0x400) (i32.load (i32.const 0x220)))

    (if (call $args_sizes_get (i32.const 0x228) (i32.const 0x22c)) (then (call $proc_exit (i32.const 94))))
    (if (i32.load (i32.const 0x228))
      (then (if (call $args_get (i32.const 0x1000) (i32.const 0x1400)) (then (call $proc_exit (i32.const 95))))))
    (call $write (i32.const 0x230) (i32.const 6))
    (call $print_strings (i32.const 0x1000) (i32.load (i32.const 0x228)))))
