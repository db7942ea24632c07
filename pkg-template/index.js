// Default entry, runtime-neutral (bundlers, browsers, Node, Deno, Bun; `index.cjs` is its CommonJS
// build). The wasm travels inside the package (gzipped, as base64) and is inflated and compiled
// asynchronously on the first call, so nothing needs configuring, no asset has to be served, and
// there is no top-level await. It comes in two modules: the core (chat, streaming, errors, retries)
// here, and the extras (the other endpoints, tools, helpers) in extras.js, imported on first use.
import * as glue from "./llmwire_core.js";
import { coreGzipBase64 } from "./llmwire_core_base64.js";
import { _setLoader } from "./facade.js";
import { inlined } from "./inline.js";

const load = inlined(coreGzipBase64, glue);

_setLoader(load, () => import("./extras.js").then((extras) => extras.load()));

/** Optional: inflates, compiles and instantiates the core wasm now instead of on the first call (a warm-up). */
export async function init() {
  await load();
}

export * from "./facade.js";
export { default } from "./facade.js";
