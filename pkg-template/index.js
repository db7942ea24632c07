// Default entry: runtime-neutral. The wasm travels inside this package as base64 and is compiled
// asynchronously on the first call, so browsers, bundlers, Node, Deno and Bun need no configuration.
import initGlue, * as glue from "./llmwire.js";
import { wasmBase64 } from "./llmwire_wasm_base64.js";
import { _setLoader } from "./facade.js";

function decode(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

_setLoader(async () => {
  const module = await WebAssembly.compile(decode(wasmBase64));
  await initGlue({ module_or_path: module });
  return glue;
});

export * from "./facade.js";
export { default } from "./facade.js";
