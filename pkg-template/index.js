// Default entry, runtime-neutral (bundlers, browsers, Node, Deno, Bun; `index.cjs` is its CommonJS
// build). The wasm travels inside the package (gzipped, as base64) and is inflated and compiled
// asynchronously on the first call, so nothing needs configuring, no asset has to be served, and
// there is no top-level await.
import initGlue, * as glue from "./llmwire.js";
import { wasmGzipBase64 } from "./llmwire_wasm_base64.js";
import { _setLoader } from "./facade.js";

// The inlined wasm, unpacked. Node (≥ 20.16), Bun and Deno have `process.getBuiltinModule`: a
// runtime call, so bundlers see no `node:` import and browsers never take that path. Their native
// base64 and zlib are much cheaper in a fresh process than atob and a DecompressionStream, whose
// first use loads the web streams (a cold Node 20 process: 0.25 ms for Buffer's base64 against
// 3.4 ms for atob and a loop; 1.5 ms to load node:zlib and 2.5 ms to gunzipSync against ~31 ms
// through a DecompressionStream). Browsers use Uint8Array.fromBase64 where they have it (a few ms
// less before a fresh page's first stream in Chromium). An engine without DecompressionStream
// (the README: use 'llmwire/slim' there) gets its ReferenceError: the bytes an explicit check
// costs went to these fast paths, within the size budget.
async function wasmBytes() {
  const builtin = globalThis.process?.getBuiltinModule;
  if (builtin) return builtin("node:zlib").gunzipSync(builtin("node:buffer").Buffer.from(wasmGzipBase64, "base64"));
  let gz = Uint8Array.fromBase64?.(wasmGzipBase64);
  if (!gz) {
    const bin = atob(wasmGzipBase64);
    gz = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) gz[i] = bin.charCodeAt(i);
  }
  return new Response(new Response(gz).body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
}

let loading = null;

// Resolves to the initialised glue. A failure is not kept: the next call tries again.
const load = () =>
  (loading ??= wasmBytes()
    .then((bytes) => initGlue({ module_or_path: bytes }))
    .then(() => glue, (e) => {
      loading = null;
      throw e;
    }));

_setLoader(load);

/** Optional: inflates, compiles and instantiates the wasm now instead of on the first call (a warm-up). */
export async function init() {
  await load();
}

export * from "./facade.js";
export { default } from "./facade.js";
