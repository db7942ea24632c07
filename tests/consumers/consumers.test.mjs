// The package as users get it: `npm pack` of pkg/, installed from the tarball into throwaway copies
// of the fixture projects here, each streaming a chat completion from the mock gateway with no
// configuration for wasm, then listing the models (which loads what only features beyond chat
// need, on first use). Bundlers: Vite (production build and dev server, default and slim entries)
// and webpack 5, each run in headless Chromium; runtimes: Node (ESM and CommonJS), Deno and Bun;
// Workers: esbuild with Wrangler's conditions and `wrangler deploy --dry-run`, each output run in
// workerd through Miniflare.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { launchChromium } from "../support/chromium.mjs";
import { bin, bundleWorker, copyFixture, installPackedPackage, listFiles, serveStatic, workerOptions } from "./support.mjs";

const run = promisify(execFile);
const KEY = "sk-consumer-test";
let gw, installed, browser;

before(async () => {
  installed = installPackedPackage();
  gw = await startMockGateway();
});

after(async () => {
  await browser?.close();
  await gw?.close();
  if (installed) rmSync(installed.dir, { recursive: true, force: true });
});

/** What every fixture must have streamed. */
function assertStreamed(result, greeting) {
  assert.equal(result.error, undefined, JSON.stringify(result));
  assert.match(result.text, new RegExp(`^Echo: ${greeting}\\. 你好，世界 👋`));
  // Chunk objects one by one; `textStream` gives one piece per network read instead.
  if (result.pieces === undefined) assert.ok(result.chunks > 3, `${result.chunks} chunks`);
  else assert.ok(result.pieces >= 1, `${result.pieces} text pieces`);
  assert.equal(result.finish, "stop");
  assert.ok(result.models > 0, `models.list() gave ${result.models} models`);
}

/** Loads `url` in headless Chromium and resolves to the `window.result` the app sets. */
async function resultInChromium(url) {
  browser ??= await launchChromium();
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    await page.goto(`${url}${url.includes("?") ? "&" : "?"}gateway=${encodeURIComponent(gw.url)}`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 20_000 });
    assert.deepEqual(errors, []);
    return await page.evaluate(() => window.result);
  } finally {
    await page.close();
  }
}

/** Serves a built app and runs it in Chromium. */
async function runBuilt(dist) {
  const site = await serveStatic(dist);
  try {
    return await resultInChromium(`${site.url}/index.html`);
  } finally {
    await site.close();
  }
}

test("Vite production build, default entry, in Chromium: the wasm is inlined, no asset emitted", async () => {
  const { build } = await import("vite");
  const dir = copyFixture("vite", installed.dir);
  await build({ root: dir, configFile: false, logLevel: "warn", build: { outDir: join(dir, "dist") } });
  const files = listFiles(join(dir, "dist"));
  assert.ok(!files.some((f) => f.endsWith(".wasm")), files.join());
  assertStreamed(await runBuilt(join(dir, "dist")), "hello bundle");
});

test("Vite production build, slim entry with `llmwire/wasm?url`, in Chromium", async () => {
  const { build } = await import("vite");
  const dir = copyFixture("vite-slim", installed.dir);
  await build({ root: dir, configFile: false, logLevel: "warn", build: { outDir: join(dir, "dist") } });
  assert.ok(listFiles(join(dir, "dist")).some((f) => f.endsWith(".wasm")), "the .wasm is emitted as an asset");
  const result = await runBuilt(join(dir, "dist"));
  assertStreamed(result, "hello bundle");
  assert.match(result.wasmURL, /\.wasm$/);
});

test("Vite dev server (dependency pre-bundling), default entry, in Chromium", async () => {
  const { createServer } = await import("vite");
  const dir = copyFixture("vite", installed.dir);
  const server = await createServer({ root: dir, configFile: false, logLevel: "warn", server: { host: "127.0.0.1", port: 0, strictPort: false } });
  await server.listen();
  try {
    const url = server.resolvedUrls.local[0];
    assertStreamed(await resultInChromium(`${url}index.html`), "hello bundle");
  } finally {
    await server.close();
  }
});

test("webpack 5 production build, no wasm experiments, in Chromium", async () => {
  const { default: webpack } = await import("webpack");
  const dir = copyFixture("webpack", installed.dir);
  const { default: config } = await import(join(dir, "webpack.config.js"));
  const stats = await new Promise((resolve, reject) => webpack(config, (err, s) => (err ? reject(err) : resolve(s))));
  assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }));
  assert.ok(!stats.hasWarnings(), stats.toString({ all: false, warnings: true }));
  copyFileSync(join(dir, "index.html"), join(dir, "dist/index.html"));
  const files = listFiles(join(dir, "dist"));
  assert.ok(!files.some((f) => f.endsWith(".wasm")), files.join());
  assertStreamed(await runBuilt(join(dir, "dist")), "hello bundle");
});

test("webpack 5 production build, slim entry with `new URL(\"llmwire/wasm\", import.meta.url)`, in Chromium", async () => {
  const { default: webpack } = await import("webpack");
  const dir = copyFixture("webpack-slim", installed.dir);
  const { default: config } = await import(join(dir, "webpack.config.js"));
  const stats = await new Promise((resolve, reject) => webpack(config, (err, s) => (err ? reject(err) : resolve(s))));
  assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }));
  copyFileSync(join(dir, "index.html"), join(dir, "dist/index.html"));
  assert.ok(listFiles(join(dir, "dist")).some((f) => f.endsWith(".wasm")), "the .wasm is emitted as an asset");
  assertStreamed(await runBuilt(join(dir, "dist")), "hello bundle");
});

/** Runs `main.mjs`/`main.cjs` of a fixture with a runtime and parses the JSON line it prints. */
async function runScript(command, args, cwd) {
  const { stdout } = await run(command, [...args, gw.url], { cwd, timeout: 60_000, env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } });
  return JSON.parse(stdout.trim().split("\n").at(-1));
}

function assertRuntime(result) {
  assertStreamed(result, "hello runtime");
  assert.equal(result.defaultExport, true, "the default export is Client");
  assert.equal(result.errorName, "NotFoundError");
  assert.match(result.slimText, /^Echo: hello runtime\./);
  assert.ok(result.slimModels > 0, `models.list() through llmwire/slim gave ${result.slimModels} models`);
}

test("Node ESM: import, init(), errors, and llmwire/slim with the .wasm bytes", async () => {
  const dir = copyFixture("esm", installed.dir);
  assertRuntime(await runScript(process.execPath, ["main.mjs"], dir));
});

test("Node CommonJS: require() shares index.node.js with import(); without require(esm), index.cjs and slim.cjs", async () => {
  const dir = copyFixture("cjs", installed.dir);
  const result = await runScript(process.execPath, ["main.cjs"], dir);
  assertRuntime(result);
  assert.deepEqual([result.entry, result.sameAsImport], ["index.node.js", true]);
  // What Node before 20.19 / 22.12 does: the CommonJS copy, a second module beside import()'s.
  const old = await runScript(process.execPath, ["--no-experimental-require-module", "main.cjs"], dir);
  assertRuntime(old);
  assert.deepEqual([old.entry, old.sameAsImport], ["index.cjs", false]);
});

test("Deno (npm package's binary), node_modules from the tarball", async () => {
  const dir = copyFixture("esm", installed.dir);
  assertRuntime(await runScript(bin("deno"), ["run", "--allow-all", "--node-modules-dir=manual", "main.mjs"], dir));
});

test("Bun (npm package's binary)", async () => {
  const dir = copyFixture("esm", installed.dir);
  assertRuntime(await runScript(bin("bun"), ["run", "main.mjs"], dir));
});

/** Runs a bundled Worker in workerd and fetches its result. */
async function runWorker(dir, script) {
  const mf = new Miniflare({ ...workerOptions(dir, script), bindings: { GATEWAY_URL: gw.url, GATEWAY_KEY: KEY } });
  try {
    const res = await mf.dispatchFetch("http://worker.test/");
    return await res.json();
  } finally {
    await mf.dispose();
  }
}

test("esbuild with Wrangler's conditions, run in workerd (Miniflare): the workerd entry, .wasm as a module", async () => {
  const dir = copyFixture("workerd", installed.dir);
  const out = await bundleWorker(join(dir, "worker.js"));
  try {
    const files = listFiles(out);
    assert.ok(files.some((f) => f.endsWith(".wasm")), files.join());
    assertStreamed(await runWorker(out, "worker.js"), "hello worker");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("`wrangler deploy --dry-run` bundles it offline, and its output runs in workerd", async () => {
  const dir = copyFixture("workerd", installed.dir);
  const { stdout } = await run(bin("wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], {
    cwd: dir, timeout: 120_000,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1", WRANGLER_LOG_PATH: join(dir, "wrangler-logs") },
  });
  assert.match(stdout, /--dry-run: exiting now/);
  const files = listFiles(join(dir, "dist"));
  assert.ok(files.some((f) => f.endsWith(".wasm")), `wrangler kept the .wasm as a module: ${files.join()}`);
  assert.ok(existsSync(join(dir, "dist/worker.js")), files.join());
  assertStreamed(await runWorker(join(dir, "dist"), "worker.js"), "hello worker");
});
