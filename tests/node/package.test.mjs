// What the built package carries: nothing of the machine that built it; and what the default
// entry, as a bundler splits it, loads for chat and what only on first use of something else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { splitBundle } from "../../scripts/split-bundle.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = join(root, "pkg");

/** Every file of pkg/ (node/ included), and the wasm modules inlined in it as gzipped base64, as latin1 text. */
function contents() {
  const out = [];
  for (const entry of readdirSync(pkg, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const name = join(entry.parentPath ?? entry.path, entry.name).slice(pkg.length + 1);
    const bytes = readFileSync(join(pkg, name));
    out.push([name, bytes.toString("latin1")]);
    const inlined = /^export const \w+ = "([A-Za-z0-9+/=]+)";/.exec(bytes.toString("latin1"));
    if (inlined) out.push([`${name} (inflated)`, gunzipSync(Buffer.from(inlined[1], "base64")).toString("latin1")]);
  }
  return out;
}

test("the package carries no path of the build machine (home, checkout, toolchains)", () => {
  const files = contents();
  assert.ok(files.some(([name]) => name.endsWith("(inflated)")), "the inlined modules were found");
  // (A home of "/" would match everything: only paths with a name in them are looked for.)
  for (const path of [homedir(), root].filter((p) => p.length > 4)) {
    for (const [name, text] of files) assert.ok(!text.includes(path), `${name} contains ${path}`);
  }
});

// The other endpoints' bodies, multipart forms, image helpers and the tool loop (features.js), and
// the extras wasm's glue (llmwire_extras.js).
const LAZY = ['"/images/generations"', '"/audio/transcriptions"', "formPlan", "imageItemSrc", "runTools expects a params object", "WasmToolLoop"];

/** Asserts that chat is in `chat` and what only the other features need is in `onUse` alone. */
function assertSplit(chat, onUse) {
  assert.ok(chat.includes('"/chat/completions"'), "chat is in the first load");
  for (const marker of LAZY) {
    assert.ok(!chat.includes(marker), `${marker} is in the first load`);
    assert.ok(onUse.includes(marker), `${marker} is not loaded later either`);
  }
}

test("a page that only chats loads neither features.js nor the extras; they come on first use", async () => {
  // The default entry as scripts/size.mjs measures it (esbuild, code splitting).
  const { first, later } = await splitBundle(`export * from "${pkg}/index.js"; export { default } from "${pkg}/index.js";`);
  assertSplit(first.toString(), later.toString());
});

test("in Node, index.node.js and what it imports statically leave features and the extras to node/ chunks imported on first use", () => {
  const read = (file) => readFileSync(join(pkg, file), "utf8");
  const specifiers = (text, pattern) => [...text.matchAll(pattern)].map((m) => m[1]);
  const staticImports = /^(?:import|export)\b[^;]*?from\s*"\.\/([^"]+)"|^import\s*"\.\/([^"]+)"/gm;
  const loaded = new Set();
  const visit = (file) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    const dir = dirname(file) === "." ? "" : `${dirname(file)}/`;
    for (const m of read(file).matchAll(staticImports)) visit(`${dir}${m[1] ?? m[2]}`);
  };
  visit("index.node.js");
  const lazy = new Set();
  for (const file of loaded) for (const spec of specifiers(read(file), /\bimport\("\.\/([^"]+)"\)/g)) lazy.add(`${dirname(file) === "." ? "" : `${dirname(file)}/`}${spec}`);
  assert.ok(lazy.size >= 2, `dynamic imports found: ${[...lazy]}`);
  assert.ok([...lazy].every((f) => f.startsWith("node/") && !loaded.has(f)), `${[...lazy]} against ${[...loaded]}`);
  assertSplit([...loaded].map(read).join("\n"), [...lazy].map(read).join("\n"));
});
