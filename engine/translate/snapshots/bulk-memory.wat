;; Bulk memory: whole-range bounds checks in i64 before any write, then memset / memmove /
;; memcpy; memory.init reads its segment's descriptor from vmctx, data.drop zeroes its length;
;; memory.size and memory.grow.
(module
  (memory 1)
  (data $d "abc")
  (func (export "bulk") (param i32 i32 i32) (result i32)
    (memory.fill (local.get 0) (i32.const 0) (local.get 2))
    (memory.copy (local.get 0) (local.get 1) (local.get 2))
    (memory.init $d (local.get 0) (i32.const 1) (i32.const 2))
    (data.drop $d)
    (i32.add (memory.size) (memory.grow (i32.const 1)))))
