// start.js instantiates the page's WebAssembly and runs it. It is a file of
// its own, not an inline script, so that the Content-Security-Policy of
// index.html can allow scripts from the page's own origin only.
(async () => {
  const go = new Go();
  try {
    let result;
    try {
      result = await WebAssembly.instantiateStreaming(fetch("cornerloss.wasm"), go.importObject);
    } catch (e) {
      // Hosts that do not serve application/wasm: fall back to bytes.
      const bytes = await (await fetch("cornerloss.wasm")).arrayBuffer();
      result = await WebAssembly.instantiate(bytes, go.importObject);
    }
    document.body.dataset.tWasmMs = performance.now().toFixed(1); // compiled
    // The Go side reads its memory size from here (bench figures).
    window.cornerlossMemory = result.instance.exports.mem;
    await go.run(result.instance);
  } catch (e) {
    console.warn("cornerloss stopped:", e);
  }
  // main never returns while the page works: reaching here means the Go
  // runtime stopped.
  document.getElementById("banner").hidden = false;
  document.body.dataset.stopped = "1";
})();
