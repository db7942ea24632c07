// Retries, failover, timeouts and abort inside workerd (Miniflare), against the mock gateway.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const KEY = "sk-worker-canary-1a2b3c";
let gw;
let mf;

before(async () => {
  gw = await startMockGateway({ apiKey: KEY });
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const dead = `http://127.0.0.1:${probe.address().port}/v1`;
  await new Promise((resolve) => probe.close(resolve));
  mf = new Miniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: join(root, "tests/workers/resilience-worker.mjs"),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-01-01",
    bindings: { GATEWAY_URL: gw.url, GATEWAY_KEY: KEY, DEAD_URL: dead },
  });
  await mf.ready;
});
after(async () => {
  await mf?.dispose();
  await gw?.close();
});

test("workerd: retry, no retry on quota, failover, idle timeout, abort; no key in errors", async () => {
  const res = await mf.dispatchFetch("http://worker.test/");
  const out = await res.json();
  assert.deepEqual(out, {
    retried: [2, true],
    quota: ["RateLimitError", "insufficient_quota", false],
    failover: [2, true],
    idle: "APIConnectionTimeoutError",
    abort: "APIUserAbortError",
    leaked: false,
  });
});
