// start.js instantiates the page's WebAssembly (compile.js compiles it) and
// runs it. It is a file of its own, not an inline script, so that the
// Content-Security-Policy of index.html can allow scripts from the page's own
// origin only.

// The page reads no gamepad, but Ebitengine asks navigator.getGamepads()
// every frame, and once a page has asked, Chromium keeps a thread of the
// browser process polling the devices: about 3 % of a core here, taken
// from the workers while a run loads (README, "Where a run's time goes").
navigator.getGamepads = () => [];

// Ebitengine asks for a WebGL2 context with the browser's default
// antialias: true, a multisampled drawing buffer resolved at every present.
// It draws the screen as one axis-aligned quad at whole pixels, which
// multisampling leaves unchanged, so the page asks for a plain buffer:
// where WebGL runs in software (headless Chromium here, browsers without a
// GPU), each frame that draws costs the GL about 20 % less CPU (README,
// "Where a run's time goes").
{
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind, attrs) {
    if (kind === "webgl2") attrs = Object.assign({}, attrs, { antialias: false });
    return getContext.call(this, kind, attrs);
  };
}

// ?simd=off leaves out the engine's SIMD rows (loss/bgrows_js.go), to
// compare; the page passes it on to its workers (newWorker).
if (new URLSearchParams(location.search).get("simd") === "off") window.cornerlossSIMD = false;

(async () => {
  const go = new Go();
  try {
    // compile.js (in <head>) started compiling it.
    const instance = await WebAssembly.instantiate(await window.cornerlossModule, go.importObject);
    document.body.dataset.tWasmMs = performance.now().toFixed(1); // compiled
    document.body.dataset.wasmCompiledOn = window.cornerlossCompiledOn || "";
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
