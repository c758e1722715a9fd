// A summarising worker of the page (see wasm/worker): runs the engine,
// without Ebitengine, on one dump at a time. Messages that arrive while
// its WebAssembly starts wait in cornerlossEarly; the Go side takes them.
importScripts("wasm_exec.js", "inflate.js");
self.cornerlossEarly = [];

// cornerlossReadFile(blob) reads a File or Blob into a buffer the worker
// keeps from one dump to the next, and resolves to a Uint8Array of its
// bytes in that buffer (valid until the next call): arrayBuffer() makes a
// fresh buffer per file, whose first touches cost the worker and the
// browser about 0.1 s of CPU more per 36 MB dump on the project's 2-core
// machine (measured in a worker, reads alternating). It reads with a BYOB
// reader of blob.stream(), which fills the kept buffer in place; where
// the browser has none, it falls back to arrayBuffer().
// cornerlossReleaseFile() drops the buffer, when the worker has no job.
let keptFile = null;
self.cornerlossReadFile = async (blob) => {
  const size = blob.size;
  let reader;
  try {
    reader = blob.stream().getReader({mode: "byob"});
  } catch (e) {
    return new Uint8Array(await blob.arrayBuffer());
  }
  let buf = keptFile && keptFile.byteLength >= size ? keptFile : new ArrayBuffer(size);
  keptFile = null; // each read detaches it, until the last gives it back
  let at = 0;
  while (at < size) {
    const r = await reader.read(new Uint8Array(buf, at, Math.min(size - at, 1 << 20)));
    if (r.done) throw new Error(`the file ended after ${at} of its ${size} bytes`);
    buf = r.value.buffer;
    at += r.value.length;
  }
  reader.cancel().catch(() => {}); // a file grown since: its size when picked is read
  keptFile = buf;
  return new Uint8Array(buf, 0, size);
};
self.cornerlossReleaseFile = () => { keptFile = null; };
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
