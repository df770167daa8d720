;; Integer division and remainder: the zero and overflow checks branch to the one trap block
;; (a phi of the trap code), marked cold; rem_s by -1 is made safe without a branch.
(module
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "div_u_by_constant") (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 10))))
