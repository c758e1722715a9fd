// inflate.js gives the page and its workers the browser's own inflater
// (loss/dump's Options.Inflate, through wasm/jsio): several times faster
// than compress/flate compiled to WebAssembly. cornerlossInflate(bytes,
// limit) inflates the Uint8Array bytes and returns a reader whose
// next(buf) resolves to the next inflated bytes (a Uint8Array: buf, the
// caller's buffer, filled, or a piece of its own), null at the end.
//
// It streams: the input goes in pieces that inflate to about 1 MiB each
// (cornerlossInflateStream), the inflater makes the next output only when
// the last was read, and the reader copies it into its caller's buffer,
// reused. No buffer of the whole entry is made: on a machine where fresh
// memory costs ~5 ms a MB to touch (the project's 2-core test machine), a
// whole-entry copy costs as much as inflating it. It stops after limit
// bytes, so a zip bomb costs no more than the entry it claims to be.
//
// cornerlossInflateStream(bytes, limit) is the stream reader of bytes
// inflated, for this and inflate-worker.js. DecompressionStream inflates
// each input piece whole in one task before its reader sees any output,
// so a piece is sized by the entry's own ratio (limit, about the inflated
// size, against bytes.length): a 1 MiB piece of a target heatmap (mostly
// zeros, some 50:1) made one 210 ms task of 26 MB of output, all held at
// once, while the page, having read what came before, waited.
self.cornerlossInflateStream = (bytes, limit) => {
  const out = 1 << 20;
  const piece = Math.max(16 << 10, Math.min(out, Math.floor(out * bytes.length / Math.max(limit, 1))));
  let at = 0;
  const input = new ReadableStream({
    pull(c) {
      if (at >= bytes.length) {
        c.close();
        return;
      }
      const end = Math.min(at + piece, bytes.length);
      c.enqueue(bytes.subarray(at, end));
      at = end;
    },
  }, {highWaterMark: 0});
  return input.pipeThrough(new DecompressionStream("deflate-raw")).getReader();
};

self.cornerlossInflate = (bytes, limit) => {
  let reader = null; // made on the first read: a dump's entries are opened ahead
  const open = () => self.cornerlossInflateStream(bytes, limit);
  let pending = null, pendingAt = 0, n = 0, done = false;
  const stop = () => {
    if (!done) {
      done = true;
      if (reader) reader.cancel().catch(() => {});
    }
  };
  return {
    async next(buf) {
      let filled = 0;
      while (filled < buf.length && !done) {
        if (pending === null) {
          reader = reader || open();
          const r = await reader.read();
          if (r.done) {
            done = true;
            break;
          }
          pending = r.value;
          pendingAt = 0;
        }
        const k = Math.min(pending.length - pendingAt, buf.length - filled, limit - n);
        buf.set(pending.subarray(pendingAt, pendingAt + k), filled);
        filled += k;
        pendingAt += k;
        n += k;
        if (pendingAt >= pending.length) pending = null;
        if (n >= limit) stop();
      }
      return filled > 0 ? buf.subarray(0, filled) : null;
    },
    cancel: stop,
  };
};

// cornerlossInflateFile(file, off, n, limit) is cornerlossInflate of the
// bytes [off, off+n) of the File file, inflated by inflate-worker.js on
// another thread while the page's goes on decoding: its next() resolves
// to the worker's pieces as they come. On the page only (a worker inflates
// on its own thread); undefined elsewhere.
if (self.document) {
  let worker = null, nextID = 0, nextFile = 0;
  const fileKeys = new WeakMap();
  const streams = new Map();
  // give sends a piece read back to the worker, for reuse.
  const give = (chunk) => {
    if (chunk && worker) worker.postMessage({give: chunk.buffer}, [chunk.buffer]);
  };
  const start = () => {
    if (worker) return worker;
    worker = new Worker("inflate-worker.js");
    worker.onmessage = (e) => {
      const s = streams.get(e.data.id);
      if (s) s.push(e.data);
      else give(e.data.chunk); // of a stream closed meanwhile
    };
    worker.onerror = (e) => {
      e.preventDefault();
      for (const s of streams.values()) s.push({error: "the inflating worker stopped"});
      worker = null;
    };
    return worker;
  };
  const keyOf = (file) => {
    let key = fileKeys.get(file);
    if (key === undefined) fileKeys.set(file, key = nextFile++);
    return key;
  };
  // cornerlossInflateFile.read(file) has the worker read the file now, as
  // soon as it is picked, while the page reads the archive's headers.
  self.cornerlossInflateFile = (file, off, n, limit) => {
    const id = nextID++;
    const queue = [];
    let wake = null, done = false;
    streams.set(id, {push(m) {
      queue.push(m);
      if (wake) {
        wake();
        wake = null;
      }
    }});
    // The worker reads the file whole once, for all its entries: a slice
    // read at a time, each a request to the browser's process, was slower
    // than the inflating.
    start().postMessage({id, file, key: keyOf(file), off, n, limit});
    let last = null; // the piece given last: read by now
    const end = () => {
      give(last);
      last = null;
      for (const m of queue) give(m.chunk);
      queue.length = 0;
      done = true;
      streams.delete(id);
    };
    return {
      async next() {
        give(last);
        last = null;
        while (!done) {
          if (queue.length === 0) {
            await new Promise((r) => { wake = r; });
            continue;
          }
          const m = queue.shift();
          if (m.error) {
            end();
            throw new Error(m.error);
          }
          if (m.done) break;
          last = m.chunk;
          return m.chunk;
        }
        end();
        return null;
      },
      cancel() {
        if (!done) {
          end();
          if (worker) worker.postMessage({cancel: id});
        }
      },
    };
  };
  self.cornerlossInflateFile.read = (file) => {
    start().postMessage({read: true, file, key: keyOf(file)});
  };
  // cornerlossInflateFile.release() lets the worker drop the file it
  // read, once the page has read every entry it asked for (it queues
  // behind them).
  self.cornerlossInflateFile.release = () => {
    if (worker) worker.postMessage({release: true});
  };
}
