// Cloudflare Workers entry: Workers refuse to compile wasm from bytes, so the .wasm is imported as a
// module (Wrangler and Miniflare hand it over precompiled) and instantiated synchronously.
import { initSync } from "./llmwire.js";
import * as glue from "./llmwire.js";
import wasmModule from "./llmwire_bg.wasm";
import { _setLoader } from "./facade.js";

initSync({ module: wasmModule });
_setLoader(() => glue);

export * from "./facade.js";
export { default } from "./facade.js";
