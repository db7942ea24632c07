// The built package in headless Chromium, served by the demo's dev server (www/serve.mjs) with its
// embedded mock gateway. The demo page itself is tested in demo.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "../support/chromium.mjs";
import { startDevServer } from "../../www/serve.mjs";

let dev;
let browser;
let page;

before(async () => {
  dev = await startDevServer({ port: 0, env: {}, pacingMs: 30 });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(dev.url);
  await page.waitForSelector("body[data-ready=true]");
});
after(async () => {
  await browser?.close();
  await dev?.close();
});

test("the package streams a chat completion in Chromium", async () => {
  const out = await page.evaluate(async () => {
    const { Client } = await import("/pkg/index.js");
    const client = new Client({ baseURL: new URL("/api/v1", location.href).href });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi page" }] });
    let text = "";
    let chunks = 0;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? "";
      chunks++;
    }
    return { text, chunks, final: (await stream.finalChatCompletion()).choices[0].message.content };
  });
  assert.match(out.text, /^Echo: hi page\. 你好，世界 👋/);
  assert.equal(out.final, out.text);
  assert.ok(out.chunks > 3);
});

test("in a page, a raw key needs dangerouslyAllowBrowser; errors are typed classes", async () => {
  const out = await page.evaluate(async () => {
    const { Client, InvalidArgumentError, RateLimitError } = await import("/pkg/index.js");
    const baseURL = new URL("/api/v1", location.href).href;
    const ask = { model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] };
    const result = {};
    try {
      await new Client({ apiKey: "sk-page-secret", baseURL }).chat.completions.create(ask);
    } catch (e) {
      result.guard = e instanceof InvalidArgumentError;
      result.leaks = `${e.message}${e.stack}`.includes("sk-page-secret");
    }
    const allowed = await new Client({ apiKey: "sk-page-secret", baseURL, dangerouslyAllowBrowser: true }).chat.completions.create(ask);
    result.allowed = allowed.object;
    try {
      await new Client({ baseURL }).chat.completions.create({ ...ask, model: "mock-scenario:http-429" });
    } catch (e) {
      result.rate = [e instanceof RateLimitError, e.status, e.retryable];
    }
    return result;
  });
  assert.deepEqual(out, { guard: true, leaks: false, allowed: "chat.completion", rate: [true, 429, true] });
});

test("after import, the default entry streams a canned answer through a client, without fetching", async () => {
  // The warm-up (index.js, facade.js _warmUpClient) that moves a page's first-request compile off
  // its first message: it must run, fetch nothing and throw nothing.
  const fresh = await browser.newPage();
  const errors = [];
  fresh.on("pageerror", (e) => errors.push(e.message));
  await fresh.addInitScript(() => {
    window.seen = { fetches: 0, warmUps: 0 };
    const fetch = window.fetch;
    window.fetch = (...args) => (window.seen.fetches++, fetch(...args));
    window.Response = new Proxy(Response, {
      construct(target, args) {
        if (typeof args[0] === "string" && args[0].includes('"content":"w"')) window.seen.warmUps++;
        return Reflect.construct(target, args);
      },
    });
  });
  try {
    await fresh.goto(new URL("/pkg/README.md", dev.url).href);
    const seen = await fresh.evaluate(async () => {
      await import("/pkg/index.js");
      for (let i = 0; i < 100 && window.seen.warmUps < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return window.seen;
    });
    assert.deepEqual(seen, { fetches: 0, warmUps: 2 });
    assert.deepEqual(errors, []);
  } finally {
    await fresh.close();
  }
});
