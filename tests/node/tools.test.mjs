// Tool calling, JSON answers and conversations from the built package in Node, against the mock
// gateway (with a key). The cases live in tests/support/tools-suite.mjs and run in Chromium and
// workerd too; the README's calculator example runs here as it is written.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as lib from "../../pkg/index.js";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { cases, run } from "../support/tools-suite.mjs";

const KEY = "sk-node-tools-secret";
// Generous: a hang fails instead of stalling the run; nothing here is timed more tightly.
const LIMIT = { timeout: 60_000 };
const root = fileURLToPath(new URL("../..", import.meta.url));
let gw;
before(async () => {
  gw = await startMockGateway({ apiKey: KEY });
});
after(() => gw.close());

for (const name of Object.keys(cases)) {
  test(name, LIMIT, async () => {
    const result = await run(name, lib, { baseURL: gw.baseURL, apiKey: KEY });
    assert.ok(result.ok, result.error);
  });
}

test("the README's calculator example runs as written against the mock", LIMIT, async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const example = /<!-- calculator-example -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, "README.md has the calculator example");
  assert.ok(example.split("\n").length <= 30, "a few lines");
  const program = example
    .replace('from "llmwire"', `from ${JSON.stringify(pathToFileURL(join(root, "pkg/index.js")).href)}`)
    .replace('"https://api.01.ai/v1"', JSON.stringify(gw.baseURL));
  const file = join(mkdtempSync(join(tmpdir(), "llmwire-readme-")), "calculator.mjs");
  writeFileSync(file, program);
  const stdout = await new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { env: { ...process.env, YI_API_KEY: KEY }, timeout: 60_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
  });
  assert.match(stdout, /MoM.*0\.80%/);
  assert.match(stdout, /YoY.*38\.93%/);
});

test("require() gets the same tool surface (CommonJS build)", () => {
  const cjs = createRequire(import.meta.url)("../../pkg/index.cjs");
  for (const name of ["Conversation", "ToolRunner", "OutputParseError"]) assert.equal(typeof cjs[name], "function", name);
  assert.equal(typeof new cjs.Client({ baseURL: gw.baseURL }).chat.completions.runTools, "function");
});

test("tool results from a slow consumer: the run waits for the iteration", LIMIT, async () => {
  const client = new lib.Client({ apiKey: KEY, baseURL: gw.baseURL });
  let runs = 0;
  const tools = [{ type: "function", function: { name: "calc", parameters: { type: "object", properties: { expression: { type: "string" } } }, function: () => String(++runs) } }];
  const runner = client.chat.completions.runTools({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "slow consumer" }], tools });
  const seen = [];
  for await (const event of runner) {
    seen.push(event.type);
    // However long this takes, the tool runs only after its call was reported done here.
    if (event.type === "tool_call.done") {
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(runs, 0);
    }
  }
  assert.equal(runs, 1);
  assert.ok(seen.indexOf("tool_call.done") < seen.lastIndexOf("message"));
});

test("a run's conversation never enters wasm memory: two rounds about a 5 MB image leave it the size it was", LIMIT, async () => {
  // The runner keeps the conversation and sends it with the parameters the wasm state decides each
  // round (requestParams); wasm memory, which never shrinks, does not grow to the conversation.
  const [{ initSync: core }, { initSync: extras }] = await Promise.all([import("../../pkg/llmwire_core.js"), import("../../pkg/llmwire_extras.js")]);
  const wasmMemory = () => core().memory.buffer.byteLength + extras().memory.buffer.byteLength;
  const call = { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"cat"}' } };
  const completion = (message, finish) => ({ id: "c", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message, finish_reason: finish }] });
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const sent = [];
  const fetch = async (url, init) => {
    const body = JSON.parse(init.body);
    sent.push(body);
    const first = body.messages.length === 1;
    if (!body.stream) {
      const message = first ? { role: "assistant", content: null, tool_calls: [call] } : { role: "assistant", content: "a cat, says lookup" };
      return new Response(JSON.stringify(completion(message, first ? "tool_calls" : "stop")), { headers: { "content-type": "application/json" } });
    }
    const events = first
      ? chunk({ role: "assistant", tool_calls: [{ index: 0, ...call }] }) + chunk({}, "tool_calls")
      : chunk({ role: "assistant", content: "a cat, says lookup" }) + chunk({}, "stop");
    return new Response(`${events}data: [DONE]\n\n`, { headers: { "content-type": "text/event-stream" } });
  };
  const client = new lib.Client({ apiKey: KEY, baseURL: "http://vision.invalid/v1", fetch, streamUsage: true });
  const tools = [{ type: "function", function: { name: "lookup", parameters: { type: "object" }, function: ({ q }) => `found ${q}` } }];
  const tool_choice = { type: "function", function: { name: "lookup" } };
  const ask = (content, stream) => ({ model: "m", messages: [{ role: "user", content }], tools, tool_choice, stream, temperature: 0.2 });
  await client.chat.completions.runTools(ask("warm", true)).finalContent();
  await client.chat.completions.runTools(ask("warm", false)).finalContent();
  sent.length = 0;
  const before = wasmMemory();
  const image = `data:image/png;base64,${"iVBORw0KGgo".repeat(500_000)}`;
  const content = [{ type: "text", text: "这张图里有什么？ What is in it?" }, { type: "image_url", image_url: { url: image } }];
  for (const stream of [true, false]) {
    const runner = client.chat.completions.runTools(ask(content, stream));
    assert.equal(await runner.finalContent(), "a cat, says lookup");
    assert.deepEqual(runner.messages.map((m) => m.role), ["user", "assistant", "tool", "assistant"]);
  }
  assert.ok(wasmMemory() - before < 1 << 20, `wasm memory grew from ${before} to ${wasmMemory()} bytes`);
  // Each round sent the whole conversation, with the parameters as the wasm state decided them.
  assert.equal(sent.length, 4);
  for (const [i, body] of sent.entries()) {
    const round = i % 2;
    assert.equal(body.messages[0].content[1].image_url.url, image);
    assert.deepEqual(body.messages.slice(1).map((m) => m.role), round ? ["assistant", "tool"] : []);
    if (round) assert.deepEqual(body.messages[2], { role: "tool", tool_call_id: "call_1", content: "found cat" });
    assert.deepEqual(body.tool_choice, round ? "auto" : tool_choice, "a forced tool in the first round only");
    assert.deepEqual(body.stream_options, i < 2 ? { include_usage: true } : undefined);
    assert.deepEqual(Object.keys(body), ["model", "tools", "tool_choice", "temperature", ...(i < 2 ? ["stream_options"] : []), "messages", "stream"]);
    assert.equal(body.stream, i < 2);
  }
});

test("a Conversation's history never enters wasm memory: trimming around a 5 MB image leaves it the size it was", LIMIT, async () => {
  // Trimming estimates each message in Rust; an image counts 765 tokens whatever its URL, so the
  // history goes there without its image URLs.
  const [{ initSync: core }, { initSync: extras }] = await Promise.all([import("../../pkg/llmwire_core.js"), import("../../pkg/llmwire_extras.js")]);
  const wasmMemory = () => core().memory.buffer.byteLength + extras().memory.buffer.byteLength;
  const sent = [];
  const fetch = async (url, init) => {
    sent.push(JSON.parse(init.body));
    const message = { role: "assistant", content: "a cat" };
    return new Response(JSON.stringify({ id: "c", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message, finish_reason: "stop" }] }), { headers: { "content-type": "application/json" } });
  };
  const client = new lib.Client({ apiKey: KEY, baseURL: "http://vision.invalid/v1", fetch });
  const chat = new lib.Conversation(client, { model: "m", system: "Be brief.", maxTokens: 1000 });
  await chat.send("warm");
  chat.clear();
  const before = wasmMemory();
  const image = `data:image/png;base64,${"iVBORw0KGgo".repeat(500_000)}`;
  await chat.send([{ type: "text", text: "这张图里有什么？" }, { type: "image_url", image_url: { url: image } }]);
  await chat.send("And the colour?");
  assert.deepEqual(chat.messages.map((m) => m.role), ["system", "user", "assistant", "user", "assistant"]);
  assert.equal(sent.at(-1).messages[1].content[1].image_url.url, image, "the image is sent whole");
  // ~300 tokens more pass the budget with the image's 765: the oldest turn, the image's message, is dropped.
  chat.push({ role: "user", content: "x".repeat(1200) });
  assert.deepEqual(chat.messages.map((m) => m.role), ["system", "assistant", "user", "assistant", "user"]);
  assert.equal(chat.messages[2].content, "And the colour?");
  assert.ok(wasmMemory() - before < 1 << 20, `wasm memory grew from ${before} to ${wasmMemory()} bytes`);
});

test("a long answer never enters the tool loop's wasm memory: runTools and Conversation add a 4 MB assistant message as it came", LIMIT, async () => {
  // Rust makes the history's assistant message from the completion's shape, its members stood in
  // (features.js answerShape), and JavaScript puts them back. Before, each completion crossed into
  // the extras' memory whole and came back as the message: about 3x the answer, for good.
  const { initSync: extras } = await import("../../pkg/llmwire_extras.js");
  const memory = () => extras().memory.buffer.byteLength;
  const long = "长".repeat(500_000) + "\u2028\"\\ end";
  const image = `data:image/png;base64,${"iVBORw0KGgo".repeat(100_000)}`;
  let message = { role: "assistant", content: "hi" };
  const completion = () => ({ id: "c", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message, finish_reason: "stop", logprobs: { content: [] } }] });
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const fetch = async (url, init) =>
    JSON.parse(init.body).stream
      ? new Response(`${chunk({ role: "assistant", content: message.content })}${chunk({}, "stop")}data: [DONE]\n\n`, { headers: { "content-type": "text/event-stream" } })
      : new Response(JSON.stringify(completion()), { headers: { "content-type": "application/json" } });
  const client = new lib.Client({ apiKey: KEY, baseURL: "http://long.invalid/v1", fetch });
  const tools = [{ type: "function", function: { name: "noop", parameters: { type: "object", properties: {} }, function: () => "" } }];
  const ask = (stream) => client.chat.completions.runTools({ model: "m", messages: [{ role: "user", content: "go" }], tools, stream });
  const chat = new lib.Conversation(client, { model: "m" });
  await ask(false).finalContent();
  await ask(true).finalContent();
  await chat.send("warm");
  const before = memory();
  // Every member but role and tool_calls is stood in; null ones are dropped, as Rust always did.
  message = { role: "assistant", content: long, refusal: null, reasoning_content: long, images: [{ type: "image_url", image_url: { url: image } }], annotations: [] };
  const expected = { role: "assistant", content: long, reasoning_content: long, images: message.images, annotations: [] };
  const runner = ask(false);
  assert.equal(await runner.finalContent(), long);
  assert.deepEqual(runner.messages.at(-1), expected);
  assert.deepEqual(Object.keys(runner.messages.at(-1)), Object.keys(expected));
  const streamed = ask(true);
  assert.equal(await streamed.finalContent(), long);
  assert.deepEqual(streamed.messages.at(-1), { role: "assistant", content: long });
  await chat.send("tell me");
  assert.deepEqual(chat.messages.at(-1), expected);
  const sent = await chat.stream("again");
  await sent.finalChatCompletion();
  assert.deepEqual(chat.messages.at(-1), { role: "assistant", content: long });
  assert.ok(memory() - before < 1 << 20, `the extras' wasm memory grew from ${before} to ${memory()} bytes`);
});
