;; bgrows.wasm: the background rows of a heatmap plane with WebAssembly's
;; 128-bit SIMD, for the page and its workers (see bgrows_js.go). Go
;; compiles to WebAssembly without SIMD; this is row's four-pixel path
;; (focal.go), two pixels a vector.
;;
;; It reads the Go module's memory, imported. x and y are a plane's logits
;; and targets (float32), nrows rows of w values, w a multiple of 4. A group
;; is four pixels at a multiple of 4, as in row; it is plain when all four
;; logits lie in (xTab, 0) (NaN does not); a row's targets must all have
;; bits 0 (-0 does not).
;;
;; scan writes flags[r]: 1 for a row of plain groups, 2 for a row whose
;; targets are all 0 and logits numbers but with groups not plain (a logit
;; at the clamps, or from 0 up), 0 for the other rows (row's, in Go). For
;; the rows it flags 2 it lists the first pixel of each group not plain in
;; groups, in order, and returns how many; a row whose groups would take the
;; list past gcap entries is flagged 0 instead.
;;
;; sum writes out[r] for every row flagged 1 or 2: row's background sum,
;; with the terms of the listed groups' pixels that Go wrote in terms
;; (four float64 a group, in the list's order; +0 for a pixel row counts
;; instead: adding +0 leaves a sum that is never -0 as it is).
;;
;; The sum is row's to the bit: the same float64 operations in the same
;; order. Lane 0 is row's neg, lane 1 its neg2: a plain group a, b, c, d
;; adds a to neg, b to neg2, then c to neg, d to neg2; a group not plain
;; adds its four terms to neg one by one; the row ends with neg + neg2. A
;; plain pixel's term is bgTable.at's c0 + t(c1 + t(c2 + t c3)), v =
;; float64(x)·256 + off, j = int(v), t = v - j. WebAssembly has no fused
;; multiply-add, and float64 SIMD arithmetic is IEEE's, as the scalar's.
;;
;; Built with wabt: wat2wasm loss/bgrows.wat -o loss/bgrows.wasm
;; (TestBGRowsWasmBuilt checks the committed binary is that output).
(module
  (import "go" "mem" (memory 1))

  (func (export "scan")
        (param $x i32) (param $y i32) (param $w i32) (param $nrows i32)
        (param $xTab f32) (param $flags i32) (param $groups i32) (param $gcap i32) (result i32)
    (local $r i32) (local $i i32) (local $end i32) (local $n i32) (local $mark i32) (local $full i32)
    (local $xs v128) (local $ybits v128) (local $nums v128) (local $plain v128) (local $all v128)
    (local $xtab v128)
    (local.set $xtab (f32x4.splat (local.get $xTab)))
    (local.set $end (i32.shl (local.get $w) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $nrows)))
        (local.set $ybits (v128.const i32x4 0 0 0 0))
        (local.set $nums (v128.const i32x4 -1 -1 -1 -1))
        (local.set $all (v128.const i32x4 -1 -1 -1 -1))
        (local.set $mark (local.get $n))
        (local.set $full (i32.const 0))
        (local.set $i (i32.const 0))
        (block $scanned
          (loop $scan
            (br_if $scanned (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $xs (v128.load (i32.add (local.get $x) (local.get $i))))
            (local.set $ybits
              (v128.or (local.get $ybits) (v128.load (i32.add (local.get $y) (local.get $i)))))
            (local.set $nums (v128.and (local.get $nums) (f32x4.eq (local.get $xs) (local.get $xs))))
            (local.set $plain
              (v128.and (f32x4.gt (local.get $xs) (local.get $xtab))
                        (f32x4.lt (local.get $xs) (v128.const f32x4 0 0 0 0))))
            (if (i32.eqz (i32x4.all_true (local.get $plain)))
              (then
                (local.set $all (v128.const i32x4 0 0 0 0))
                (if (i32.lt_u (local.get $n) (local.get $gcap))
                  (then
                    (i32.store (i32.add (local.get $groups) (i32.shl (local.get $n) (i32.const 2)))
                               (i32.add (i32.mul (local.get $r) (local.get $w))
                                        (i32.shr_u (local.get $i) (i32.const 2))))
                    (local.set $n (i32.add (local.get $n) (i32.const 1))))
                  (else (local.set $full (i32.const 1))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $scan)))
        (if (i32.or (i32.or (v128.any_true (local.get $ybits))
                            (i32.eqz (i32x4.all_true (local.get $nums))))
                    (local.get $full))
          (then
            ;; row's, in Go: its groups leave the list.
            (local.set $n (local.get $mark))
            (i32.store (local.get $flags) (i32.const 0)))
          (else
            (i32.store (local.get $flags)
              (select (i32.const 1) (i32.const 2) (i32x4.all_true (local.get $all))))))
        (local.set $x (i32.add (local.get $x) (local.get $end)))
        (local.set $y (i32.add (local.get $y) (local.get $end)))
        (local.set $flags (i32.add (local.get $flags) (i32.const 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    (local.get $n))

  (func (export "sum")
        (param $x i32) (param $w i32) (param $nrows i32)
        (param $pieces i32) (param $off f64) (param $flags i32)
        (param $groups i32) (param $ngroups i32) (param $terms i32) (param $out i32)
    (local $r i32) (local $i i32) (local $end i32) (local $g i32) (local $at i32) (local $nb i32)
    (local $xs v128) (local $acc v128) (local $offv v128) (local $steps v128)
    (local $v v128) (local $j v128) (local $t v128) (local $pa i32) (local $pb i32)
    (local $neg f64) (local $tp i32)
    (local.set $offv (f64x2.splat (local.get $off)))
    (local.set $steps (f64x2.splat (f64.const 256)))
    (local.set $end (i32.shl (local.get $w) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $nrows)))
        (if (i32.load (local.get $flags))
          (then
            (local.set $acc (v128.const f64x2 0 0))
            ;; skip the listed groups of rows row takes; nb is the next
            ;; listed group's byte offset in this row (past the row: none)
            (local.set $at (i32.mul (local.get $r) (local.get $w)))
            (block $found
              (loop $skip
                (br_if $found (i32.ge_u (local.get $g) (local.get $ngroups)))
                (br_if $found (i32.ge_u (i32.load (i32.add (local.get $groups) (i32.shl (local.get $g) (i32.const 2))))
                                        (local.get $at)))
                (local.set $g (i32.add (local.get $g) (i32.const 1)))
                (br $skip)))
            (local.set $nb (call $nextByte (local.get $groups) (local.get $g) (local.get $ngroups) (local.get $at) (local.get $end)))
            (local.set $i (i32.const 0))
            (block $summed
              (loop $sum
                (br_if $summed (i32.ge_u (local.get $i) (local.get $end)))
                (if (i32.eq (local.get $i) (local.get $nb))
                  (then
                    ;; a group not plain: Go's four terms, to neg one by one
                    (local.set $tp (i32.add (local.get $terms) (i32.shl (local.get $g) (i32.const 5))))
                    (local.set $neg (f64x2.extract_lane 0 (local.get $acc)))
                    (local.set $neg (f64.add (local.get $neg) (f64.load (local.get $tp))))
                    (local.set $neg (f64.add (local.get $neg) (f64.load offset=8 (local.get $tp))))
                    (local.set $neg (f64.add (local.get $neg) (f64.load offset=16 (local.get $tp))))
                    (local.set $neg (f64.add (local.get $neg) (f64.load offset=24 (local.get $tp))))
                    (local.set $acc (f64x2.replace_lane 0 (local.get $acc) (local.get $neg)))
                    (local.set $g (i32.add (local.get $g) (i32.const 1)))
                    (local.set $nb (call $nextByte (local.get $groups) (local.get $g) (local.get $ngroups) (local.get $at) (local.get $end))))
                  (else
                    (local.set $xs (v128.load (i32.add (local.get $x) (local.get $i))))
                    ;; a, b (the terms written out twice: V8 does not inline a call here)
                    (local.set $v (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $xs)) (local.get $steps)) (local.get $offv)))
                    (local.set $j (i32x4.trunc_sat_f64x2_s_zero (local.get $v)))
                    (local.set $t (f64x2.sub (local.get $v) (f64x2.convert_low_i32x4_s (local.get $j))))
                    (local.set $pa (i32.add (local.get $pieces) (i32.shl (i32x4.extract_lane 0 (local.get $j)) (i32.const 5))))
                    (local.set $pb (i32.add (local.get $pieces) (i32.shl (i32x4.extract_lane 1 (local.get $j)) (i32.const 5))))
                    (local.set $acc
                      (f64x2.add (local.get $acc)
                        (f64x2.add
                          (v128.load64_lane 1 (local.get $pb) (v128.load64_zero (local.get $pa)))
                          (f64x2.mul (local.get $t)
                            (f64x2.add
                              (v128.load64_lane offset=8 1 (local.get $pb) (v128.load64_zero offset=8 (local.get $pa)))
                              (f64x2.mul (local.get $t)
                                (f64x2.add
                                  (v128.load64_lane offset=16 1 (local.get $pb) (v128.load64_zero offset=16 (local.get $pa)))
                                  (f64x2.mul (local.get $t)
                                    (v128.load64_lane offset=24 1 (local.get $pb) (v128.load64_zero offset=24 (local.get $pa)))))))))))
                    ;; c, d
                    (local.set $v (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xs) (local.get $xs))) (local.get $steps)) (local.get $offv)))
                    (local.set $j (i32x4.trunc_sat_f64x2_s_zero (local.get $v)))
                    (local.set $t (f64x2.sub (local.get $v) (f64x2.convert_low_i32x4_s (local.get $j))))
                    (local.set $pa (i32.add (local.get $pieces) (i32.shl (i32x4.extract_lane 0 (local.get $j)) (i32.const 5))))
                    (local.set $pb (i32.add (local.get $pieces) (i32.shl (i32x4.extract_lane 1 (local.get $j)) (i32.const 5))))
                    (local.set $acc
                      (f64x2.add (local.get $acc)
                        (f64x2.add
                          (v128.load64_lane 1 (local.get $pb) (v128.load64_zero (local.get $pa)))
                          (f64x2.mul (local.get $t)
                            (f64x2.add
                              (v128.load64_lane offset=8 1 (local.get $pb) (v128.load64_zero offset=8 (local.get $pa)))
                              (f64x2.mul (local.get $t)
                                (f64x2.add
                                  (v128.load64_lane offset=16 1 (local.get $pb) (v128.load64_zero offset=16 (local.get $pa)))
                                  (f64x2.mul (local.get $t)
                                    (v128.load64_lane offset=24 1 (local.get $pb) (v128.load64_zero offset=24 (local.get $pa)))))))))))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $sum)))
            (f64.store (local.get $out)
              (f64.add (f64x2.extract_lane 0 (local.get $acc))
                       (f64x2.extract_lane 1 (local.get $acc))))))
        (local.set $x (i32.add (local.get $x) (local.get $end)))
        (local.set $flags (i32.add (local.get $flags) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))
;; nextByte is the byte offset in the row starting at pixel at of listed
  ;; group g, or end when there is none in this row.
  (func $nextByte (param $groups i32) (param $g i32) (param $ngroups i32) (param $at i32) (param $end i32)
        (result i32)
    (local $p i32)
    (if (i32.ge_u (local.get $g) (local.get $ngroups)) (then (return (local.get $end))))
    (local.set $p (i32.shl (i32.sub (i32.load (i32.add (local.get $groups) (i32.shl (local.get $g) (i32.const 2))))
                                    (local.get $at))
                           (i32.const 2)))
    (select (local.get $p) (local.get $end) (i32.lt_u (local.get $p) (local.get $end))))
)
