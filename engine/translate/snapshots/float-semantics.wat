;; Floats: constants as bit casts, min with NaN quieting, nearest as roundeven, a trapping
;; truncation with its exact in-range test, a saturating one, copysign.
(module
  (func (export "min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
  (func (export "nearest") (param f64) (result f64) (f64.nearest (local.get 0)))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "trunc_sat") (param f32) (result i64) (i64.trunc_sat_f32_u (local.get 0)))
  (func (export "scale") (param f32) (result f32)
    (f32.copysign (f32.mul (local.get 0) (f32.const 0.5)) (f32.const -0.0))))
