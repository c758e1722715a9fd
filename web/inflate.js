// inflate.js gives the page and its workers the browser's own inflater
// (loss/dump's Options.Inflate, wired in wasm/inflate.go): several times
// faster than compress/flate compiled to WebAssembly. The whole entry goes
// through one DecompressionStream and its output stays in JavaScript until
// the reader copies it into the arrays, once; it stops past limit bytes,
// so a zip bomb costs no more than the entry it claims to be.
self.cornerlossInflate = async (bytes, limit) => {
  // A stream of the bytes themselves (a Blob's stream goes through the
  // browser's blob storage).
  const source = new ReadableStream({start(c) { c.enqueue(bytes); c.close(); }});
  const reader = source.pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let n = 0;
  for (;;) {
    const {done, value} = await reader.read();
    if (done) break;
    chunks.push(value);
    n += value.length;
    if (n >= limit) {
      reader.cancel().catch(() => {});
      break;
    }
  }
  n = Math.min(n, limit);
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    if (at >= n) break;
    const part = c.subarray(0, n - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
};
