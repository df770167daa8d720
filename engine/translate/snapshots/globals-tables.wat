;; Globals (a mutable defined cell inline in vmctx, an immutable import through its cell
;; pointer, invariant) and table access with bounds checks: table.get, table.set, ref.func,
;; ref.is_null, table.size.
(module
  (import "env" "base" (global $base i32))
  (global $count (mut i32) (i32.const 0))
  (table $t 4 funcref)
  (elem declare func $f)
  (func $f)
  (func (export "bump") (result i32)
    (global.set $count (i32.add (global.get $count) (global.get $base)))
    (global.get $count))
  (func (export "swap") (param i32) (result i32)
    (table.set $t (local.get 0) (ref.func $f))
    (i32.add (table.size $t) (ref.is_null (table.get $t (i32.const 0))))))
