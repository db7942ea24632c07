// Slim entry (`llmwire/slim`): the same API without the wasm inside, for apps that serve the .wasm
// themselves (cached separately, or under a strict size budget). Call `init()` once before the
// first client call:
//   import wasmURL from "llmwire/wasm?url"; await init(wasmURL);        // Vite
//   await init(new URL("llmwire/wasm", import.meta.url));               // webpack 5 (emits the asset)
//   import wasmModule from "llmwire/wasm"; initSync(wasmModule);        // Workers-style .wasm modules
import initGlue, { initSync as initGlueSync } from "./llmwire.js";
import * as glue from "./llmwire.js";
import { _setLoader, InvalidArgumentError, LlmwireError } from "./facade.js";

// The loader is registered when init() starts, not at import: a program that also imports the
// default entry keeps that entry's loader until then (both share the facade and the glue).
let ready = false;
let pending = null;

function loader() {
  if (ready) return glue;
  if (pending) return pending.then(() => glue);
  throw new LlmwireError("llmwire/slim: init(...) with the .wasm failed; call it again");
}

function missing(source) {
  return source === undefined || source === null;
}

/**
 * Loads the wasm: a URL (string or `URL`) to fetch, a `Response` or a promise of one, the bytes, or a
 * compiled `WebAssembly.Module`. Resolves once the client is usable; later calls resolve at once.
 */
export function init(source) {
  if (ready) return Promise.resolve();
  if (!pending) {
    if (missing(source)) return Promise.reject(new InvalidArgumentError("init expects the .wasm: a URL, a Response, bytes or a WebAssembly.Module"));
    pending = initGlue({ module_or_path: source }).then(
      () => {
        ready = true;
      },
      (e) => {
        pending = null;
        throw e;
      },
    );
    _setLoader(loader, loader);
  }
  return pending;
}

/** Loads the wasm synchronously from a compiled `WebAssembly.Module` (or its bytes, off the main thread). */
export function initSync(source) {
  if (ready) return;
  if (missing(source)) throw new InvalidArgumentError("initSync expects a WebAssembly.Module or the .wasm bytes");
  initGlueSync({ module: source });
  ready = true;
  _setLoader(loader, loader);
}

export * from "./facade.js";
export { default } from "./facade.js";
