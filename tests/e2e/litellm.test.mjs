// End to end against a real gateway: the LiteLLM proxy (installed by scripts/litellm.sh into
// .cache/litellm-venv), started here on a free 127.0.0.1 port with the mock models of
// litellm.config.yaml, and the built package (pkg/) in Node and in headless Chromium.
//
// LiteLLM is kept offline: its start-up downloads (model cost map and other JSON files) are
// turned off by environment variables, and its HTTP(S)_PROXY points at a tripwire on 127.0.0.1
// that refuses and records every outbound attempt; the last test checks that there was none.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { Client, ChatStream, APIError, AuthenticationError } from "../../pkg/index.js";
import { launchChromium } from "../support/chromium.mjs";
import { START_TIMEOUT_MS, masterKey, startLiteLLM, startStaticServer, startTripwire } from "./litellm-server.mjs";

const CONFIG = join(dirname(fileURLToPath(import.meta.url)), "litellm.config.yaml");
const KEY = masterKey(CONFIG);
const BAD_KEY = "sk-e2e-wrong-key-5b7c1d9e";

// What litellm.config.yaml makes the models answer.
const TEXT = 'Hello from LiteLLM. 你好，世界！这是一个测试。 Emoji: 👋🏽 👩‍💻 🇯🇵 🎉. Third sentence, with "quotes" and a backslash \\ too.';
const MOCK_TOOL_CALLS = [
  { id: "call_weather_1", name: "get_weather", arguments: { city: "東京", unit: "celsius", days: [1, 2, 3] } },
  { id: "call_time_2", name: "get_time", arguments: { tz: "Asia/Tokyo", format: { clock: 24, note: '🕒 "now"' } } },
];
// What llmwire_provider.py streams for mock-tools-stream.
const STREAM_TOOL_CALLS = [
  MOCK_TOOL_CALLS[0],
  { id: "call_time_2", name: "get_time", arguments: { tz: "Asia/Tokyo", format: { clock: 24, note: '🕒 "now" \\ 👩‍💻' } } },
];
const TOOLS = [
  { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
  { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { tz: { type: "string" } } } } },
];

const ask = (model, extra = {}) => ({ model, messages: [{ role: "user", content: "Hello, LiteLLM" }], ...extra });

let litellm; // { baseURL, close, log }
let tripwire; // { url, attempts, close }

/** Runs `fn` and returns what it threw. */
async function thrown(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected an error");
}

/** Every way an error can be shown or logged, in one string. */
const everyRendering = (e) => [e.message, e.stack, String(e), JSON.stringify(e), inspect(e, { depth: 5, showHidden: true })].join("\n");

const parsedCalls = (calls) => calls.map((c) => ({ id: c.id, name: c.function.name, arguments: JSON.parse(c.function.arguments) }));

before(async () => {
  tripwire = await startTripwire();
  litellm = await startLiteLLM(tripwire.url, CONFIG);
}, { timeout: START_TIMEOUT_MS + 15_000 });

after(async () => {
  await litellm?.close();
  await tripwire?.close();
});

describe("Node", () => {
  let client;
  before(() => {
    client = new Client({ apiKey: KEY, baseURL: litellm.baseURL });
  });

  test("the model list (plain fetch: the package has no models API)", async () => {
    const r = await fetch(`${litellm.baseURL}/models`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(r.status, 200);
    const list = await r.json();
    assert.equal(list.object, "list");
    assert.deepEqual(list.data.map((m) => m.id).sort(), ["mock-text", "mock-tools", "mock-tools-stream", "yi-lightning"]);
    for (const m of list.data) assert.equal(m.object, "model");
    const bad = await fetch(`${litellm.baseURL}/models`, { headers: { authorization: `Bearer ${BAD_KEY}` } });
    assert.equal(bad.status, 401);
  });

  test("non-streamed chat", async () => {
    const c = await client.chat.completions.create(ask("mock-text", { temperature: 0.2 }));
    assert.equal(c.object, "chat.completion");
    assert.equal(c.model, "mock-text");
    assert.match(c.id, /^chatcmpl-/);
    assert.equal(c.choices.length, 1);
    assert.deepEqual(c.choices[0].message, { role: "assistant", content: TEXT });
    assert.equal(c.choices[0].finish_reason, "stop");
    assert.ok(c.usage.total_tokens > 0);
    assert.equal(c._attempts, 1);
    assert.equal(c._base_url, litellm.baseURL);
  });

  test("streamed chat: chunks, textStream and finalChatCompletion agree", async () => {
    for (const model of ["mock-text", "yi-lightning"]) {
      const stream = await client.chat.completions.create(ask(model, { stream: true }));
      assert.ok(stream instanceof ChatStream);
      let text = "";
      let chunks = 0;
      for await (const chunk of stream) {
        assert.equal(chunk.object, "chat.completion.chunk");
        assert.equal(chunk.model, model);
        text += chunk.choices[0]?.delta?.content ?? "";
        chunks++;
      }
      assert.equal(text, TEXT, model);
      assert.ok(chunks > 20, `${model}: only ${chunks} chunks`);
      const final = await stream.finalChatCompletion();
      assert.equal(final.object, "chat.completion");
      assert.equal(final.choices[0].message.role, "assistant");
      assert.equal(final.choices[0].message.content, TEXT);
      assert.equal(final.choices[0].finish_reason, "stop");

      const again = await client.chat.completions.create(ask(model, { stream: true }));
      const pieces = [];
      for await (const piece of again.textStream) pieces.push(piece);
      // textStream yields the text of what each network read brought, so pieces can hold several chunks.
      assert.ok(pieces.length >= 1 && pieces.every((p) => typeof p === "string" && p !== ""));
      assert.equal(pieces.join(""), TEXT);
      assert.equal(await again.finalContent(), TEXT);
    }
  });

  test("streamed chat with include_usage: LiteLLM's usage chunk keeps finish_reason", async () => {
    // LiteLLM sends the usage chunk with `choices: [{index: 0, delta: {}}]` where OpenAI sends `choices: []`.
    const stream = await client.chat.completions.create(ask("mock-text", { stream: true, stream_options: { include_usage: true } }));
    let usageChunk;
    for await (const chunk of stream) if (chunk.usage) usageChunk = chunk;
    assert.ok(usageChunk, "no usage chunk");
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices.length, 1);
    assert.equal(final.choices[0].message.content, TEXT);
    assert.equal(final.choices[0].finish_reason, "stop");
    assert.deepEqual(final.usage, usageChunk.usage);
  });

  test("non-streamed tool calls (mock_tool_calls)", async () => {
    const c = await client.chat.completions.create(ask("mock-tools", { tools: TOOLS }));
    const message = c.choices[0].message;
    assert.deepEqual(parsedCalls(message.tool_calls), MOCK_TOOL_CALLS);
    for (const call of message.tool_calls) assert.equal(call.type, "function");
    // LiteLLM's mock answers finish_reason "stop" and content "This is a mock request" beside the calls.
    assert.equal(typeof c.choices[0].finish_reason, "string");
  });

  test("streamed tool calls accumulate into valid JSON arguments", async () => {
    const stream = await client.chat.completions.create(ask("mock-tools-stream", { tools: TOOLS, stream: true }));
    let fragments = 0;
    const seenIndexes = new Set();
    for await (const chunk of stream) {
      for (const d of chunk.choices[0]?.delta?.tool_calls ?? []) {
        seenIndexes.add(d.index);
        if (d.function?.arguments) fragments++;
      }
    }
    assert.deepEqual([...seenIndexes].sort(), [0, 1]);
    assert.ok(fragments > 10, `only ${fragments} argument fragments`);
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0];
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.role, "assistant");
    assert.ok(!choice.message.content, `content ${JSON.stringify(choice.message.content)}`);
    assert.deepEqual(parsedCalls(choice.message.tool_calls), STREAM_TOOL_CALLS);
    for (const call of choice.message.tool_calls) assert.equal(call.type, "function");

    // The same model, not streamed, gives the same calls.
    const whole = await client.chat.completions.create(ask("mock-tools-stream", { tools: TOOLS }));
    assert.deepEqual(whole.choices[0].message.tool_calls, choice.message.tool_calls);
    assert.equal(whole.choices[0].finish_reason, "tool_calls");
  });

  // LiteLLM puts `content: ""` in every tool-call delta (OpenAI sends null once, then nothing);
  // the final message must still have content null, like the non-streamed answer and openai-node.
  test("streamed tool calls leave content null, as openai-node and the non-streamed answer do", async () => {
    const stream = await client.chat.completions.create(ask("mock-tools-stream", { tools: TOOLS, stream: true }));
    const final = await stream.finalChatCompletion();
    const whole = await client.chat.completions.create(ask("mock-tools-stream", { tools: TOOLS }));
    assert.equal(whole.choices[0].message.content, null);
    assert.equal(final.choices[0].message.content, null);
  });

  test("leaving a stream early closes it, and the proxy keeps serving", async () => {
    const stream = await client.chat.completions.create(ask("mock-text", { stream: true }));
    let chunks = 0;
    for await (const _ of stream) if (++chunks === 3) break;
    assert.equal(chunks, 3);
    const c = await client.chat.completions.create(ask("mock-text"));
    assert.equal(c.choices[0].message.content, TEXT);
  });

  test("a bad key: AuthenticationError 401 that never shows the key", async () => {
    const bad = new Client({ apiKey: BAD_KEY, baseURL: litellm.baseURL, maxRetries: 2 });
    for (const stream of [false, true]) {
      const e = await thrown(async () => {
        const r = await bad.chat.completions.create(ask("mock-text", { stream }));
        if (stream) for await (const _ of r);
      });
      assert.ok(e instanceof AuthenticationError, `${stream ? "streamed" : "plain"}: ${e?.name}: ${e?.message}`);
      assert.ok(e instanceof APIError);
      assert.equal(e.name, "AuthenticationError");
      assert.equal(e.status, 401);
      assert.equal(e.type, "auth_error");
      assert.equal(e.retryable, false);
      assert.match(e.message, /Authentication Error/);
      // LiteLLM (llmwire_auth.py) repeats the key it was given; llmwire must not.
      assert.match(e.error.message, /\[redacted\]/);
      assert.ok(!everyRendering(e).includes(BAD_KEY), everyRendering(e));
    }
    // No key at all: LiteLLM's own 401.
    const e = await thrown(() => new Client({ baseURL: litellm.baseURL }).chat.completions.create(ask("mock-text")));
    assert.ok(e instanceof AuthenticationError, `${e?.name}: ${e?.message}`);
    assert.equal(e.status, 401);
  });
});

describe("Chromium", () => {
  let browser;
  let page;
  let site;

  before(async () => {
    site = await startStaticServer();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e));
    await page.goto(`${site.url}/`);
  }, { timeout: 60_000 });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test("the package streams chat from LiteLLM cross-origin", async () => {
    const out = await page.evaluate(async ({ baseURL, key }) => {
      const { Client } = await import("/pkg/index.js");
      const client = new Client({ apiKey: key, baseURL, dangerouslyAllowBrowser: true });
      const ask = { model: "mock-text", messages: [{ role: "user", content: "Hello from the page" }] };
      const plain = await client.chat.completions.create(ask);
      const stream = await client.chat.completions.create({ ...ask, stream: true });
      let text = "";
      let chunks = 0;
      for await (const c of stream) {
        text += c.choices[0]?.delta?.content ?? "";
        chunks++;
      }
      const final = await stream.finalChatCompletion();
      const again = await client.chat.completions.create({ ...ask, stream: true });
      let textStream = "";
      for await (const t of again.textStream) textStream += t;
      const tools = await client.chat.completions.create({ ...ask, model: "mock-tools-stream", stream: true });
      for await (const _ of tools);
      const toolFinal = await tools.finalChatCompletion();
      return {
        origin: location.origin,
        plain: plain.choices[0].message.content,
        text,
        chunks,
        final: final.choices[0].message.content,
        finish: final.choices[0].finish_reason,
        textStream,
        toolCalls: toolFinal.choices[0].message.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: JSON.parse(c.function.arguments) })),
      };
    }, { baseURL: litellm.baseURL, key: KEY });
    assert.notEqual(new URL(out.origin).port, new URL(litellm.baseURL).port, "the page must call LiteLLM cross-origin");
    assert.equal(out.plain, TEXT);
    assert.equal(out.text, TEXT);
    assert.ok(out.chunks > 20, `only ${out.chunks} chunks`);
    assert.equal(out.final, TEXT);
    assert.equal(out.finish, "stop");
    assert.equal(out.textStream, TEXT);
    assert.deepEqual(out.toolCalls, STREAM_TOOL_CALLS);
  });

  test("a bad key in the page: AuthenticationError 401 that never shows the key", async () => {
    const out = await page.evaluate(async ({ baseURL, badKey }) => {
      const { Client, AuthenticationError } = await import("/pkg/index.js");
      const client = new Client({ apiKey: badKey, baseURL, dangerouslyAllowBrowser: true });
      const results = [];
      for (const stream of [false, true]) {
        try {
          const r = await client.chat.completions.create({ model: "mock-text", stream, messages: [{ role: "user", content: "x" }] });
          if (stream) for await (const _ of r);
          results.push({ stream, threw: false });
        } catch (e) {
          const shown = [e.message, e.stack, String(e), JSON.stringify(e)].join("\n");
          results.push({ stream, auth: e instanceof AuthenticationError, name: e.name, status: e.status, type: e.type, leaks: shown.includes(badKey), redacted: /\[redacted\]/.test(e.error?.message ?? "") });
        }
      }
      return results;
    }, { baseURL: litellm.baseURL, badKey: BAD_KEY });
    for (const stream of [false, true]) {
      assert.deepEqual(out.find((r) => r.stream === stream), { stream, auth: true, name: "AuthenticationError", status: 401, type: "auth_error", leaks: false, redacted: true });
    }
  });
});

test("LiteLLM tried nothing outside 127.0.0.1", () => {
  assert.deepEqual(tripwire.attempts, []);
  assert.doesNotMatch(litellm.log(), /model cost map fetch|ConnectError|ProxyError|Name or service not known/);
});
