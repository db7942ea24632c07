// Bundle sizes: each library's entry used minimally, bundled by esbuild (bundle, minify, ESM,
// browser), raw and gzipped; plus llmwire's .wasm on its own.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

export const ENTRIES = {
  "llmwire (pkg/index.js, wasm inlined as base64)": 'import { Client } from "./pkg/index.js"; export { Client };',
  "openai-node": 'import OpenAI from "openai"; export { OpenAI };',
  "eventsource-parser": 'import { createParser } from "eventsource-parser"; export { createParser };',
};

export async function benchSize() {
  const rows = [];
  for (const [name, contents] of Object.entries(ENTRIES)) {
    const out = await build({
      stdin: { contents, resolveDir: root, loader: "js" },
      bundle: true, minify: true, format: "esm", platform: "browser", write: false, logLevel: "warning",
    });
    const bytes = out.outputFiles[0].contents;
    rows.push({ name, minBytes: bytes.length, gzipBytes: gzip(bytes) });
  }
  const wasm = readFileSync(join(root, "pkg/llmwire_bg.wasm"));
  rows.push({ name: "llmwire .wasm alone (pkg/llmwire_bg.wasm)", minBytes: wasm.length, gzipBytes: gzip(wasm) });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchSize(), null, 2));
