// Retries, failover, timeouts and abort inside workerd (Miniflare): each shared case
// (tests/support/resilience-suite.mjs) runs in the Worker tests/workers/resilience-worker.mjs,
// one request per case, against the fault-injecting mock gateway with a canary key.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { deadBaseURL } from "../support/ports.mjs";
import { startWorkerWithGateway } from "../support/miniflare.mjs";
import { cases } from "../support/resilience-suite.mjs";

const KEY = "sk-worker-canary-1a2b3c";
let worker;
let mf;

before(async () => {
  worker = await startWorkerWithGateway("tests/workers/resilience-worker.mjs", KEY, { DEAD_URL: await deadBaseURL() });
  mf = worker.mf;
});
after(() => worker?.close());

for (const name of Object.keys(cases)) {
  test(name, async (t) => {
    const res = await mf.dispatchFetch(`http://worker.test/?case=${encodeURIComponent(name)}`);
    const result = await res.json();
    assert.ok(result.ok, result.error);
    t.diagnostic(JSON.stringify(result.info));
  });
}
