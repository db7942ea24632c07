// Load in workerd (Miniflare): 100 concurrent streams in one Worker invocation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
let gw;
let mf;
before(async () => {
  gw = await startMockGateway();
  mf = new Miniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: join(root, "tests/load/load-worker.mjs"),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-01-01",
    bindings: { GATEWAY_URL: gw.url },
  });
  await mf.ready;
});
after(async () => {
  await mf?.dispose();
  await gw?.close();
});

test("workerd: 100 concurrent streams in one Worker", async () => {
  const out = await (await mf.dispatchFetch("http://worker.test/")).json();
  assert.deepEqual(out, { count: 100, bad: [] });
});
