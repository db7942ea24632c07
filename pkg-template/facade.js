// llmwire's JavaScript facade: the openai-node-shaped surface over the wasm bindings.
// Every entry point (index.js, workerd.js, slim.js) registers how the wasm is loaded and re-exports this.
// Logic lives in Rust; this file only marshals, wraps errors in classes, and provides async iterators.
// Chat is here. The other endpoints and tool calling have their classes and client methods in
// resources.js and tools.js, and their bodies in features.js, imported on first use with the extras wasm.

import { _initResources, attachResources, needObject, sseReadable } from "./resources.js";
import { batchIterator, BodyStream, DECODER, Transport, WARM_UP_STREAM } from "./transport.js";

import { _initTools, runTools, parseCompletion } from "./tools.js";

export { EventStream, CompletionStream, ResponseStream, isImageGeneration, imageURL, imageBlob, imagePart, toFile } from "./resources.js";
export { ToolRunner, Conversation } from "./tools.js";

let loader = null;
let extrasLoader = null;
let loading = null;
let loadingExtras = null;
let loadingFeatures = null;

/**
 * @internal Called once by the entry module with functions that resolve to the initialised bindings:
 * `load` the core (chat), `loadExtras` the rest (the same module for the slim and Workers entries).
 */
export function _setLoader(load, loadExtras) {
  loader = load;
  extrasLoader = loadExtras;
  loading = loadingExtras = null;
}

const WORKERS_HINT = "; in Cloudflare Workers, bundle with the 'workerd' condition (Wrangler does) or use 'llmwire/slim'";

/**
 * Resolves `get()`'s promise, kept while it is pending or fulfilled. A failure is an LlmwireError
 * saying that `what` could not be loaded and why (then `hint`), the runtime's error as its cause.
 */
function once(get, set, load, what = "the wasm", hint = WORKERS_HINT) {
  let p = get();
  if (!p) {
    if (!load) return Promise.reject(new LlmwireError("llmwire: the wasm is not loaded; import from 'llmwire', or call init() of 'llmwire/slim' first"));
    p = Promise.resolve()
      .then(load)
      .catch((e) => {
        if (e instanceof LlmwireError) throw e;
        throw new LlmwireError(`llmwire: ${what} could not be loaded (${e?.name ?? "Error"}: ${e?.message ?? e})${hint}`, { cause: e });
      });
    set(p);
    p.catch(() => set(null));
  }
  return p;
}

/** The core bindings: client sessions, chat decoding. */
function bindings() {
  return once(() => loading, (p) => (loading = p), loader);
}

/** @internal The default entry's `init()`: resolves once the core is loaded; a failure is an LlmwireError. */
export async function _ready() {
  await bindings();
}

/** The extras bindings: the other endpoints, tools, helpers. */
function extras() {
  return once(() => loadingExtras, (p) => (loadingExtras = p), extrasLoader);
}

/**
 * features.js, the JavaScript of everything besides chat, once the extras bindings it drives are
 * loaded too (both at once, so their first use waits for the slower of the two).
 */
function features() {
  const load = () => Promise.all([import("./features.js"), extras()]).then(([f]) => (f._initFeatures(context), f));
  return once(() => loadingFeatures, (p) => (loadingFeatures = p), load, "features.js", "");
}

// ---------------------------------------------------------------- errors

/** Base class of every error llmwire throws. */
export class LlmwireError extends Error {}

/** An error from the server or the connection to it. Shaped like openai-node's APIError. */
export class APIError extends LlmwireError {
  constructor(message, fields = {}) {
    super(message);
    /** HTTP status, or undefined (connection errors, errors inside a 200 stream). */
    this.status = fields.status ?? undefined;
    this.code = fields.code ?? undefined;
    this.type = fields.type ?? undefined;
    this.param = fields.param ?? undefined;
    this.requestId = fields.requestId ?? undefined;
    /** A bounded snippet of a body that was not JSON (an HTML error page from a proxy). */
    this.body = fields.body ?? undefined;
    /** The error object as the server sent it (message, type, code, param). */
    this.error = fields.apiMessage === undefined ? undefined
      : { message: fields.apiMessage, type: this.type ?? null, code: this.code ?? null, param: this.param ?? null };
    /** Whether sending the same request again may succeed. */
    this.retryable = !!fields.retryable;
  }
  /** openai-node's spelling of requestId. */
  get requestID() { return this.requestId; }
}
export class BadRequestError extends APIError {}
export class AuthenticationError extends APIError {}
export class PermissionDeniedError extends APIError {}
export class NotFoundError extends APIError {}
export class ConflictError extends APIError {}
export class UnprocessableEntityError extends APIError {}
export class RateLimitError extends APIError {}
export class InternalServerError extends APIError {}
export class APIConnectionError extends APIError {}
export class APIConnectionTimeoutError extends APIConnectionError {}
export class APIUserAbortError extends APIError {}
/** A successful response whose body was not what the endpoint promises. */
export class InvalidResponseError extends APIError {}
/** A stream that failed part-way; `partialCompletion` holds what arrived before. */
export class StreamError extends APIError {}
/** A stream event that was not valid JSON; `snippet` holds a bounded copy of it. */
export class StreamParseError extends StreamError {}
/** A stream whose body ended before it was complete. */
export class StreamTruncatedError extends StreamError {}
/** A JSON answer (`parse()`, `finalParsed()`) that is not valid JSON, or a refusal; `rawText` keeps the model's text. */
export class OutputParseError extends InvalidResponseError {}
/** The caller passed something unusable. */
export class InvalidArgumentError extends LlmwireError {}

const errorClasses = {
  LlmwireError, APIError, BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError,
  ConflictError, UnprocessableEntityError, RateLimitError, InternalServerError, APIConnectionError,
  APIConnectionTimeoutError, APIUserAbortError, InvalidResponseError, StreamError, StreamParseError,
  StreamTruncatedError, InvalidArgumentError, OutputParseError,
};
// Explicit names survive minification.
for (const [name, cls] of Object.entries(errorClasses)) {
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

function toError(e) {
  if (!e || e.llmwireError !== true) return e;
  const Cls = errorClasses[e.name] ?? APIError;
  const err = Cls.prototype instanceof APIError || Cls === APIError ? new Cls(e.message, e) : new Cls(e.message);
  if (e.snippet !== undefined) err.snippet = e.snippet;
  if (e.limit !== undefined) err.limit = e.limit;
  if (e.partial !== undefined) err.partialCompletion = e.partial;
  if (e.attempts !== undefined) err.attempts = e.attempts;
  if (e.rawText !== undefined) Object.assign(err, { rawText: e.rawText, finishReason: e.finishReason ?? null, choice: e.choice });
  return err;
}

function rethrow(e) {
  throw toError(e);
}

// ---------------------------------------------------------------- streams

const ON_COMPLETE = Symbol("llmwire.onComplete");

/** A streamed chat completion: iterate chunks, or `textStream`, or await `finalChatCompletion()`. */
export class ChatStream {
  #inner;
  #claimed = false;
  /** Once the stream ended: its result, error and metadata; the wasm side is freed then. */
  #done = null;
  #json;
  #onComplete;

  /** @internal `json`: the request asked for a JSON answer (`content.delta` events then carry `parsed`). */
  constructor(inner, json = false) {
    this.#inner = inner;
    this.#json = json;
  }

  /** @internal Runs `fn(finalChatCompletion)` once the stream has been read to its end (Conversation). */
  [ON_COMPLETE](fn) {
    this.#onComplete = fn;
  }

  /** Parses a streaming chat `Response` obtained elsewhere (a non-2xx response throws its error). */
  static async fromResponse(response) {
    const b = await bindings();
    if (typeof response?.status !== "number" || !response.headers) throw new InvalidArgumentError("ChatStream.fromResponse expects a Response");
    if (!response.ok) {
      const body = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
      throw toError(b.responseError(response.status, body, response.headers.get("x-request-id") ?? undefined));
    }
    try {
      return new ChatStream(new BodyStream({ response }, new b.WasmDecoder(DECODER.chat)));
    } catch (e) {
      rethrow(e);
    }
  }

  #claim() {
    if (this.#claimed) throw new LlmwireError("this stream is already being consumed; a stream can be read once");
    this.#claimed = true;
  }

  /**
   * Keeps what the stream ended with and frees its wasm state at once, so back-to-back streams
   * reuse the same memory instead of waiting for the garbage collector.
   */
  #finish(error) {
    const inner = this.#inner;
    if (!inner) return;
    // The JSON answer first: `result()` moves the texts out of the decoder.
    const partialJson = inner.partialJson();
    this.#done = {
      completion: inner.result(), error, requestId: inner.requestId() ?? undefined,
      baseURL: inner.baseUrl() || undefined, attempts: inner.attempts() ?? 1, partialJson,
    };
    this.#inner = null;
    inner.free();
    if (!error) this.#onComplete?.(this.#done.completion);
  }

  /** Awaits one pull; an error ends the stream. */
  async #pull(pull) {
    if (!this.#inner) {
      if (this.#done?.error) throw this.#done.error;
      return undefined;
    }
    try {
      return await pull(this.#inner);
    } catch (e) {
      const err = toError(e);
      this.#finish(err);
      throw err;
    }
  }

  /**
   * Claims the stream (synchronously, so a second reader fails at once) and iterates its batches'
   * items; reading to the end keeps the result, leaving early cancels the request.
   */
  #iterate(pull, explode) {
    this.#claim();
    return batchIterator(() => this.#pull(pull), explode, (complete) => (complete ? this.#finish() : this.abort()));
  }

  /** The `chat.completion.chunk` objects, as the server sent them. Leaving the loop early cancels the request. */
  [Symbol.asyncIterator]() {
    return this.#iterate((inner) => inner.nextChunks(), true);
  }

  /** The text of choice 0, piece by piece as it arrives. */
  get textStream() {
    return { [Symbol.asyncIterator]: () => this.#iterate((inner) => inner.nextText(), false) };
  }

  /**
   * Progress events: `content.delta` (with `parsed`, the JSON answer so far, when `response_format` asks for
   * JSON), `refusal.delta`, `tool_call.start`, `tool_call.delta`, and at the end `tool_call.done` per call, checked.
   */
  get eventStream() {
    return { [Symbol.asyncIterator]: () => this.#iterate((inner) => inner.nextEvents(this.#json), true) };
  }

  /** The JSON answer of choice 0 so far, completed to a value (undefined before it has one). */
  get partialJson() {
    const s = this.#inner ? this.#inner.partialJson() : this.#done?.partialJson;
    return s === undefined ? undefined : JSON.parse(s);
  }

  /** Reads to the end and resolves to choice 0's JSON answer; an answer that is not JSON throws `OutputParseError`. */
  async finalParsed() {
    return (await parseCompletion(JSON.stringify(await this.finalChatCompletion())))[0];
  }

  /**
   * The stream as Server-Sent Events bytes in the OpenAI wire format (`data: <chunk>` ...
   * `data: [DONE]`), to return from a Worker or server handler: the key stays there, and any
   * OpenAI-compatible client (llmwire's `Client` too) reads it. An error part-way ends it with an
   * error event. Read it once; cancelling it aborts the request.
   */
  toReadableStream() {
    return sseReadable(this, () => this.abort());
  }

  /**
   * Reads to the end (or waits for the iteration to end) and resolves to the accumulated chat
   * completion: the same object on every call, and from `currentChatCompletion()` after the end.
   */
  async finalChatCompletion() {
    this.#claimed = true;
    if (!this.#done) {
      await this.#pull((inner) => inner.readToEnd());
      this.#finish();
    }
    if (this.#done.error) throw this.#done.error;
    return this.#done.completion;
  }

  /** The final text of choice 0 (null when it had none). */
  async finalContent() {
    const c = await this.finalChatCompletion();
    return c.choices?.[0]?.message?.content ?? null;
  }

  /** The completion accumulated so far (also after an error). */
  currentChatCompletion() {
    if (!this.#inner) return this.#done?.completion;
    const s = this.#inner.snapshot();
    return s === undefined ? undefined : JSON.parse(s);
  }

  /** The response's `x-request-id`, if the server sent one. */
  get requestId() {
    return this.#inner ? this.#inner.requestId() ?? undefined : this.#done?.requestId;
  }

  /** The base URL that served this stream (undefined for `fromResponse`). */
  get baseURL() {
    return this.#inner ? this.#inner.baseUrl() || undefined : this.#done?.baseURL;
  }

  /** Attempts the request took, the successful one included. */
  get attempts() {
    return this.#inner ? this.#inner.attempts() ?? 1 : this.#done?.attempts ?? 1;
  }

  /** Stops reading and closes the connection. */
  abort() {
    if (!this.#inner) return;
    this.#inner.cancel();
    this.#finish(toError({ llmwireError: true, name: "APIUserAbortError", message: "request was aborted" }));
  }
}

/** Parses any Server-Sent Events body (`Response` or `ReadableStream` of bytes) into `{ event, data, id }` objects. */
export async function* parseSSE(source) {
  const b = await bindings();
  const stream = typeof source?.getReader === "function" ? source : source?.body;
  if (typeof stream?.getReader !== "function") throw new InvalidArgumentError("parseSSE expects a Response or a ReadableStream of bytes");
  const headers = { get: () => null };
  let inner;
  try {
    inner = new BodyStream({ response: { body: stream, headers, status: 200 } }, new b.WasmDecoder(DECODER.sse));
  } catch (e) {
    rethrow(e);
  }
  // Still a generator (its declared type); the batches' loop is the streams' own. `free` cancels
  // the body first when the loop was left early.
  yield* batchIterator(() => inner.nextItems().catch(rethrow), true, () => inner.free());
}

// ---------------------------------------------------------------- client

/**
 * Attaches where a result came from as non-enumerable properties, so the result stays a plain
 * JSON object: `_request_id` (as openai-node), `_base_url` and `_attempts`.
 */
function withMeta(result, meta) {
  for (const [key, value] of [["_request_id", meta.requestId ?? undefined], ["_base_url", meta.baseURL], ["_attempts", meta.attempts]]) {
    Object.defineProperty(result, key, { value, enumerable: false, configurable: true });
  }
  return result;
}

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/**
 * A client for an OpenAI-compatible gateway.
 * `new Client({ apiKey, baseURL, fetch, defaultHeaders, dangerouslyAllowBrowser })`
 */
export class Client {
  #ready;

  constructor(options = {}) {
    const { apiKey, baseURL = DEFAULT_BASE_URL, fetch } = options ?? {};
    if (apiKey !== undefined && apiKey !== null && typeof apiKey !== "string") {
      throw new InvalidArgumentError("apiKey must be a string");
    }
    if (fetch !== undefined && typeof fetch !== "function") {
      throw new InvalidArgumentError("fetch must be a function");
    }
    /** The gateway's base URL. */
    this.baseURL = String(baseURL);
    // Every option is read and checked in Rust (ClientConfig::from_options_json).
    const json = JSON.stringify({ ...options, baseURL: this.baseURL, fetch: undefined });
    this.#ready = bindings().then((b) => {
      try {
        return new Transport(b, extras, json, fetch);
      } catch (e) {
        rethrow(e);
      }
    });
    // The constructor cannot throw asynchronously; the error surfaces on the first request.
    this.#ready.catch(() => {});
    const self = this;
    /** Chat completions. */
    this.chat = {
      completions: {
        /** Creates a chat completion; with `stream: true`, resolves to a ChatStream. */
        create(params, options) {
          return self.#chatCreate(params, options);
        },
      },
    };
    attachResources(this, this.#ready);
    /** Runs the tool-calling loop and returns a `ToolRunner` at once. */
    this.chat.completions.runTools = (params, options) => runTools(this.#ready, params, options);
    /** Creates a completion and parses each choice's JSON answer into `choices[i].message.parsed`. */
    this.chat.completions.parse = async (params, options) => {
      if (params?.stream) throw new InvalidArgumentError("chat.completions.parse does not stream: stream with create() and read stream.partialJson");
      const result = await this.#chatCreate({ ...params }, options);
      const parsed = await parseCompletion(JSON.stringify(result));
      result.choices?.forEach((choice, i) => { if (choice?.message) choice.message.parsed = parsed[i] ?? null; });
      return result;
    };
  }

  async #chatCreate(params, options = {}) {
    needObject(params, "chat.completions.create");
    const inner = await this.#ready;
    const signal = options?.signal ?? undefined;
    if (params.stream) {
      const json = ["json_object", "json_schema"].includes(params.response_format?.type);
      return new ChatStream(await inner.chatStream(params, signal).catch(rethrow), json);
    }
    const { completion, meta } = await inner.chat(params, signal).catch(rethrow);
    return withMeta(completion, meta);
  }
}

export default Client;

/**
 * The warm-up's client, kept for the program's lifetime. While a client lives, the engine keeps the
 * hidden classes of a client and its transport (and, once it has made a request, of its request's
 * objects) through a garbage collection; when none does, the next client after a collection lays
 * them out again (after a collection, the first delta 0.04-0.10 ms sooner in a Chromium page and
 * 0.05-0.09 ms in Node; benches/README.md). It holds no caller's data, as keeping the latest
 * client would.
 */
let warmClient = null;

/**
 * @internal The default entry's second warm-up: makes the kept client (`warmClient`) and, when
 * `stream` (where `Response` is the engine's own: browsers and their workers, not Node, Bun or Deno,
 * where the first Response loads a fetch implementation), streams a canned answer through it, read
 * as chunk objects and as text, so that a page's first message does not compile the JavaScript of
 * a request or lay out its objects (a fresh Chromium page: its first delta after 1.0-1.7 ms instead
 * of 3.2-4.6; benches/README.md). Resolves to the two readings' text, or to undefined without `stream`.
 */
export async function _warmUpClient(stream = true) {
  const fetch = () => new Response(WARM_UP_STREAM, { headers: { "content-type": "text/event-stream" } });
  const client = (warmClient ??= new Client({ baseURL: "http://warm.invalid/v1", fetch }));
  if (!stream) return undefined;
  const params = { model: "w", messages: [{ role: "user", content: "hi" }], stream: true };
  let chunks = "";
  for await (const chunk of await client.chat.completions.create(params)) chunks += chunk.choices[0]?.delta?.content ?? "";
  let text = "";
  for await (const piece of (await client.chat.completions.create(params)).textStream) text += piece;
  return [chunks, text];
}

/** What resources.js, tools.js and features.js need from here. */
const context = { extras, features, rethrow, withMeta, errors: errorClasses, ON_COMPLETE };
_initResources(context);
_initTools(context);
