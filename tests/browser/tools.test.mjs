// Tool calling, JSON answers and conversations from the built package in headless Chromium, against the
// mock gateway embedded in the demo's dev server. The cases (tests/support/tools-suite.mjs) are loaded
// into the page as a module and run there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launchChromium } from "../support/chromium.mjs";
import { startDevServer } from "../../www/serve.mjs";
import { cases } from "../support/tools-suite.mjs";

let dev;
let browser;
let page;
let suite;

before(async () => {
  suite = await readFile(new URL("../support/tools-suite.mjs", import.meta.url), "utf8");
  dev = await startDevServer({ port: 0, env: {}, pacingMs: 0 });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(`${dev.url}/config.json`);
});
after(async () => {
  await browser?.close();
  await dev?.close();
});

for (const name of Object.keys(cases)) {
  test(name, { timeout: 60_000 }, async () => {
    const result = await page.evaluate(async ({ name, source }) => {
      const lib = await import("/pkg/index.js");
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      const { run } = await import(url);
      return run(name, lib, { baseURL: new URL("/api/v1", location.href).href, apiKey: "sk-page-key" });
    }, { name, source: suite });
    assert.ok(result.ok, result.error);
  });
}
