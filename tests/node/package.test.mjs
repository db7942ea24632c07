// What the built package carries: nothing of the machine that built it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = join(root, "pkg");

/** Every file of pkg/, and the wasm modules inlined in it as gzipped base64, as latin1 text. */
function contents() {
  const out = [];
  for (const name of readdirSync(pkg)) {
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
