// Chromium: the same consumer code in one headless page (Debian's Chromium via playwright-core).
// Usage: node benches/run-chromium.mjs [--out file.json]   (BENCH_QUICK=1: small corpora, 3 runs)
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { serveStatic } from "./serve.mjs";
import { median } from "./runner.mjs";
import { APART } from "./consumers.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Bundles the peers (openai-node, eventsource-parser) into one browser ES module. */
async function bundlePeers() {
  mkdirSync(join(here, ".cache"), { recursive: true });
  await build({
    stdin: { contents: 'export { default as OpenAI } from "openai"; export { createParser } from "eventsource-parser";', resolveDir: here, loader: "js" },
    bundle: true, format: "esm", platform: "browser", outfile: join(here, ".cache/peers.js"), logLevel: "warning",
  });
}

export function chromiumVersion() {
  return execFileSync(CHROMIUM, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
}

/** The consumers timed on the first stream of a fresh page. */
export const FRESH_CONSUMERS = ["(b) JS floor", "(d) openai-node", "(e) llmwire chunks", "(f) llmwire textStream"];

/** Opens the bench page in a new page of `browser`, runs `fn(page)` once it is ready, and closes the page. */
async function onPage(browser, url, log, fn) {
  const page = await browser.newPage();
  try {
    page.on("console", (m) => log(m.text()));
    page.on("pageerror", (e) => log(`page error: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => window.benchReady === true);
    return await fn(page);
  } finally {
    await page.close();
  }
}

/** Runs the suite in a new page of `browser`, with `filters` (consumers.mjs `select`'s). */
function benchPage({ browser, url, quick, runs, log, filters }) {
  return onPage(browser, url, log, (page) => page.evaluate((opts) => window.runBench(opts), { quick, runs, filters }));
}

/**
 * The first stream in a fresh page: for each run and consumer (interleaved), a new browser context
 * (its own renderer, no shared caches; the server sends no-store), the bench page, one stream.
 * Medians of the first delta and of the whole stream.
 */
async function benchFreshPages({ browser, url, runs, log }) {
  const times = Object.fromEntries(FRESH_CONSUMERS.map((name) => [name, { first: [], total: [] }]));
  for (let i = 0; i < runs; i++) {
    for (const name of FRESH_CONSUMERS) {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        page.on("pageerror", (e) => log(`fresh page error: ${e.message}`));
        await page.goto(url);
        await page.waitForFunction(() => window.benchReady === true);
        const r = await page.evaluate((n) => window.runFresh(n), name);
        times[name].first.push(r.firstDeltaMs);
        times[name].total.push(r.totalMs);
      } finally {
        await context.close();
      }
    }
  }
  return FRESH_CONSUMERS.map((name) => {
    const { first, total } = times[name];
    log(`fresh page ${name}: first delta ${median(first).toFixed(2)} ms, stream ${median(total).toFixed(2)} ms, median of ${runs}`);
    return { name, firstDeltaMs: median(first), totalMs: median(total), firstDeltaRunsMs: first, totalRunsMs: total };
  });
}

/** Starts the static server and a headless Chromium, runs `fn({ browser, url })` (the bench page's URL), and closes both. */
async function withBenchBrowser(fn) {
  await bundlePeers();
  const server = await serveStatic(join(here, ".."));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run",
      "--enable-precise-memory-info", "--js-flags=--expose-gc",
    ],
  });
  try {
    return await fn({ browser, url: `${server.url}/benches/page.html` });
  } finally {
    await browser.close();
    await server.close();
  }
}

export function benchChromium({ quick, runs, log }) {
  return withBenchBrowser(async ({ browser, url }) => {
    const result = await benchPage({ browser, url, quick, runs, log });
    const apart = await benchPage({ browser, url, quick, runs, log: (m) => log(`apart: ${m}`), filters: APART });
    const fresh = await benchFreshPages({ browser, url, runs: quick ? 3 : 11, log });
    return { ...result, apart: apart.corpora, fresh, version: chromiumVersion() };
  });
}

/** A long conversation's first delta (long-request.mjs) in a page of its own. */
export function benchChromiumLongRequest({ quick, log }) {
  return withBenchBrowser(({ browser, url }) => onPage(browser, url, log, (page) => page.evaluate((opts) => window.runLongRequest(opts), { quick })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = !!process.env.BENCH_QUICK;
  const runs = Number(process.env.BENCH_RUNS ?? (quick ? 3 : 5));
  const result = await benchChromium({ quick, runs, log: (m) => console.error(`chromium: ${m}`) });
  const at = process.argv.indexOf("--out");
  const json = JSON.stringify(result, null, 2);
  if (at > 0) writeFileSync(process.argv[at + 1], json);
  else console.log(json);
}
