// The default entry's second wasm module: every endpoint besides chat, tools, JSON answers,
// conversations and the image helpers. index.js imports this file on their first use, so a page
// that only chats never downloads, inflates or compiles it (bundlers emit it as its own chunk).
// Their JavaScript is features.js, apart: the slim and Workers entries load it too, never this.
import * as glue from "./llmwire_extras.js";
import { extrasGzipBase64 } from "./llmwire_extras_base64.js";
import { inlined } from "./inline.js";

/** @internal Resolves to the initialised extras module. */
export const load = inlined(extrasGzipBase64, glue);
