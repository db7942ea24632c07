// Every endpoint beyond chat, from the package's workerd entry inside workerd (Miniflare), against
// the mock gateway. The cases live in tests/support/endpoints-suite.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorkerWithGateway } from "../support/miniflare.mjs";
import { cases } from "../support/endpoints-suite.mjs";

const KEY = "sk-worker-endpoints-secret";
let worker;
let mf;

before(async () => {
  worker = await startWorkerWithGateway("tests/workers/endpoints-worker.mjs", KEY);
  mf = worker.mf;
});
after(() => worker?.close());

for (const name of Object.keys(cases)) {
  test(name, async () => {
    const res = await mf.dispatchFetch(`http://worker.test/?case=${encodeURIComponent(name)}`);
    const result = await res.json();
    assert.ok(result.ok, result.error);
  });
}
