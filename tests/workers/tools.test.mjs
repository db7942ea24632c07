// Tool calling, JSON answers and conversations from the package's workerd entry inside workerd
// (Miniflare), against the mock gateway. The cases live in tests/support/tools-suite.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { startWorker } from "../support/miniflare.mjs";
import { cases } from "../support/tools-suite.mjs";

const KEY = "sk-worker-tools-secret";
let gw;
let mf;

before(async () => {
  gw = await startMockGateway({ apiKey: KEY });
  mf = await startWorker("tests/workers/tools-worker.mjs", { GATEWAY_URL: gw.url, GATEWAY_KEY: KEY });
});
after(async () => {
  // A Worker that failed to start also fails to dispose: close the gateway whatever happens,
  // or its open server keeps the test process alive.
  try {
    await mf?.dispose();
  } finally {
    await gw?.close();
  }
});

for (const name of Object.keys(cases)) {
  test(name, { timeout: 60_000 }, async () => {
    const res = await mf.dispatchFetch(`http://worker.test/?case=${encodeURIComponent(name)}`);
    const result = await res.json();
    assert.ok(result.ok, result.error);
  });
}
