// compile.js starts fetching and compiling the page's WebAssembly from
// <head>, before the page's styles, fonts and scripts load and lay out: V8
// reads the module as it streams in on the page's main thread, which the
// layout needs too, and on a first visit this is the longest part of the
// start-up (README, "Where a first visit's start-up goes"). start.js
// instantiates the module once Go's wasm_exec.js is loaded.
window.cornerlossModule = WebAssembly.compileStreaming(fetch("cornerloss.wasm")).catch(async () => {
  // Hosts that do not serve application/wasm: compile from the bytes.
  return WebAssembly.compile(await (await fetch("cornerloss.wasm")).arrayBuffer());
});
