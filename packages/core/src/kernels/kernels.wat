;; Distance kernels for Elanus, WebAssembly SIMD (f32x4).
;; Assembled by packages/core/scripts/build-wasm.mjs (wabt) into kernels-wasm.generated.ts.
;;
;; Every pointer is a byte offset into the imported memory, which holds one vector column:
;; the query scratch, row-id / score scratch, the row-major vector arena and per-row inverse norms.
;; Metric codes: 0 = IP (dot), 1 = COSINE (dot * invNorm(row) * invNorm(query)), 2 = L2 (squared).
(module
  (import "env" "memory" (memory 1))

  ;; dot(a, b) over n floats: four f32x4 accumulators (16 floats per step) hide the add latency.
  (func $dot (export "dot") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $end16 i32) (local $end4 i32) (local $end i32) (local $s f32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end16 (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done16
      (loop $l16
        (br_if $done16 (i32.ge_u (local.get $a) (local.get $end16)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $acc1 (f32x4.add (local.get $acc1)
          (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $acc2 (f32x4.add (local.get $acc2)
          (f32x4.mul (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)))))
        (local.set $acc3 (f32x4.add (local.get $acc3)
          (f32x4.mul (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $l16)))
    (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1))
                                (f32x4.add (local.get $acc2) (local.get $acc3))))
    (block $done4
      (loop $l4
        (br_if $done4 (i32.ge_u (local.get $a) (local.get $end4)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $l4)))
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 2 (local.get $acc0)))
      (f32.add (f32x4.extract_lane 1 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))
    (block $done1
      (loop $l1
        (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $l1)))
    (local.get $s))

  ;; Squared L2 distance, same blocking as $dot (Milvus reports L2 without the square root).
  (func $l2sq (export "l2sq") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $d v128)
    (local $end16 i32) (local $end4 i32) (local $end i32) (local $s f32) (local $e f32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end16 (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done16
      (loop $l16
        (br_if $done16 (i32.ge_u (local.get $a) (local.get $end16)))
        (local.set $d (f32x4.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b))))
        (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b))))
        (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $l16)))
    (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1))
                                (f32x4.add (local.get $acc2) (local.get $acc3))))
    (block $done4
      (loop $l4
        (br_if $done4 (i32.ge_u (local.get $a) (local.get $end4)))
        (local.set $d (f32x4.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $l4)))
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 2 (local.get $acc0)))
      (f32.add (f32x4.extract_lane 1 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))
    (block $done1
      (loop $l1
        (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $e (f32.sub (f32.load (local.get $a)) (f32.load (local.get $b))))
        (local.set $s (f32.add (local.get $s) (f32.mul (local.get $e) (local.get $e))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $l1)))
    (local.get $s))

  ;; Milvus score of the row at byte offset $p (row number $row) against the query at $q.
  (func $score (param $metric i32) (param $q i32) (param $p i32) (param $norms i32) (param $qinv f32)
                (param $dim i32) (param $row i32) (result f32)
    (if (result f32) (i32.eq (local.get $metric) (i32.const 2))
      (then (call $l2sq (local.get $q) (local.get $p) (local.get $dim)))
      (else
        (if (result f32) (i32.eq (local.get $metric) (i32.const 1))
          (then (f32.mul
            (f32.mul (call $dot (local.get $q) (local.get $p) (local.get $dim))
                     (f32.load (i32.add (local.get $norms) (i32.shl (local.get $row) (i32.const 2)))))
            (local.get $qinv)))
          (else (call $dot (local.get $q) (local.get $p) (local.get $dim)))))))

  ;; One stored row against the query.
  (func (export "score1") (param $metric i32) (param $q i32) (param $base i32) (param $norms i32)
                          (param $qinv f32) (param $dim i32) (param $row i32) (result f32)
    (call $score (local.get $metric) (local.get $q)
      (i32.add (local.get $base) (i32.mul (local.get $row) (i32.shl (local.get $dim) (i32.const 2))))
      (local.get $norms) (local.get $qinv) (local.get $dim) (local.get $row)))

  ;; Score between two stored rows a and b (COSINE uses both rows' inverse norms).
  (func (export "score_pair") (param $metric i32) (param $base i32) (param $norms i32) (param $dim i32)
                              (param $a i32) (param $b i32) (result f32)
    (local $stride i32)
    (local.set $stride (i32.shl (local.get $dim) (i32.const 2)))
    (call $score (local.get $metric)
      (i32.add (local.get $base) (i32.mul (local.get $a) (local.get $stride)))
      (i32.add (local.get $base) (i32.mul (local.get $b) (local.get $stride)))
      (local.get $norms)
      (f32.load (i32.add (local.get $norms) (i32.shl (local.get $a) (i32.const 2))))
      (local.get $dim) (local.get $b)))

  ;; Rows [from, to) against the query; scores written contiguously at $out.
  (func (export "scan_range") (param $metric i32) (param $q i32) (param $base i32) (param $norms i32)
                              (param $qinv f32) (param $dim i32) (param $from i32) (param $to i32) (param $out i32)
    (local $stride i32) (local $p i32)
    (local.set $stride (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $p (i32.add (local.get $base) (i32.mul (local.get $from) (local.get $stride))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (f32.store (local.get $out)
          (call $score (local.get $metric) (local.get $q) (local.get $p) (local.get $norms)
                       (local.get $qinv) (local.get $dim) (local.get $from)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $next))))

;; Rows [from, to) against $nq queries stored back to back at $qs (inverse norms at $qinvs): each row is
  ;; read from memory once for all of them. Query j's scores go to $out + 4·(j·(to − from) + row − from).
  (func (export "scan_range_multi") (param $metric i32) (param $qs i32) (param $nq i32) (param $qinvs i32)
                                    (param $base i32) (param $norms i32) (param $dim i32)
                                    (param $from i32) (param $to i32) (param $out i32)
    (local $stride i32) (local $p i32) (local $j i32) (local $q i32) (local $o i32) (local $span4 i32)
    (local.set $stride (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $span4 (i32.shl (i32.sub (local.get $to) (local.get $from)) (i32.const 2)))
    (local.set $p (i32.add (local.get $base) (i32.mul (local.get $from) (local.get $stride))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (local.set $j (i32.const 0))
        (local.set $q (local.get $qs))
        (local.set $o (local.get $out))
        (block $qdone
          (loop $qnext
            (br_if $qdone (i32.ge_u (local.get $j) (local.get $nq)))
            (f32.store (local.get $o)
              (call $score (local.get $metric) (local.get $q) (local.get $p) (local.get $norms)
                           (f32.load (i32.add (local.get $qinvs) (i32.shl (local.get $j) (i32.const 2))))
                           (local.get $dim) (local.get $from)))
            (local.set $q (i32.add (local.get $q) (local.get $stride)))
            (local.set $o (i32.add (local.get $o) (local.get $span4)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $qnext)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $next))))

    ;; The $n rows listed as i32 at $ids against the query; scores written contiguously at $out.
  (func (export "scan_rows") (param $metric i32) (param $q i32) (param $base i32) (param $norms i32)
                             (param $qinv f32) (param $dim i32) (param $ids i32) (param $n i32) (param $out i32)
    (local $stride i32) (local $end i32) (local $row i32) (local $i i32) (local $p i32) (local $pe i32)
    (local $touch v128)
    (local.set $stride (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $end (i32.add (local.get $ids) (i32.shl (local.get $n) (i32.const 2))))
    ;; Rows listed by id are scattered (graph neighbours): touch every cache line of every row first.
    ;; The loads are independent, so their misses overlap instead of stalling each dot product in turn.
    (local.set $i (local.get $ids))
    (block $tdone
      (loop $tnext
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p (i32.add (local.get $base) (i32.mul (i32.load (local.get $i)) (local.get $stride))))
        (local.set $pe (i32.add (local.get $p) (local.get $stride)))
        (block $ldone
          (loop $lnext
            (br_if $ldone (i32.ge_u (local.get $p) (local.get $pe)))
            (local.set $touch (v128.or (local.get $touch) (v128.load32_zero (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.const 64)))
            (br $lnext)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tnext)))
    ;; Keep the touches observable so no engine drops them (the scores overwrite this slot below).
    (v128.store (local.get $out) (local.get $touch))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ids) (local.get $end)))
        (local.set $row (i32.load (local.get $ids)))
        (f32.store (local.get $out)
          (call $score (local.get $metric) (local.get $q)
            (i32.add (local.get $base) (i32.mul (local.get $row) (local.get $stride)))
            (local.get $norms) (local.get $qinv) (local.get $dim) (local.get $row)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $ids (i32.add (local.get $ids) (i32.const 4)))
        (br $next))))
)
