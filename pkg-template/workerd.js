// Cloudflare Workers entry (the `workerd` export condition): Workers refuse to compile wasm from
// bytes, so the .wasm is imported as a module (Wrangler and Miniflare hand it over precompiled) and
// instantiated synchronously at module scope, as Cloudflare recommends.
import { initSync } from "./llmwire.js";
import * as glue from "./llmwire.js";
import wasmModule from "./llmwire_bg.wasm";
import { _setLoader } from "./facade.js";

initSync({ module: wasmModule });
_setLoader(() => glue, () => glue);

/** Already done at import here; kept so code written for the default entry runs unchanged. */
export function init() {
  return Promise.resolve();
}

export * from "./facade.js";
export { default } from "./facade.js";
