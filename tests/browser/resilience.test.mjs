// Retries, failover, timeouts and abort in headless Chromium, against the mock gateway embedded
// in the demo's dev server (www/serve.mjs, at /api/v1). Attempts come from the mock's request log.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "../support/chromium.mjs";
import { startDevServer } from "../../www/serve.mjs";

let dev;
let browser;
let page;

before(async () => {
  dev = await startDevServer({ port: 0, env: {}, pacingMs: 5 });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${dev.url}/pkg/package.json`);
});
after(async () => {
  await browser?.close();
  await dev?.close();
});

/** Runs `body` in the page with `Client`, the mock's base URL and helpers in scope. */
function inPage(body) {
  return page.evaluate(async (src) => {
    const llmwire = await import("/pkg/index.js");
    const baseURL = new URL("/api/v1", location.href).href;
    const reset = () => fetch("/api/__mock/reset", { method: "POST" });
    const attempts = async () => (await (await fetch("/api/__mock/requests")).json())
      .filter((r) => r.method === "POST" && r.path.endsWith("/chat/completions")).length;
    const ask = (scenario, extra = {}) => ({ model: `mock-scenario:${scenario}`, messages: [{ role: "user", content: "page retry" }], ...extra });
    const caught = async (fn) => {
      try { await fn(); } catch (e) { return e; }
      return null;
    };
    return new Function("llmwire", "baseURL", "reset", "attempts", "ask", "caught", `return (async () => { ${src} })()`)(
      llmwire, baseURL, reset, attempts, ask, caught);
  }, body);
}

test("Chromium: 500 then ok is retried; 400 is not", async () => {
  const out = await inPage(`
    await reset();
    const c = await new llmwire.Client({ baseURL }).chat.completions.create(ask("500-then-ok"));
    const retried = [c._attempts, await attempts(), /Echo: page retry/.test(c.choices[0].message.content)];
    await reset();
    const e = await caught(() => new llmwire.Client({ baseURL }).chat.completions.create(ask("http-400")));
    return { retried, bad: [e?.name, await attempts()] };
  `);
  assert.deepEqual(out, { retried: [2, 2, true], bad: ["BadRequestError", 1] });
});

test("Chromium: a dead primary fails over to the backup", async () => {
  const out = await inPage(`
    const c = new llmwire.Client({ baseURL: "http://127.0.0.1:9/v1", backupBaseURLs: [baseURL] });
    const s = await c.chat.completions.create(ask("ok", { stream: true }));
    await s.finalChatCompletion();
    const again = await c.chat.completions.create(ask("ok"));
    return [s.attempts, s.baseURL === baseURL, again._attempts, again._base_url === baseURL];
  `);
  assert.deepEqual(out, [2, true, 1, true]);
});

test("Chromium: idle timeout and abort are typed, with the partial output kept", async () => {
  const out = await inPage(`
    const c = new llmwire.Client({ baseURL, idleTimeout: 150 });
    const s = await c.chat.completions.create(ask("headers-then-silence", { stream: true }));
    const idle = await caught(() => s.finalChatCompletion());
    const ac = new AbortController();
    const slow = await new llmwire.Client({ baseURL }).chat.completions.create(ask("slow-drip", { stream: true }), { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    let text = "";
    const aborted = await caught(async () => { for await (const t of slow.textStream) text += t; });
    return {
      idle: [idle?.name, idle instanceof llmwire.APIConnectionError],
      aborted: [aborted?.name, text.length > 0, aborted?.partialCompletion?.choices?.[0]?.message?.content === text],
    };
  `);
  assert.deepEqual(out, { idle: ["APIConnectionTimeoutError", true], aborted: ["APIUserAbortError", true, true] });
});
