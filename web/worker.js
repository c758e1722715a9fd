// A summarising worker of the page (see wasm/worker): runs the engine,
// without Ebitengine, on one dump at a time. Messages that arrive while
// its WebAssembly starts wait in cornerlossEarly; the Go side takes them.
// Started as worker.js?module, it waits for worker.wasm compiled by the
// page ({module}, its first message) and instantiates that: every worker
// then shares the page's compiled code, its optimised functions included
// (wasm/warm.go).
importScripts("wasm_exec.js", "inflate.js");
// ?simd=off (the page's, passed on): the engine's rows in Go.
if (new URLSearchParams(location.search).get("simd") === "off") self.cornerlossSIMD = false;
self.cornerlossEarly = [];
let posted = null;
const compiled = new Promise((resolve) => { posted = resolve; });
self.onmessage = (e) => {
  if (e.data && e.data.module instanceof WebAssembly.Module) {
    posted(e.data.module);
    return;
  }
  self.cornerlossEarly.push(e.data);
};
(async () => {
  const go = new Go();
  let instance;
  if (new URLSearchParams(location.search).has("module")) {
    instance = await WebAssembly.instantiate(await compiled, go.importObject);
  } else {
    try {
      instance = (await WebAssembly.instantiateStreaming(fetch("worker.wasm"), go.importObject)).instance;
    } catch (e) {
      const bytes = await (await fetch("worker.wasm")).arrayBuffer();
      instance = (await WebAssembly.instantiate(bytes, go.importObject)).instance;
    }
  }
  self.cornerlossMemory = instance.exports.mem;
  await go.run(instance);
  self.postMessage({stopped: true});
})().catch((e) => self.postMessage({stopped: true, error: String(e)}));
