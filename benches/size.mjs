// Bundle sizes: each library's entry used minimally, bundled by esbuild (bundle, minify, ESM,
// browser, code splitting as an app bundler does), raw and gzipped: what a page loads at first
// (the entry and its static imports), and separately what it loads later through dynamic imports
// (llmwire's extras and features.js: the endpoints besides chat, tools, helpers). Plus llmwire's .wasm on its own.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { splitBundle } from "../scripts/split-bundle.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

export const ENTRIES = {
  "llmwire (pkg/index.js, the core wasm inlined as base64)": `import { Client } from "${root}/pkg/index.js"; export { Client };`,
  "openai-node": 'import OpenAI from "openai"; export { OpenAI };',
  "eventsource-parser": 'import { createParser } from "eventsource-parser"; export { createParser };',
};

export async function benchSize() {
  const rows = [];
  for (const [name, contents] of Object.entries(ENTRIES)) {
    const { first, later } = await splitBundle(contents);
    rows.push({ name, minBytes: first.length, gzipBytes: gzip(first) });
    if (later.length) rows.push({ name: `${name}: loaded later (dynamic imports)`, minBytes: later.length, gzipBytes: gzip(later) });
  }
  const wasm = readFileSync(join(root, "pkg/llmwire_bg.wasm"));
  rows.push({ name: "llmwire .wasm alone, both modules in one (pkg/llmwire_bg.wasm; slim and workerd)", minBytes: wasm.length, gzipBytes: gzip(wasm) });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchSize(), null, 2));
