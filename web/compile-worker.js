// compile-worker.js fetches and compiles the page's WebAssembly off the
// page's main thread and posts the module back (compile.js says why). It
// starts as soon as it loads: the page sends it nothing. On any failure it
// posts no module, and the page compiles the module itself.
(async () => {
  try {
    const module = await WebAssembly.compileStreaming(fetch("cornerloss.wasm")).catch(async () => {
      // Hosts that do not serve application/wasm: compile from the bytes.
      return WebAssembly.compile(await (await fetch("cornerloss.wasm")).arrayBuffer());
    });
    postMessage({ module });
  } catch (e) {
    postMessage({ error: String(e) });
  }
})();
