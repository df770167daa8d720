;; Calls: a direct call to an internal function (stack check in the caller's prologue), an
;; imported function through its FuncRef, call_indirect with its three checks; the host
;; trampoline of the import's type and the entry trampolines of the exported types.
(module
  (import "env" "report" (func $report (param i32)))
  (type $unary (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $double)
  (func $double (type $unary) (i32.add (local.get 0) (local.get 0)))
  (func (export "run") (param i32) (result i32)
    (call $report (local.get 0))
    (call_indirect (type $unary) (call $double (local.get 0)) (i32.const 0))))
