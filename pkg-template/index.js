// Default entry, runtime-neutral (bundlers, browsers, Node, Deno, Bun; `index.cjs` is its CommonJS
// build). The wasm travels inside the package (gzipped, as base64) and is inflated and compiled
// asynchronously just after import, so nothing needs configuring, no asset has to be served, and
// there is no top-level await. It comes in two modules: the core (chat, streaming, errors, retries)
// here, and the extras (the other endpoints, tools, helpers) in extras.js, imported on first use
// together with their JavaScript (features.js, imported by facade.js in every entry).
import * as glue from "./llmwire_core.js";
import { coreGzipBase64 } from "./llmwire_core_base64.js";
import { _ready, _setLoader, _warmUpClient } from "./facade.js";
import { inlined } from "./inline.js";
import { warmUp } from "./transport.js";

const load = inlined(coreGzipBase64, glue);

_setLoader(load, () => import("./extras.js").then((extras) => extras.load()));

// The core starts loading once the importing code has run (a macrotask later, so importing costs
// nothing up front), then runs a canned request through it (transport.js warmUp): engines compile
// wasm functions on their first call, and this moves that compile off the first request too
// (benches/README.md: the first stream in a fresh page). Then it makes a client that it keeps, so
// that the engine keeps a client's object layouts through garbage collections, and, where Response
// is the engine's own (not Node, Bun or Deno), streams a canned answer through it, which does for
// the JavaScript what warmUp does for the wasm (facade.js _warmUpClient). A failure is not kept:
// the first call loads again and reports it. In Node the timer is unref'd, so a program that
// imports llmwire and never calls it still exits at once.
const nodeLike = typeof globalThis.process?.versions?.node === "string";
try {
  setTimeout(() => load().then(warmUp).then(() => _warmUpClient(!nodeLike)).catch(() => {}), 0)?.unref?.();
} catch {
  // A runtime that allows no timer at import (Workers: use the workerd condition) loads on the first call.
}

/** Optional: resolves once the core wasm is inflated, compiled and instantiated (loading it now if it is not under way). */
export async function init() {
  await _ready();
}

export * from "./facade.js";
export { default } from "./facade.js";
