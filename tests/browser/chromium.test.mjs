// The built package in headless Chromium, and the demo page, both served by the demo's dev
// server (www/serve.mjs) with its embedded mock gateway. Screenshots go to tests/artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../support/chromium.mjs";
import { startDevServer } from "../../www/serve.mjs";

const artifacts = join(dirname(fileURLToPath(import.meta.url)), "../artifacts");
mkdirSync(artifacts, { recursive: true });
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

test("demo: a reply streams in progressively, and Stop halts one", async () => {
  await page.fill("#prompt", "Tell me about llmwire");
  await page.keyboard.press("Enter");
  const reply = page.locator(".msg.assistant").last();
  const seen = new Set();
  for (let i = 0; i < 100 && !(await page.locator("#send").isEnabled()); i++) {
    seen.add((await reply.locator("span").first().textContent()) ?? "");
    await page.waitForTimeout(20);
  }
  await page.waitForFunction(() => !document.querySelector("#send").disabled);
  const lengths = [...seen].map((s) => s.length).filter((n) => n > 0);
  assert.ok(lengths.length >= 3, `text grew over only ${lengths.length} observations`);
  assert.match(await reply.textContent(), /Echo: Tell me about llmwire\. 你好，世界 👋.*finish: stop/s);
  await page.screenshot({ path: join(artifacts, "demo-chat.png") });

  await page.selectOption("#model", "mock-scenario:slow-drip").catch(async () => {
    await page.evaluate(() => document.querySelector("#model").append(new Option("slow", "mock-scenario:slow-drip")));
    await page.selectOption("#model", "mock-scenario:slow-drip");
  });
  await page.fill("#prompt", "a long answer please");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => (document.querySelector(".msg.assistant:last-child span")?.textContent ?? "").length > 0);
  await page.click("#stop");
  await page.waitForFunction(() => !document.querySelector("#send").disabled);
  assert.match(await page.locator(".msg.assistant").last().textContent(), /Stopped\./);
  await page.screenshot({ path: join(artifacts, "demo-stopped.png") });
});
