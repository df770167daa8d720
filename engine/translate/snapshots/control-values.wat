;; Control flow carrying values: if/else joined by a phi, a loop with parameters (header
;; phis filled in at the loop's end), br_table to blocks with results, multi-value return.
(module
  (func (export "select_if") (param i32) (result i64)
    (if (result i64) (local.get 0) (then (i64.const 1)) (else (i64.const -1))))
  (func (export "countdown") (param i32) (result i32 i32)
    (i32.const 0) (local.get 0)
    (loop (param i32 i32) (result i32 i32)
      (local.set 0)
      (i32.add (i32.const 1))
      (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if 0 (local.get 0))))
  (func (export "classify") (param i32) (result i32)
    (block (result i32)
      (block (result i32)
        (br_table 0 1 1 (i32.const 100) (local.get 0)))
      (i32.const 1) (i32.add))))
