// The default entry's wasm travels inside the package, gzipped and base64-encoded: its core module
// (chat) in index.js's import graph, its extras (the other endpoints, tools, helpers) in extras.js,
// which index.js imports on their first use. This unpacks and instantiates one of them.

// Node (≥ 20.16), Bun and Deno have `process.getBuiltinModule`: a runtime call, so bundlers see no
// `node:` import and browsers never take that path. Their native base64 and zlib are much cheaper
// in a fresh process than atob and a DecompressionStream, whose first use loads the web streams (a
// cold Node 20 process: 0.25 ms for Buffer's base64 against 3.4 ms for atob and a loop; 1.5 ms to
// load node:zlib and 2.5 ms to gunzipSync against ~31 ms through a DecompressionStream). There the
// module is compiled off the main thread and instantiated with `initSync`: the glue's async `init`
// asks `typeof Response`, which in Node loads undici (~20 ms in a fresh process) even when the app
// never fetches. Browsers use Uint8Array.fromBase64 where they have it, and compile while
// inflating (streaming instantiation of a wasm Response: 7.8 against 12.2 ms to load it in a
// fresh Chromium page). An engine without DecompressionStream (the README: use 'llmwire/slim'
// there) gets its ReferenceError.
async function inflate(base64) {
  const builtin = globalThis.process?.getBuiltinModule;
  if (builtin) return WebAssembly.compile(builtin("node:zlib").gunzipSync(builtin("node:buffer").Buffer.from(base64, "base64")));
  let gz = Uint8Array.fromBase64?.(base64);
  if (!gz) {
    const bin = atob(base64);
    gz = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) gz[i] = bin.charCodeAt(i);
  }
  // A wasm Response: the engine compiles while the bytes are still being inflated.
  const wasm = new Response(gz).body.pipeThrough(new DecompressionStream("gzip"));
  return new Response(wasm, { headers: { "Content-Type": "application/wasm" } });
}

/**
 * @internal A loader for an inlined module: unpacks `base64` (to a compiled module, or a Response
 * to stream), instantiates it with `glue` (wasm-bindgen's) once, and resolves to `glue`. A failure
 * is not kept: the next call tries again.
 */
export function inlined(base64, glue) {
  let loading = null;
  return () =>
    (loading ??= inflate(base64)
      .then((source) => (source instanceof WebAssembly.Module ? glue.initSync({ module: source }) : glue.default({ module_or_path: source })))
      .then(() => glue, (e) => {
        loading = null;
        throw e;
      }));
}
