// Package size: what each entry ships (minified by esbuild, as a bundler would; gzip -9 and brotli),
// checked against the ratchet in size-budget.json, and with --twiggy the wasm's largest contributors.
//
//   node scripts/size.mjs            print the table, fail if a budgeted number grew past its budget
//   node scripts/size.mjs --twiggy   also profile the wasm (twiggy on a build that keeps names)
//   node scripts/size.mjs --lower    write the measured numbers into size-budget.json where smaller
//
// Reads pkg/ (build it first); --twiggy builds the core module (`--features js-core`) to profile it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { buildReleaseWasm } from "./release-wasm.mjs";
import { splitBundle } from "./split-bundle.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const budgetPath = join(root, "size-budget.json");
const args = new Set(process.argv.slice(2));

const gzip = (b) => gzipSync(b, { level: 9 }).length;
const brotli = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const measure = (bytes) => ({ raw: bytes.length, gzip: gzip(bytes), brotli: brotli(bytes) });
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** The whole public API of `pkg/<entry>`, bundled and minified for a browser (or workerd), .wasm imports left out. */
async function bundle(entry, conditions = []) {
  const out = await build({
    stdin: { contents: `export * from "./${entry}"; export { default } from "./${entry}";`, resolveDir: pkg, loader: "js" },
    bundle: true, minify: true, format: "esm", platform: "browser", conditions, write: false, logLevel: "warning",
    external: ["*.wasm"],
  });
  return out.outputFiles[0].contents;
}

const wasm = readFileSync(join(pkg, "llmwire_bg.wasm"));
// The default entry as a bundler splits it: what a page loads for chat (the entry and its static
// imports), and what it imports on first use of the other endpoints, tools or helpers (features.js
// and extras.js).
const split = await splitBundle(`export * from "${pkg}/index.js"; export { default } from "${pkg}/index.js";`);
// The JS share of the default entry's first load: the same code with the base64 strings emptied.
const withoutBase64 = (bytes) => Buffer.from(Buffer.from(bytes).toString().replace(/"[A-Za-z0-9+/=]{1000,}"/g, '""'));
const rows = {
  "default": { what: "index.js as a bundler splits it: what a page loads for chat (the core wasm inside as base64)", ...measure(split.first) },
  "default.js": { what: "  of which JS (facade + transport + glue, minified; the base64 left out)", ...measure(withoutBase64(split.first)) },
  "extras": { what: "  + loaded on first use of another endpoint, tools or helpers (features.js, and extras.js with its wasm inside)", ...measure(split.later) },
  "wasm": { what: "llmwire_bg.wasm, both modules in one (workerd and slim load it as a file)", ...measure(wasm) },
  "workerd.js": { what: "workerd.js bundled + minified (+ the .wasm above)", ...measure(await bundle("workerd.js", ["workerd"])) },
  "slim.js": { what: "slim.js bundled + minified (+ the .wasm above, fetched)", ...measure(await bundle("slim.js")) },
  "index.cjs": { what: "index.cjs as published (not minified; Node require; both modules inside)", ...measure(readFileSync(join(pkg, "index.cjs"))) },
};

const budget = JSON.parse(readFileSync(budgetPath, "utf8"));
console.log("llmwire package size (gzip -9; brotli -q 11)\n");
console.log(`${"entry".padEnd(12)} ${"raw".padStart(10)} ${"gzip".padStart(10)} ${"brotli".padStart(10)}  what`);
for (const [name, r] of Object.entries(rows)) {
  console.log(`${name.padEnd(12)} ${kib(r.raw).padStart(10)} ${kib(r.gzip).padStart(10)} ${kib(r.brotli).padStart(10)}  ${r.what}`);
}
const goal = budget.goal;
console.log(`\ngoal: the default entry at most ${kib(goal.bytes)} gzipped (${goal.why}); now ${kib(rows.default.gzip)}, ${(rows.default.gzip / goal.bytes).toFixed(1)}x the goal`);

let failed = false;
let lowered = false;
console.log("\nbudget (size-budget.json; a ratchet: lower it when you shrink, raise it only with a reason):");
for (const item of budget.budgets) {
  const at = item.measure.lastIndexOf(".");
  const [entry, metric] = [item.measure.slice(0, at), item.measure.slice(at + 1)];
  const now = rows[entry]?.[metric];
  if (now === undefined) throw new Error(`size-budget.json: unknown measure ${item.measure}`);
  const over = now > item.bytes;
  failed ||= over;
  const verdict = over ? `OVER by ${now - item.bytes} bytes` : now < item.bytes ? `ok, ${item.bytes - now} bytes under: lower the budget (node scripts/size.mjs --lower)` : "ok";
  console.log(`  ${item.measure.padEnd(16)} ${String(now).padStart(7)} / ${String(item.bytes).padStart(7)} bytes  ${verdict}`);
  if (args.has("--lower") && now < item.bytes) {
    item.history = [...(item.history ?? []), { bytes: item.bytes, reason: item.reason }];
    item.bytes = now;
    item.reason = "lowered by `node scripts/size.mjs --lower` after a shrink";
    lowered = true;
  }
}
if (lowered) writeFileSync(budgetPath, JSON.stringify(budget, null, 2) + "\n");

if (args.has("--twiggy")) twiggy();

if (failed) {
  console.error("\nsize check FAILED: the package grew past size-budget.json. Shrink it, or raise the budget there with the reason beside it.");
  process.exit(1);
}

/**
 * Profiles the core module (the one the default entry loads for chat), built again with names kept
 * (wasm-bindgen --keep-debug, the same wasm-opt -Oz, DWARF stripped).
 */
function twiggy() {
  const dir = mkdtempSync(join(tmpdir(), "llmwire-size-"));
  try {
    execFileSync("wasm-bindgen", [
      buildReleaseWasm("js-core"), "--out-dir", dir, "--out-name", "llmwire",
      "--target", "web", "--no-typescript", "--omit-default-module-path", "--keep-debug",
    ]);
    const named = join(dir, "named.wasm");
    execFileSync(join(root, "node_modules/binaryen/bin/wasm-opt"), [
      join(dir, "llmwire_bg.wasm"), "-o", named, "-Oz", "--converge", "-g", "--strip-dwarf", "--strip-producers",
      "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-reference-types", "--enable-multivalue",
    ]);
    const csv = execFileSync("twiggy", ["top", "-n", "100000", "-f", "csv", named], { encoding: "utf8", maxBuffer: 64 << 20 });
    const items = [];
    for (const line of csv.trim().split("\n").slice(1)) {
      const m = /^"?(.*?)"?,(\d+),/.exec(line);
      if (m && !m[1].startsWith("Σ") && !m[1].startsWith("...")) items.push({ name: m[1], bytes: Number(m[2]) });
    }
    const code = items.filter((i) => !i.name.includes("function names") && !i.name.includes("data names"));
    const total = code.reduce((s, i) => s + i.bytes, 0);
    const groups = new Map();
    for (const i of code) groups.set(group(i.name), (groups.get(group(i.name)) ?? 0) + i.bytes);
    console.log(`\ncore wasm contributors (twiggy, names kept; ${kib(total)} without the names section), by module:`);
    for (const [name, bytes] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
      console.log(`  ${kib(bytes).padStart(9)} ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${name}`);
    }
    console.log("\nlargest single items (twiggy top):");
    console.log(execFileSync("twiggy", ["top", "-n", "20", named], { encoding: "utf8" }).replace(/^.*function names.*\n/m, ""));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A twiggy item's module: `llmwire::protocol::chat`, a dependency crate, wasm-bindgen shims, or data. */
function group(name) {
  if (name.startsWith("data segment") || name.startsWith("data[")) return "data segments (string constants, tables)";
  // wasm-bindgen wraps each export in a shim, and the exported Rust function is inlined into it.
  if (/shim$/.test(name)) return "llmwire::bindings exports (inlined into wasm-bindgen's shims)";
  if (/^__wbindgen|^__wbg|^__externref|^import |^export |^table|^elem|^type\[/.test(name)) return "wasm-bindgen runtime, imports, tables";
  if (name.startsWith("code[")) return "unnamed code";
  const m = /(llmwire|core|alloc|std|__rustc|dlmalloc|js_sys|wasm_bindgen_futures|wasm_bindgen|web_sys|serde_json|serde)(?:\[[0-9a-f]+\])?::((?:[a-z_][a-z0-9_]*::){0,2})/.exec(name);
  if (!m) return "other";
  if (m[1] === "llmwire") return ["llmwire", ...m[2].split("::").filter(Boolean)].join("::");
  if (m[1] === "__rustc") return "std";
  return m[1];
}
