// How the default entry loads its wasm in Node: in the background after import (so the first
// request does not wait for it), without holding a program that never calls it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";

const pkg = (file) => new URL(`../../pkg/${file}`, import.meta.url).href;

/** Runs an ES module source in a fresh Node process; resolves to its stdout and how long it took. */
function run(source) {
  const started = Date.now();
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ["--input-type=module", "-e", source], { timeout: 20_000 }, (err, out, errOut) =>
      err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve({ out: out.trim(), ms: Date.now() - started })),
  );
}

test("the core wasm is instantiated after import, before any call", async () => {
  // The glue's initSync() without a module returns the instance once there is one, and throws before.
  const { out } = await run(`
    import ${JSON.stringify(pkg("index.js"))};
    import { initSync } from ${JSON.stringify(pkg("llmwire_core.js"))};
    let loaded = false;
    try { initSync(); loaded = true; } catch {}
    console.log("at import:", loaded);
    for (let i = 0; i < 250 && !loaded; i++) {
      await new Promise((r) => setTimeout(r, 20));
      try { initSync(); loaded = true; } catch {}
    }
    console.log("later:", loaded);
  `);
  assert.equal(out, "at import: false\nlater: true");
});

test("importing llmwire leaves no timer that holds a Node program open", async () => {
  // (Module loading itself may leave a file handle closing: CloseReq.)
  const { out } = await run(`
    import { Client } from ${JSON.stringify(pkg("index.js"))};
    console.log(typeof Client, process.getActiveResourcesInfo().filter((r) => r !== "CloseReq").join());
  `);
  assert.equal(out, "function");
});
