// Retries, failover, timeouts and abort in headless Chromium: the shared cases
// (tests/support/resilience-suite.mjs) are loaded into a page as a module and run there against
// the fault-injecting mock gateway, which requires a canary key (so the page talks to it across
// origins, as a browser app talks to a gateway). The page itself comes from the demo's dev server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { launchChromium } from "../support/chromium.mjs";
import { startDevServer } from "../../www/serve.mjs";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { cases } from "../support/resilience-suite.mjs";

const CANARY = "sk-page-canary-5e4d3c2b1a";
let gw;
let dev;
let browser;
let page;
let suite;
let deadURL;

before(async () => {
  suite = await readFile(new URL("../support/resilience-suite.mjs", import.meta.url), "utf8");
  gw = await startMockGateway({ apiKey: CANARY });
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  deadURL = `http://127.0.0.1:${probe.address().port}/v1`;
  await new Promise((resolve) => probe.close(resolve));
  dev = await startDevServer({ port: 0, env: {}, pacingMs: 0 });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(`${dev.url}/config.json`);
});
after(async () => {
  // Each close runs even when an earlier one fails, or an open server keeps the process alive.
  try {
    await browser?.close();
  } finally {
    await dev?.close();
    await gw?.close();
  }
});

function inPage(name) {
  return page.evaluate(async ({ name, source, env }) => {
    const lib = await import("/pkg/index.js");
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const { run } = await import(url);
    return run(name, lib, env);
  }, { name, source: suite, env: { baseURL: gw.baseURL, apiKey: CANARY, deadURL } });
}

for (const name of Object.keys(cases)) {
  test(name, async (t) => {
    const result = await inPage(name);
    assert.ok(result.ok, result.error);
    t.diagnostic(JSON.stringify(result.info));
  });
}
