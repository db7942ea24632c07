// The package's workerd entry inside workerd itself (Miniflare), streaming from the mock gateway.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorkerWithGateway } from "../support/miniflare.mjs";

const KEY = "sk-worker-test-secret";
let worker;
let mf;

before(async () => {
  worker = await startWorkerWithGateway("tests/workers/worker.mjs", KEY);
  mf = worker.mf;
});
after(() => worker?.close());

test("a Worker streams a chat completion through the package", async () => {
  const res = await mf.dispatchFetch("http://worker.test/");
  const out = await res.json();
  assert.equal(res.status, 200, JSON.stringify(out));
  assert.match(out.text, /^Echo: hello worker\. 你好，世界 👋/);
  assert.ok(out.chunks > 3);
  assert.equal(out.finish, "stop");
  assert.match(out.requestId, /^req_mock_/);
  const seen = worker.gw.requests.filter((r) => r.path === "/v1/chat/completions").at(-1);
  assert.equal(seen.headers.authorization, `Bearer ${KEY}`);
});

test("a Worker relays the text as it streams (the key stays server-side)", async () => {
  const res = await mf.dispatchFetch("http://worker.test/relay");
  assert.equal(res.status, 200);
  assert.match(await res.text(), /^Echo: hello worker\./);
});

test("errors reach Worker code as typed classes", async () => {
  const res = await mf.dispatchFetch("http://worker.test/?model=mock-scenario:http-529");
  const out = await res.json();
  assert.deepEqual([out.error, out.status, out.isAPIError], ["InternalServerError", 529, true]);
  assert.ok(!out.message.includes(KEY));
  const cut = await (await mf.dispatchFetch("http://worker.test/?model=mock-scenario:cut-stream")).json();
  assert.equal(cut.error, "StreamTruncatedError");
});
