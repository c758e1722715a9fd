// start.js instantiates the page's WebAssembly (compile.js compiles it) and
// runs it. It is a file of its own, not an inline script, so that the
// Content-Security-Policy of index.html can allow scripts from the page's own
// origin only.
// The page reads no gamepad, but Ebitengine asks navigator.getGamepads()
// every frame, and once a page has asked, Chromium keeps a thread of the
// browser process polling the devices: about 3 % of a core here, taken
// from the workers while a run loads (README, "Where a run's time goes").
navigator.getGamepads = () => [];

(async () => {
  const go = new Go();
  try {
    // compile.js (in <head>) started compiling it.
    const instance = await WebAssembly.instantiate(await window.cornerlossModule, go.importObject);
    document.body.dataset.tWasmMs = performance.now().toFixed(1); // compiled
    // The Go side reads its memory size from here (bench figures).
    window.cornerlossMemory = instance.exports.mem;
    await go.run(instance);
  } catch (e) {
    console.warn("cornerloss stopped:", e);
  }
  // main never returns while the page works: reaching here means the Go
  // runtime stopped.
  document.getElementById("banner").hidden = false;
  document.body.dataset.stopped = "1";
})();
