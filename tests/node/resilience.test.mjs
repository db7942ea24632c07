// Retries, failover, timeouts and abort in Node, against the fault-injecting mock gateway. The
// attempts and base URLs are checked from the mock's request log; a canary key must never leak.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { createServer } from "node:net";
import {
  Client, APIConnectionError, APIConnectionTimeoutError, APIUserAbortError, BadRequestError, InternalServerError, RateLimitError,
} from "../../pkg/index.js";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";

const CANARY = "sk-canary-9f8e7d6c5b4a";
let gw;
let deadURL;

before(async () => {
  gw = await startMockGateway({ apiKey: CANARY });
  // A port that refuses connections: bind, note it, close.
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  deadURL = `http://127.0.0.1:${probe.address().port}/v1`;
  await new Promise((resolve) => probe.close(resolve));
});
after(() => gw.close());
beforeEach(() => fetch(`${gw.url}/__mock/reset`, { method: "POST" }));

const client = (options = {}) => new Client({ apiKey: CANARY, baseURL: gw.baseURL, ...options });
const ask = (scenario, extra = {}) => ({ model: `mock-scenario:${scenario}`, messages: [{ role: "user", content: "retry me" }], ...extra });
const chatRequests = () => gw.requests.filter((r) => r.path === "/v1/chat/completions" && r.method === "POST").length;

async function thrown(fn) {
  try {
    await fn();
  } catch (e) {
    assert.ok(!`${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${JSON.stringify(e.partialCompletion ?? null)}`.includes(CANARY), "the key leaked");
    return e;
  }
  assert.fail("expected an error");
}

test("429, 500 and 529 are retried and then succeed; attempts are visible", async () => {
  for (const scenario of ["429-then-ok", "500-then-ok", "529-then-ok"]) {
    await fetch(`${gw.url}/__mock/reset`, { method: "POST" });
    const started = Date.now();
    const c = await client().chat.completions.create(ask(scenario));
    assert.match(c.choices[0].message.content, /Echo: retry me/, scenario);
    assert.equal(c._attempts, 2, scenario);
    assert.equal(c._base_url, gw.baseURL);
    assert.equal(chatRequests(), 2, scenario);
    assert.ok(!Object.keys(c).includes("_attempts"), "metadata must not be enumerable");
    if (scenario === "429-then-ok") assert.ok(Date.now() - started >= 900, "retry-after-ms: 1000 was not honoured");
  }
});

test("a stream is retried before its first byte too", async () => {
  const s = await client().chat.completions.create(ask("500-then-ok", { stream: true }));
  assert.match(await s.finalContent(), /Echo: retry me/);
  assert.equal(s.attempts, 2);
  assert.equal(s.baseURL, gw.baseURL);
});

test("400, 401, 403, 404, 422, insufficient_quota and x-should-retry: false are not retried", async () => {
  for (const scenario of ["http-400", "http-401", "http-403", "http-404", "http-422", "429-quota", "x-should-retry-false"]) {
    await fetch(`${gw.url}/__mock/reset`, { method: "POST" });
    await thrown(() => client().chat.completions.create(ask(scenario)));
    assert.equal(chatRequests(), 1, scenario);
  }
});

test("retries stop at maxRetries with the last error", async () => {
  const e = await thrown(() => client({ maxRetries: 1 }).chat.completions.create(ask("http-500")));
  assert.ok(e instanceof InternalServerError);
  assert.equal(chatRequests(), 2);
  await fetch(`${gw.url}/__mock/reset`, { method: "POST" });
  const none = await thrown(() => client({ maxRetries: 0 }).chat.completions.create(ask("http-529")));
  assert.equal(none.status, 529);
  assert.equal(chatRequests(), 1);
});

test("a dead primary fails over to the backup, and the client stays there", async () => {
  const c = client({ baseURL: deadURL, backupBaseURLs: [gw.baseURL] });
  const first = await c.chat.completions.create(ask("ok"));
  assert.equal(first._base_url, gw.baseURL);
  assert.equal(first._attempts, 2);
  const second = await c.chat.completions.create(ask("ok", { stream: true }));
  await second.finalChatCompletion();
  assert.equal(second.baseURL, gw.baseURL);
  assert.equal(second.attempts, 1, "the client went back to the dead primary");
  const dead = await thrown(() => client({ baseURL: deadURL, maxRetries: 0 }).chat.completions.create(ask("ok")));
  assert.ok(dead instanceof APIConnectionError);
});

test("headers, idle and total timeouts are typed errors", async () => {
  let started = Date.now();
  const headers = await thrown(() => client({ headersTimeout: 150, maxRetries: 1 }).chat.completions.create(ask("hang")));
  assert.ok(headers instanceof APIConnectionTimeoutError, headers.name);
  assert.match(headers.message, /headers/);
  assert.equal(chatRequests(), 2, "a timeout before the first byte is retried");
  assert.ok(Date.now() - started < 3000);

  const s = await client({ idleTimeout: 150 }).chat.completions.create(ask("headers-then-silence", { stream: true }));
  started = Date.now();
  const idle = await thrown(() => s.finalChatCompletion());
  assert.ok(idle instanceof APIConnectionTimeoutError, idle.name);
  assert.match(idle.message, /no data arrived within 150 ms/);
  assert.ok(Date.now() - started < 2000);

  const total = await thrown(async () => {
    const slow = await client({ timeout: 400 }).chat.completions.create(ask("slow-drip", { stream: true }));
    await slow.finalChatCompletion();
  });
  assert.ok(total instanceof APIConnectionTimeoutError, total.name);
  assert.match(total.message, /400 ms/);
  assert.ok(total.partialCompletion.choices[0].message.content.length > 0, "the partial output was lost");
});

test("abort reaches a retry sleep, and no listener is left on a long-lived signal", async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const started = Date.now();
  const e = await thrown(() => client().chat.completions.create(ask("http-429"), { signal: ac.signal }));
  assert.ok(e instanceof APIUserAbortError, e.name);
  assert.ok(Date.now() - started < 800, "the retry sleep ignored the abort");

  const signal = new AbortController().signal;
  const c = client();
  for (let i = 0; i < 300; i++) {
    if (i % 2) await c.chat.completions.create(ask("ok"), { signal });
    else await (await c.chat.completions.create(ask("ok", { stream: true }), { signal })).finalChatCompletion();
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
  await fetch(`${gw.url}/__mock/reset`, { method: "POST" });
  const r = await client({ streamUsage: true }).chat.completions.create(ask("rejects-stream-options", { stream: true }));
  assert.match(await r.finalContent(), /Echo: retry me/);
  const sent = gw.requests.filter((q) => q.path === "/v1/chat/completions").map((q) => q.body.stream_options);
  assert.deepEqual(sent, [{ include_usage: true }, undefined]);
});

test("maxConcurrent holds streams in the client's queue until earlier ones end", async () => {
  let calls = 0;
  const counting = (url, init) => {
    calls++;
    return fetch(url, init);
  };
  const c = client({ maxConcurrent: 2, fetch: counting });
  const streams = [1, 2, 3, 4].map(() => c.chat.completions.create(ask("slow-drip", { stream: true })).then((s) => s.finalContent()));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(calls, 2, "more than maxConcurrent requests were sent");
  const texts = await Promise.all(streams);
  assert.equal(calls, 4);
  for (const t of texts) assert.match(t, /Echo: retry me/);
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
