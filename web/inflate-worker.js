// inflate-worker.js inflates the deflated entries of a file picked in the
// page, off the page's thread (web/inflate.js's cornerlossInflateFile):
// the page asks for {id, file, off, n, limit}, the worker reads those n
// bytes of the file, inflates them with the browser's DecompressionStream
// and sends the output back in 1 MiB pieces, transferred, then {id, done}
// or {id, error}. It stops after limit bytes, so a zip bomb costs no more
// than the entry it claims to be. The page's WebAssembly checks the sizes
// and the CRC as the pieces arrive.
// Entries are inflated one after another, in the order asked: the page
// asks for all of a dump's at once and reads them in that order, so the
// worker works ahead of it. The file is read whole, once (bytesOf), and
// fed to the inflater in pieces (inflate.js, cornerlossInflateStream).
importScripts("inflate.js");
const cancelled = new Set();
const piece = 1 << 20;
const spare = [];
// At most ahead pieces are out with the page: the worker waits for one
// back rather than touch fresh memory for more.
const ahead = 8;
let out = 0, wake = null;
const fresh = async () => {
  while (out >= ahead && spare.length === 0) await new Promise((r) => { wake = r; });
  out++;
  return spare.pop() || new Uint8Array(piece);
};
let queue = Promise.resolve();
self.onmessage = (e) => {
  const m = e.data;
  if (m.cancel !== undefined) {
    cancelled.add(m.cancel);
    return;
  }
  if (m.read) {
    // Picked: read it while the page reads its headers (an error comes
    // again with the entries asked for).
    bytesOf(m.file, m.key).catch(() => {});
    return;
  }
  if (m.release) {
    // The page is done with the file: its bytes go, after the entries
    // asked before (each cancelled one skips its turn).
    queue = queue.then(() => { whole = {key: -1, bytes: null}; });
    return;
  }
  if (m.give) {
    // A piece the page has read, back for reuse: fresh memory is slow to
    // touch (see inflate.js).
    if (m.give.byteLength === piece) spare.push(new Uint8Array(m.give));
    out--;
    if (wake) {
      wake();
      wake = null;
    }
    return;
  }
  queue = queue.then(() => inflate(m));
};

// The file's bytes, read whole once for all its entries (key: the page's
// name for the File): the last file only, until the page has read it.
let whole = {key: -1, bytes: null};
const bytesOf = (file, key) => {
  if (whole.key !== key) whole = {key, bytes: file.arrayBuffer().then((b) => new Uint8Array(b))};
  return whole.bytes;
};

async function inflate({id, file, key, off, n, limit}) {
  if (cancelled.delete(id)) return; // closed before its turn
  let buf = null;
  try {
    const reader = cornerlossInflateStream((await bytesOf(file, key)).subarray(off, off + n), limit);
    buf = await fresh();
    let filled = 0, total = 0;
    const send = async () => {
      self.postMessage({id, chunk: buf.subarray(0, filled)}, [buf.buffer]);
      buf = await fresh();
      filled = 0;
    };
    for (;;) {
      if (cancelled.delete(id)) {
        reader.cancel().catch(() => {});
        return;
      }
      const {done, value} = await reader.read();
      if (done) break;
      let v = value.subarray(0, Math.min(value.length, limit - total));
      total += v.length;
      while (v.length > 0) {
        const k = Math.min(v.length, buf.length - filled);
        buf.set(v.subarray(0, k), filled);
        filled += k;
        v = v.subarray(k);
        if (filled === buf.length) await send();
      }
      if (total >= limit) {
        reader.cancel().catch(() => {});
        break;
      }
    }
    if (filled > 0) await send();
    self.postMessage({id, done: true});
  } catch (err) {
    self.postMessage({id, error: String(err)});
  } finally {
    spare.push(buf); // the piece not sent
    out--;
  }
}
