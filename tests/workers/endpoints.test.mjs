// Every endpoint beyond chat, from the package's workerd entry inside workerd (Miniflare), against
// the mock gateway. The cases live in tests/support/endpoints-suite.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "../support/miniflare.mjs";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { cases } from "../support/endpoints-suite.mjs";

const KEY = "sk-worker-endpoints-secret";
let gw;
let mf;

before(async () => {
  gw = await startMockGateway({ apiKey: KEY });
  mf = await startWorker("tests/workers/endpoints-worker.mjs", { GATEWAY_URL: gw.url, GATEWAY_KEY: KEY });
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
  test(name, async () => {
    const res = await mf.dispatchFetch(`http://worker.test/?case=${encodeURIComponent(name)}`);
    const result = await res.json();
    assert.ok(result.ok, result.error);
  });
}
