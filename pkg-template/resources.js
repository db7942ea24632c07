// Every endpoint besides chat, in openai-node's shape: images, embeddings, models, audio, legacy
// completions and Responses, plus helpers for image items and multimodal content parts.
// Glue only: each endpoint's checks and decoding happen in Rust (src/bindings/endpoints.rs); the
// transport (transport.js) sends.
import { batchIterator, ENDPOINT } from "./transport.js";

let ctx = null;

/** @internal Called once by facade.js with what this module needs from it. */
export function _initResources(context) {
  ctx = context;
}

const signalOf = (options) => options?.signal ?? undefined;

function needObject(params, what) {
  if (!params || typeof params !== "object" || Array.isArray(params)) throw new ctx.InvalidArgumentError(`${what} expects a params object`);
}

/** A result's JSON text, parsed, with where it came from (`_request_id`, `_base_url`, `_attempts`). */
function result({ text, meta }) {
  const body = JSON.parse(text);
  return typeof body === "object" && body !== null ? ctx.withMeta(body, meta) : body;
}

const isBytes = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
const isBlob = (v) => typeof Blob !== "undefined" && v instanceof Blob;

async function bytesOf(source) {
  if (isBlob(source)) return new Uint8Array(await source.arrayBuffer());
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
}

// ---------------------------------------------------------------- streams

/**
 * @internal A stream's items as a `ReadableStream` of Server-Sent Events bytes, one item per pull,
 * so it forwards as fast as its reader reads: `data: <item JSON>` (with `event: <item.type>` when
 * `named`, as the Responses API sends them), then `data: [DONE]` when `done`. An error part-way
 * ends it with the error event OpenAI-compatible clients read (llmwire's and openai-node's).
 * Cancelling it aborts the request.
 */
export function sseReadable(items, abort, { named = false, done = true } = {}) {
  const encoder = new TextEncoder();
  const iterator = items[Symbol.asyncIterator]();
  return new ReadableStream(
    {
      async pull(controller) {
        let text;
        try {
          const next = await iterator.next();
          if (next.done) {
            if (done) controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
            return;
          }
          const item = next.value;
          text = `${named && typeof item?.type === "string" ? `event: ${item.type}\n` : ""}data: ${JSON.stringify(item)}\n\n`;
        } catch (e) {
          const error = { message: String(e?.message ?? e), type: e?.type ?? null, code: e?.code ?? null, param: e?.param ?? null };
          text = named ? `event: error\ndata: ${JSON.stringify({ type: "error", ...error })}\n\n` : `data: ${JSON.stringify({ error })}\n\n`;
          controller.enqueue(encoder.encode(text));
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(text));
      },
      cancel() {
        abort();
        return iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** A streamed result of an endpoint other than chat: iterate its items, or `textStream`, or await the final result. */
export class EventStream {
  #inner;
  #claimed = false;

  /** @internal */
  constructor(inner) {
    this.#inner = inner;
  }

  #iterate(pull, explode) {
    if (this.#claimed) throw new ctx.LlmwireError("this stream is already being consumed; a stream can be read once");
    this.#claimed = true;
    return batchIterator(() => pull().catch(ctx.rethrow), explode, (complete) => complete || this.#inner.cancel());
  }

  /** The items as the server sent them. Leaving the loop early cancels the request. */
  [Symbol.asyncIterator]() {
    return this.#iterate(() => this.#inner.nextItems(), true);
  }

  /** The text, piece by piece as it arrives. */
  get textStream() {
    return { [Symbol.asyncIterator]: () => this.#iterate(() => this.#inner.nextText(), false) };
  }

  /** @internal Reads to the end and resolves to the final result. */
  async _final() {
    this.#claimed = true;
    return JSON.parse(await this.#inner.finalResult().catch(ctx.rethrow));
  }

  /** @internal The result accumulated so far. */
  _current() {
    const s = this.#inner.snapshot();
    return s === undefined ? undefined : JSON.parse(s);
  }

  /** The response's `x-request-id`, if the server sent one. */
  get requestId() {
    return this.#inner.requestId() ?? undefined;
  }

  /** The base URL that served this stream. */
  get baseURL() {
    return this.#inner.baseUrl() || undefined;
  }

  /** Attempts the request took, the successful one included. */
  get attempts() {
    return this.#inner.attempts() ?? 1;
  }

  /**
   * The stream as Server-Sent Events bytes in the OpenAI wire format, to return from a Worker or
   * server handler: any OpenAI-compatible client (llmwire's `Client` too) reads it. Read it once.
   */
  toReadableStream() {
    return sseReadable(this, () => this.abort(), this._sseFormat());
  }

  /** @internal How `toReadableStream` frames items. */
  _sseFormat() {
    return { named: false, done: true };
  }

  /** Stops reading and closes the connection. */
  abort() {
    this.#inner.cancel();
  }
}

/** A streamed legacy completion: iterate `text_completion` chunks, or `textStream`, or await `finalCompletion()`. */
export class CompletionStream extends EventStream {
  /** Resolves to the accumulated completion once the stream ends. */
  finalCompletion() {
    return this._final();
  }
  /** The completion accumulated so far (also after an error). */
  currentCompletion() {
    return this._current();
  }
  /** The final text of choice 0. */
  async finalText() {
    return (await this.finalCompletion()).choices?.[0]?.text ?? "";
  }
}

/** A streamed response: iterate typed events (`event.type`), or `textStream`, or await `finalResponse()`. */
export class ResponseStream extends EventStream {
  /** @internal Responses events carry their type as the SSE event name, and there is no `[DONE]`. */
  _sseFormat() {
    return { named: true, done: false };
  }
  /** Resolves to the final response (with `output_text`) once the stream ends. */
  finalResponse() {
    return this._final();
  }
  /** The response accumulated so far (also after an error). */
  currentResponse() {
    return this._current();
  }
  /** The final `output_text`. */
  async finalText() {
    return (await this.finalResponse()).output_text ?? "";
  }
}

// ---------------------------------------------------------------- helpers

/** Whether a chat result is an image model's answer (`object: "image.generation"`, `data: [...]`) rather than a chat completion. */
export function isImageGeneration(value) {
  return value?.object === "image.generation" && Array.isArray(value.data);
}

/** Something an `<img src>` can show for an image item: its `url`, or a `data:` URL built from `b64_json` (prefixed or not). */
export async function imageURL(item) {
  const b = await ctx.extras();
  try {
    return b.imageItemSrc(item?.url ?? undefined, item?.b64_json ?? undefined);
  } catch (e) {
    ctx.rethrow(e);
  }
}

/** An image item as a `Blob`: decoded from `b64_json` or a `data:` URL, or fetched from its `url` (with `options.fetch` if given). */
export async function imageBlob(item, options = {}) {
  const b = await ctx.extras();
  let decoded;
  try {
    decoded = b.imageItemBytes(item?.url ?? undefined, item?.b64_json ?? undefined);
  } catch (e) {
    ctx.rethrow(e);
  }
  if (decoded) return new Blob([decoded[0]], { type: decoded[1] });
  const response = await (options.fetch ?? fetch)(item.url).catch((e) => {
    throw new ctx.errors.APIConnectionError(`could not fetch the image: ${e?.message ?? e}`);
  });
  if (!response.ok) throw new ctx.errors.APIError(`fetching the image failed with HTTP ${response.status}`, { status: response.status });
  return response.blob();
}

/** A `data:` URL, or the given URL, for an image source: URL, data URL, base64, `Blob`/`File`, `Uint8Array` or `ArrayBuffer`. */
async function imageSource(source, mimeType) {
  const b = await ctx.extras();
  try {
    if (typeof source === "string") return JSON.parse(b.imagePart(source, undefined)).image_url.url;
    if (isBlob(source) || isBytes(source)) return b.imageBytesDataUrl(await bytesOf(source), mimeType ?? (source.type || undefined));
  } catch (e) {
    ctx.rethrow(e);
  }
  throw new ctx.InvalidArgumentError(`an image must be a URL, a data URL, base64, a Blob, a File, a Uint8Array or an ArrayBuffer; got ${source === null ? "null" : typeof source}`);
}

/** An `image_url` content part for a chat message, from a URL, a data URL, base64, or file data. */
export async function imagePart(source, options = {}) {
  const url = await imageSource(source, options.mimeType);
  const b = await ctx.extras();
  try {
    return JSON.parse(b.imagePart(url, options.detail ?? undefined));
  } catch (e) {
    ctx.rethrow(e);
  }
}

/** Names file data for an upload, as openai-node's `toFile`: `await toFile(bytes, "speech.mp3")`. The type is told from the bytes or the name unless given. */
export async function toFile(data, filename, options = {}) {
  if (!isBlob(data) && !isBytes(data)) throw new ctx.InvalidArgumentError("toFile expects a Blob, a Uint8Array or an ArrayBuffer");
  let type = options.type ?? (isBlob(data) ? data.type : "");
  if (!type) {
    const b = await ctx.extras();
    type = b.mediaType((await bytesOf(isBlob(data) ? data.slice(0, 16) : data)).subarray(0, 16), filename) ?? "";
  }
  return new File([data], filename, { type });
}

// ---------------------------------------------------------------- resources

const isFileData = (v) => isBlob(v) || isBytes(v);

/** An array of files: an `Array`, or an array-like such as a `FileList` from an `<input>`. */
function fileList(value) {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object" && !isFileData(value) && typeof value.length === "number") return Array.from(value);
  return null;
}

/** A file for form field `field`, with the type and name Rust tells from its declared type, first bytes and name. */
async function filePart(b, field, value) {
  if (isBlob(value)) {
    const declared = value.type;
    const specific = declared && declared !== "application/octet-stream";
    const head = specific ? new Uint8Array(0) : new Uint8Array(await value.slice(0, 16).arrayBuffer());
    const [type, name] = b.describeUpload(field, declared || undefined, head, typeof value.name === "string" ? value.name : undefined);
    return [type === declared ? value : value.slice(0, value.size, type), name];
  }
  if (!isBytes(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
    throw new ctx.InvalidArgumentError(`${field} must be a File, a Blob, a Uint8Array or an ArrayBuffer (use toFile(bytes, name) to name bytes); got ${kind}`);
  }
  const bytes = await bytesOf(value);
  const [type, name] = b.describeUpload(field, undefined, bytes.subarray(0, 16), undefined);
  return [new Blob([bytes], { type }), name];
}

/** The `FormData` of a multipart request (`form` 0 image edits, 1 transcriptions) and the requested `response_format`; Rust checks the params. */
async function formOf(b, rules, form, params, what) {
  needObject(params, what);
  const files = JSON.parse(rules.formFiles(form));
  const text = { ...params };
  const given = {};
  for (const name of files) {
    delete text[name];
    const value = params[name];
    if (value !== undefined && value !== null) given[name] = fileList(value)?.length ?? -1;
  }
  let json;
  try {
    json = JSON.stringify(text);
  } catch (e) {
    throw new ctx.InvalidArgumentError(`${what}: the parameters cannot be written as text: ${e?.message ?? e}`);
  }
  const plan = JSON.parse(rules.formPlan(form, json, JSON.stringify(given)));
  const data = new FormData();
  for (const [name, value] of plan.text) data.append(name, value);
  for (const name of files) {
    const value = params[name];
    if (!(name in given)) continue;
    const list = fileList(value);
    for (const item of list ?? [value]) {
      const [blob, filename] = await filePart(b, name, item);
      data.append(list ? `${name}[]` : name, blob, filename);
    }
  }
  return [data, plan.format];
}

/** @internal Adds `images`, `embeddings`, `models`, `audio`, `completions` and `responses` to a client. */
export function attachResources(client, ready) {
  /**
   * Runs `fn(transport, rules, extras)` with the endpoints' rules (`WasmEndpoints`) and the extras
   * bindings, turning the wasm's error objects into llmwire's classes.
   */
  const use = async (fn) => {
    try {
      const transport = await ready;
      return await fn(transport, await transport.endpoints(), await ctx.extras());
    } catch (e) {
      ctx.rethrow(e);
    }
  };
  const json = (params, what) => {
    needObject(params, what);
    return JSON.stringify(params);
  };
  const post = (endpoint, path, body, options) => use((t) => t.json(endpoint, "POST", path, body, signalOf(options))).then(result);

  client.images = {
    /** POST /images/generations. Items carry `url` or `b64_json`; see `imageURL`. */
    async generate(params, options) {
      return post(ENDPOINT.images, "/images/generations", json(params, "images.generate"), options);
    },
    /** POST /images/edits (multipart): `image` (one or several File/Blob/Uint8Array/ArrayBuffer), optional `mask`, `prompt`, ... */
    async edit(params, options) {
      needObject(params, "images.edit");
      return result(await use(async (t, rules, b) => {
        const [form] = await formOf(b, rules, 0, params, "images.edit");
        const answer = await t.text("POST", "/images/edits", 3, form, signalOf(options));
        return { text: rules.finish(ENDPOINT.images, answer.text, answer.status), meta: answer.meta };
      }));
    },
    /** An image model on /chat/completions (APIYI gpt-image-2-vip): `prompt`, optional reference `image`(s) and earlier `messages`, `size`. */
    async generateViaChat(params, options) {
      needObject(params, "images.generateViaChat");
      const sources = params.image ?? params.images;
      const list = sources === undefined || sources === null ? undefined : Array.isArray(sources) ? sources : [sources];
      const image = list && (await Promise.all(list.map((s) => imageSource(s))));
      return post(ENDPOINT.imagesViaChat, "/chat/completions", JSON.stringify({ ...params, images: undefined, image }), options);
    },
  };

  client.embeddings = {
    /** POST /embeddings. Each item's `embedding` is a number array (base64 decoded), and `float32` the same vector as a `Float32Array`. */
    async create(params, options) {
      const body = json(params, "embeddings.create");
      const [out, vectors, lengths] = await use(async (t, rules) => {
        const answer = await t.text("POST", "/embeddings", 1, rules.prepare(ENDPOINT.embeddings, body), signalOf(options));
        const [text, vectors, lengths] = rules.embeddings(answer.text, answer.status);
        return [result({ text, meta: answer.meta }), vectors, lengths];
      });
      let offset = 0;
      let next = 0;
      for (const item of out.data) {
        let float32;
        if (item.embedding === null) {
          // A base64 vector, decoded in Rust.
          float32 = vectors.subarray(offset, (offset += lengths[next++]));
          item.embedding = Array.from(float32);
        } else {
          float32 = Float32Array.from(item.embedding);
        }
        Object.defineProperty(item, "float32", { value: float32, enumerable: false, configurable: true });
      }
      return out;
    },
  };

  client.models = {
    /** GET /models. `owned_by` is filled from 01.AI's `ownedBy`. Await it, or `for await` over the models. */
    list(options) {
      const listed = use((t) => t.json(ENDPOINT.models, "GET", "/models", undefined, signalOf(options))).then(result);
      listed[Symbol.asyncIterator] = async function* models() {
        yield* (await listed).data;
      };
      return listed;
    },
    /** GET /models/{id}. */
    async retrieve(id, options) {
      if (typeof id !== "string" || !id) throw new ctx.InvalidArgumentError("models.retrieve expects a model id");
      return result(await use((t, rules) => t.json(ENDPOINT.model, "GET", rules.prepare(ENDPOINT.model, id), undefined, signalOf(options))));
    },
  };

  client.audio = {
    transcriptions: {
      /** POST /audio/transcriptions (multipart). `json`/`verbose_json` give an object; `text`, `srt` and `vtt` a string. */
      async create(params, options) {
        needObject(params, "audio.transcriptions.create");
        return result(await use(async (t, rules, b) => {
          const [form, format] = await formOf(b, rules, 1, params, "audio.transcriptions.create");
          const answer = await t.text("POST", "/audio/transcriptions", 3, form, signalOf(options));
          return { text: rules.transcription(format, answer.text, answer.status, answer.json), meta: answer.meta };
        }));
      },
    },
  };

  /** A streamed request to `endpoint`. */
  const stream = (endpoint, path, body, options) => use((t) => t.events(endpoint, path, body, signalOf(options)));

  client.completions = {
    /** POST /completions (legacy); with `stream: true`, resolves to a CompletionStream. */
    async create(params, options) {
      const body = json(params, "completions.create");
      if (params.stream) return new CompletionStream(await stream(ENDPOINT.completions, "/completions", body, options));
      return post(ENDPOINT.completions, "/completions", body, options);
    },
  };

  client.responses = {
    /** POST /responses; the result has `output_text`. With `stream: true`, resolves to a ResponseStream of typed events. */
    async create(params, options) {
      const body = json(params, "responses.create");
      if (params.stream) return new ResponseStream(await stream(ENDPOINT.responses, "/responses", body, options));
      return post(ENDPOINT.responses, "/responses", body, options);
    },
    /** Streams a response: `responses.create({ ...params, stream: true })`. */
    stream(params, options) {
      needObject(params, "responses.stream");
      return this.create({ ...params, stream: true }, options);
    },
  };
}
