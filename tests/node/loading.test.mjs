// How the default entry loads its wasm in Node: in the background after import (so the first
// request does not wait for it), without holding a program that never calls it; and how a failure
// to load features.js (the bodies of everything besides chat, imported on first use) surfaces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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

test("the warm-up after import runs a chat request's wasm side and frees what it made", async () => {
  // index.js swallows a failing warm-up (the first request would just compile later), so this checks it works.
  const { warmUp } = await import(pkg("transport.js"));
  const { init } = await import(pkg("index.js"));
  const glue = await import(pkg("llmwire_core.js"));
  await init();
  const memory = glue.initSync().memory;
  const before = memory.buffer.byteLength;
  let chunks, text;
  for (let i = 0; i < 2000; i++) [chunks, text] = warmUp(glue);
  assert.deepEqual(JSON.parse(chunks).map((c) => c.choices[0].delta.content ?? c.choices[0].finish_reason), ["w", "stop"]);
  assert.equal(text, "w");
  assert.equal(memory.buffer.byteLength, before, "2,000 warm-ups left wasm memory where it was");
});

test("the client warm-up of browsers streams a canned answer through a Client, as chunks and as text", async () => {
  // index.js runs it where Response is the engine's own, and swallows a failure: this checks it works.
  const { _warmUpClient, init } = await import(pkg("index.js"));
  await init();
  assert.deepEqual(await _warmUpClient(), ["w", "w"]);
});

test("importing llmwire leaves no timer that holds a Node program open", async () => {
  // (Module loading itself may leave a file handle closing: CloseReq.)
  const { out } = await run(`
    import { Client } from ${JSON.stringify(pkg("index.js"))};
    console.log(typeof Client, process.getActiveResourcesInfo().filter((r) => r !== "CloseReq").join());
  `);
  assert.equal(out, "function");
});

test("the warm-up's client, kept in Node without a request, leaves nothing that holds the program open", async () => {
  // index.js makes it after the wasm warm-up (facade.js warmClient); a timer or handle of its own would keep Node running.
  const { out } = await run(`
    import { init } from ${JSON.stringify(pkg("index.js"))};
    await init();
    await new Promise((resolve) => setTimeout(resolve, 50));
    console.log(process.getActiveResourcesInfo().filter((r) => r !== "CloseReq").join() || "none");
  `);
  assert.equal(out, "none");
});

test("a features.js that cannot be imported rejects each first use with an LlmwireError, and chat still works", async () => {
  // A copy of the package without it, as when a bundler's chunk for it cannot be fetched.
  const dir = mkdtempSync(join(tmpdir(), "llmwire-no-features-"));
  try {
    cpSync(fileURLToPath(pkg("")), dir, { recursive: true });
    rmSync(join(dir, "features.js"));
    // Node ends the process with an error on an unhandled rejection, so a clean exit shows there was none.
    const { out } = await run(`
      import { Client, LlmwireError, imageURL } from ${JSON.stringify(new URL("index.js", `file://${dir}/`).href)};
      const client = new Client({ apiKey: "sk-test", maxRetries: 0, fetch: async () => new Response("{}", { status: 500 }) });
      const failure = (e) => [e instanceof LlmwireError, e.message.startsWith("llmwire: features.js could not be loaded (Error: Cannot find module"), e.cause?.code].join();
      const list = client.models.list(); // still a promise at once, rejected later
      console.log(await list.then(() => "resolved", failure));
      console.log(await client.chat.completions.runTools({ model: "m", messages: [] }).done().then(() => "resolved", failure));
      console.log(await imageURL({ url: "https://example.test/a.png" }).then(() => "resolved", failure));
      console.log(await client.chat.completions.create({ model: "m", messages: [] }).then(() => "resolved", (e) => e.name));
    `);
    assert.deepEqual(out.split("\n"), [
      "true,true,ERR_MODULE_NOT_FOUND", "true,true,ERR_MODULE_NOT_FOUND", "true,true,ERR_MODULE_NOT_FOUND", "InternalServerError",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
