// The resilience cases every runtime runs against the fault-injecting mock gateway: Node
// (tests/node/resilience.test.mjs), Chromium (tests/browser/resilience.test.mjs, loaded into the
// page as a module) and workerd (tests/workers/resilience-worker.mjs). No imports: the package
// comes in as `lib`, so the same file runs in a page, a Worker and Node.
//
// Each case asserts the outcome (result or error class), the number of attempts (as the client
// reports it and as the mock's request log counts them), the base URLs used (from the `host` of
// each logged request), the partial output kept, and that the canary API key appears nowhere in
// a thrown error (message, stack, String, JSON, own properties, cause). Delays between attempts
// are measured from the log's `at` times (workerd's clock only moves on I/O).
//
// env: { baseURL: the mock's /v1 URL, apiKey: the canary key the mock requires,
//        deadURL: a /v1 URL on a closed 127.0.0.1 port }

const FIXED = "你好，世界 👋 — streamed by the llmwire mock gateway.";
/** The mock's reply to a user message `text`. */
const reply = (text) => `Echo: ${text}. ${FIXED}`;
/** The first `n` code points of the reply: what a stream's "good prefix" carries (2 pieces of 4). */
const head = (text, n = 8) => Array.from(reply(text)).slice(0, n).join("");

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function same(actual, expected, message) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

function between(value, low, high, message) {
  check(value >= low && value <= high, `${message}: ${value} not in [${low}, ${high}]`);
}

/** Every place a key could hide in an error: the texts, the JSON, each own property, the cause. */
function leaksOf(e, key, where = "error", seen = new Set()) {
  if (e === null || e === undefined || seen.has(e)) return [];
  if (typeof e !== "object" && typeof e !== "function") return String(e).includes(key) ? [where] : [];
  seen.add(e);
  const found = [];
  const texts = { message: e.message, stack: e.stack, String: safe(() => String(e)), JSON: safe(() => JSON.stringify(e)) };
  for (const [name, text] of Object.entries(texts)) if (typeof text === "string" && text.includes(key)) found.push(`${where}.${name}`);
  for (const name of Object.getOwnPropertyNames(e)) {
    const value = safe(() => e[name]);
    if (typeof value === "string") {
      if (value.includes(key)) found.push(`${where}.${name}`);
    } else if (value && typeof value === "object") {
      const json = safe(() => JSON.stringify(value));
      if (typeof json === "string" && json.includes(key)) found.push(`${where}.${name} (JSON)`);
      if (name === "cause" || value instanceof Error) found.push(...leaksOf(value, key, `${where}.${name}`, seen));
    }
  }
  if ("cause" in e && !Object.getOwnPropertyNames(e).includes("cause")) found.push(...leaksOf(e.cause, key, `${where}.cause`, seen));
  return found;
}

function safe(fn) {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** Runs `fn`, which must throw an instance of `Cls` that does not carry the key; returns the error. */
async function rejects(env, fn, Cls, message) {
  let error;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`${message}: expected ${Cls.name}, nothing was thrown`);
  if (!(error instanceof Cls)) throw new Error(`${message}: expected ${Cls.name}, got ${error?.name}: ${error?.message}`);
  const leaks = leaksOf(error, env.apiKey);
  if (leaks.length) throw new Error(`${message}: the API key leaked into ${leaks.join(", ")}`);
  return error;
}

/** A successful result must not carry the key either. */
function clean(env, value, message) {
  check(!JSON.stringify(value ?? null).includes(env.apiKey), `${message}: the API key is in the result`);
  return value;
}

const root = (env) => env.baseURL.replace(/\/v1\/?$/, "");
const reset = (env) => fetch(`${root(env)}/__mock/reset`, { method: "POST" });

/** The chat requests the mock received since the last reset: { base, at, body }. */
async function attemptsLogged(env, path = "/v1/chat/completions") {
  const all = await (await fetch(`${root(env)}/__mock/requests`)).json();
  return all
    .filter((r) => r.method === "POST" && r.path === path)
    .map((r) => ({ base: `http://${r.headers.host}/v1`, at: r.at, body: r.body, key: r.headers.authorization === `Bearer ${env.apiKey}` }));
}

/** Checks the logged attempts: their number, that each went to `base` with the key, and returns the gaps between them (ms). */
async function expectLogged(env, count, base, message, path) {
  const log = await attemptsLogged(env, path);
  same(log.length, count, `${message}: attempts in the mock's log`);
  same(log.map((r) => r.base), Array(count).fill(base), `${message}: base URLs in the mock's log`);
  check(log.every((r) => r.key), `${message}: every attempt carried the key`);
  return { gaps: log.slice(1).map((r, i) => r.at - log[i].at), log };
}

const client = (lib, env, extra = {}) =>
  new lib.Client({ baseURL: env.baseURL, apiKey: env.apiKey, dangerouslyAllowBrowser: true, ...extra });
const ask = (scenario, text, extra = {}) => ({ model: `mock-scenario:${scenario}`, messages: [{ role: "user", content: text }], ...extra });

/**
 * A `fetch` that counts how a response body arrives: `reads` chunks, `bytes` in all, and `broken`
 * chunks that are not valid UTF-8 on their own (they start or end inside a character).
 */
function countingFetch() {
  const seen = { reads: 0, bytes: 0, broken: 0 };
  const strict = new TextDecoder("utf-8", { fatal: true });
  const fetchCounted = async (url, init) => {
    const res = await fetch(url, init);
    if (!res.body) return res;
    const counter = new TransformStream({
      transform(chunk, controller) {
        seen.reads++;
        seen.bytes += chunk.byteLength;
        try {
          strict.decode(chunk);
        } catch {
          seen.broken++;
        }
        controller.enqueue(chunk);
      },
    });
    return new Response(res.body.pipeThrough(counter), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return { seen, fetch: fetchCounted };
}

/** Reads a chat stream's text, returning it and the error that ended it (null if none). */
async function drain(stream) {
  let text = "";
  try {
    for await (const piece of stream.textStream) text += piece;
  } catch (e) {
    return { text, error: e };
  }
  return { text, error: null };
}

export const cases = {
  async "slow drip, one byte at a time: the exact text, one attempt"(lib, env) {
    await reset(env);
    const text = "drip";
    const counted = countingFetch();
    const s = await client(lib, env, { idleTimeout: 2000, fetch: counted.fetch }).chat.completions.create(ask("byte-drip", text, { stream: true }));
    let content = "";
    let chunks = 0;
    for await (const chunk of s) {
      chunks++;
      content += chunk.choices[0]?.delta?.content ?? "";
    }
    same(content, reply(text), "streamed text");
    check(chunks >= 4, `${chunks} chunks`);
    const final = clean(env, await s.finalChatCompletion(), "final");
    same([final.choices[0].message.content, final.choices[0].finish_reason], [reply(text), "stop"], "final completion");
    same([s.attempts, s.baseURL], [1, env.baseURL], "stream metadata");
    await expectLogged(env, 1, env.baseURL, "byte-drip");
    const { reads, bytes } = counted.seen;
    check(reads > bytes / 10, `the body arrived in ${reads} reads for ${bytes} bytes: not a drip`);
    return { outcome: "ok", attempts: 1, reads, bytes };
  },

  async "connection dropped mid-stream: APIConnectionError, the partial kept, no retry"(lib, env) {
    await reset(env);
    const text = "drop";
    const s = await client(lib, env).chat.completions.create(ask("drop-mid-stream", text, { stream: true }));
    const { text: got, error } = await drain(s);
    const e = await rejects(env, () => { if (error) throw error; }, lib.APIConnectionError, "drop-mid-stream");
    check(!(e instanceof lib.APIConnectionTimeoutError), `a drop is not a timeout: ${e.name}`);
    same(got, head(text), "text before the drop");
    same(e.partialCompletion?.choices?.[0]?.message?.content, got, "partialCompletion");
    same(s.currentChatCompletion()?.choices?.[0]?.message?.content, got, "currentChatCompletion");
    same([s.attempts, s.baseURL], [1, env.baseURL], "stream metadata");
    await expectLogged(env, 1, env.baseURL, "drop-mid-stream");
    return { outcome: e.name, attempts: 1, partial: got };
  },

  async "429 with Retry-After (seconds) then 200: waits the server's delay, two attempts"(lib, env) {
    await reset(env);
    const text = "rate limited";
    const r = clean(env, await client(lib, env).chat.completions.create(ask("429-retry-after-then-ok", text)), "result");
    same(r.choices[0].message.content, reply(text), "content");
    same([r._attempts, r._base_url], [2, env.baseURL], "result metadata");
    const { gaps } = await expectLogged(env, 2, env.baseURL, "429-retry-after-then-ok");
    between(gaps[0], 950, 2500, "Retry-After: 1 was honoured (gap in ms)");
    return { outcome: "ok", attempts: 2, gaps };
  },

  async "500 then 200 on a stream: backoff, two attempts"(lib, env) {
    await reset(env);
    const text = "server error";
    const s = await client(lib, env).chat.completions.create(ask("500-then-ok", text, { stream: true }));
    same(await s.finalContent(), reply(text), "content");
    same([s.attempts, s.baseURL], [2, env.baseURL], "stream metadata");
    const { gaps } = await expectLogged(env, 2, env.baseURL, "500-then-ok");
    between(gaps[0], 350, 1500, "backoff of 0.5 s less up to 25 % (gap in ms)");
    return { outcome: "ok", attempts: 2, gaps };
  },

  async "529 every time: three attempts by default, doubling backoff, then InternalServerError"(lib, env) {
    await reset(env);
    const e = await rejects(env, () => client(lib, env).chat.completions.create(ask("http-529", "busy")), lib.InternalServerError, "529");
    same([e.status, e.code, e.retryable, e.attempts], [529, "system_busy", true, 3], "error fields");
    check(/System busy/.test(e.message), e.message);
    const { gaps } = await expectLogged(env, 3, env.baseURL, "http-529");
    between(gaps[0], 350, 1500, "first backoff (ms)");
    between(gaps[1], 700, 2500, "second backoff (ms)");
    check(gaps[1] > gaps[0], `the backoff doubles: ${gaps}`);
    return { outcome: e.name, attempts: 3, gaps };
  },

  async "an HTML 502 page: InternalServerError with a bounded snippet, retried"(lib, env) {
    await reset(env);
    const c = client(lib, env, { maxRetries: 1 });
    const e = await rejects(env, () => c.chat.completions.create(ask("html-502", "proxy", { stream: true })), lib.InternalServerError, "html-502");
    same([e.status, e.retryable, e.attempts], [502, true, 2], "status");
    check(/502/.test(e.message) && /Bad Gateway/.test(e.message), `message: ${e.message}`);
    check(typeof e.body === "string" && e.body.includes("502 Bad Gateway") && e.body.length <= 1024, `body snippet: ${e.body}`);
    same(e.partialCompletion, undefined, "no partial: nothing was streamed");
    await expectLogged(env, 2, env.baseURL, "html-502");
    return { outcome: e.name, attempts: 2 };
  },

  async "no response at all: headersTimeout fires on each attempt, retried, typed"(lib, env) {
    await reset(env);
    const c = client(lib, env, { headersTimeout: 150, maxRetries: 1 });
    const e = await rejects(env, () => c.chat.completions.create(ask("hang", "anyone", { stream: true })), lib.APIConnectionTimeoutError, "hang");
    check(/no response headers arrived within 150 ms/.test(e.message), e.message);
    same(e.partialCompletion, undefined, "no partial");
    const { gaps } = await expectLogged(env, 2, env.baseURL, "hang");
    between(gaps[0], 150 + 350, 150 + 500 + 1000, "headersTimeout then backoff (ms)");
    return { outcome: e.name, attempts: 2, gaps };
  },

  async "headers then silence: idleTimeout fires, the partial kept, no retry"(lib, env) {
    await reset(env);
    const s = await client(lib, env, { idleTimeout: 150 }).chat.completions.create(ask("headers-then-silence", "quiet", { stream: true }));
    const { text, error } = await drain(s);
    const e = await rejects(env, () => { if (error) throw error; }, lib.APIConnectionTimeoutError, "headers-then-silence");
    check(/no data arrived within 150 ms/.test(e.message), e.message);
    same(text, "", "no text arrived");
    const partial = e.partialCompletion?.choices?.[0]?.message;
    same([partial?.role, partial?.content ?? ""], ["assistant", ""], "the role chunk is kept");
    check(/^chatcmpl-mock-/.test(e.partialCompletion?.id ?? ""), `partial id: ${e.partialCompletion?.id}`);
    same(s.attempts, 1, "attempts");
    await expectLogged(env, 1, env.baseURL, "headers-then-silence");
    return { outcome: e.name, attempts: 1, partial: partial?.role };
  },

  async "whole-request timeout during a slow stream: typed, the partial kept"(lib, env) {
    await reset(env);
    const text = "slowly";
    const s = await client(lib, env, { timeout: 400 }).chat.completions.create(ask("slow-drip", text, { stream: true }));
    const { text: got, error } = await drain(s);
    const e = await rejects(env, () => { if (error) throw error; }, lib.APIConnectionTimeoutError, "timeout");
    check(/400 ms/.test(e.message), e.message);
    check(got.length > 0 && reply(text).startsWith(got) && got !== reply(text), `partial text: ${got}`);
    same(e.partialCompletion?.choices?.[0]?.message?.content, got, "partialCompletion");
    await expectLogged(env, 1, env.baseURL, "slow-drip");
    return { outcome: e.name, attempts: 1, partial: got };
  },

  async "a huge line: a 2 MiB event passes whole; over maxEventBytes it is a typed error"(lib, env) {
    await reset(env);
    const s = await client(lib, env).chat.completions.create(ask("huge-line", "big", { stream: true }));
    const content = await s.finalContent();
    same([content.length, /^a+$/.test(content)], [2 * 1024 * 1024, true], "the 2 MiB line");
    await expectLogged(env, 1, env.baseURL, "huge-line");
    // maxEventBytes: detected by whether a bad value is refused (an unknown option is ignored).
    await reset(env);
    const probe = await safeCall(() => client(lib, env, { maxEventBytes: "lots" }).chat.completions.create(ask("ok", "probe")));
    if (!(probe instanceof lib.InvalidArgumentError && /maxEventBytes/.test(probe.message))) {
      return { outcome: "ok", attempts: 1, maxEventBytes: "not an option of this build" };
    }
    const capped = await client(lib, env, { maxEventBytes: 64 * 1024 }).chat.completions.create(ask("huge-line", "big", { stream: true }));
    const { text, error } = await drain(capped);
    const e = await rejects(env, () => { if (error) throw error; }, lib.StreamParseError, "over maxEventBytes");
    check(/\b65536\b/.test(e.message), e.message);
    same(e.limit, 65536, "limit");
    same([text, e.partialCompletion?.choices?.[0]?.message?.role], ["", "assistant"], "the role chunk is kept");
    same(capped.attempts, 1, "attempts");
    await expectLogged(env, 1, env.baseURL, "huge-line capped");
    return { outcome: `ok; ${e.name} over maxEventBytes`, attempts: 1 };
  },

  async "UTF-8 split at every boundary: chat, completions and responses text is exact"(lib, env) {
    await reset(env);
    const text = "héllo ✓ 日本語 🎉 👨‍👩‍👧 Ω≈ç √ ∑ 𝄞";
    const counted = countingFetch();
    const c = client(lib, env, { fetch: counted.fetch });
    const chat = await c.chat.completions.create(ask("utf8-split", text, { stream: true }));
    const { text: got, error } = await drain(chat);
    same(error && `${error.name}: ${error.message}`, null, "chat error");
    same(got, reply(text), "chat text");
    same((await chat.finalChatCompletion()).choices[0].message.content, reply(text), "chat final");
    same(chat.attempts, 1, "chat attempts");
    await expectLogged(env, 1, env.baseURL, "utf8-split chat");

    const legacy = await c.completions.create({ model: "mock-scenario:utf8-split", prompt: text, stream: true });
    same(await legacy.finalText(), reply(text), "completions text");
    await expectLogged(env, 1, env.baseURL, "utf8-split completions", "/v1/completions");

    const resp = await c.responses.stream({ model: "mock-scenario:utf8-split", input: text });
    let streamed = "";
    for await (const event of resp) if (event.type === "response.output_text.delta") streamed += event.delta;
    same(streamed, reply(text), "responses deltas");
    same((await resp.finalResponse()).output_text, reply(text), "responses final");
    await expectLogged(env, 1, env.baseURL, "utf8-split responses", "/v1/responses");
    const { reads, broken } = counted.seen;
    check(broken >= 10, `only ${broken} of ${reads} reads split a character: the split did not reach the client`);
    return { outcome: "ok", attempts: 1, reads, brokenReads: broken };
  },

  async "a dead primary with a live backup: fails over, then stays on the backup"(lib, env) {
    await reset(env);
    const c = client(lib, env, { baseURL: env.deadURL, backupBaseURLs: [env.baseURL] });
    const first = clean(env, await c.chat.completions.create(ask("ok", "failover")), "result");
    same(first.choices[0].message.content, reply("failover"), "content");
    same([first._attempts, first._base_url], [2, env.baseURL], "first: the dead primary, then the backup");
    check(!Object.keys(first).includes("_attempts") && !Object.keys(first).includes("_base_url"), "the metadata is not enumerable");
    const second = await c.chat.completions.create(ask("ok", "again", { stream: true }));
    same(await second.finalContent(), reply("again"), "stream content");
    same([second.attempts, second.baseURL], [1, env.baseURL], "second: straight to the backup");
    await expectLogged(env, 2, env.baseURL, "failover");
    // With no backup and no retries, the dead primary is a connection error.
    const dead = await rejects(env, () => client(lib, env, { baseURL: env.deadURL, maxRetries: 0 }).chat.completions.create(ask("ok", "dead")),
      lib.APIConnectionError, "dead primary alone");
    check(!(dead instanceof lib.APIConnectionTimeoutError), dead.name);
    return { outcome: "ok", attempts: [2, 1], baseURLs: [first._base_url, second.baseURL] };
  },

  async "abort: during a retry sleep, and mid-stream with the partial kept"(lib, env) {
    await reset(env);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const e = await rejects(env, () => client(lib, env).chat.completions.create(ask("http-429", "wait"), { signal: ac.signal }), lib.APIUserAbortError, "abort in a retry sleep");
    await expectLogged(env, 1, env.baseURL, "abort in a retry sleep");

    await reset(env);
    const text = "stop me";
    const mid = new AbortController();
    const s = await client(lib, env).chat.completions.create(ask("slow-drip", text, { stream: true }), { signal: mid.signal });
    setTimeout(() => mid.abort(), 250);
    const { text: got, error } = await drain(s);
    const aborted = await rejects(env, () => { if (error) throw error; }, lib.APIUserAbortError, "abort mid-stream");
    check(got.length > 0 && reply(text).startsWith(got) && got !== reply(text), `partial text: ${got}`);
    same(aborted.partialCompletion?.choices?.[0]?.message?.content, got, "partialCompletion");
    await expectLogged(env, 1, env.baseURL, "abort mid-stream");
    return { outcome: `${e.name}, ${aborted.name}`, attempts: 1, partial: got };
  },

  async "400, 401, 403, 404, 422, insufficient_quota and x-should-retry: false: one attempt each"(lib, env) {
    const expected = {
      "http-400": lib.BadRequestError, "http-401": lib.AuthenticationError, "http-403": lib.PermissionDeniedError,
      "http-404": lib.NotFoundError, "http-422": lib.UnprocessableEntityError, "429-quota": lib.RateLimitError,
      "x-should-retry-false": lib.InternalServerError,
    };
    for (const [scenario, Cls] of Object.entries(expected)) {
      await reset(env);
      const e = await rejects(env, () => client(lib, env).chat.completions.create(ask(scenario, "no retry")), Cls, scenario);
      if (scenario !== "x-should-retry-false") same(e.retryable, false, `${scenario}: retryable`);
      await expectLogged(env, 1, env.baseURL, scenario);
    }
    return { outcome: "errors", attempts: 1 };
  },

  async "a gateway that echoes the key: redacted in a 401 and in an error inside a stream"(lib, env) {
    await reset(env);
    const e = await rejects(env, () => client(lib, env).chat.completions.create(ask("echo-key-401", "echo")), lib.AuthenticationError, "echo-key-401");
    check(/Incorrect API key provided: \[redacted\]/.test(e.message), e.message);
    await expectLogged(env, 1, env.baseURL, "echo-key-401");

    await reset(env);
    const text = "echo";
    const s = await client(lib, env).chat.completions.create(ask("echo-key-in-stream", text, { stream: true }));
    const { text: got, error } = await drain(s);
    const inStream = await rejects(env, () => { if (error) throw error; }, lib.APIError, "echo-key-in-stream");
    same([inStream.code, got], ["upstream_auth", head(text)], "error code and text before it");
    check(/\[redacted\]/.test(inStream.message), inStream.message);
    same(inStream.partialCompletion?.choices?.[0]?.message?.content, got, "partialCompletion");
    await expectLogged(env, 1, env.baseURL, "echo-key-in-stream");
    return { outcome: `${e.name}, ${inStream.name}`, attempts: 1, partial: got };
  },
};

async function safeCall(fn) {
  try {
    return await fn();
  } catch (e) {
    return e;
  }
}

/** Runs one case; resolves to `{ ok: true, info }` or `{ ok: false, error }` so every runtime can report it. */
export async function run(name, lib, env) {
  const fn = cases[name];
  if (!fn) return { ok: false, error: `no case named ${name}` };
  try {
    return { ok: true, info: (await fn(lib, env)) ?? null };
  } catch (e) {
    return { ok: false, error: `${e?.name}: ${e?.message}\n${e?.stack ?? ""}` };
  }
}
