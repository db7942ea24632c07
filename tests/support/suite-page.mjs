// A shared suite (tests/support/*-suite.mjs) run in headless Chromium: a page of the demo's dev
// server (its mock gateway embedded at /api), the suite's source loaded into it as a module, and
// the built package imported there as `lib`.
import { readFile } from "node:fs/promises";
import { launchChromium } from "./chromium.mjs";
import { startDevServer } from "../../www/serve.mjs";

/**
 * Opens the page for the suite at `suiteURL`. `run(name, env)` runs one case there and resolves to
 * its result; `env` defaults to the embedded gateway with a page key. `close()` closes the browser
 * and the server, each even when the other fails.
 */
export async function startSuitePage(suiteURL) {
  const source = await readFile(suiteURL, "utf8");
  const dev = await startDevServer({ port: 0, env: {}, pacingMs: 0 });
  let browser;
  const close = async () => {
    try {
      await browser?.close();
    } finally {
      await dev.close();
    }
  };
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e));
    await page.goto(`${dev.url}/config.json`);
    const run = (name, env) =>
      page.evaluate(async ({ name, source, env }) => {
        const lib = await import("/pkg/index.js");
        const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
        const { run } = await import(url);
        return run(name, lib, env ?? { baseURL: new URL("/api/v1", location.href).href, apiKey: "sk-page-key" });
      }, { name, source, env });
    return { page, run, close };
  } catch (e) {
    await close();
    throw e;
  }
}
