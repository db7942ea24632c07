// The key proxy in workerd (Miniflare), bundled as Wrangler would, in front of the mock gateway:
// a page on an allowed origin streams a completion through it in headless Chromium with llmwire's
// own client and no key, a page on another origin is refused, and the key never reaches a browser.
// The proxy's primary base URL is a closed port, so every call also exercises failover.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { Client } from "../../pkg/index.js";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { launchChromium } from "../../tests/support/chromium.mjs";
import { bundleWorker, linkPackage, serveStatic, workerOptions, root } from "../../tests/consumers/support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const KEY = "sk-proxy-test-secret-4f2a";
let gw, mf, proxy, allowedSite, otherSite, browser, bundleDir, linkDir, pageDir;

/** A loopback port with nothing listening: the proxy's unreachable primary. */
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  gw = await startMockGateway({ apiKey: KEY });
  // The page: llmwire's default entry from pkg/, pointed at the proxy with no key.
  pageDir = mkdtempSync(join(tmpdir(), "llmwire-proxy-page-"));
  writeFileSync(join(pageDir, "index.html"), `<!doctype html><meta charset="utf-8"><script type="module">
    import { Client } from "/pkg/index.js";
    window.streamThrough = async (baseURL, model) => {
      try {
        const client = new Client({ baseURL, maxRetries: 0 });
        const stream = await client.chat.completions.create({ model, stream: true, messages: [{ role: "user", content: "hello proxy" }] });
        let text = "", chunks = 0;
        for await (const chunk of stream) { text += chunk.choices[0]?.delta?.content ?? ""; chunks++; }
        return { text, chunks, requestId: stream.requestId };
      } catch (e) {
        return { error: e.name, message: e.message, status: e.status ?? null, partial: e.partialCompletion?.choices?.[0]?.message?.content ?? null };
      }
    };
    window.ready = true;
  </script>`);
  symlinkSync(join(root, "pkg"), join(pageDir, "pkg"), "dir");
  allowedSite = await serveStatic(pageDir);
  otherSite = await serveStatic(pageDir);

  linkDir = linkPackage();
  bundleDir = await bundleWorker(join(here, "src/worker.js"), { nodePaths: [linkDir] });
  mf = new Miniflare({
    ...workerOptions(bundleDir),
    host: "127.0.0.1",
    port: 0,
    bindings: {
      GATEWAY_KEY: KEY,
      GATEWAY_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`,
      GATEWAY_BACKUP_URLS: gw.baseURL,
      ALLOWED_ORIGINS: `https://app.example, ${allowedSite.url}`,
    },
  });
  proxy = new URL(await mf.ready).origin;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await mf?.dispose();
  await Promise.all([gw?.close(), allowedSite?.close(), otherSite?.close()]);
  for (const dir of [bundleDir, pageDir, linkDir && dirname(linkDir)]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens the page from `site` and streams a completion through the proxy; also returns everything the page received from the proxy. */
async function streamInPage(site, model = "gpt-4o-mini") {
  const page = await browser.newPage();
  const seen = [];
  page.on("response", async (response) => {
    if (!response.url().startsWith(proxy)) return;
    const body = await response.text().catch(() => "");
    seen.push(JSON.stringify(await response.allHeaders()) + body);
  });
  try {
    await page.goto(`${site.url}/index.html`);
    await page.waitForFunction(() => window.ready === true);
    const result = await page.evaluate(([url, m]) => window.streamThrough(url, m), [`${proxy}/v1`, model]);
    await page.waitForTimeout(50); // let the response listeners read the bodies
    return { result, seen };
  } finally {
    await page.close();
  }
}

test("a page on an allowed origin streams a completion through the proxy, without a key", async () => {
  const { result, seen } = await streamInPage(allowedSite);
  assert.equal(result.error, undefined, JSON.stringify(result));
  assert.match(result.text, /^Echo: hello proxy\. 你好，世界 👋/);
  assert.ok(result.chunks > 3, `${result.chunks} chunks`);
  assert.match(result.requestId, /^req_mock_/, "x-request-id is exposed to the page");
  // The gateway got the key from the Worker's secret (through failover to the backup URL).
  const call = gw.requests.filter((r) => r.path === "/v1/chat/completions").at(-1);
  assert.equal(call.headers.authorization, `Bearer ${KEY}`);
  assert.equal(call.body.messages[0].content, "hello proxy");
  assert.ok(seen.length >= 1);
  for (const text of seen) assert.ok(!text.includes(KEY), "the key reached the browser");
});

test("a page on another origin is refused", async () => {
  const { result, seen } = await streamInPage(otherSite);
  // No CORS grant: the browser withholds the response, so the client sees a failed connection.
  assert.equal(result.error, "APIConnectionError", JSON.stringify(result));
  for (const text of seen) assert.ok(!text.includes(KEY));
  const preflight = await fetch(`${proxy}/v1/chat/completions`, {
    method: "OPTIONS", headers: { origin: otherSite.url, "access-control-request-method": "POST" },
  });
  assert.equal(preflight.status, 403);
  assert.equal(preflight.headers.get("access-control-allow-origin"), null);
  const direct = await fetch(`${proxy}/v1/models`, { headers: { origin: "https://evil.example" } });
  assert.equal(direct.status, 403);
  assert.equal((await direct.json()).error.code, "origin_not_allowed");
  const noOrigin = await fetch(`${proxy}/v1/models`);
  assert.equal(noOrigin.status, 403);
});

test("the preflight grants exactly the allowed origin", async () => {
  const res = await fetch(`${proxy}/v1/chat/completions`, {
    method: "OPTIONS",
    headers: { origin: allowedSite.url, "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-stainless-os" },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), allowedSite.url);
  assert.equal(res.headers.get("access-control-allow-headers"), "content-type, x-stainless-os");
  assert.match(res.headers.get("vary"), /Origin/);
});

/** llmwire's client in Node, through the proxy, as a page on the allowed origin would call it. */
const viaProxy = (options = {}) =>
  new Client({
    baseURL: `${proxy}/v1`, maxRetries: 0, ...options,
    fetch: (url, init) => {
      const headers = new Headers(init?.headers);
      headers.set("origin", allowedSite.url);
      return fetch(url, { ...init, headers });
    },
  });

test("non-streamed calls, models and Responses streams are forwarded", async () => {
  const client = viaProxy();
  const done = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
  assert.match(done.choices[0].message.content, /^Echo: hi\./);
  assert.match(done._request_id, /^req_mock_/);
  const models = await client.models.list();
  assert.ok(models.data.some((m) => m.id === "yi-lightning"));
  assert.equal((await client.models.retrieve("yi-lightning")).owned_by, "01.ai");
  const events = await client.responses.stream({ model: "gpt-4o-mini", input: "Say hi" });
  const types = [];
  for await (const event of events) types.push(event.type);
  assert.ok(types.includes("response.output_text.delta") && types.at(-1) === "response.completed", types.join());
  const completion = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Say hi", stream: true });
  assert.match(await completion.finalText(), /Say hi/);
});

test("gateway errors come back typed, without the key, and marked not to retry", async () => {
  const res = await fetch(`${proxy}/v1/chat/completions`, {
    method: "POST",
    headers: { origin: allowedSite.url, "content-type": "application/json", authorization: "Bearer sk-from-the-page" },
    body: JSON.stringify({ model: "mock-scenario:http-400", messages: [{ role: "user", content: "x" }] }),
  });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("x-should-retry"), "false");
  assert.equal(res.headers.get("access-control-allow-origin"), allowedSite.url);
  const body = await res.text();
  assert.equal(JSON.parse(body).error.param, "messages");
  assert.ok(!body.includes(KEY));
  // The page's own Authorization header is not what reached the gateway.
  assert.equal(gw.requests.at(-1).headers.authorization, `Bearer ${KEY}`);

  await assert.rejects(viaProxy().chat.completions.create({ model: "mock-scenario:http-429", messages: [] }), { name: "RateLimitError", status: 429 });
});

test("an error part-way through a stream reaches the page as an APIError with the partial text", async () => {
  const { result, seen } = await streamInPage(allowedSite, "mock-scenario:error-in-stream");
  assert.equal(result.error, "APIError", JSON.stringify(result));
  assert.ok(result.partial?.length > 0, "partial completion kept");
  for (const text of seen) assert.ok(!text.includes(KEY));
});

test("the stream is relayed as it arrives, not buffered", async () => {
  const started = performance.now();
  const res = await fetch(`${proxy}/v1/chat/completions`, {
    method: "POST",
    headers: { origin: allowedSite.url, "content-type": "application/json" },
    body: JSON.stringify({ model: "mock-scenario:slow-drip", stream: true, messages: [{ role: "user", content: "drip" }] }),
  });
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let firstAt;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (firstAt === undefined && text.includes("data: ")) firstAt = performance.now() - started;
  }
  const total = performance.now() - started;
  assert.ok(text.endsWith("data: [DONE]\n\n"), text.slice(-80));
  assert.ok(firstAt < total / 3, `first event after ${firstAt.toFixed(0)} ms of ${total.toFixed(0)} ms`);
});
