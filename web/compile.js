// compile.js starts fetching and compiling the page's WebAssembly from
// <head>, before the page's styles, fonts and scripts load and lay out; on
// a first visit this is the longest part of the start-up (README, "Where a
// first visit's start-up goes"). It runs on a worker's thread
// (compile-worker.js), which posts the compiled module back: Chromium
// hands a fetch's body to the thread that reads it a chunk per task, and in
// an isolated test on the 2-core test machine the module's 14 MB took 1.7x
// as long to arrive and compile on the page's main thread as on a worker's.
// start.js instantiates the module once Go's wasm_exec.js is loaded.
// ?compile=page compiles it on the page's thread, as before, to compare; so
// does a browser without workers, or a worker that fails. Where it was
// compiled ("worker" or "page") lands on <body data-wasm-compiled-on>
// (start.js). The fetch-and-compile below is written again in
// compile-worker.js rather than shared through importScripts: a shared file
// would be one more request before either can start.
window.cornerlossModule = (() => {
  const onPage = () => {
    window.cornerlossCompiledOn = "page";
    return WebAssembly.compileStreaming(fetch("cornerloss.wasm")).catch(async () => {
      // Hosts that do not serve application/wasm: compile from the bytes.
      return WebAssembly.compile(await (await fetch("cornerloss.wasm")).arrayBuffer());
    });
  };
  if (typeof Worker !== "function" || new URLSearchParams(location.search).get("compile") === "page") {
    return onPage();
  }
  return new Promise((resolve) => {
    let worker;
    try {
      worker = new Worker("compile-worker.js");
    } catch (e) {
      resolve(onPage());
      return;
    }
    let settled = false;
    const done = (module) => {
      if (settled) return;
      settled = true;
      worker.terminate();
      if (!(module instanceof WebAssembly.Module)) {
        resolve(onPage());
        return;
      }
      window.cornerlossCompiledOn = "worker";
      resolve(module);
    };
    worker.onmessage = (ev) => done(ev.data && ev.data.module);
    worker.onmessageerror = () => done(null);
    worker.onerror = (ev) => {
      ev.preventDefault();
      done(null);
    };
  });
})();
