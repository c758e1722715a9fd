// A summarising worker of the page (see wasm/worker): runs the engine,
// without Ebitengine, on one dump at a time. Messages that arrive while
// its WebAssembly starts wait in cornerlossEarly; the Go side takes them.
importScripts("wasm_exec.js", "inflate.js");
self.cornerlossEarly = [];
self.onmessage = (e) => self.cornerlossEarly.push(e.data);
(async () => {
  const go = new Go();
  let result;
  try {
    result = await WebAssembly.instantiateStreaming(fetch("worker.wasm"), go.importObject);
  } catch (e) {
    const bytes = await (await fetch("worker.wasm")).arrayBuffer();
    result = await WebAssembly.instantiate(bytes, go.importObject);
  }
  self.cornerlossMemory = result.instance.exports.mem;
  await go.run(result.instance);
  self.postMessage({stopped: true});
})().catch((e) => self.postMessage({stopped: true, error: String(e)}));
