// Every endpoint besides chat, in openai-node's shape: images, embeddings, models, audio, legacy
// completions and Responses, plus helpers for image items and multimodal content parts. Only what
// must exist before their first use is here: the stream classes (and `sseReadable`, which chat's
// streams use too), the client's methods and the helpers' names. Their bodies are in features.js,
// which facade.js imports on first use; each endpoint's checks and decoding happen in Rust
// (src/bindings/endpoints.rs), and the transport (transport.js) sends.
import { batchIterator, isObject } from "./transport.js";

let ctx = null;

/** @internal Called once by facade.js with what this module needs from it. */
export function _initResources(context) {
  ctx = context;
}

/** @internal Throws the InvalidArgumentError of a `params` that is not an object. */
export function needObject(params, what) {
  if (!isObject(params)) throw new ctx.errors.InvalidArgumentError(`${what} expects a params object`);
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
    if (this.#claimed) throw new ctx.errors.LlmwireError("this stream is already being consumed; a stream can be read once");
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
    await this.#inner.readToEnd().catch(ctx.rethrow);
    return this.#inner.result();
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
  return (await ctx.features()).imageURL(item);
}

/** An image item as a `Blob`: decoded from `b64_json` or a `data:` URL, or fetched from its `url` (with `options.fetch` if given). */
export async function imageBlob(item, options) {
  return (await ctx.features()).imageBlob(item, options);
}

/** An `image_url` content part for a chat message, from a URL, a data URL, base64, or file data. */
export async function imagePart(source, options) {
  return (await ctx.features()).imagePart(source, options);
}

/** Names file data for an upload, as openai-node's `toFile`: `await toFile(bytes, "speech.mp3")`. The type is told from the bytes or the name unless given. */
export async function toFile(data, filename, options) {
  return (await ctx.features()).toFile(data, filename, options);
}

// ---------------------------------------------------------------- resources

/** @internal Adds `images`, `embeddings`, `models`, `audio`, `completions` and `responses` to a client. */
export function attachResources(client, ready) {
  /** A client method whose body is features.js's `name`, called with the transport and the method's arguments. */
  const method = (name) => async (...args) => (await ctx.features())[name](ready, ...args);

  client.images = {
    /** POST /images/generations. Items carry `url` or `b64_json`; see `imageURL`. */
    generate: method("imagesGenerate"),
    /** POST /images/edits (multipart): `image` (one or several File/Blob/Uint8Array/ArrayBuffer), optional `mask`, `prompt`, ... */
    edit: method("imagesEdit"),
    /** An image model on /chat/completions (APIYI gpt-image-2-vip): `prompt`, optional reference `image`(s) and earlier `messages`, `size`. */
    generateViaChat: method("imagesViaChat"),
  };

  client.embeddings = {
    /** POST /embeddings. Each item's `embedding` is a number array (base64 decoded), and `float32` the same vector as a `Float32Array`. */
    create: method("embeddings"),
  };

  const list = method("modelsList");
  client.models = {
    /** GET /models. `owned_by` is filled from 01.AI's `ownedBy`. Await it, or `for await` over the models. */
    list(options) {
      const listed = list(options);
      listed[Symbol.asyncIterator] = async function* models() {
        yield* (await listed).data;
      };
      return listed;
    },
    /** GET /models/{id}. */
    retrieve: method("modelsRetrieve"),
  };

  client.audio = {
    transcriptions: {
      /** POST /audio/transcriptions (multipart). `json`/`verbose_json` give an object; `text`, `srt` and `vtt` a string. */
      create: method("transcription"),
    },
  };

  client.completions = {
    /** POST /completions (legacy); with `stream: true`, resolves to a CompletionStream. */
    create: method("completions"),
  };

  client.responses = {
    /** POST /responses; the result has `output_text`. With `stream: true`, resolves to a ResponseStream of typed events. */
    create: method("responses"),
    /** Streams a response: `responses.create({ ...params, stream: true })`. */
    stream(params, options) {
      needObject(params, "responses.stream");
      return this.create({ ...params, stream: true }, options);
    },
  };
}
