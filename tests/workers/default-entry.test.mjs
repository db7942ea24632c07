// The default entry (index.js) inside workerd (Miniflare), where a bundler left out the `workerd`
// condition: Workers allow no timer at import and compile no wasm from bytes. The Worker must
// still start, and its first call must say why it cannot run (the README's answer: the workerd
// condition, or llmwire/slim).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "../support/miniflare.mjs";

let mf;

before(async () => {
  // Nothing listens there: the call fails before any request is sent.
  mf = await startWorker("tests/workers/default-entry-worker.mjs", { GATEWAY_URL: "http://127.0.0.1:9" });
});
after(() => mf?.dispose());

test("the default entry starts in workerd, and its first call says to use the workerd condition", async () => {
  const res = await mf.dispatchFetch("http://worker.test/");
  const body = await res.json();
  assert.deepEqual([body.ok, body.name, body.isLlmwireError, body.cause], [false, "LlmwireError", true, "CompileError"], JSON.stringify(body));
  assert.match(body.message, /wasm could not be loaded \(CompileError: .*disallowed.*\); in Cloudflare Workers, bundle with the 'workerd' condition/);
});
