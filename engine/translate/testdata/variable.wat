;; Variables (Core spec §4.4.5): locals of every type (zero-initialised), local.tee, imported
;; and defined, mutable and immutable globals of every type.
(module
  (import "env" "counter" (global $counter (mut i32)))
  (import "env" "seed" (global $seed i64))
  (global $f (mut f32) (f32.const 1.5))
  (global $d f64 (f64.const -0.0))
  (global $r (mut funcref) (ref.null func))
  (func (export "locals") (param $p i32) (result f64)
    (local $a i64) (local $b f32) (local $c f64) (local $e externref) (local $fr funcref)
    (local.set $a (i64.extend_i32_s (local.tee $p (i32.add (local.get $p) (i32.const 1)))))
    (global.set $counter (i32.add (global.get $counter) (local.get $p)))
    (global.set $f (f32.add (global.get $f) (local.get $b)))
    (global.set $r (local.get $fr))
    (f64.add (f64.add (global.get $d) (local.get $c)) (f64.convert_i64_s (i64.add (global.get $seed) (local.get $a)))))
)
