// The built package (pkg/) in Node, streaming from the project's mock gateway on 127.0.0.1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import Default, {
  Client, ChatStream, parseSSE, APIError, AuthenticationError, BadRequestError, RateLimitError,
  InternalServerError, APIConnectionError, APIUserAbortError, StreamParseError, StreamTruncatedError,
  InvalidArgumentError, LlmwireError,
} from "../../pkg/index.js";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";

const KEY = "sk-node-test-secret-123";
let gw;
let client;
before(async () => {
  gw = await startMockGateway({ apiKey: KEY });
  client = new Client({ apiKey: KEY, baseURL: gw.baseURL });
});
after(() => gw.close());

const ask = (model, extra = {}) => ({ model, messages: [{ role: "user", content: "hello node" }], ...extra });

/** Awaits `promise` (or consumes a stream) and returns what it threw. */
async function thrown(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected an error");
}

test("default export is Client", () => assert.equal(Default, Client));

test("non-streamed completion", async () => {
  const c = await client.chat.completions.create(ask("gpt-4o-mini"));
  assert.equal(c.object, "chat.completion");
  assert.match(c.choices[0].message.content, /Echo: hello node/);
  assert.equal(c.choices[0].finish_reason, "stop");
  assert.ok(c.usage.total_tokens > 0);
});

test("streamed chunks reassemble the non-streamed text", async () => {
  const whole = await client.chat.completions.create(ask("gpt-4o-mini"));
  const stream = await client.chat.completions.create(ask("gpt-4o-mini", { stream: true }));
  assert.ok(stream instanceof ChatStream);
  let text = "";
  let chunks = 0;
  for await (const chunk of stream) {
    assert.equal(chunk.object, "chat.completion.chunk");
    text += chunk.choices[0]?.delta?.content ?? "";
    chunks++;
  }
  assert.ok(chunks > 3, `only ${chunks} chunks`);
  assert.equal(text, whole.choices[0].message.content);
  assert.match(text, /你好，世界 👋/);
  const final = await stream.finalChatCompletion();
  assert.equal(final.choices[0].message.content, text);
  assert.equal(final.choices[0].message.role, "assistant");
  assert.match(stream.requestId, /^req_mock_/);
});

test("next() called again before the last one settled hands out the chunks in order, once each", async () => {
  const collect = async (it) => {
    const out = [];
    for (;;) {
      // Four calls at a time, none awaited before the next: a call made while a read is pending waits for it.
      const batch = await Promise.all([it.next(), it.next(), it.next(), it.next()]);
      for (const r of batch) if (!r.done) out.push(r.value);
      if (batch.some((r) => r.done)) return out;
    }
  };
  const sequential = [];
  for await (const chunk of await client.chat.completions.create(ask("gpt-4o-mini", { stream: true }))) sequential.push(chunk);
  const stream = await client.chat.completions.create(ask("gpt-4o-mini", { stream: true }));
  const eager = await collect(stream[Symbol.asyncIterator]());
  const text = (chunks) => chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
  assert.equal(eager.length, sequential.length);
  assert.equal(text(eager), text(sequential));
  assert.equal((await stream.finalChatCompletion()).choices[0].message.content, text(sequential));
});

test("textStream, n > 1 and include_usage", async () => {
  const s = await client.chat.completions.create(ask("gpt-4o-mini", { stream: true }));
  const pieces = [];
  for await (const t of s.textStream) pieces.push(t);
  assert.ok(pieces.length >= 1);
  assert.match(pieces.join(""), /Echo: hello node/);

  const multi = await client.chat.completions.create(ask("gpt-4o-mini", { stream: true, n: 2, stream_options: { include_usage: true } }));
  const final = await multi.finalChatCompletion();
  assert.equal(final.choices.length, 2);
  assert.equal(final.choices[1].message.content, `${final.choices[0].message.content} (choice 1)`);
  assert.ok(final.usage.total_tokens > 0);
});

test("a usage-only final chunk with choices: [] fills usage", async () => {
  const s = await client.chat.completions.create(ask("mock-scenario:usage-only", { stream: true }));
  const final = await s.finalChatCompletion();
  assert.ok(final.usage.completion_tokens > 0);
});

test("01.AI's top-level content and lastOne are kept", async () => {
  const s = await client.chat.completions.create(ask("mock-scenario:yi-stream", { stream: true }));
  const chunks = [];
  for await (const c of s) chunks.push(c);
  assert.ok(chunks.some((c) => c.lastOne === true));
  const final = await s.finalChatCompletion();
  assert.equal(final.lastOne, true);
  assert.equal(final.content, final.choices[0].message.content);
});

test("CRLF line endings, a BOM and comments", async () => {
  const s = await client.chat.completions.create(ask("mock-scenario:crlf", { stream: true }));
  assert.match(await s.finalContent(), /Echo: hello node/);
});

test("tool calls stream into complete arguments", async () => {
  const tools = [{ type: "function", function: { name: "calculator", parameters: { type: "object", properties: { expression: { type: "string" } } } } }];
  const s = await client.chat.completions.create(ask("gpt-4o-mini", { stream: true, tools }));
  const final = await s.finalChatCompletion();
  const call = final.choices[0].message.tool_calls[0];
  assert.equal(final.choices[0].finish_reason, "tool_calls");
  assert.equal(call.function.name, "calculator");
  assert.deepEqual(JSON.parse(call.function.arguments), { expression: "12*7" });
});

test("HTTP errors are openai-node-shaped and never carry the key", async () => {
  const cases = [
    ["http-400", BadRequestError, 400],
    ["http-429", RateLimitError, 429],
    ["429-quota", RateLimitError, 429],
    ["http-500", InternalServerError, 500],
    ["http-529", InternalServerError, 529],
  ];
  for (const [scenario, Cls, status] of cases) {
    const e = await thrown(() => client.chat.completions.create(ask(`mock-scenario:${scenario}`)));
    assert.ok(e instanceof Cls, `${scenario}: ${e?.name}`);
    assert.ok(e instanceof APIError && e instanceof LlmwireError && e instanceof Error);
    assert.equal(e.status, status, scenario);
    assert.equal(e.name, Cls.name);
    assert.match(e.requestId, /^req_mock_/);
    assert.ok(!JSON.stringify({ ...e, message: e.message, stack: e.stack }).includes(KEY));
  }
  const quota = await thrown(() => client.chat.completions.create(ask("mock-scenario:429-quota")));
  assert.equal(quota.code, "insufficient_quota");
  assert.equal(quota.retryable, false);
  const bad = await thrown(() => client.chat.completions.create(ask("mock-scenario:http-400")));
  assert.equal(bad.param, "messages");
  assert.equal(bad.retryable, false);
});

test("an HTML 502 from a proxy gives the status and a snippet", async () => {
  const e = await thrown(() => client.chat.completions.create(ask("mock-scenario:html-502", { stream: true })));
  assert.ok(e instanceof InternalServerError);
  assert.equal(e.status, 502);
  assert.match(e.message, /502/);
  assert.match(e.body, /Bad Gateway/);
  assert.ok(!e.body.includes("<"));
});

test("a wrong key is an AuthenticationError that does not echo the key", async () => {
  const wrong = new Client({ apiKey: "sk-wrong-key-456", baseURL: gw.baseURL });
  const e = await thrown(() => wrong.chat.completions.create(ask("gpt-4o-mini")));
  assert.ok(e instanceof AuthenticationError);
  assert.ok(!`${e.message} ${e.stack} ${JSON.stringify(e)}`.includes("sk-wrong-key-456"));
  // A server that echoes the key gets it redacted.
  const echo = new Client({
    apiKey: KEY,
    baseURL: gw.baseURL,
    fetch: async () => new Response(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }), { status: 401 }),
  });
  const e2 = await thrown(() => echo.chat.completions.create(ask("gpt-4o-mini")));
  assert.ok(!`${e2.message} ${JSON.stringify(e2)} ${JSON.stringify(e2.error)}`.includes(KEY));
  assert.match(e2.message, /\[redacted\]/);
});

test("errors inside a 200 stream keep the partial completion", async () => {
  for (const scenario of ["error-in-stream", "error-event"]) {
    const s = await client.chat.completions.create(ask(`mock-scenario:${scenario}`, { stream: true }));
    let text = "";
    const e = await thrown(async () => {
      for await (const t of s.textStream) text += t;
    });
    assert.ok(e instanceof APIError, `${scenario}: ${e?.name}`);
    assert.equal(e.status, undefined);
    assert.ok(text.length > 0, scenario);
    assert.equal(e.partialCompletion.choices[0].message.content, text, scenario);
    assert.equal(s.currentChatCompletion().choices[0].message.content, text);
  }
});

test("a malformed event is a StreamParseError with a snippet", async () => {
  const s = await client.chat.completions.create(ask("mock-scenario:malformed-event", { stream: true }));
  const e = await thrown(() => s.finalChatCompletion());
  assert.ok(e instanceof StreamParseError, e?.name);
  assert.match(e.snippet, /oops/);
  assert.ok(e.partialCompletion.choices[0].message.content.length > 0);
});

test("a cut stream is a StreamTruncatedError; a dropped connection an error too", async () => {
  const s = await client.chat.completions.create(ask("mock-scenario:cut-stream", { stream: true }));
  const e = await thrown(() => s.finalChatCompletion());
  assert.ok(e instanceof StreamTruncatedError, e?.name);
  assert.ok(e.partialCompletion.choices[0].message.content.length > 0);

  const d = await client.chat.completions.create(ask("mock-scenario:drop-mid-stream", { stream: true }));
  const e2 = await thrown(() => d.finalChatCompletion());
  assert.ok(e2 instanceof APIConnectionError || e2 instanceof StreamTruncatedError, e2?.name);
  assert.ok(e2.partialCompletion.choices[0].message.content.length > 0);
});

test("a JSON body where SSE was expected is yielded, not lost", async () => {
  const s = await client.chat.completions.create(ask("mock-scenario:json-instead-of-sse", { stream: true }));
  const chunks = [];
  for await (const c of s) chunks.push(c);
  assert.equal(chunks.length, 1);
  assert.match(chunks[0].choices[0].delta.content, /Echo: hello node/);
  assert.match((await s.finalChatCompletion()).choices[0].message.content, /Echo/);
});

test("AbortSignal aborts a hanging request, and headers-then-silence mid-stream", async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const e = await thrown(() => client.chat.completions.create(ask("mock-scenario:hang"), { signal: ac.signal }));
  assert.ok(e instanceof APIUserAbortError, e?.name);

  const ac2 = new AbortController();
  const s = await client.chat.completions.create(ask("mock-scenario:headers-then-silence", { stream: true }), { signal: ac2.signal });
  setTimeout(() => ac2.abort(), 50);
  const e2 = await thrown(() => s.finalChatCompletion());
  assert.ok(e2 instanceof APIUserAbortError, e2?.name);
});

test("leaving a for-await loop early cancels the request", async () => {
  const s = await client.chat.completions.create(ask("mock-scenario:slow-drip", { stream: true }));
  const started = Date.now();
  for await (const chunk of s) {
    if (chunk.choices[0]?.delta?.content) break;
  }
  assert.ok(Date.now() - started < 1000);
  assert.throws(() => s[Symbol.asyncIterator](), /already being consumed/);
});

test("ChatStream.fromResponse and parseSSE read bodies fetched elsewhere", async () => {
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify(ask("gpt-4o-mini", { stream: true })),
  });
  const s = await ChatStream.fromResponse(res);
  assert.match(await s.finalContent(), /Echo: hello node/);
  await assert.rejects(ChatStream.fromResponse({ body: "not a response" }), InvalidArgumentError);
  const denied = await thrown(() => ChatStream.fromResponse(new Response('{"error":{"message":"nope","type":"invalid_request_error"}}', { status: 401 })));
  assert.ok(denied instanceof AuthenticationError && denied.status === 401, String(denied));

  const events = [];
  for await (const ev of parseSSE(new Response("id: 1\nevent: ping\ndata: a\ndata: b\n\ndata: [DONE]\n\n"))) events.push(ev);
  assert.deepEqual(events, [{ event: "ping", data: "a\nb", id: "1" }, { event: "message", data: "[DONE]", id: "1" }]);
});

test("chunk objects and events carry non-ASCII text as the server sent it", async () => {
  // Batches reach JavaScript as ASCII JSON (\\u escapes): the parsed values must be the server's.
  const payloads = ["東京 😀", "é\u2028ü", "👩\u200d💻🇯🇵", "\uffff\u{10000}"].map((content, i) =>
    JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content, tool_calls: [{ index: 0, function: { arguments: `{"q":"${content}"}` } }] }, finish_reason: i === 3 ? "stop" : null }] }));
  const body = payloads.map((p) => `data: ${p}\n\n`).join("") + "data: [DONE]\n\n";
  const chunks = [];
  for await (const chunk of await ChatStream.fromResponse(new Response(body))) chunks.push(chunk);
  assert.deepEqual(chunks, payloads.map((p) => JSON.parse(p)));
  const events = [];
  for await (const ev of parseSSE(new Response("data: héllo 😀\n\n"))) events.push(ev.data);
  assert.deepEqual(events, ["héllo 😀"]);
});

test("the header every chunk repeats is read once, and one that changes mid-stream is taken", async () => {
  // The decoder skips a header equal to the last one applied (ChunkView::parse_after): a changed
  // header, and a member repeated after choices (JSON.parse: the last one wins), must still count.
  const header = (created, fp) => `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":${created},"model":"gpt-4o-mini","system_fingerprint":"${fp}"`;
  const choice = (content) => `"choices":[{"index":0,"delta":{"content":"${content}"},"logprobs":null,"finish_reason":null}]`;
  const payloads = [
    `${header(1, "fp_a")},${choice("a")}}`,
    `${header(1, "fp_a")},${choice("b")}}`,
    `${header(2, "fp_b")},${choice("c")}}`,
    `${header(2, "fp_b")},${choice("d")}}`,
    `${header(2, "fp_b")},${choice("e")},"model":"late"}`,
    `${header(2, "fp_b")},${choice("f")}}`,
  ];
  const body = payloads.map((p) => `data: ${p}\n\n`).join("") + "data: [DONE]\n\n";
  const stream = await ChatStream.fromResponse(new Response(body));
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.deepEqual(chunks, payloads.map((p) => JSON.parse(p)));
  const final = await stream.finalChatCompletion();
  assert.deepEqual(
    [final.id, final.created, final.model, final.system_fingerprint, final.choices[0].message.content],
    ["chatcmpl-1", 2, "gpt-4o-mini", "fp_b", "abcdef"],
  );
  const late = await ChatStream.fromResponse(new Response(payloads.slice(0, 5).map((p) => `data: ${p}\n\n`).join("") + "data: [DONE]\n\n"));
  assert.equal((await late.finalChatCompletion()).model, "late");
  // A header that ends in a number is not the header of a chunk whose number goes on.
  const grows = [`{"id":"c","created":1,"choices":[]}`, `{"id":"c","created":12,${choice("x")}}`];
  const g = await ChatStream.fromResponse(new Response(grows.map((p) => `data: ${p}\n\n`).join("") + "data: [DONE]\n\n"));
  const done = await g.finalChatCompletion();
  assert.deepEqual([done.created, done.choices[0].message.content], [12, "x"]);
});

test("finalChatCompletion hands each message text over whole, beside the rest of the message", async () => {
  // The texts leave wasm apart from the completion's JSON (BodyStream.result): every kind of text
  // must land where the JSON left it empty, and nothing else may be touched.
  const long = "長い😀 text ".repeat(20_000);
  const chunks = [
    { id: "c", model: "m", choices: [{ index: 0, delta: { role: "assistant", content: long, reasoning_content: "think", x_n: 1 } }, { index: 1, delta: { refusal: "no" } }] },
    { choices: [{ index: 0, delta: { content: "!", reasoning_content: " more" }, finish_reason: "stop" }, { index: 1, delta: { content: "" }, finish_reason: "stop" }] },
    { choices: [{ index: 2, delta: { content: "", x_empty: "" }, finish_reason: "stop" }] },
  ];
  const body = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";
  const s = await ChatStream.fromResponse(new Response(body));
  const final = await s.finalChatCompletion();
  assert.deepEqual(final.choices.map((c) => c.message), [
    { role: "assistant", content: `${long}!`, refusal: null, reasoning_content: "think more", x_n: 1 },
    { role: "assistant", content: null, refusal: "no" },
    { role: "assistant", content: "", refusal: null, x_empty: "" },
  ]);
  assert.equal(s.currentChatCompletion(), final);
  assert.equal(await s.finalChatCompletion(), final);
  assert.equal(await s.finalContent(), `${long}!`);
});

test("the first deltas of a stream come before the rest of its first network chunk is decoded", async () => {
  const chunk = (delta, finish = null) =>
    `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const words = Array.from({ length: 60 }, (_, i) => `w${i} `);
  // One network chunk holding the whole stream (~7 KiB, 62 events), as a fast gateway's first read can.
  const body = chunk({ role: "assistant", content: "" }) + words.map((w) => chunk({ content: w })).join("") + chunk({}, "stop") + "data: [DONE]\n\n";
  const one = () => new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(body)); c.close(); } }));
  const local = new Client({ baseURL: "http://stream.invalid/v1", fetch: async () => one() });

  const pieces = [];
  const s = await local.chat.completions.create(ask("m", { stream: true }));
  for await (const text of s.textStream) pieces.push(text);
  assert.equal(pieces.join(""), words.join(""));
  assert.ok(pieces.length > 1 && pieces[0].length < 20, `first piece ${JSON.stringify(pieces[0])} of ${pieces.length}`);

  const firstBatch = [];
  const t = await local.chat.completions.create(ask("m", { stream: true }));
  for await (const c of t) {
    firstBatch.push(c);
    if (c.choices[0]?.delta?.content) break;
  }
  assert.ok(firstBatch.length < 6, `the first content came after ${firstBatch.length} chunks were decoded`);
  assert.equal((await t.finalChatCompletion().catch((e) => e)).name, "APIUserAbortError"); // leaving the loop cancelled it
});

test("a stalled body from a fetch that ignores its signal still ends on idleTimeout or abort, with the partial kept", { timeout: 10_000 }, async () => {
  const first = `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "partial" }, finish_reason: null }] })}\n\n`;
  // One event, then nothing: the stream never closes and the signal is not looked at.
  const stalled = () => new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(first)); } }), { headers: { "content-type": "text/event-stream" } });
  const local = new Client({ baseURL: "http://stall.invalid/v1", fetch: async () => stalled(), idleTimeout: 100, maxRetries: 0 });
  const started = Date.now();
  const e = await thrown(() => local.chat.completions.create(ask("m", { stream: true })).then((s) => s.finalChatCompletion()));
  assert.equal(e.name, "APIConnectionTimeoutError", e.message);
  assert.equal(e.partialCompletion?.choices[0].message.content, "partial");
  assert.ok(Date.now() - started < 2000);

  const ac = new AbortController();
  const s = await new Client({ baseURL: "http://stall.invalid/v1", fetch: async () => stalled() }).chat.completions.create(ask("m", { stream: true }), { signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  const aborted = await thrown(() => s.finalChatCompletion());
  assert.ok(aborted instanceof APIUserAbortError, aborted.name);
  assert.equal(aborted.partialCompletion?.choices[0].message.content, "partial");
});

test("a fetch that ignores its signal is limited before its answer and before its first byte; one that throws is a connection error", { timeout: 10_000 }, async () => {
  const sse = { "content-type": "text/event-stream" };
  const local = (fetch, options) => new Client({ baseURL: "http://limits.invalid/v1", fetch, maxRetries: 0, ...options });
  const stream = (c) => c.chat.completions.create(ask("m", { stream: true })).then((s) => s.finalContent());

  const started = Date.now();
  const never = await thrown(() => stream(local(() => new Promise(() => {}), { headersTimeout: 100 })));
  assert.equal(never.name, "APIConnectionTimeoutError", never.message);
  // Headers, then a body that never sends its first byte.
  const silent = await thrown(() => stream(local(async () => new Response(new ReadableStream({ start() {} }), { headers: sse }), { idleTimeout: 100 })));
  assert.equal(silent.name, "APIConnectionTimeoutError", silent.message);
  assert.ok(Date.now() - started < 2000);

  const sync = await thrown(() => stream(local(() => { throw new TypeError("no network here"); })));
  assert.ok(sync instanceof APIConnectionError, sync.name);
  assert.match(sync.message, /no network here/);
  const answer = 'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
  assert.equal(await stream(local(() => new Response(answer, { headers: sse }))), "hi", "a fetch may return the Response itself");
});

test("bad arguments are typed errors", async () => {
  assert.throws(() => new Client({ apiKey: 42 }), InvalidArgumentError);
  await assert.rejects(client.chat.completions.create(null), InvalidArgumentError);
  const bad = new Client({ baseURL: "not a url" });
  await assert.rejects(bad.chat.completions.create(ask("m")), InvalidArgumentError);
});

test("a request's conversation never enters wasm memory: a 5 MB image leaves it the size it was", async () => {
  // The checks read only the request's parameters (prepareChat gets its chatMembers), so wasm
  // memory, which never shrinks, does not grow to the largest request a page ever sent.
  const { initSync } = await import("../../pkg/llmwire_core.js");
  const wasmMemory = () => initSync().memory.buffer.byteLength;
  const answer = 'data: {"choices":[{"index":0,"delta":{"content":"a cat"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
  const json = JSON.stringify({ id: "c", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "a cat" }, finish_reason: "stop" }] });
  let sent = 0;
  const fetch = async (url, init) => {
    sent = init.body.length;
    return JSON.parse(init.body).stream
      ? new Response(answer, { headers: { "content-type": "text/event-stream" } })
      : new Response(json, { headers: { "content-type": "application/json" } });
  };
  const c = new Client({ apiKey: KEY, baseURL: "http://vision.invalid/v1", fetch, streamUsage: true });
  const image = `data:image/png;base64,${"iVBORw0KGgo".repeat(500_000)}`;
  const messages = [{ role: "user", content: [{ type: "text", text: "这张图里有什么？ What is in it?" }, { type: "image_url", image_url: { url: image } }] }];
  await (await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: "warm" }], stream: true })).finalContent();
  const before = wasmMemory();
  assert.equal(await (await c.chat.completions.create({ model: "m", messages, stream: true, temperature: 0.2 })).finalContent(), "a cat");
  assert.ok(sent > 5_000_000, "the image was sent");
  assert.equal((await c.chat.completions.create({ model: "m", messages, temperature: 0.2 })).choices[0].message.content, "a cat");
  assert.ok(wasmMemory() - before < 1 << 20, `wasm memory grew from ${before} to ${wasmMemory()} bytes`);
  await assert.rejects(c.chat.completions.create({ model: "m", messages, stream: true, temperature: 3 }), (e) => e instanceof InvalidArgumentError && /temperature/.test(e.message));
});

test("with tokensPerMinute, a request is measured for its token estimate without entering wasm memory", async () => {
  // The estimate takes the request's UTF-8 length and its max_tokens; the request stays in JS.
  const { initSync } = await import("../../pkg/llmwire_core.js");
  const wasmMemory = () => initSync().memory.buffer.byteLength;
  const answer = 'data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
  const fetch = async () => new Response(answer, { headers: { "content-type": "text/event-stream" } });
  // 17 bytes of UTF-8 in 11 UTF-16 units: ~4.25 MB, ~1.06M tokens by bytes (0.69M by units).
  const content = "東京 😀 text ".repeat(250_000);
  const ask = (max_tokens) => ({ model: "m", messages: [{ role: "user", content }], stream: true, max_tokens });
  const c = new Client({ baseURL: "http://tpm.invalid/v1", fetch, tokensPerMinute: 2_000_000, timeout: 2000, maxRetries: 0 });
  await (await c.chat.completions.create({ model: "m", messages: [{ role: "user", content: "warm" }], stream: true, max_tokens: 1 })).finalContent();
  const before = wasmMemory();
  assert.equal(await (await c.chat.completions.create(ask(1000))).finalContent(), "ok");
  assert.ok(wasmMemory() - before < 1 << 20, `wasm memory grew from ${before} to ${wasmMemory()} bytes`);
  // Two such requests pass 2M tokens a minute by their bytes (they would not by UTF-16 units).
  const late = await thrown(() => c.chat.completions.create(ask(1000)));
  assert.equal(late.name, "APIConnectionTimeoutError", late.message);
  assert.match(late.message, /rate limit/);
  // A small request with a budget that does not fit waits too: the budget counts.
  const budget = new Client({ baseURL: "http://tpm.invalid/v1", fetch, tokensPerMinute: 1000, timeout: 2000, maxRetries: 0 });
  await (await budget.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true, max_completion_tokens: 600 })).finalContent();
  const over = await thrown(() => budget.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], max_completion_tokens: 600 }));
  assert.equal(over.name, "APIConnectionTimeoutError", over.message);
});
