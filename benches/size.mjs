// Bundle sizes: each library's entry used minimally, bundled by esbuild (bundle, minify, ESM,
// browser, code splitting as an app bundler does), raw and gzipped: what a page loads at first
// (the entry and its static imports), and separately what it loads later through dynamic imports
// (llmwire's extras: the endpoints besides chat, tools, helpers). Plus llmwire's .wasm on its own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

export const ENTRIES = {
  "llmwire (pkg/index.js, the core wasm inlined as base64)": `import { Client } from "${root}/pkg/index.js"; export { Client };`,
  "openai-node": 'import OpenAI from "openai"; export { OpenAI };',
  "eventsource-parser": 'import { createParser } from "eventsource-parser"; export { createParser };',
};

/** `contents` bundled with code splitting: the bytes loaded at first, and those behind dynamic imports. */
async function split(contents) {
  const dir = mkdtempSync(join(tmpdir(), "llmwire-bench-size-"));
  try {
    writeFileSync(join(dir, "entry.js"), contents);
    const out = await build({
      entryPoints: ["entry.js"], outdir: "out", absWorkingDir: dir, nodePaths: [join(root, "node_modules")],
      bundle: true, splitting: true, minify: true, format: "esm", platform: "browser", write: false, metafile: true, logLevel: "warning",
    });
    const bytes = new Map(out.outputFiles.map((f) => [f.path.slice(dir.length + 1), f.contents]));
    const outputs = out.metafile.outputs;
    const first = new Set();
    const visit = (o) => {
      if (first.has(o)) return;
      first.add(o);
      for (const i of outputs[o].imports) if (i.kind === "import-statement") visit(i.path);
    };
    visit(Object.keys(outputs).find((o) => outputs[o].entryPoint));
    const concat = (names) => Buffer.concat(names.map((n) => Buffer.from(bytes.get(n))));
    return { first: concat([...first]), later: concat(Object.keys(outputs).filter((o) => !first.has(o) && o.endsWith(".js"))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSize() {
  const rows = [];
  for (const [name, contents] of Object.entries(ENTRIES)) {
    const { first, later } = await split(contents);
    rows.push({ name, minBytes: first.length, gzipBytes: gzip(first) });
    if (later.length) rows.push({ name: `${name}: loaded later (dynamic imports)`, minBytes: later.length, gzipBytes: gzip(later) });
  }
  const wasm = readFileSync(join(root, "pkg/llmwire_bg.wasm"));
  rows.push({ name: "llmwire .wasm alone, both modules in one (pkg/llmwire_bg.wasm; slim and workerd)", minBytes: wasm.length, gzipBytes: gzip(wasm) });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchSize(), null, 2));
