// Retries, failover, timeouts and abort in Node, against the fault-injecting mock gateway. The
// shared cases (tests/support/resilience-suite.mjs, also run in Chromium and workerd) check each
// scenario's outcome, attempts and base URLs from the mock's request log, the partial output and
// that a canary key never leaks; below them, the checks only Node can make (listeners on a signal,
// the default 16 MiB event cap) and the client-side limits.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { deadBaseURL } from "../support/ports.mjs";
import * as lib from "../../pkg/index.js";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { cases, run } from "../support/resilience-suite.mjs";

const {
  Client, APIConnectionTimeoutError, APIUserAbortError, BadRequestError, InternalServerError, RateLimitError, StreamParseError,
} = lib;
const CANARY = "sk-canary-9f8e7d6c5b4a";
let gw;
let deadURL;

before(async () => {
  gw = await startMockGateway({ apiKey: CANARY });
  deadURL = await deadBaseURL();
});
after(() => gw.close());

for (const name of Object.keys(cases)) {
  test(name, async (t) => {
    const result = await run(name, lib, { baseURL: gw.baseURL, apiKey: CANARY, deadURL });
    assert.ok(result.ok, result.error);
    t.diagnostic(JSON.stringify(result.info));
  });
}

// ---------------------------------------------------------------- Node only


const client = (options = {}) => new Client({ apiKey: CANARY, baseURL: gw.baseURL, ...options });
const ask = (scenario, extra = {}) => ({ model: `mock-scenario:${scenario}`, messages: [{ role: "user", content: "retry me" }], ...extra });
const chatRequests = () => gw.requests.filter((r) => r.path === "/v1/chat/completions" && r.method === "POST").length;
const reset = () => fetch(`${gw.url}/__mock/reset`, { method: "POST" });

async function thrown(fn) {
  try {
    await fn();
  } catch (e) {
    assert.ok(!`${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${JSON.stringify(e.partialCompletion ?? null)}`.includes(CANARY), "the key leaked");
    return e;
  }
  assert.fail("expected an error");
}

test("retries stop at maxRetries with the last error", async () => {
  await reset();
  const e = await thrown(() => client({ maxRetries: 1 }).chat.completions.create(ask("http-500")));
  assert.ok(e instanceof InternalServerError);
  assert.equal(chatRequests(), 2);
  await reset();
  const none = await thrown(() => client({ maxRetries: 0 }).chat.completions.create(ask("http-529")));
  assert.equal(none.status, 529);
  assert.equal(chatRequests(), 1);
});

test("the default 16 MiB cap: a 17 MiB line ends the stream with StreamParseError, nothing retried", async () => {
  await reset();
  const s = await client().chat.completions.create(ask("huge-line-17mib", { stream: true }));
  const e = await thrown(() => s.finalChatCompletion());
  assert.ok(e instanceof StreamParseError, e.name);
  assert.match(e.message, /\b16777216\b/);
  assert.equal(e.limit, 16 * 1024 * 1024);
  assert.equal(e.partialCompletion.choices[0].message.role, "assistant");
  assert.equal(s.attempts, 1);
  assert.equal(chatRequests(), 1);
});

test("abort reaches a retry sleep, and no listener is left on a signal after 1,000 requests", async () => {
  await reset();
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const started = Date.now();
  const e = await thrown(() => client().chat.completions.create(ask("http-429"), { signal: ac.signal }));
  assert.ok(e instanceof APIUserAbortError, e.name);
  assert.ok(Date.now() - started < 800, "the retry sleep ignored the abort");

  const signal = new AbortController().signal;
  const c = client();
  for (let i = 0; i < 1000; i++) {
    if (i % 2) await c.chat.completions.create(ask("ok"), { signal });
    else await (await c.chat.completions.create(ask("ok", { stream: true }), { signal })).finalChatCompletion();
    if (i % 100 === 99) assert.equal(getEventListeners(signal, "abort").length, 0, `after ${i + 1} requests`);
  }
  await c.chat.completions.create(ask("500-then-ok"), { signal });
  assert.equal(getEventListeners(signal, "abort").length, 0);
});

test("rate limit errors carry retry data when retries are exhausted", async () => {
  const e = await thrown(() => client({ maxRetries: 0 }).chat.completions.create(ask("http-429")));
  assert.ok(e instanceof RateLimitError && e.retryable);
  const bad = await thrown(() => client().chat.completions.create(ask("http-400")));
  assert.ok(bad instanceof BadRequestError && !bad.retryable);
});

test("bad client options are typed errors naming the option", async () => {
  for (const [options, name] of [[{ maxRetries: -1 }, "maxRetries"], [{ timeout: "soon" }, "timeout"], [{ backupBaseURLs: "x" }, "backupBaseURLs"]]) {
    const e = await thrown(() => client(options).chat.completions.create(ask("ok")));
    assert.equal(e.name, "InvalidArgumentError");
    assert.match(e.message, new RegExp(name));
  }
});

test("streamUsage asks for usage, and drops stream_options once when a gateway rejects it", async () => {
  const s = await client({ streamUsage: true }).chat.completions.create(ask("ok", { stream: true }));
  assert.ok((await s.finalChatCompletion()).usage.total_tokens > 0);
  await reset();
  const r = await client({ streamUsage: true }).chat.completions.create(ask("rejects-stream-options", { stream: true }));
  assert.match(await r.finalContent(), /Echo: retry me/);
  const sent = () => gw.requests.filter((q) => q.path === "/v1/chat/completions").map((q) => q.body.stream_options);
  assert.deepEqual(sent(), [{ include_usage: true }, undefined]);
  // The caller's own stream_options (null included) are sent as they are; a request without a stream asks nothing.
  await reset();
  for (const own of [{ include_usage: false }, null]) await (await client({ streamUsage: true }).chat.completions.create(ask("ok", { stream: true, stream_options: own }))).finalContent();
  await client({ streamUsage: true }).chat.completions.create(ask("ok"));
  assert.deepEqual(sent(), [{ include_usage: false }, null, undefined]);
  // runTools rounds ask the same way (the body is the tool loop's, built in wasm).
  await reset();
  const tools = [{ type: "function", function: { name: "noop", parameters: { type: "object", properties: {} }, function: () => "" } }];
  for (const scenario of ["ok", "rejects-stream-options"]) {
    const run = client({ streamUsage: true }).chat.completions.runTools(ask(scenario, { stream: true, tools }));
    assert.equal(await run.finalContent(), "The tool said: ");
    assert.equal(run.rounds, 2, "the mock calls the tool, then answers");
  }
  const [u, plain] = [{ include_usage: true }, undefined];
  assert.deepEqual(sent(), [u, u, u, plain, u, plain]);
});

test("maxConcurrent holds streams in the client's queue until earlier ones end", async () => {
  let calls = 0;
  const counting = (url, init) => {
    calls++;
    return fetch(url, init);
  };
  const c = client({ maxConcurrent: 2, fetch: counting });
  // max_tokens: 2 keeps each slow-drip stream to 6 events (about 750 ms).
  const streams = [1, 2, 3, 4].map(() => c.chat.completions.create(ask("slow-drip", { stream: true, max_tokens: 2 })).then((s) => s.finalContent()));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(calls, 2, "more than maxConcurrent requests were sent");
  const texts = await Promise.all(streams);
  assert.equal(calls, 4);
  for (const t of texts) assert.equal(t, "Echo: retry");
});

test("a request queued by requestsPerMinute honours abort and timeout", async () => {
  const c = client({ requestsPerMinute: 1 });
  await c.chat.completions.create(ask("ok"));
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const started = Date.now();
  const aborted = await thrown(() => c.chat.completions.create(ask("ok"), { signal: ac.signal }));
  assert.ok(aborted instanceof APIUserAbortError, aborted.name);
  assert.ok(Date.now() - started < 1000);
  const limited = client({ requestsPerMinute: 1, timeout: 5000 });
  await limited.chat.completions.create(ask("ok"));
  const late = await thrown(() => limited.chat.completions.create(ask("ok")));
  assert.ok(late instanceof APIConnectionTimeoutError, late.name);
  assert.match(late.message, /rate limit/);
});

test("tokensPerMinute counts each request's body and completion budget, streamed or not", async () => {
  // Each request asks for 600 tokens on top of its body's estimate: one fits in 1,000 a minute,
  // the second would wait a minute, past its 5 s timeout; 2,000 a minute fits both.
  const limited = client({ tokensPerMinute: 1000, timeout: 5000 });
  await limited.chat.completions.create(ask("ok", { max_tokens: 600 }));
  const late = await thrown(() => limited.chat.completions.create(ask("ok", { stream: true, max_tokens: 600 })));
  assert.ok(late instanceof APIConnectionTimeoutError, late.name);
  assert.match(late.message, /rate limit/);
  const roomy = client({ tokensPerMinute: 2000, timeout: 5000 });
  const first = await roomy.chat.completions.create(ask("ok", { stream: true, max_tokens: 600 }));
  assert.match(await first.finalContent(), /Echo/);
  assert.match((await roomy.chat.completions.create(ask("ok", { max_tokens: 600 }))).choices[0].message.content, /Echo/);
});
