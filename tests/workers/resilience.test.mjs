// Retries, failover, timeouts and abort inside workerd (Miniflare): each shared case
// (tests/support/resilience-suite.mjs) runs in the Worker tests/workers/resilience-worker.mjs,
// one request per case, against the fault-injecting mock gateway with a canary key.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { startWorker } from "../support/miniflare.mjs";
import { cases } from "../support/resilience-suite.mjs";

const KEY = "sk-worker-canary-1a2b3c";
let gw;
let mf;

before(async () => {
  gw = await startMockGateway({ apiKey: KEY });
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const dead = `http://127.0.0.1:${probe.address().port}/v1`;
  await new Promise((resolve) => probe.close(resolve));
  mf = await startWorker("tests/workers/resilience-worker.mjs", { GATEWAY_URL: gw.url, GATEWAY_KEY: KEY, DEAD_URL: dead });
});
after(async () => {
  // When the Worker failed to start, dispose() rejects too; the gateway must close anyway, or its
  // server keeps this process (and `make test`) alive forever.
  try {
    await mf?.dispose();
  } finally {
    await gw?.close();
  }
});

for (const name of Object.keys(cases)) {
  test(name, async (t) => {
    const res = await mf.dispatchFetch(`http://worker.test/?case=${encodeURIComponent(name)}`);
    const result = await res.json();
    assert.ok(result.ok, result.error);
    t.diagnostic(JSON.stringify(result.info));
  });
}
