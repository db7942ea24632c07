// Load in workerd (Miniflare): 100 concurrent streams in one Worker invocation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorkerWithGateway } from "../support/miniflare.mjs";

let worker;
let mf;
before(async () => {
  worker = await startWorkerWithGateway("tests/load/load-worker.mjs");
  mf = worker.mf;
});
after(() => worker?.close());

test("workerd: 100 concurrent streams in one Worker", async () => {
  const out = await (await mf.dispatchFetch("http://worker.test/")).json();
  assert.deepEqual(out, { count: 100, bad: [] });
});
