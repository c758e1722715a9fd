// nodeexec.js runs a Go test binary built for js/wasm under Node, as Go's
// own wasm_exec_node.js does (go test -exec), and also puts the module's
// memory on globalThis.cornerlossMemory, as the page and its workers do
// (web/start.js, web/worker.js): the engine's SIMD rows (loss/bgrows_js.go)
// then run under Node's tests too. GOROOT names the Go that built it.
//
//   GOROOT=$(go env GOROOT) go test -exec="node --stack-size=8192 wasm/nodeexec.js" ...
"use strict";
const path = require("path");

const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function (...args) {
  const result = await instantiate.apply(this, args);
  const instance = result.instance || result;
  if (instance.exports && instance.exports.mem) {
    globalThis.cornerlossMemory = instance.exports.mem;
  }
  return result;
};
if (!process.env.GOROOT) {
  console.error("nodeexec.js: GOROOT is not set");
  process.exit(2);
}
require(path.join(process.env.GOROOT, "lib", "wasm", "wasm_exec_node.js"));
