// Load in workerd (Miniflare): 100 concurrent streams in one Worker invocation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "../support/miniflare.mjs";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";

let gw;
let mf;
before(async () => {
  gw = await startMockGateway();
  mf = await startWorker("tests/load/load-worker.mjs", { GATEWAY_URL: gw.url });
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

test("workerd: 100 concurrent streams in one Worker", async () => {
  const out = await (await mf.dispatchFetch("http://worker.test/")).json();
  assert.deepEqual(out, { count: 100, bad: [] });
});
