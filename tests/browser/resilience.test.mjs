// Retries, failover, timeouts and abort in headless Chromium: the shared cases
// (tests/support/resilience-suite.mjs) are loaded into a page as a module and run there against
// the fault-injecting mock gateway, which requires a canary key (so the page talks to it across
// origins, as a browser app talks to a gateway). The page itself comes from the demo's dev server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { deadBaseURL } from "../support/ports.mjs";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { startSuitePage } from "../support/suite-page.mjs";
import { cases } from "../support/resilience-suite.mjs";

const CANARY = "sk-page-canary-5e4d3c2b1a";
let gw;
let suite;
let deadURL;

before(async () => {
  gw = await startMockGateway({ apiKey: CANARY });
  deadURL = await deadBaseURL();
  suite = await startSuitePage(new URL("../support/resilience-suite.mjs", import.meta.url));
});
after(async () => {
  // Each close runs even when an earlier one fails, or an open server keeps the process alive.
  try {
    await suite?.close();
  } finally {
    await gw?.close();
  }
});

for (const name of Object.keys(cases)) {
  test(name, async (t) => {
    const result = await suite.run(name, { baseURL: gw.baseURL, apiKey: CANARY, deadURL });
    assert.ok(result.ok, result.error);
    t.diagnostic(JSON.stringify(result.info));
  });
}
