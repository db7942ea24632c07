// The demo page (www/) in headless Chromium, served by its dev server (www/serve.mjs) with the
// embedded mock gateway and the demo script in front of it, as `make demo` runs it — plus one
// run with a key in the environment, where the dev server relays to a gateway that needs it.
// Screenshots of every tab go to tests/artifacts/demo-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../support/chromium.mjs";
import { startDevServer } from "../../www/serve.mjs";
import { picturePng } from "../../www/demo-gateway.mjs";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";

const artifacts = join(dirname(fileURLToPath(import.meta.url)), "../artifacts");
mkdirSync(artifacts, { recursive: true });
const shot = (name, fullPage = false) => page.screenshot({ path: join(artifacts, `demo-${name}.png`), fullPage });

let dev;
let browser;
let page;
const pageErrors = [];

before(async () => {
  dev = await startDevServer({ port: 0, env: {}, pacingMs: 12, demoScript: true });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 860 });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(dev.url);
  await page.waitForSelector("body[data-ready=true]");
});
after(async () => {
  await browser?.close();
  await dev?.close();
});

/** The mock's request log: POSTs to `path` (e.g. "/v1/chat/completions"). */
async function posts(path) {
  const log = await (await fetch(`${dev.url}/api/__mock/requests`)).json();
  return log.filter((r) => r.method === "POST" && r.path === path);
}
const lastChat = async () => (await posts("/v1/chat/completions")).at(-1);

/** Sends a prompt and waits for its reply to end (a reply that fails fast may never be seen busy). */
async function send(text) {
  const before = await page.locator(".msg.assistant").count();
  await page.fill("#prompt", text);
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    (n) => document.querySelectorAll(".msg.assistant").length > n && document.body.dataset.chatBusy === "false",
    before,
    { timeout: 15_000 },
  );
}
const lastReply = () => page.locator(".msg.assistant").last();

test("chat: a reply streams in progressively, renders Markdown and shows its figures", async () => {
  await page.fill("#prompt", "Show me how to stream a reply in JavaScript");
  await page.keyboard.press("Enter");
  const seen = [];
  await page.waitForFunction(() => document.body.dataset.chatBusy === "true");
  while ((await page.evaluate(() => document.body.dataset.chatBusy)) === "true") {
    const len = await page.evaluate(() => document.querySelector(".msg.assistant:last-child .content")?.textContent.length ?? 0);
    if (len > 0 && len !== seen.at(-1)) seen.push(len);
    await page.waitForTimeout(15);
  }
  assert.ok(seen.length >= 3, `the text grew over only ${seen.length} observations`);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), "the text only grows");

  const reply = lastReply();
  assert.equal(await reply.locator(".md-pre code[data-lang=js]").count(), 1, "a highlighted js code block");
  assert.ok(await reply.locator(".tok-keyword").count() > 0);
  assert.ok(await reply.locator("li strong").count() > 0, "a list with bold text");
  const figures = await reply.locator(".figures").innerText();
  for (const want of [/first token\s+\d+ ms/, /speed\s+\d+ tok\/s/, /tokens\s+\d+ in · \d+ out/, /finish\s+stop/, /served by\s+primary · mock gateway/]) {
    assert.match(figures, want);
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), "prompt", "focus stays in the message box");
  const body = (await lastChat()).body;
  assert.equal(body.stream, true);
  assert.deepEqual(body.messages.map((m) => m.role), ["system", "user"]);
});

test("chat: the model switch, history, system prompt, temperature and max_tokens reach the gateway", async () => {
  await page.selectOption("#model", "claude-sonnet-4");
  await page.fill("#system", "You are terse.");
  await page.$eval("#temperature", (el) => {
    el.value = "0.3";
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await page.fill("#max-tokens", "12");
  await send("Hello there");
  let body = (await lastChat()).body;
  assert.equal(body.model, "claude-sonnet-4");
  assert.equal(body.temperature, 0.3);
  assert.equal(body.max_tokens, 12);
  assert.deepEqual(body.messages.map((m) => m.role), ["system", "user", "assistant", "user"]);
  assert.equal(body.messages[0].content, "You are terse.");
  assert.equal(await lastReply().locator(".msg-model").innerText(), "claude-sonnet-4");
  assert.equal(await lastReply().locator(".msg-provider").innerText(), "anthropic");
  assert.match(await lastReply().locator(".figures").innerText(), /finish\s+length/);

  await page.fill("#max-tokens", "");
  await page.fill("#system", "You are a helpful assistant. Answer in Markdown.");
  await send("Compare the gateways llmwire supports in a table");
  body = (await lastChat()).body;
  assert.equal(body.model, "claude-sonnet-4");
  assert.equal(body.max_tokens, undefined);
  assert.equal(body.messages.length, 6);
  assert.equal(await lastReply().locator("table tbody tr").count(), 5);
  assert.match(await lastReply().innerText(), /this reply came from claude-sonnet-4/);
  await shot("chat");
});

test("chat: Markdown from the model cannot inject HTML", async () => {
  const evil = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> **bold** [click](javascript:window.__pwned=3) ![x](https://img.invalid/t.png)`;
  await send(evil);
  const reply = lastReply();
  assert.equal(await reply.locator(".content img, .content script").count(), 0);
  assert.equal(await page.locator(".msg.user img, .msg.user script").count(), 0);
  assert.match(await reply.locator(".content").innerText(), /<img src=x onerror=/);
  assert.equal(await reply.locator(".content strong", { hasText: "bold" }).count(), 1);
  assert.equal(await reply.locator(".content a[href^='javascript:' i]").count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

test("chat: Stop halts a streaming reply and keeps what arrived", async () => {
  await page.fill("#prompt", "Show off some Markdown");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => (document.querySelector(".msg.assistant:last-child .content")?.textContent.length ?? 0) > 20);
  await page.click("#stop");
  await page.waitForFunction(() => document.body.dataset.chatBusy === "false");
  const reply = lastReply();
  const stoppedAt = (await reply.locator(".content").innerText()).length;
  assert.ok(stoppedAt > 0);
  await page.waitForTimeout(400);
  assert.equal((await reply.locator(".content").innerText()).length, stoppedAt, "no text arrives after Stop");
  assert.match(await reply.locator(".notice").innerText(), /Stopped\./);
  assert.ok(await page.locator("#stop").isHidden());
  assert.ok(await page.locator("#send").isEnabled());
  await page.screenshot({ path: join(artifacts, "demo-stopped.png") });
});

test("chat: a 429 and a 529 from the mock are shown in words, and the page keeps working", async () => {
  await page.selectOption("#drill", "http-429");
  await send("Will this be rate limited?");
  let notice = await lastReply().locator(".notice.error").innerText();
  assert.match(notice, /rate limiting these requests \(HTTP 429\)/);
  assert.match(notice, /Wait a few seconds and send again/);
  assert.match(notice, /llmwire tried 3 times before giving up/, "the count comes from the error's attempts");
  const attempts429 = (await posts("/v1/chat/completions")).filter((r) => r.headers["x-mock-scenario"] === "http-429").length;
  assert.equal(attempts429, 3, "llmwire retried the 429 twice");

  await page.selectOption("#drill", "http-529");
  await send("And now?");
  notice = await lastReply().locator(".notice.error").innerText();
  assert.match(notice, /overloaded right now \(HTTP 529, “system busy”\)/);
  assert.match(notice, /Try again in a moment/);
  await page.locator("#log-scroll").evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await shot("error");

  await page.selectOption("#drill", "");
  await lastReply().locator(".notice.error button", { hasText: "Try again" }).click();
  await page.waitForFunction(() => document.body.dataset.chatBusy === "false" && document.querySelector(".msg.assistant:last-child .figures"));
  assert.match(await lastReply().locator(".figures").innerText(), /finish\s+stop/);
  assert.match(await lastReply().locator(".content").innerText(), /You said: “And now\?”/);
});

test("chat: with the primary down, llmwire fails over and the figures say the backup served", async () => {
  await page.selectOption("#drill", "outage");
  await send("Anyone there?");
  const figures = await lastReply().locator(".figures").innerText();
  assert.match(figures, /served by\s+backup · mock gateway/);
  assert.match(figures, /attempts\s+2/);
  await page.selectOption("#drill", "");
});

test("images: the images endpoint and the chat image model both render, and a dropped reference is sent", async () => {
  await page.click("#tab-images");
  // gpt-image-2-vip on /chat/completions, 2048x1152.
  await page.click("#image-generate");
  await page.waitForFunction(() => document.querySelectorAll(".image-card:not(.pending) img").length === 1);
  let chat = await lastChat();
  assert.equal(chat.body.model, "gpt-image-2-vip");
  assert.equal(chat.body.size, "2048x1152");

  // The Images API, 1280x1280.
  await page.check("input[name=image-endpoint][value=images]");
  await page.selectOption("#image-size", "1280x1280");
  await page.fill("#image-prompt", "A cute orange kitten, square");
  await page.click("#image-generate");
  await page.waitForFunction(() => document.querySelectorAll(".image-card:not(.pending) img").length === 2);
  const generation = (await posts("/v1/images/generations")).at(-1);
  assert.equal(generation.body.size, "1280x1280");

  // A reference image dropped on the drop zone, edited by the chat image model.
  await page.check("input[name=image-endpoint][value=chat]");
  await page.selectOption("#image-size", "2048x1152");
  await page.fill("#image-prompt", "Convert this image into watercolor style");
  const png = picturePng("reference", 96, 64).toString("base64");
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], "reference.png", { type: "image/png" }));
    document.querySelector("#image-drop").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, png);
  assert.ok(await page.locator("#image-ref").isVisible());
  await page.click("#image-generate");
  await page.waitForFunction(() => document.querySelectorAll(".image-card:not(.pending) img").length === 3);
  chat = await lastChat();
  const parts = chat.body.messages.at(-1).content;
  assert.ok(Array.isArray(parts) && parts.some((p) => p.type === "image_url" && p.image_url.url.startsWith("data:image/png;base64,")), "the reference went as an image_url part");

  const sizes = await page.$$eval(".image-card img", (imgs) => imgs.map((i) => [i.complete, i.naturalWidth, i.naturalHeight]));
  for (const [complete, w, h] of sizes) assert.ok(complete && w > 0 && h > 0);
  assert.deepEqual(sizes.map(([, w, h]) => Math.round((w / h) * 100) / 100), [1.78, 1, 1.78], "newest first, in the sizes asked for");
  const download = page.locator(".image-card").first().locator("a", { hasText: "Download" });
  await page.waitForFunction(() => document.querySelector(".image-card a[download]")?.href.startsWith("blob:"));
  assert.match(await download.getAttribute("download"), /^llmwire-\d+\.png$/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot("images", true);
});

test("embeddings: the cosine heatmap draws, related sentences closest", async () => {
  await page.click("#tab-embeddings");
  await page.click("#embed-run");
  await page.waitForSelector("#heatmap svg");
  const cells = await page.$$eval("#heatmap g.cell", (gs) => gs.map((g) => [Number(g.dataset.value), getComputedStyle(g.querySelector("rect")).fill]));
  assert.equal(cells.length, 36);
  const at = (i, j) => cells[i * 6 + j][0];
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(at(i, i) - 1) < 1e-3);
  assert.ok(at(0, 1) > at(0, 2) && at(2, 3) > at(2, 4) && at(4, 5) > at(4, 0), "cat~dog, revenue~market, rust~javascript");
  assert.ok(new Set(cells.map(([, fill]) => fill)).size > 3, "cells are coloured by value");
  assert.match(await page.locator("#embed-summary").innerText(), /6 × 256 dims/);
  const body = (await posts("/v1/embeddings")).at(-1).body;
  assert.equal(body.encoding_format, "base64");
  assert.equal(body.input.length, 6);
  await shot("embeddings");
});

async function runCalculator({ byHand }) {
  if (byHand) await page.evaluate(() => delete window.llmwireDemo.client.chat.completions.runTools);
  await page.click("#tools-run");
  // A call shows up while the run is still going.
  await page.waitForSelector(".step.call");
  assert.ok(await page.locator("#tools-run").isDisabled(), "the call appeared before the run ended");
  await page.waitForFunction(() => !document.querySelector("#tools-run").disabled);
  const calls = page.locator(".step.call.ran");
  assert.equal(await calls.count(), 2);
  assert.match(await calls.nth(0).innerText(), /"type": "MoM"[\s\S]*"pre_value": "28.89"[\s\S]*"change":"0.80%"/);
  assert.match(await calls.nth(1).innerText(), /"type": "YoY"[\s\S]*"pre_value": "20.96"[\s\S]*"change":"38.93%"/);
  assert.match(await page.locator(".step.answer").innerText(), /\+38\.93%/);
  const rounds = (await posts("/v1/chat/completions")).slice(-2).map((r) => r.body);
  assert.equal(rounds[0].tools[0].function.name, "calculator");
  const toolMessages = rounds[1].messages.filter((m) => m.role === "tool");
  assert.deepEqual(toolMessages.map((m) => m.tool_call_id), rounds[1].messages.find((m) => m.tool_calls).tool_calls.map((c) => c.id));
  assert.equal(await page.getAttribute("#tools-timeline", "data-driver"), byHand ? "create" : "runTools");
}

test("tools: each calculator call and its result are shown as they happen, with llmwire's runTools", async () => {
  await page.click("#tab-tools");
  assert.equal(await page.evaluate(() => typeof window.llmwireDemo.client.chat.completions.runTools), "function", "the package has runTools");
  await runCalculator({ byHand: false });
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot("tools", true);
});

test("tools: the same run driven by the page with chat.completions.create", async () => {
  await runCalculator({ byHand: true });
});

test("settings: bring your own key talks to the gateway directly and keeps the key in this tab's session only", async () => {
  const key = "sk-demo-byok-0123456789abcdef";
  await page.click("#tab-chat");
  await page.click("#settings-open");
  await page.check("input[name=mode][value=byok]");
  await page.fill("#byok-base", `${dev.url}/api/v1`);
  await page.fill("#byok-backups", "");
  await page.fill("#byok-key", key);
  await page.screenshot({ path: join(artifacts, "demo-settings.png") });
  await page.click("#settings-save");
  assert.match(await page.locator("#gateway-badge").innerText(), /Your key/);
  assert.ok(await page.locator("#drill-wrap").isHidden(), "no mock failure drills against a real gateway");
  await send("Hello with my own key");
  assert.equal((await lastChat()).headers.authorization, `Bearer ${key}`);

  const stored = await page.evaluate(() => ({
    session: JSON.stringify(Object.entries(sessionStorage)),
    local: JSON.stringify(Object.entries(localStorage)),
    cookie: document.cookie,
    html: document.documentElement.outerHTML,
  }));
  assert.ok(stored.session.includes(key));
  assert.ok(!stored.local.includes(key) && !stored.cookie.includes(key) && !stored.html.includes(key));

  // The key survives a reload of this tab, and "Forget key" removes it.
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.match(await page.locator("#gateway-badge").innerText(), /Your key/);
  await page.click("#gateway-badge");
  await page.click("#settings-forget");
  assert.match(await page.locator("#gateway-badge").innerText(), /Mock gateway/);
  assert.equal(await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage))), "[]");
});

test("keyboard and screen readers: arrow keys move between tabs, every control has a label", async () => {
  await page.focus("#tab-chat");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.id), "tab-images");
  assert.ok(await page.locator("#panel-images").isVisible());
  await page.keyboard.press("End");
  assert.equal(await page.getAttribute("#tab-tools", "aria-selected"), "true");
  await page.keyboard.press("Home");
  assert.ok(await page.locator("#panel-chat").isVisible());
  const unlabelled = await page.$$eval("input, select, textarea, button", (els) => els.filter((el) => {
    if (el.type === "hidden") return false;
    const named = el.labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.textContent.trim();
    return !named;
  }).map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unlabelled, []);
  // The dark theme and a phone-sized screen, for the record.
  await page.click("#theme");
  await page.click("#theme");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  await page.screenshot({ path: join(artifacts, "demo-dark.png") });
  await page.setViewportSize({ width: 390, height: 800 });
  await page.screenshot({ path: join(artifacts, "demo-phone.png") });
  await page.click("#theme");
  await page.setViewportSize({ width: 1280, height: 860 });
  assert.deepEqual(pageErrors, []);
});

test("with LLMWIRE_API_KEY the dev server relays to the gateway, streams as it arrives, and the key never reaches the page", async () => {
  const secret = "sk-server-side-secret-42";
  const gateway = await startMockGateway({ apiKey: secret, pacingMs: 15 });
  const relay = await startDevServer({ port: 0, env: { LLMWIRE_API_KEY: secret, LLMWIRE_BASE_URL: gateway.baseURL, LLMWIRE_BACKUP_BASE_URLS: gateway.baseURL } });
  const other = await browser.newPage();
  try {
    await other.goto(relay.url);
    await other.waitForSelector("body[data-ready=true]");
    assert.match(await other.locator("#gateway-badge").innerText(), /Gateway · 127\.0\.0\.1/);
    await other.fill("#prompt", "through the relay");
    await other.keyboard.press("Enter");
    const seen = new Set();
    await other.waitForFunction(() => document.body.dataset.chatBusy === "true");
    while ((await other.evaluate(() => document.body.dataset.chatBusy)) === "true") {
      seen.add(await other.evaluate(() => document.querySelector(".msg.assistant:last-child .content")?.textContent.length ?? 0));
      await other.waitForTimeout(10);
    }
    assert.ok([...seen].filter((n) => n > 0).length >= 3, "the relay passes the stream on as it arrives");
    assert.match(await other.locator(".msg.assistant .content").innerText(), /^Echo: through the relay\./);
    assert.equal(gateway.requests.at(-1).headers.authorization, `Bearer ${secret}`);
    const leaked = await other.evaluate(async (s) => {
      const config = await (await fetch("/config.json")).text();
      return [config, document.documentElement.outerHTML, JSON.stringify(Object.entries(sessionStorage)), JSON.stringify(Object.entries(localStorage))].some((t) => t.includes(s));
    }, secret);
    assert.equal(leaked, false);
    // Another site cannot use the relay (and its key).
    const foreign = await fetch(`${relay.url}/api/v1/models`, { headers: { origin: "http://evil.example" } });
    assert.equal(foreign.status, 403);
  } finally {
    await other.close();
    await relay.close();
    await gateway.close();
  }
});
