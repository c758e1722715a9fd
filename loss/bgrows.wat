;; bgrows.wasm: the background rows of a heatmap plane with WebAssembly's
;; 128-bit SIMD, for the page and its workers (see bgrows_js.go). Go
;; compiles to WebAssembly without SIMD; this is row's four-pixel path
;; (focal.go), two pixels a vector, for rows where every pixel takes it.
;;
;; It reads the Go module's memory, imported: x and y are a plane's logits
;; and targets (float32), rows of w values, w a multiple of 4; pieces is the
;; bgTable's pieces (four float64 each: c0..c3). For each of nrows rows it
;; writes flags[r] = 1 and out[r] = the row's background sum when the row is
;; plain (every target's bits 0, every logit in (xTab, 0)), else flags[r] = 0
;; and leaves out[r] alone.
;;
;; The sum is row's, to the bit: the same float64 operations in the same
;; order. Lane 0 is row's neg, lane 1 its neg2: each group of four pixels
;; a, b, c, d adds a to neg, b to neg2, then c to neg, d to neg2, and the row
;; ends with neg + neg2. Each term is bgTable.at's c0 + t(c1 + t(c2 + t c3)),
;; v = float64(x)·256 + off, j = int(v), t = v - j. WebAssembly has no fused
;; multiply-add and float64 SIMD arithmetic is IEEE's, as the scalar's.
;;
;; Built with wabt: wat2wasm loss/bgrows.wat -o loss/bgrows.wasm
;; (TestBGRowsWasmBuilt checks the committed binary is that output).
(module
  (import "go" "mem" (memory 1))
  (func (export "bgRows")
        (param $x i32) (param $y i32) (param $w i32) (param $nrows i32)
        (param $pieces i32) (param $off f64) (param $xTab f32)
        (param $out i32) (param $flags i32)
    (local $r i32) (local $i i32) (local $end i32)
    (local $ok v128) (local $ybits v128) (local $xs v128) (local $acc v128)
    (local $xtab v128) (local $offv v128) (local $steps v128)
    (local $v v128) (local $j v128) (local $t v128) (local $pa i32) (local $pb i32)
    (local.set $xtab (f32x4.splat (local.get $xTab)))
    (local.set $offv (f64x2.splat (local.get $off)))
    (local.set $steps (f64x2.splat (f64.const 256)))
    (local.set $end (i32.shl (local.get $w) (i32.const 2)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $nrows)))
        ;; Plain: every target's bits 0 (-0 is not), every logit in
        ;; (xTab, 0) (NaN is not).
        (local.set $ok (v128.const i32x4 -1 -1 -1 -1))
        (local.set $ybits (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $checked
          (loop $check
            (br_if $checked (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $xs (v128.load (i32.add (local.get $x) (local.get $i))))
            (local.set $ok
              (v128.and (local.get $ok)
                (v128.and (f32x4.gt (local.get $xs) (local.get $xtab))
                          (f32x4.lt (local.get $xs) (v128.const f32x4 0 0 0 0)))))
            (local.set $ybits
              (v128.or (local.get $ybits) (v128.load (i32.add (local.get $y) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $check)))
        (if (i32.and (i32x4.all_true (local.get $ok))
                     (i32.eqz (v128.any_true (local.get $ybits))))
          (then
            (local.set $acc (v128.const f64x2 0 0))
            (local.set $i (i32.const 0))
            (block $summed
              (loop $sum
                (br_if $summed (i32.ge_u (local.get $i) (local.get $end)))
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
                                (v128.load64_lane offset=24 1 (local.get $pb) (v128.load64_zero offset=24 (local.get $pa)))))))))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $sum)))
            (f64.store (local.get $out)
              (f64.add (f64x2.extract_lane 0 (local.get $acc))
                       (f64x2.extract_lane 1 (local.get $acc))))
            (i32.store (local.get $flags) (i32.const 1)))
          (else
            (i32.store (local.get $flags) (i32.const 0))))
        (local.set $x (i32.add (local.get $x) (local.get $end)))
        (local.set $y (i32.add (local.get $y) (local.get $end)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $flags (i32.add (local.get $flags) (i32.const 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

)
