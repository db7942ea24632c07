// Self-test of the mock gateway: `node --test mock-gateway/`.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { startMockGateway, createGatewayHandler, SCENARIOS } from "./gateway.mjs";

const FIXED = "你好，世界 👋 — streamed by the llmwire mock gateway.";
let gw;

before(async () => {
  gw = await startMockGateway();
});
after(() => gw.close());

function chat(body, scenario) {
  const headers = { "content-type": "application/json", ...(scenario ? { "x-mock-scenario": scenario } : {}) };
  return fetch(`${gw.baseURL}/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }], ...body }),
  });
}

// Tiny SSE splitter: strips a BOM, normalises CRLF, skips comment-only blocks.
function parseSse(text) {
  const events = [];
  for (const block of text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n").split("\n\n")) {
    const lines = block.split("\n").filter((line) => line && !line.startsWith(":"));
    if (lines.length === 0) continue;
    const event = lines.find((line) => line.startsWith("event:"))?.slice(6).trim() ?? "message";
    const data = lines.filter((line) => line.startsWith("data:")).map((line) => line.slice(5).replace(/^ /, "")).join("\n");
    events.push({ event, data });
  }
  return events;
}

const jsonEvents = (events) => events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));

// Concatenated content per choice index.
function contents(chunks) {
  const out = [];
  for (const chunk of chunks) {
    for (const choice of chunk.choices) out[choice.index] = (out[choice.index] ?? "") + (choice.delta.content ?? "");
  }
  return out;
}

async function streamEvents(body, scenario) {
  const res = await chat({ stream: true, ...body }, scenario);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  return parseSse(await res.text());
}

function assertErrorShape(body) {
  assert.deepEqual(Object.keys(body.error).sort(), ["code", "message", "param", "type"]);
  assert.equal(typeof body.error.message, "string");
}

test("models list includes several providers and the 01.AI ownedBy quirk", async () => {
  const res = await fetch(`${gw.baseURL}/models`);
  const list = await res.json();
  assert.equal(list.object, "list");
  const byId = Object.fromEntries(list.data.map((m) => [m.id, m]));
  assert.equal(byId["gpt-4o-mini"].owned_by, "openai");
  assert.equal(byId["claude-sonnet-4"].owned_by, "anthropic");
  assert.equal(byId["yi-lightning"].ownedBy, "01.ai");
  assert.equal(byId["yi-lightning"].owned_by, undefined);
  assert.equal((await (await fetch(`${gw.baseURL}/models/yi-vision-v2`)).json()).ownedBy, "01.ai");
  const missing = await fetch(`${gw.baseURL}/models/nope`);
  assert.equal(missing.status, 404);
  assertErrorShape(await missing.json());
});

test("non-stream chat echoes the last user message", async () => {
  const res = await chat({});
  assert.match(res.headers.get("x-request-id"), /^req_mock_\d+$/);
  const body = await res.json();
  assert.equal(body.object, "chat.completion");
  assert.match(body.id, /^chatcmpl-mock-\d+$/);
  assert.equal(body.model, "gpt-4o-mini");
  assert.deepEqual(body.choices[0].message, { role: "assistant", content: `Echo: hello. ${FIXED}` });
  assert.equal(body.choices[0].finish_reason, "stop");
  const { prompt_tokens, completion_tokens, total_tokens } = body.usage;
  assert.equal(total_tokens, prompt_tokens + completion_tokens);
});

test("max_tokens cuts the reply and reports finish_reason length", async () => {
  const body = await (await chat({ max_tokens: 3 })).json();
  assert.equal(body.choices[0].message.content, "Echo: hello. 你好，世界");
  assert.equal(body.choices[0].finish_reason, "length");
});

test("stream reassembles to the non-stream content and ends with [DONE]", async () => {
  const events = await streamEvents({});
  assert.equal(events.at(-1).data, "[DONE]");
  const chunks = jsonEvents(events);
  assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id));
  assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "" });
  assert.equal(contents(chunks)[0], `Echo: hello. ${FIXED}`);
  assert.equal(chunks.at(-1).choices[0].finish_reason, "stop");
});

test("n=2 streams interleaved choices matching the non-stream reply", async () => {
  const whole = await (await chat({ n: 2 })).json();
  const chunks = jsonEvents(await streamEvents({ n: 2 }));
  assert.deepEqual(contents(chunks), whole.choices.map((c) => c.message.content));
  assert.notEqual(whole.choices[0].message.content, whole.choices[1].message.content);
  assert.deepEqual(chunks.slice(0, 2).map((c) => c.choices[0].index), [0, 1]);
});

test("include_usage adds a usage-only chunk before [DONE]", async () => {
  const chunks = jsonEvents(await streamEvents({ stream_options: { include_usage: true } }));
  assert.deepEqual(chunks.at(-1).choices, []);
  assert.ok(chunks.at(-1).usage.total_tokens > 0);
  const usageOnly = jsonEvents(await streamEvents({}, "usage-only"));
  assert.deepEqual(usageOnly.at(-1).choices, []);
});

test("tool calls stream argument fragments that reassemble to JSON", async () => {
  const tools = [{
    type: "function",
    function: { name: "calculate", parameters: { type: "object", properties: { expression: { type: "string" }, digits: { type: "integer" } } } },
  }];
  const chunks = jsonEvents(await streamEvents({ tools }));
  const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
  assert.deepEqual(calls[0], { index: 0, id: "call_mock_1", type: "function", function: { name: "calculate", arguments: "" } });
  assert.ok(calls.length > 3);
  const args = calls.map((call) => call.function.arguments).join("");
  assert.deepEqual(JSON.parse(args), { expression: "12*7", digits: 1 });
  assert.equal(chunks.at(-1).choices[0].finish_reason, "tool_calls");

  const messages = [
    { role: "user", content: "what is 12*7?" },
    { role: "assistant", content: null, tool_calls: [{ id: "call_mock_1", type: "function", function: { name: "calculate", arguments: args } }] },
    { role: "tool", tool_call_id: "call_mock_1", content: "84" },
  ];
  const answer = await (await chat({ tools, messages })).json();
  assert.equal(answer.choices[0].message.content, "The tool said: 84");
});

test("error scenarios return OpenAI-shaped JSON errors", async () => {
  const expected = {
    "http-400": [400, "invalid_value"], "http-401": [401, "invalid_api_key"], "http-403": [403, "permission_denied"],
    "http-404": [404, "model_not_found"], "http-422": [422, "unprocessable_entity"], "http-429": [429, "rate_limit_exceeded"],
    "429-quota": [429, "insufficient_quota"], "http-500": [500, "internal_error"], "http-503": [503, "service_unavailable"],
    "http-529": [529, "system_busy"], "x-should-retry-false": [500, "internal_error"],
  };
  for (const [scenario, [status, code]] of Object.entries(expected)) {
    const res = await chat({ stream: true }, scenario);
    assert.equal(res.status, status, scenario);
    assert.equal(res.headers.get("content-type"), "application/json");
    const body = await res.json();
    assertErrorShape(body);
    assert.equal(body.error.code, code, scenario);
  }
  const limited = await chat({}, "http-429");
  assert.equal(limited.headers.get("retry-after"), "1");
  assert.equal(limited.headers.get("retry-after-ms"), "1000");
  assert.equal((await chat({}, "429-quota")).status, 429);
  assert.equal((await chat({}, "x-should-retry-false")).headers.get("x-should-retry"), "false");
  assert.equal((await chat({}, "no-such-scenario")).status, 400);
});

test("html-502 returns an HTML page", async () => {
  const res = await chat({}, "html-502");
  assert.equal(res.status, 502);
  assert.match(res.headers.get("content-type"), /^text\/html/);
  assert.match(await res.text(), /<title>502 Bad Gateway<\/title>/);
});

test("429-then-ok fails once per reset, selected by header or model name", async () => {
  await fetch(`${gw.url}/__mock/reset`, { method: "POST" });
  assert.equal((await chat({}, "429-then-ok")).status, 429);
  assert.equal((await chat({}, "429-then-ok")).status, 200);
  assert.equal((await chat({ model: "mock-scenario:500-then-ok" })).status, 500);
  const ok = await chat({ model: "mock-scenario:500-then-ok" });
  assert.equal((await ok.json()).model, "mock-scenario:500-then-ok");
  // The header wins over the model name.
  assert.equal((await chat({ model: "mock-scenario:http-500" }, "ok")).status, 200);
});

test("crlf scenario starts with a BOM and keep-alive comment and uses CRLF", async () => {
  const res = await chat({ stream: true }, "crlf");
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString("utf8");
  assert.ok(text.startsWith("\uFEFF: keep-alive\r\n\r\n"));
  assert.ok(!/[^\r]\n/.test(text));
  const events = parseSse(text);
  assert.equal(events.at(-1).data, "[DONE]");
  assert.equal(contents(jsonEvents(events))[0], `Echo: hello. ${FIXED}`);
});

test("yi-stream adds cumulative content and lastOne", async () => {
  const chunks = jsonEvents(await streamEvents({}, "yi-stream"));
  assert.ok(chunks.slice(0, -1).every((c) => c.lastOne === false));
  assert.equal(chunks.at(-1).lastOne, true);
  assert.equal(chunks.at(-1).content, `Echo: hello. ${FIXED}`);
  assert.ok(chunks.at(-1).usage);
});

test("faulty streams: malformed, error payload, error event, cut", async () => {
  const malformed = await streamEvents({}, "malformed-event");
  assert.equal(malformed[3].data, '{"id":"x","choices":[{"delta":{"content":"oops"');
  assert.equal(malformed.at(-1).data, "[DONE]");

  const inStream = await streamEvents({}, "error-in-stream");
  assert.equal(inStream.length, 4);
  assert.equal(JSON.parse(inStream[3].data).error.code, "overloaded");

  const eventError = await streamEvents({}, "error-event");
  assert.equal(eventError.at(-1).event, "error");
  assert.equal(JSON.parse(eventError.at(-1).data).error.message, "stream failed");

  const cut = await streamEvents({}, "cut-stream");
  assert.equal(cut.length, 3);
  assert.ok(cut.every((e) => e.data !== "[DONE]"));
});

test("drop-mid-stream makes the body read fail", async () => {
  const res = await chat({ stream: true }, "drop-mid-stream");
  assert.equal(res.status, 200);
  await assert.rejects(res.text());
});

test("json-instead-of-sse and image-on-chat ignore stream: true", async () => {
  const json = await chat({ stream: true }, "json-instead-of-sse");
  assert.equal(json.headers.get("content-type"), "application/json");
  assert.equal((await json.json()).object, "chat.completion");

  const image = await (await chat({ stream: true, model: "gpt-image-2-vip" }, "image-on-chat")).json();
  assert.equal(image.choices, undefined);
  assert.match(image.data[0].url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/mock-images\/[0-9a-f]{16}\.png$/);
  assert.ok(image.usage.total_tokens > 0);
});

test("huge-line sends a 2 MiB content delta", async () => {
  const events = await streamEvents({}, "huge-line");
  assert.ok(events[1].data.length > 2 * 1024 * 1024);
  assert.equal(contents(jsonEvents(events))[0].length, 2 * 1024 * 1024);
  assert.equal(events.at(-1).data, "[DONE]");
});

test("hang and headers-then-silence can be aborted by the client", async () => {
  const started = Date.now();
  const hang = fetch(`${gw.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "x-mock-scenario": "hang" },
    body: "{}",
    signal: AbortSignal.timeout(200),
  });
  await assert.rejects(hang, { name: "TimeoutError" });
  assert.ok(Date.now() - started < 1000);

  const controller = new AbortController();
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "x-mock-scenario": "headers-then-silence" },
    body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] }),
    signal: controller.signal,
  });
  const reader = res.body.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  assert.match(first, /^data: /);
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(reader.read(), { name: "AbortError" });
});

test("slow-drip paces events by about 150 ms", async () => {
  const res = await chat({ stream: true }, "slow-drip");
  const reader = res.body.getReader();
  const started = Date.now();
  let text = "";
  while ((text.match(/\n\n/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
  assert.ok(Date.now() - started >= 250);
  await reader.cancel();
});

test("embeddings: float and base64 encodings agree", async () => {
  const embed = async (extra) =>
    (await (await fetch(`${gw.baseURL}/embeddings`, {
      method: "POST",
      body: JSON.stringify({ model: "text-embedding-3-small", input: ["alpha", "beta"], ...extra }),
    })).json());
  const floats = await embed({ dimensions: 16 });
  const base64 = await embed({ dimensions: 16, encoding_format: "base64" });
  assert.equal(floats.data.length, 2);
  assert.equal(floats.data[0].embedding.length, 16);
  const norm = Math.hypot(...floats.data[0].embedding);
  assert.ok(Math.abs(norm - 1) < 1e-5);
  floats.data.forEach((item, i) => {
    const decoded = Array.from(new Float32Array(new Uint8Array(Buffer.from(base64.data[i].embedding, "base64")).buffer));
    assert.deepEqual(decoded, item.embedding);
  });
  assert.equal((await embed({ input: "single" })).data[0].embedding.length, 8);
  assert.ok(floats.usage.total_tokens > 0);
});

test("images: b64_json is a real PNG; url is a data URL", async () => {
  const generate = async (extra) =>
    (await (await fetch(`${gw.baseURL}/images/generations`, {
      method: "POST",
      body: JSON.stringify({ model: "gpt-image-2-vip", prompt: "a lighthouse", ...extra }),
    })).json());
  const png = Buffer.from((await generate({})).data[0].b64_json, "base64");
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 64);
  assert.match((await generate({ response_format: "url" })).data[0].url, /^data:image\/png;base64,iVBOR/);
});

test("auth: 401 without the key, never echoing it", async () => {
  const secret = "sk-mock-secret-123";
  const guarded = await startMockGateway({ apiKey: secret });
  try {
    const denied = await fetch(`${guarded.baseURL}/models`, { headers: { authorization: "Bearer wrong-key" } });
    assert.equal(denied.status, 401);
    const text = await denied.text();
    assert.ok(!text.includes(secret) && !text.includes("wrong-key"));
    assert.deepEqual(JSON.parse(text), {
      error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key", param: null },
    });
    assert.equal((await fetch(`${guarded.baseURL}/models`, { headers: { authorization: `Bearer ${secret}` } })).status, 200);
    assert.equal(guarded.requests.length, 2);
  } finally {
    await guarded.close();
  }
});

test("CORS preflight and headers", async () => {
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: "OPTIONS",
    headers: { origin: "http://example.test", "access-control-request-method": "POST" },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.match(res.headers.get("access-control-allow-headers"), /authorization/);
  assert.match(res.headers.get("access-control-allow-headers"), /x-mock-scenario/);
  assert.match(res.headers.get("access-control-expose-headers"), /retry-after-ms/);
  assert.match(res.headers.get("access-control-allow-methods"), /POST/);
});

test("request log, reset and unknown routes", async () => {
  await fetch(`${gw.url}/__mock/reset`, { method: "POST" });
  const unknown = await fetch(`${gw.baseURL}/nope`, { method: "POST", body: "not json" });
  assert.equal(unknown.status, 404);
  assertErrorShape(await unknown.json());
  await chat({}, "ok");
  const log = await (await fetch(`${gw.url}/__mock/requests`)).json();
  assert.deepEqual(log.map((r) => r.path), ["/v1/nope", "/v1/chat/completions"]);
  assert.equal(log[0].body, "not json");
  assert.equal(log[1].body.messages[0].content, "hello");
  assert.equal(log[1].headers["x-mock-scenario"], "ok");
  assert.equal(gw.requests.length, 2);
});

test("createGatewayHandler serves under a prefix", async () => {
  const server = http.createServer(createGatewayHandler({ prefix: "/mock" }));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    assert.equal((await fetch(`${base}/mock/v1/models`)).status, 200);
    assert.equal((await fetch(`${base}/v1/models`)).status, 404);
  } finally {
    server.closeAllConnections();
    server.close();
  }
  assert.ok(SCENARIOS.includes("crlf") && SCENARIOS.includes("529-then-ok"));
});

test("cli prints the URL and exits on SIGTERM", async () => {
  const cli = fileURLToPath(new URL("./cli.mjs", import.meta.url));
  const child = spawn(process.execPath, [cli, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = await once(child.stdout, "data");
  const match = /^MOCK_GATEWAY_URL=(http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line.toString());
  assert.ok(match, line.toString());
  assert.equal((await fetch(`${match[1]}/v1/models`)).status, 200);
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
});

// ---------------------------------------------------------------- transport faults for the resilience suites

/** Reads a response body as a list of the byte chunks it arrived in. */
async function reads(res) {
  const chunks = [];
  for await (const chunk of res.body) chunks.push(Buffer.from(chunk));
  return chunks;
}

const sseContent = (bytes) => contents(jsonEvents(parseSse(bytes.toString("utf8"))))[0];

test("byte-drip writes the stream one byte at a time, about 1 ms apart, and it reassembles", async () => {
  const started = Date.now();
  const chunks = await reads(await chat({ stream: true, messages: [{ role: "user", content: "drip" }] }, "byte-drip"));
  const bytes = Buffer.concat(chunks);
  // Far more reads than the two per event of the default writes (a loaded reader may merge a few).
  assert.ok(chunks.length > bytes.length / 10, `${chunks.length} reads for ${bytes.length} bytes`);
  assert.ok(Date.now() - started >= bytes.length * 0.9, "paced about 1 ms a byte");
  assert.equal(sseContent(bytes), `Echo: drip. ${FIXED}`);
  assert.ok(bytes.toString().endsWith("data: [DONE]\n\n"));
});

test("utf8-split writes every byte of a multi-byte character alone; the text is exact", async () => {
  const text = "日本語 🎉 ü";
  const chunks = await reads(await chat({ stream: true, messages: [{ role: "user", content: text }] }, "utf8-split"));
  const bytes = Buffer.concat(chunks);
  assert.equal(sseContent(bytes), `Echo: ${text}. ${FIXED}`);
  // Reads of one byte of a multi-byte character (the default halves are never that small).
  const lone = (chunks) => chunks.filter((c) => c.length === 1 && c[0] >= 0x80).length;
  assert.ok(lone(chunks) >= 5, `${lone(chunks)} lone bytes of a character`);
  // The completions and responses streams are cut the same way.
  const legacy = await fetch(`${gw.baseURL}/completions`, { method: "POST", body: JSON.stringify({ model: "mock-scenario:utf8-split", prompt: text, stream: true }) });
  assert.ok(lone(await reads(legacy)) >= 5);
  const responses = await fetch(`${gw.baseURL}/responses`, { method: "POST", body: JSON.stringify({ model: "mock-scenario:utf8-split", input: text, stream: true }) });
  const events = parseSse(Buffer.concat(await reads(responses)).toString("utf8"));
  assert.equal(JSON.parse(events.at(-1).data).response.output[0].content[0].text, `Echo: ${text}. ${FIXED}`);
});

test("429-retry-after-then-ok: a 429 with only retry-after (seconds), then 200", async () => {
  await fetch(`${gw.url}/__mock/reset`, { method: "POST" });
  const first = await chat({}, "429-retry-after-then-ok");
  assert.equal(first.status, 429);
  assert.equal(first.headers.get("retry-after"), "1");
  assert.equal(first.headers.get("retry-after-ms"), null);
  assert.equal((await first.json()).error.code, "rate_limit_exceeded");
  assert.equal((await chat({}, "429-retry-after-then-ok")).status, 200);
  assert.equal((await chat({}, "http-429-retry-after")).status, 429);
});

test("huge-line-17mib sends one content delta over the 16 MiB default cap", async () => {
  const events = await streamEvents({}, "huge-line-17mib");
  assert.equal(contents(jsonEvents(events))[0].length, 17 * 1024 * 1024);
  assert.equal(events.at(-1).data, "[DONE]");
});

test("echo-key scenarios put the caller's bearer token in a 401 and in a stream error", async () => {
  const secret = "sk-echo-me-123";
  const headers = { authorization: `Bearer ${secret}`, "x-mock-scenario": "echo-key-401" };
  const denied = await fetch(`${gw.baseURL}/chat/completions`, { method: "POST", headers, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }) });
  assert.equal(denied.status, 401);
  const body = await denied.json();
  assertErrorShape(body);
  assert.equal(body.error.code, "invalid_api_key");
  assert.ok(body.error.message.includes(secret));
  const streamed = await fetch(`${gw.baseURL}/chat/completions`, {
    method: "POST",
    headers: { ...headers, "x-mock-scenario": "echo-key-in-stream" },
    body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "hello" }] }),
  });
  const events = parseSse(await streamed.text());
  assert.equal(events.length, 4, "good prefix, then the error");
  const error = JSON.parse(events.at(-1).data).error;
  assert.equal(error.code, "upstream_auth");
  assert.ok(error.message.includes(secret));
});

test("the request log records when each request arrived", async () => {
  await fetch(`${gw.url}/__mock/reset`, { method: "POST" });
  const before = Date.now();
  await chat({}, "ok");
  await chat({}, "ok");
  const log = await (await fetch(`${gw.url}/__mock/requests`)).json();
  assert.ok(log.every((r) => Number.isInteger(r.at) && r.at >= before && r.at <= Date.now()));
  assert.ok(log[1].at >= log[0].at);
});
