// Default entry, runtime-neutral (bundlers, browsers, Node, Deno, Bun; `index.cjs` is its CommonJS
// build). The wasm travels inside the package (gzipped, as base64) and is inflated and compiled
// asynchronously on the first call, so nothing needs configuring, no asset has to be served, and
// there is no top-level await.
import initGlue, * as glue from "./llmwire.js";
import { wasmGzipBase64 } from "./llmwire_wasm_base64.js";
import { _setLoader, LlmwireError } from "./facade.js";

async function wasmBytes() {
  if (typeof DecompressionStream !== "function") {
    throw new LlmwireError("llmwire: this runtime has no DecompressionStream to unpack the inlined wasm; use 'llmwire/slim' and init() with the .wasm");
  }
  const bin = atob(wasmGzipBase64);
  const gz = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) gz[i] = bin.charCodeAt(i);
  return new Response(new Response(gz).body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
}

let loading = null;

function load() {
  loading ??= (async () => {
    const module = await WebAssembly.compile(await wasmBytes());
    await initGlue({ module_or_path: module });
    return glue;
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

_setLoader(load);

/** Optional: compiles and instantiates the wasm now instead of on the first call (a warm-up). */
export function init() {
  return load().then(() => undefined);
}

export * from "./facade.js";
export { default } from "./facade.js";
