// Package viz draws the visualiser's pictures in plain Go: colormaps, value
// scales with tick marks, text, colorbars, heatmap planes and overlay shapes,
// all onto *image.RGBA. The browser page uploads the result to the screen and
// the CLI encodes it as PNG, so both show the same pixels.
//
// Nothing here imports ebiten or syscall/js: the package tests natively and
// under GOOS=js GOARCH=wasm.
package viz
