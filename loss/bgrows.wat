;; bgrows.wasm: the background rows of a heatmap plane with WebAssembly's
;; 128-bit SIMD, for the page and its workers (see bgrows_js.go). Go
;; compiles to WebAssembly without SIMD; this is row's four-pixel path
;; (focal.go), two pixels a vector.
;;
;; It reads the Go module's memory, imported. x and y are a plane's logits
;; and targets (float32), nrows rows of w values, w a multiple of 4. A group
;; is four pixels at a multiple of 4, as in row; it is plain when all four
;; logits lie in (xTab, 0) (NaN does not) and all four targets have bits 0
;; (-0 does not): row's test.
;;
;; rows runs twice over a plane. The first pass (first = 1) flags 0 the
;; rows whose logits repeat (repeatedLogits' four pairs: row's, in Go),
;; sums every other row whose groups are all plain into out[r] and flags
;; it 1. A row with groups not plain it flags 2, and lists the first pixel
;; of each such group in groups, in order; it returns how many it listed.
;; A row whose groups would take the list past ng entries it flags 0
;; instead (row's, in Go). Go then writes the terms of the listed groups'
;; pixels in terms (four float64 a group, in the list's order; +0 for a
;; pixel row does not add to its background sum: adding +0 leaves a sum
;; that is never -0 as it is). The second pass (first = 0, ng the number
;; listed) sums the rows flagged 2 into out[r], with those terms.
;;
;; The sum is row's to the bit: the same float64 operations in the same
;; order. Lane 0 is row's neg, lane 1 its neg2: a plain group a, b, c, d
;; adds a to neg, b to neg2, then c to neg, d to neg2; a group not plain
;; adds its four terms to neg one by one; the row ends with neg + neg2. A
;; plain pixel's term is bgTable.at's c0 + t(c1 + t(c2 + t c3)), v =
;; float64(x)·256 + off, j = int(v), t = v - j: v > 0 for a plain pixel
;; (off puts the table's start at v = 0, at or below xTab), so int(v) is
;; floor(v), taken as f64x2.floor, and j is read from the low bits of
;; floor(v) + 2^52. A piece's four coefficients are two 128-bit loads,
;; the two pixels' pieces interleaved by shuffles (faster under V8 than
;; eight 64-bit lane loads). WebAssembly has no fused multiply-add, and
;; float64 SIMD arithmetic is IEEE's, as the scalar's.
;;
;; Built with wabt: wat2wasm loss/bgrows.wat -o loss/bgrows.wasm
;; (TestBGRowsWasmBuilt checks the committed binary is that output).
(module
  (import "go" "mem" (memory 1))

  (func (export "rows")
        (param $x i32) (param $y i32) (param $w i32) (param $nrows i32)
        (param $xTab f32) (param $pieces i32) (param $off f64)
        (param $flags i32) (param $groups i32) (param $ng i32) (param $terms i32)
        (param $out i32) (param $first i32) (result i32)
    (local $r i32) (local $i i32) (local $end i32) (local $n i32) (local $g i32)
    (local $mark i32) (local $full i32) (local $listed i32) (local $tp i32)
    (local $pa i32) (local $pb i32) (local $q i32) (local $neg f64)
    (local $xs v128) (local $ca v128) (local $cb v128) (local $acc v128) (local $xtab v128) (local $offv v128)
    (local $steps v128) (local $magic v128) (local $v v128) (local $fl v128) (local $t v128)
    (local.set $xtab (f32x4.splat (local.get $xTab)))
    (local.set $offv (f64x2.splat (local.get $off)))
    (local.set $steps (f64x2.splat (f64.const 256)))
    (local.set $magic (f64x2.splat (f64.const 0x1p52)))
    (local.set $end (i32.shl (local.get $w) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $nrows)))
        (block $rowDone
          (if (local.get $first)
            (then
              ;; repeatedLogits' four pairs: the reference's steps, in Go
              (local.set $q (i32.shl (i32.shr_u (local.get $w) (i32.const 2)) (i32.const 2)))
              (if (i32.or
                    (i32.or (f32.eq (f32.load offset=4 (local.get $x)) (f32.load (local.get $x)))
                            (f32.eq (f32.load offset=4 (i32.add (local.get $x) (local.get $q)))
                                    (f32.load (i32.add (local.get $x) (local.get $q)))))
                    (i32.or (f32.eq (f32.load offset=4 (i32.add (local.get $x) (i32.shl (local.get $q) (i32.const 1))))
                                    (f32.load (i32.add (local.get $x) (i32.shl (local.get $q) (i32.const 1)))))
                            (f32.eq (f32.load (i32.sub (i32.add (local.get $x) (local.get $end)) (i32.const 4)))
                                    (f32.load (i32.sub (i32.add (local.get $x) (local.get $end)) (i32.const 8))))))
                (then
                  (i32.store (local.get $flags) (i32.const 0))
                  (br $rowDone))))
            (else
              ;; only the rows flagged 2 have listed groups, so g, counting
              ;; the groups of those rows, is at this row's first
              (br_if $rowDone (i32.ne (i32.load (local.get $flags)) (i32.const 2)))))
          (local.set $acc (v128.const f64x2 0 0))
          (local.set $mark (local.get $n))
          (local.set $full (i32.const 0))
          (local.set $listed (i32.const 0))
          (local.set $i (i32.const 0))
          (block $summed
            (loop $group
              (br_if $summed (i32.ge_u (local.get $i) (local.get $end)))
              (local.set $xs (v128.load (i32.add (local.get $x) (local.get $i))))
              (if (i32.and
                    (i32x4.all_true
                      (v128.and (f32x4.gt (local.get $xs) (local.get $xtab))
                                (f32x4.lt (local.get $xs) (v128.const f32x4 0 0 0 0))))
                    (i32.eqz (v128.any_true (v128.load (i32.add (local.get $y) (local.get $i))))))
                (then
                  ;; a plain group (after one not plain, the first pass only tests)
                  (if (i32.eqz (local.get $listed))
                    (then
                      ;; a, b (the terms written out twice: V8 does not inline a call here)
                      (local.set $v (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (local.get $xs)) (local.get $steps)) (local.get $offv)))
                      (local.set $fl (f64x2.floor (local.get $v)))
                      (local.set $t (f64x2.sub (local.get $v) (local.get $fl)))
                      (local.set $fl (f64x2.add (local.get $fl) (local.get $magic)))
                      (local.set $pa (i32.add (local.get $pieces) (i32.shl (i32x4.extract_lane 0 (local.get $fl)) (i32.const 5))))
                      (local.set $pb (i32.add (local.get $pieces) (i32.shl (i32x4.extract_lane 2 (local.get $fl)) (i32.const 5))))
                      (local.set $acc
                        (f64x2.add (local.get $acc)
                          (f64x2.add
                            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $ca (v128.load (local.get $pa))) (local.tee $cb (v128.load (local.get $pb))))
                            (f64x2.mul (local.get $t)
                              (f64x2.add
                                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ca) (local.get $cb))
                                (f64x2.mul (local.get $t)
                                  (f64x2.add
                                    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $ca (v128.load offset=16 (local.get $pa))) (local.tee $cb (v128.load offset=16 (local.get $pb))))
                                    (f64x2.mul (local.get $t)
                                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ca) (local.get $cb))))))))))
                      ;; c, d
                      (local.set $v (f64x2.add (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xs) (local.get $xs))) (local.get $steps)) (local.get $offv)))
                      (local.set $fl (f64x2.floor (local.get $v)))
                      (local.set $t (f64x2.sub (local.get $v) (local.get $fl)))
                      (local.set $fl (f64x2.add (local.get $fl) (local.get $magic)))
                      (local.set $pa (i32.add (local.get $pieces) (i32.shl (i32x4.extract_lane 0 (local.get $fl)) (i32.const 5))))
                      (local.set $pb (i32.add (local.get $pieces) (i32.shl (i32x4.extract_lane 2 (local.get $fl)) (i32.const 5))))
                      (local.set $acc
                        (f64x2.add (local.get $acc)
                          (f64x2.add
                            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $ca (v128.load (local.get $pa))) (local.tee $cb (v128.load (local.get $pb))))
                            (f64x2.mul (local.get $t)
                              (f64x2.add
                                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ca) (local.get $cb))
                                (f64x2.mul (local.get $t)
                                  (f64x2.add
                                    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.tee $ca (v128.load offset=16 (local.get $pa))) (local.tee $cb (v128.load offset=16 (local.get $pb))))
                                    (f64x2.mul (local.get $t)
                                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ca) (local.get $cb)))))))))))))
                (else
                  (if (local.get $first)
                    (then
                      ;; list the group; the row goes on to the second pass
                      (local.set $listed (i32.const 1))
                      (if (i32.lt_u (local.get $n) (local.get $ng))
                        (then
                          (i32.store (i32.add (local.get $groups) (i32.shl (local.get $n) (i32.const 2)))
                                     (i32.add (i32.mul (local.get $r) (local.get $w))
                                              (i32.shr_u (local.get $i) (i32.const 2))))
                          (local.set $n (i32.add (local.get $n) (i32.const 1))))
                        (else (local.set $full (i32.const 1)))))
                    (else
                      ;; listed group g: Go's four terms, to neg one by one
                      (local.set $tp (i32.add (local.get $terms) (i32.shl (local.get $g) (i32.const 5))))
                      (local.set $neg (f64x2.extract_lane 0 (local.get $acc)))
                      (local.set $neg (f64.add (local.get $neg) (f64.load (local.get $tp))))
                      (local.set $neg (f64.add (local.get $neg) (f64.load offset=8 (local.get $tp))))
                      (local.set $neg (f64.add (local.get $neg) (f64.load offset=16 (local.get $tp))))
                      (local.set $neg (f64.add (local.get $neg) (f64.load offset=24 (local.get $tp))))
                      (local.set $acc (f64x2.replace_lane 0 (local.get $acc) (local.get $neg)))
                      (local.set $g (i32.add (local.get $g) (i32.const 1)))))))
              (local.set $i (i32.add (local.get $i) (i32.const 16)))
              (br $group)))
          (if (local.get $full)
            (then
              ;; row's, in Go: its groups leave the list
              (local.set $n (local.get $mark))
              (i32.store (local.get $flags) (i32.const 0))
              (br $rowDone)))
          (if (local.get $listed)
            (then
              (i32.store (local.get $flags) (i32.const 2))
              (br $rowDone)))
          (if (local.get $first) (then (i32.store (local.get $flags) (i32.const 1))))
          (f64.store (local.get $out)
            (f64.add (f64x2.extract_lane 0 (local.get $acc))
                     (f64x2.extract_lane 1 (local.get $acc)))))
        (local.set $x (i32.add (local.get $x) (local.get $end)))
        (local.set $y (i32.add (local.get $y) (local.get $end)))
        (local.set $flags (i32.add (local.get $flags) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows)))
    (local.get $n))
)
