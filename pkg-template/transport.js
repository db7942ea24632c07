// The I/O half of the client: it sends with `fetch`, reads bodies and sleeps. Every decision — when
// a request may start, which base URL it goes to, how long each wait may take, whether to retry and
// after how long, what an error says, what the bytes mean — is made in Rust (WasmCall, WasmDecoder;
// src/protocol/call.rs), the same code the Rust client runs on.

/** @internal A request body's kind (`WasmSession.headers`). */
export const KIND = { empty: 0, json: 1, stream: 2, form: 3 };
const PHASE = { headers: 0, errorBody: 1, body: 2, idle: 3 };
/** @internal The endpoints as `WasmEndpoints.prepare` / `finish` number them (chat is `WasmSession`'s). */
export const ENDPOINT = { images: 1, imagesViaChat: 2, embeddings: 3, completions: 4, responses: 5, models: 6, model: 7 };
/** @internal What a stream read hands back: nothing (read to the end), items, text, or chat progress events. */
export const MODE = { none: 0, items: 1, text: 2, events: 3 };
/** @internal `new WasmDecoder(kind)`: a chat completion or plain events. */
export const DECODER = { chat: 0, sse: 3 };
/** `WasmCall.failed`'s first argument when it is not an HTTP status. */
const FAILED = { connection: 1, aborted: 2, timeout: 3 };

// How much of a body is read: the Rust client's limits (src/protocol/call.rs; a test there checks these).
const ERROR_BODY_LIMIT = 64 * 1024;
const HTML_SNIPPET_LIMIT = 64 * 1024;
const JSON_BODY_LIMIT = 64 * 1024 * 1024;
const BODY_LIMIT = 256 * 1024 * 1024;
/** How much of a stream's first network chunk is pushed at a time (an event is ~250 bytes), so its first deltas come out early. */
const FIRST_SLICE = 512;
const NO_BYTES = new Uint8Array(0);

/** A browser page (a `window` with a `document`), where an API key is visible to visitors. Workers, Node, Deno and Bun are not. */
export const isBrowserPage = () => typeof window !== "undefined" && window != null && window.document != null && globalThis.navigator != null;

/** The message of a thrown value; Node's fetch puts the useful part ("ECONNREFUSED") in `cause`. */
export function errorMessage(e) {
  if (typeof e === "string") return e;
  const name = typeof e?.name === "string" ? e.name : undefined;
  const message = typeof e?.message === "string" ? e.message : undefined;
  if (name && message) {
    const cause = e.cause != null ? errorMessage(e.cause) : "";
    return cause ? `${name}: ${message} (${cause})` : `${name}: ${message}`;
  }
  return message ?? name ?? "unknown error";
}

const isAbortError = (e) => e?.name === "AbortError";
const jsonHeaders = (headers) => JSON.stringify(Object.fromEntries(headers));

/** Cancels a reader without leaving a rejection unhandled. */
function cancel(reader) {
  reader?.cancel().catch(() => {});
}

/**
 * One attempt's abort link and time limits. `wait(promise, phase)` races a wait against them: the
 * wait's limit is asked of Rust when it starts, one lazily re-armed timer watches it, and when it
 * passes (or the caller aborts) the request is aborted and the wait rejects with `failure`. Body
 * reads, many per response, skip the race: `arm` / `disarm` around the read, and `onFail` cancels
 * the reader, which ends a pending read even when the fetch ignores its signal.
 */
class Guard {
  /**
   * The latest guard, kept (emptied once it ends), and so the engine's hidden classes of a guard and
   * of its AbortController: a class whose instances all died is laid out again, field by field,
   * after a garbage collection, and that took 0.1-0.2 ms of the first delta of each request that
   * came after one in Node and Chromium (benches/README.md).
   */
  static #latest = null;
  #call;
  #signal;
  #onAbort = null;
  #timer = null;
  #timerAt = 0;
  #until = 0;
  #phase = 0;
  #since = 0;
  #armed = false;
  #reject;
  /** `{ kind, message }` once the attempt was aborted or timed out. */
  failure = null;
  /** Called once when the attempt fails. */
  onFail = null;

  constructor(call, signal) {
    this.#call = call;
    this.#signal = signal;
    this.controller = new AbortController();
    this.stopped = new Promise((_, reject) => (this.#reject = reject));
    this.stopped.catch(() => {});
    Guard.#latest = this;
    if (signal?.aborted) this.#fail(FAILED.aborted, "");
    else if (signal) signal.addEventListener("abort", (this.#onAbort = () => this.#fail(FAILED.aborted, "")), { once: true });
  }

  #fail(kind, message) {
    if (this.failure) return;
    this.failure = { kind, message };
    this.controller.abort();
    this.#reject?.(this.failure);
    this.onFail?.();
  }

  /** Starts the limit of a `phase` wait; `disarm` ends it. */
  arm(phase) {
    if (!this.#call) return;
    const now = Date.now();
    const ms = this.#call.limit(phase, now);
    if (ms < 0) return;
    this.#armed = true;
    this.#phase = phase;
    this.#since = now;
    this.#until = now + ms;
    if (this.#timer !== null && this.#timerAt <= this.#until) return;
    clearTimeout(this.#timer);
    this.#schedule(ms);
  }

  #schedule(ms) {
    this.#timerAt = Date.now() + ms;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#armed || this.failure) return;
      const left = this.#until - Date.now();
      if (left > 0) return this.#schedule(left);
      this.#fail(FAILED.timeout, this.#call.timeout(this.#phase, this.#since).message);
    }, ms);
  }

  /** `promise` under the limit of `phase` (and the caller's signal). */
  async wait(promise, phase) {
    this.arm(phase);
    try {
      return await Promise.race([promise, this.stopped]);
    } catch (e) {
      throw this.failure ?? e;
    } finally {
      this.#armed = false;
    }
  }

  /** Ends the limit `arm` started. */
  disarm() {
    this.#armed = false;
  }

  /** Ends the attempt's link to the caller's signal and its timer, and gives its slot back. */
  release() {
    if (this.#onAbort) this.#signal.removeEventListener("abort", this.#onAbort);
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#call?.release();
    // Emptied: the guard may live on as Guard.#latest, and its promise's reactions lead to the
    // values of the waits it raced (a response).
    this.#onAbort = this.#signal = this.#reject = this.stopped = this.onFail = null;
  }

  /**
   * The request's last release, once its answer is read or has failed: also frees its WasmCall, so
   * the wasm memory it holds comes back now rather than when the garbage collector finalizes it.
   */
  end() {
    this.release();
    this.#call?.free();
    this.#call = null;
  }
}

/** Waits `ms`, or rejects with the abort error as soon as `signal` aborts. */
function sleep(ms, signal, aborted) {
  if (signal?.aborted) return Promise.reject(aborted());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Reads with `read()` (a reader's `read`, under a limit) until the end or `limit` bytes; returns them. */
async function readUpTo(read, limit) {
  const parts = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await read();
    if (done) break;
    const bytes = (asBytes(value) ?? NO_BYTES).subarray(0, limit - size);
    parts.push(bytes);
    size += bytes.length;
  }
  if (parts.length === 1) return parts[0];
  const all = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

const encoder = new TextEncoder();
/** The members of a chat request that `prepareChat` reads (asked of the wasm once). */
let chatMembers = null;
/** The members of a request that a token estimate reads besides its length (src/protocol/limits.rs; a test there checks these). */
const BUDGET_MEMBERS = ["max_tokens", "max_completion_tokens"];
/**
 * @internal The members `names` of request `params`, as JSON text: all that the wasm's checks read,
 * so a long conversation or input never enters wasm memory.
 */
export function view(params, names) {
  const part = {};
  for (const name of names) if (params[name] !== undefined) part[name] = params[name];
  return JSON.stringify(part);
}
/** A body chunk as bytes (some test doubles enqueue strings or ArrayBuffers). */
function asBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === "string") return encoder.encode(value);
  return null;
}

/** The `fetch` in use: the one given in the options, else the global one, looked up at each call. */
function fetcher(custom, session) {
  if (custom) return custom;
  return (url, init) => {
    if (typeof globalThis.fetch !== "function") {
      throw session.error(2, "no global fetch in this runtime; pass a fetch function in the client options");
    }
    return globalThis.fetch(url, init);
  };
}

/** @internal Whether `value` is an object: not null, not an array. */
export const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

const CHAT_STOOD_IN = ["choices", "data"];
const emptied = (body, key) => Array.isArray(body[key]) && { [key]: [] };

/**
 * @internal A 2xx answer's JSON `text`, parsed here and checked by `check` (a wasm call: the JSON
 * text of what to check, to a rewrite of it or undefined) on `shapeOf(body)`, the body with the
 * arrays `stoodIn` holding what the checks do not read (images as base64, long texts) replaced.
 * A long answer so never enters wasm memory, which would keep its size for good. Returns the body,
 * or Rust's rewrite with the arrays `stoodIn` taken back from the body.
 */
export function checkedAnswer(text, check, stoodIn, shapeOf) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return JSON.parse(check(text) ?? text); // Rust says what is wrong with it
  }
  const rewritten = check(isObject(body) ? JSON.stringify(shapeOf(body)) : text);
  if (rewritten === undefined) return body;
  const result = JSON.parse(rewritten);
  for (const key of stoodIn) if (Array.isArray(body[key])) result[key] = body[key];
  return result;
}

/**
 * @internal A client's transport: `wasm` the initialised bindings, `options` the client options as
 * JSON text, `fetch` the user's fetch (optional).
 */
export class Transport {
  #extras;
  #options;
  #endpoints = null;
  /** The request headers per KIND, asked of Rust once. */
  #headers = [];

  /** `wasm` the core bindings, `extras` loads the extras (the other endpoints' rules). */
  constructor(wasm, extras, options, fetch) {
    this.wasm = wasm;
    this.#extras = extras;
    this.#options = options;
    this.session = new wasm.WasmSession(options, isBrowserPage());
    /** Whether a request is measured for its token estimate (a token limit): the work is not done for nothing. */
    this.countsTokens = this.session.countsTokens;
    this.fetch = fetcher(fetch, this.session);
    this.aborted = () => this.session.error(0, "");
  }

  /** The rules of the endpoints besides chat (a `WasmEndpoints`), loading the extras module on first use. */
  endpoints() {
    this.#endpoints ??= this.#extras().then((x) => new x.WasmEndpoints(this.#options, isBrowserPage()));
    this.#endpoints.catch(() => (this.#endpoints = null));
    return this.#endpoints;
  }

  /**
   * Sends until a 2xx response arrives, retrying and failing over as WasmCall decides; resolves to
   * `{ response, call, guard }` (the guard still limits reading the body) or rejects with the error
   * object. `params`, the request's parameters, give a JSON `body` its token estimate's budget.
   */
  async send(method, path, kind, body, signal, params) {
    const call = this.countsTokens && typeof body === "string"
      ? this.session.call(view(params ?? {}, BUDGET_MEMBERS), encoder.encode(body).byteLength, Date.now())
      : this.session.call(undefined, 0, Date.now());
    try {
      return await this.#attempts(call, method, path, kind, body, signal);
    } catch (e) {
      call.free(); // every attempt's guard was released; the error keeps what it needs
      throw e;
    }
  }

  async #attempts(call, method, path, kind, body, signal) {
    const headers = (this.#headers[kind] ??= JSON.parse(this.session.headers(kind)));
    for (;;) {
      for (let wait; (wait = call.admit(Date.now())) > 0;) await sleep(wait, signal, this.aborted);
      const url = call.url(path, Date.now());
      const guard = new Guard(call, signal);
      let failed;
      try {
        const init = { method, headers, signal: guard.controller.signal };
        if (body !== undefined) init.body = body;
        const response = await guard.wait(Promise.resolve().then(() => this.fetch(url, init)), PHASE.headers);
        if (typeof response?.status !== "number") throw this.session.error(3, "fetch did not return a Response (no numeric status)");
        if (response.headers.has("x-ratelimit-remaining-requests") || response.headers.has("x-ratelimit-remaining-tokens")) {
          call.observe(jsonHeaders(response.headers), Date.now());
        }
        if (response.ok) return { response, call, guard };
        const reader = response.body?.getReader();
        const errorBody = reader ? await readUpTo(() => guard.wait(reader.read(), PHASE.errorBody), ERROR_BODY_LIMIT).catch(() => NO_BYTES) : NO_BYTES;
        cancel(reader);
        failed = [response.status, errorBody, jsonHeaders(response.headers), ""];
      } catch (e) {
        if (e?.llmwireError) {
          guard.release(); // send frees the call next: no timer of this attempt may use it after
          throw e;
        }
        const why = guard.failure ?? (isAbortError(e) && signal?.aborted ? { kind: FAILED.aborted, message: "" } : { kind: FAILED.connection, message: errorMessage(e) });
        failed = [why.kind, NO_BYTES, "{}", why.message];
      }
      guard.release();
      if (signal?.aborted) failed = [FAILED.aborted, NO_BYTES, "{}", ""];
      let delay;
      try {
        delay = call.failed(...failed, Date.now(), Math.random());
      } catch (e) {
        e.attempts = call.attempts();
        throw e;
      }
      if (delay > 0 || signal) await sleep(delay, signal, this.aborted);
    }
  }

  /** A request whose whole answer is read as text (`send`'s arguments): resolves to `{ text, status, json, meta }`. */
  async text(method, path, kind, body, signal, params) {
    const { response, call, guard } = await this.send(method, path, kind, body, signal, params);
    try {
      const bytes = await guard.wait(response.arrayBuffer(), PHASE.body);
      if (bytes.byteLength > BODY_LIMIT) throw this.session.error(3, "the response body is too large");
      let text;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        throw this.session.error(3, "the response body is not UTF-8");
      }
      const json = (response.headers.get("content-type") ?? "").toLowerCase().includes("json");
      return { text, status: response.status, json, meta: meta(response, call) };
    } catch (e) {
      if (e?.llmwireError) throw e;
      const why = guard.failure ?? { kind: FAILED.connection, message: `the body could not be read: ${errorMessage(e)}` };
      throw why.kind === FAILED.aborted ? this.aborted() : why.kind === FAILED.timeout ? call.timeout(PHASE.body, Date.now()) : this.session.error(1, why.message);
    } finally {
      guard.end();
    }
  }

  /** What `prepareChat` reads of chat `params`. */
  #chatView(params) {
    return view(params, (chatMembers ??= JSON.parse(this.wasm.chatMembers())));
  }

  /**
   * A chat completion of `params` without streaming: resolves to `{ completion, meta }`, the
   * completion parsed. `body` is what is sent: `params` as JSON text unless given.
   */
  async chat(params, signal, body = JSON.stringify(params)) {
    this.session.prepareChat(this.#chatView(params), false);
    const answer = await this.text("POST", "/chat/completions", KIND.json, body, signal, params);
    return { completion: this.#finishChat(answer), meta: answer.meta };
  }

  /** A 2xx chat `answer`, checked in wasm with its `choices` and `data` as `[]` (checkedAnswer). */
  #finishChat({ text, status }) {
    return checkedAnswer(text, (shape) => this.session.finishChat(shape, status), CHAT_STOOD_IN, (body) => ({ ...body, ...emptied(body, "choices"), ...emptied(body, "data") }));
  }

  /** Opens a stream on a POST of `body` (`params` as `send` takes them); resolves to a BodyStream over `decoder()` once the headers arrive. */
  async stream(path, body, signal, decoder, params) {
    const sent = await this.send("POST", path, KIND.stream, body, signal, params);
    try {
      return new BodyStream(sent, decoder());
    } catch (e) {
      sent.response.body?.cancel().catch(() => {}); // rejects when the body is already locked
      sent.guard.end();
      throw e;
    }
  }

  /**
   * A streamed chat completion of `params`, asking for usage when configured (and again without if
   * the gateway refuses). `bodyFor(usage)` is what is sent: `params` as JSON text, with
   * `stream_options.include_usage` when `usage`, unless given.
   */
  async chatStream(params, signal, bodyFor = (usage) => JSON.stringify(usage ? { ...params, stream_options: { include_usage: true } } : params)) {
    const usage = this.session.prepareChat(this.#chatView(params), true);
    const decoder = () => this.session.chatDecoder();
    try {
      return await this.stream("/chat/completions", bodyFor(usage), signal, decoder, params);
    } catch (e) {
      if (!usage || !e?.rejectsStreamOptions) throw e;
      return this.stream("/chat/completions", bodyFor(false), signal, decoder, params);
    }
  }
}

/** Where a result came from (`call` absent: a Response obtained elsewhere). */
function meta(response, call) {
  return { requestId: response.headers.get("x-request-id") ?? undefined, baseURL: call ? call.baseUrl() : "", attempts: call ? call.attempts() : 1 };
}

/** @internal A canned three-event chat stream: the warm-ups' answer. */
export const WARM_UP_STREAM = 'data: {"choices":[{"index":0,"delta":{"content":"w"}}]}\n\ndata: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';

/**
 * @internal Runs the wasm side of a streamed chat request once, on canned data, without I/O: a
 * session, the request's body, headers, URL and limits, then a three-event stream decoded as chunks
 * and as text. Engines compile each wasm function on its first call; the default entry calls this
 * just after loading the core, so a page's first message does not pay that compile (a fresh
 * Chromium page: the first delta ~4 ms sooner). Returns what the two decodings handed back.
 */
export function warmUp(wasm) {
  const session = new wasm.WasmSession('{"baseURL":"http://warm.invalid/v1"}', false);
  const stream = encoder.encode(WARM_UP_STREAM);
  try {
    session.headers(KIND.stream);
    session.prepareChat('{"temperature":1}', true);
    const call = session.call(undefined, 0, Date.now());
    try {
      call.admit(Date.now());
      call.url("/chat/completions", Date.now());
      call.limit(PHASE.headers, Date.now());
      call.release();
    } finally {
      call.free();
    }
    return [MODE.items, MODE.text].map((mode) => {
      const decoder = session.chatDecoder();
      try {
        return [decoder.push(stream, mode), decoder.end()].join("");
      } finally {
        decoder.free();
      }
    });
  } finally {
    session.free();
  }
}

const DONE = Object.freeze({ value: undefined, done: true });

/**
 * @internal An async iterator over batches' items: `pull()` resolves to the next batch (the text of
 * a JSON array of items when `explode`, else one item) or to undefined at the end; `end(complete)`
 * runs once, when the batches ran out (true), or when a pull failed or the loop was left early
 * (false). Hand-written, not an async generator: a generator's every `yield` awaits, which over
 * 200k chunk objects cost 58 ms against 20 here. A `next()` made while a pull is pending waits for it.
 */
export function batchIterator(pull, explode, end) {
  let items = [];
  let at = 0;
  let ended = false;
  let pending = null;
  const finish = (complete) => {
    if (ended) return;
    ended = true;
    items = [];
    end(complete);
  };
  const more = async () => {
    for (;;) {
      let batch;
      try {
        batch = await pull();
      } catch (e) {
        finish(false);
        throw e;
      }
      if (batch === undefined) {
        finish(true);
        return DONE;
      }
      items = explode ? JSON.parse(batch) : [batch];
      at = 0;
      if (items.length > 0) return { value: items[at++], done: false };
    }
  };
  const next = () => {
    if (pending) return pending.then(next, next);
    if (at < items.length) return Promise.resolve({ value: items[at++], done: false });
    if (ended) return Promise.resolve(DONE);
    const p = (pending = more());
    const clear = () => {
      pending = null;
    };
    p.then(clear, clear);
    return p;
  };
  return {
    next,
    return() {
      finish(false);
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * @internal One streamed body: each read's bytes go to the WasmDecoder once, which hands back that
 * chunk's batch. The methods mirror what the facade's stream classes call.
 */
export class BodyStream {
  /** The latest body stream, kept (emptied once freed) for its hidden class: see Guard's. */
  static #latest = null;
  #decoder;
  #reader;
  #response;
  #guard;
  #call;
  #format;
  #error = null;
  #finished = false;
  #check = false;
  /** Bytes of the current network chunk not yet pushed, and how many chunks were read. */
  #rest = null;
  #chunks = 0;
  /** Where the result came from (#where). */
  #meta = null;

  /** `sent` from `Transport.send` (or `{ response }` for a Response obtained elsewhere). */
  constructor({ response, call, guard }, decoder) {
    this.#response = response;
    this.#decoder = decoder;
    this.#call = call;
    this.#guard = guard;
    const type = (response.headers.get("content-type") ?? "").toLowerCase();
    this.#format = type.includes("text/html") ? "html" : type.includes("json") ? "json" : "sse";
    if (!response.body) throw decoder.withPartial(1, "the response has no body");
    this.#reader = response.body.getReader();
    if (guard) guard.onFail = () => cancel(this.#reader);
    BodyStream.#latest = this;
  }

  /** Starts the limit of a read in `phase`; an attempt that already failed throws its failure. */
  #arm(phase) {
    const guard = this.#guard;
    if (guard?.failure) throw guard.failure;
    guard?.arm(phase);
  }

  /** Ends the limit of a read that settled; throws the attempt's failure if it failed meanwhile. */
  #disarm() {
    const guard = this.#guard;
    guard?.disarm();
    if (guard?.failure) throw guard.failure;
  }

  /** One read under the limit of `phase`. */
  async #read(phase) {
    this.#arm(phase);
    try {
      return await this.#reader.read();
    } finally {
      this.#disarm();
    }
  }

  /** Where the result came from, read once: before the guard frees the call, or when asked. */
  #where() {
    return (this.#meta ??= meta(this.#response, this.#call));
  }

  /** Ends the attempt (its guard, which frees the call), keeping where the result came from. */
  #release() {
    this.#where();
    this.#guard?.end();
  }

  /** Stops reading: the stream is finished, its reader cancelled and its attempt released. */
  #stop() {
    this.#finished = true;
    cancel(this.#reader);
    this.#release();
  }

  #end() {
    this.#stop();
    return this.#decoder.end();
  }

  /** A body that is not an event stream, read whole: an HTML page's error, or a JSON answer's one batch. */
  async #whole(mode) {
    const read = () => this.#read(PHASE.idle);
    if (this.#format === "html") throw this.#decoder.htmlError(await readUpTo(read, HTML_SNIPPET_LIMIT), this.#response.status);
    const bytes = await readUpTo(read, JSON_BODY_LIMIT);
    this.#finished = true;
    this.#release();
    return this.#decoder.jsonBody(bytes, this.#response.status, mode);
  }

  /** Pushes bytes of a network chunk to the decoder and returns its batch, if any. */
  #push(bytes, mode) {
    // The first network chunk goes in small slices: the first deltas reach the caller after an
    // event or two, not after the whole chunk (up to 16 KiB, ~60 events).
    if (this.#chunks === 1 && mode !== MODE.none && bytes.length > FIRST_SLICE) {
      this.#rest = bytes.subarray(FIRST_SLICE);
      bytes = bytes.subarray(0, FIRST_SLICE);
    }
    const out = this.#decoder.push(bytes, mode);
    if (out !== undefined) this.#check = true;
    return out;
  }

  /** The error for a failed read, with the partial result. */
  #failure(e) {
    if (e?.llmwireError) return e;
    const why = this.#guard?.failure;
    if (why) return this.#decoder.withPartial(why.kind === FAILED.aborted ? 0 : 2, why.message);
    if (isAbortError(e)) return this.#decoder.withPartial(0, "");
    return this.#decoder.withPartial(1, `the body could not be read: ${errorMessage(e)}`);
  }

  /**
   * The next batch in `mode`, or undefined at the end: one async frame per network read, which
   * Node's young generation feels (peak RSS on text-200k, finalChatCompletion: +22-23 MB with the
   * step and read in frames of their own, +18.8-20.6 MB without).
   */
  async next(mode) {
    for (;;) {
      if (this.#error) throw this.#error;
      if (this.#finished) return undefined;
      try {
        if (this.#check) {
          this.#check = false;
          this.#decoder.rethrow();
        }
        let out;
        if (this.#format !== "sse") out = await this.#whole(mode);
        else if (this.#decoder.isDone()) out = this.#end();
        else if (this.#rest) {
          const rest = this.#rest;
          this.#rest = null;
          out = this.#push(rest, mode);
        } else {
          // #read, inlined (see above).
          let read;
          this.#arm(PHASE.idle);
          try {
            read = await this.#reader.read();
          } finally {
            this.#disarm();
          }
          const { done, value } = read;
          if (done) out = this.#end();
          else {
            const bytes = asBytes(value);
            if (bytes === null) throw this.#decoder.withPartial(2, "the body stream produced a chunk that is not bytes");
            this.#chunks++;
            out = this.#push(bytes, mode);
          }
        }
        if (this.#error) throw this.#error; // cancelled while reading
        if (out !== undefined) return out;
      } catch (e) {
        this.#error ??= this.#failure(e);
        this.#stop();
      }
    }
  }

  nextChunks() {
    return this.next(MODE.items);
  }
  nextItems() {
    return this.next(MODE.items);
  }
  nextText() {
    return this.next(MODE.text);
  }
  nextEvents(partialJson) {
    this.#decoder.setPartialJson(partialJson);
    return this.next(MODE.events);
  }
  /** Reads to the end, collecting nothing but the result. */
  async readToEnd() {
    while ((await this.next(MODE.none)) !== undefined);
  }
  /** The result so far as JSON text. */
  snapshot() {
    return this.#decoder.snapshot();
  }
  /**
   * The result so far as an object, each chat message's texts moved out of wasm rather than
   * copied into JSON text and parsed out of it again: JS holds a long answer once, not as a JSON
   * string and again as the parsed object's string (peak RSS on text-200k, finalChatCompletion).
   * The texts are gone from the decoder after.
   */
  result() {
    const decoder = this.#decoder;
    const result = JSON.parse(decoder.resultApart() ?? "null");
    result?.choices?.forEach((choice, i) => {
      const message = choice?.message ?? {};
      for (const key in message) if (message[key] === "") message[key] = decoder.takeText(i, key) ?? "";
    });
    return result;
  }
  partialJson() {
    return this.#decoder.partialJson();
  }
  requestId() {
    return this.#where().requestId;
  }
  baseUrl() {
    return this.#where().baseURL;
  }
  attempts() {
    return this.#where().attempts;
  }
  /** Stops reading and closes the connection, also while a read is pending. */
  cancel() {
    if (!this.#finished) this.#error = this.#decoder.withPartial(0, "");
    this.#stop();
  }
  /** Frees the wasm state. */
  free() {
    this.cancel();
    this.#decoder.free();
    this.#response = this.#reader = this.#rest = null;
  }
}
