// The default entry (index.js) inside workerd (Miniflare), where a bundler left out the `workerd`
// condition: Workers allow no timer at import and compile no wasm from bytes. The Worker must
// still start, and its first call must say why it cannot run (the README's answer: the workerd
// condition, or llmwire/slim).
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
let mf;

before(async () => {
  mf = new Miniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: join(root, "tests/workers/default-entry-worker.mjs"),
    modulesRules: [{ type: "ESModule", include: ["**/*.js", "**/*.mjs"] }],
    compatibilityDate: "2025-01-01",
    // Nothing listens there: the call fails before any request is sent.
    bindings: { GATEWAY_URL: "http://127.0.0.1:9" },
  });
  await mf.ready;
});
after(() => mf?.dispose());

test("the default entry starts in workerd, and its first call says to use the workerd condition", async () => {
  const res = await mf.dispatchFetch("http://worker.test/");
  const body = await res.json();
  assert.deepEqual([body.ok, body.name, body.isLlmwireError, body.cause], [false, "LlmwireError", true, "CompileError"], JSON.stringify(body));
  assert.match(body.message, /wasm could not be loaded \(CompileError: .*disallowed.*\); in Cloudflare Workers, bundle with the 'workerd' condition/);
});
