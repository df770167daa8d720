;; A counted loop over linear memory: locals as allocas, the memory base loaded once in the
;; entry block (invariant), zext + offset addressing, TBAA on the load, br_if to the exit.
(module
  (memory 1)
  (func (export "sum") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.load offset=16 (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s)))
