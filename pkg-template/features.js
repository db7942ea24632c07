// The bodies of everything besides chat, imported by facade.js on first use together with the
// extras wasm they drive, so a page that only chats never downloads them: the other endpoints
// (resources.js has the client's methods and stream classes), multipart forms, the image helpers,
// and a ToolRunner's loop (tools.js has the runner). Glue only: the checks, the decoding and the
// tool loop's decisions happen in Rust (src/bindings/endpoints.rs, src/bindings/tools.rs).
import { CompletionStream, needObject, ResponseStream } from "./resources.js";
import { invalid, wasm } from "./tools.js";
import { checkedAnswer, ENDPOINT, isObject, KIND, view } from "./transport.js";

let ctx = null;

/** @internal Called by facade.js once it has imported this module, with what the module needs from it. */
export function _initFeatures(context) {
  ctx = context;
}

const signalOf = (options) => options?.signal ?? undefined;

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

/**
 * The base64 of `bytes`, encoded by the runtime (Rust decides only the media type, from the first
 * bytes): an image's bytes never enter wasm memory, which would keep 2-3x their size for good.
 */
function base64Of(bytes) {
  if (bytes.toBase64) return bytes.toBase64();
  const buffer = globalThis.process?.getBuiltinModule?.("node:buffer")?.Buffer; // Node without toBase64; its btoa is 10x slower
  if (buffer) return buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x6000) out += btoa(String.fromCharCode.apply(null, bytes.subarray(i, i + 0x6000)));
  return out;
}

// ---------------------------------------------------------------- helpers (resources.js exports them)

/** Something an `<img src>` can show for an image item: its `url`, or a `data:` URL built from `b64_json` (prefixed or not). */
export async function imageURL(item) {
  const b = await ctx.extras();
  try {
    return b.imageItemSrc(item?.url, item?.b64_json);
  } catch (e) {
    ctx.rethrow(e);
  }
}

/** An image item as a `Blob`: decoded from `b64_json` or a `data:` URL, or fetched from its `url` (with `options.fetch` if given). */
export async function imageBlob(item, options = {}) {
  const b = await ctx.extras();
  let decoded;
  try {
    decoded = b.imageItemBytes(item?.url, item?.b64_json);
  } catch (e) {
    ctx.rethrow(e);
  }
  if (decoded) return new Blob(decoded[0], { type: decoded[1] });
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
    if (typeof source === "string") return b.imageUrl(source);
    if (isBlob(source) || isBytes(source)) {
      const bytes = await bytesOf(source);
      return `data:${b.imageBytesType(bytes.subarray(0, 16), bytes.length, mimeType ?? (source.type || undefined))};base64,${base64Of(bytes)}`;
    }
  } catch (e) {
    ctx.rethrow(e);
  }
  throw new ctx.errors.InvalidArgumentError(`an image must be a URL, a data URL, base64, a Blob, a File, a Uint8Array or an ArrayBuffer; got ${source === null ? "null" : typeof source}`);
}

/**
 * The URL Rust builds an image part from in place of a checked image's own (imagePart,
 * imagesViaChat), which is put in here: Rust reads an image string in slices to check it, and
 * never holds it whole.
 */
const STAND_IN_URL = "https://image.invalid/";

/** An `image_url` content part for a chat message, from a URL, a data URL, base64, or file data. */
export async function imagePart(source, options = {}) {
  const url = await imageSource(source, options.mimeType);
  const b = await ctx.extras();
  try {
    const part = JSON.parse(b.imagePart(STAND_IN_URL, options.detail ?? undefined));
    part.image_url.url = url;
    return part;
  } catch (e) {
    ctx.rethrow(e);
  }
}

/** Names file data for an upload, as openai-node's `toFile`: `await toFile(bytes, "speech.mp3")`. The type is told from the bytes or the name unless given. */
export async function toFile(data, filename, options = {}) {
  if (!isBlob(data) && !isBytes(data)) throw new ctx.errors.InvalidArgumentError("toFile expects a Blob, a Uint8Array or an ArrayBuffer");
  let type = options.type ?? (isBlob(data) ? data.type : "");
  if (!type) {
    const b = await ctx.extras();
    type = b.mediaType((await bytesOf(isBlob(data) ? data.slice(0, 16) : data)).subarray(0, 16), filename) ?? "";
  }
  return new File([data], filename, { type });
}

// ---------------------------------------------------------------- multipart forms

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
    throw new ctx.errors.InvalidArgumentError(`${field} must be a File, a Blob, a Uint8Array or an ArrayBuffer (use toFile(bytes, name) to name bytes); got ${kind}`);
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
    throw new ctx.errors.InvalidArgumentError(`${what}: the parameters cannot be written as text: ${e?.message ?? e}`);
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

// ---------------------------------------------------------------- endpoints (resources.js's client methods)
// Each takes the client's transport promise, then the method's arguments.

/**
 * Runs `fn(transport, rules, extras)` with the endpoints' rules (`WasmEndpoints`) and the extras
 * bindings, turning the wasm's error objects into llmwire's classes.
 */
async function use(ready, fn) {
  try {
    const transport = await ready;
    return await fn(transport, await transport.endpoints(), await ctx.extras());
  } catch (e) {
    ctx.rethrow(e);
  }
}

/** `WasmEndpoints.members` by endpoint, asked once. */
const membersOf = new Map();

/**
 * The JSON text sent to `endpoint` (one whose rules check parameters) for request `params`: only
 * the members the rules check cross into wasm, so a long input never does.
 */
function prepared(rules, endpoint, params) {
  if (!membersOf.has(endpoint)) membersOf.set(endpoint, JSON.parse(rules.members(endpoint)));
  rules.prepare(endpoint, view(params, membersOf.get(endpoint)));
  return JSON.stringify(params);
}

/** A 2xx `answer` of `endpoint` as `{ text, meta }`, its text checked and rewritten by `rules`. */
const finished = (rules, endpoint, answer) => ({ text: rules.finish(endpoint, answer.text, answer.status) ?? answer.text, meta: answer.meta });

/** A JSON request of `params` to `endpoint` (undefined: no body): resolves to `{ text, meta }`. */
async function exchange(t, rules, endpoint, method, path, params, options) {
  const sent = params === undefined ? undefined : prepared(rules, endpoint, params);
  return finished(rules, endpoint, await t.text(method, path, params === undefined ? KIND.empty : KIND.json, sent, signalOf(options), params));
}

const post = (ready, endpoint, path, params, options) => use(ready, (t, rules) => exchange(t, rules, endpoint, "POST", path, params, options)).then(result);

/** The result of a 2xx `answer` of `endpoint`, checked by `rules` with the arrays `stoodIn` stood in by `shapeOf` (checkedAnswer). */
function checkedResult(rules, endpoint, answer, stoodIn, shapeOf) {
  const body = checkedAnswer(answer.text, (shape) => rules.finish(endpoint, shape, answer.status), stoodIn, shapeOf);
  return typeof body === "object" && body !== null ? ctx.withMeta(body, answer.meta) : body;
}

/** `body` with each object in its array `key` (if it has one) as `standIn(item)`, for checks that do not read what those hold. */
const standIns = (body, key, standIn) => (Array.isArray(body[key]) ? { ...body, [key]: body[key].map((item) => (isObject(item) ? standIn(item) : item)) } : body);
/** A long `url` or `b64_json`, not blank by any measure of blank: the images checks read only whether one is blank. */
const longImage = (value) => typeof value === "string" && value.length > 256 && /[A-Za-z0-9]/.test(value);
/** An images answer with each long `url` and `b64_json` in `data` as "x". */
const imagesShape = (body) => standIns(body, "data", (item) => ({ ...item, ...(longImage(item.url) && { url: "x" }), ...(longImage(item.b64_json) && { b64_json: "x" }) }));
/** A Responses answer with every output item but the messages as `{}`: output_text is made of the messages alone. */
const responsesShape = (body) => standIns(body, "output", (item) => (item.type === "message" ? item : {}));
/** An embeddings answer with each vector as `[]`: they are checked one at a time. */
const embeddingsShape = (body) => standIns(body, "data", (item) => ("embedding" in item ? { ...item, embedding: [] } : item));

/** A streamed request of `params` to `endpoint` (legacy completions, Responses). */
const stream = (ready, endpoint, path, params, options) =>
  use(ready, (t, rules) => t.stream(path, prepared(rules, endpoint, params), signalOf(options), () => rules.decoder(endpoint), params));

/** `images.generate`: POST /images/generations. */
export async function imagesGenerate(ready, params, options) {
  needObject(params, "images.generate");
  return use(ready, async (t, rules) => {
    const answer = await t.text("POST", "/images/generations", KIND.json, prepared(rules, ENDPOINT.images, params), signalOf(options), params);
    return checkedResult(rules, ENDPOINT.images, answer, ["data"], imagesShape);
  });
}

/** `images.edit`: POST /images/edits (multipart). */
export async function imagesEdit(ready, params, options) {
  needObject(params, "images.edit");
  return use(ready, async (t, rules, b) => {
    const [form] = await formOf(b, rules, 0, params, "images.edit");
    return checkedResult(rules, ENDPOINT.images, await t.text("POST", "/images/edits", KIND.form, form, signalOf(options)), ["data"], imagesShape);
  });
}

/**
 * `images.generateViaChat`: an image model on /chat/completions, reference images as data URLs.
 * Rust builds the request from stand-ins, the history as `[]` and each image as STAND_IN_URL, and
 * the history and the images are put in here: wasm memory, which never shrinks, holds neither an
 * image (checked in slices) nor the request.
 */
export async function imagesViaChat(ready, params, options) {
  needObject(params, "images.generateViaChat");
  const sources = params.image ?? params.images;
  const list = sources === undefined || sources === null ? undefined : Array.isArray(sources) ? sources : [sources];
  const image = list && (await Promise.all(list.map((s) => imageSource(s))));
  const history = Array.isArray(params.messages) ? params.messages : undefined;
  const standIns = { ...params, images: undefined, image: image?.map(() => STAND_IN_URL), messages: history ? [] : params.messages };
  return use(ready, async (t, rules) => {
    const body = JSON.parse(rules.prepare(ENDPOINT.imagesViaChat, JSON.stringify(standIns)));
    // The prompt's message comes last, its image parts in the order of `image` (images::via_chat_request).
    if (image?.length) body.messages.at(-1).content.filter((part) => part.type === "image_url").forEach((part, i) => (part.image_url.url = image[i]));
    if (history) body.messages.unshift(...history);
    const answer = await t.text("POST", "/chat/completions", KIND.json, JSON.stringify(body), signalOf(options), params);
    return checkedResult(rules, ENDPOINT.imagesViaChat, answer, ["data"], imagesShape);
  });
}

/**
 * `embeddings.create`: POST /embeddings; each vector also as `float32`. The body is parsed here and
 * checked in Rust a vector at a time, its shape first (each vector as `[]`), so a batch's response
 * (16.9 MB of base64 for 2,048 vectors of 1,536 values; 62 MB as numbers) never enters wasm memory
 * whole: base64 vectors are decoded there one by one.
 */
export async function embeddings(ready, params, options) {
  needObject(params, "embeddings.create");
  return await use(ready, async (t, rules) => {
    const answer = await t.text("POST", "/embeddings", KIND.json, prepared(rules, ENDPOINT.embeddings, params), signalOf(options), params);
    const body = checkedAnswer(answer.text, (shape) => rules.embeddingsShape(shape, answer.status), [], embeddingsShape);
    let first;
    body.data.forEach((item, i) => {
      const float32 = rules.embeddingVector(i, JSON.stringify(item.embedding), first) ?? Float32Array.from(item.embedding);
      if (typeof item.embedding === "string") item.embedding = Array.from(float32);
      Object.defineProperty(item, "float32", { value: float32, enumerable: false, configurable: true });
      first ??= float32.length;
    });
    return ctx.withMeta(body, answer.meta);
  });
}

/** `models.list`: GET /models. */
export async function modelsList(ready, options) {
  return result(await use(ready, (t, rules) => exchange(t, rules, ENDPOINT.models, "GET", "/models", undefined, options)));
}

/** `models.retrieve`: GET /models/{id}. */
export async function modelsRetrieve(ready, id, options) {
  if (typeof id !== "string" || !id) throw new ctx.errors.InvalidArgumentError("models.retrieve expects a model id");
  return result(await use(ready, (t, rules) => exchange(t, rules, ENDPOINT.model, "GET", rules.prepare(ENDPOINT.model, id) ?? id, undefined, options)));
}

/** `audio.transcriptions.create`: POST /audio/transcriptions (multipart), an object or a string as `response_format` asks. */
export async function transcription(ready, params, options) {
  needObject(params, "audio.transcriptions.create");
  return result(await use(ready, async (t, rules, b) => {
    const [form, format] = await formOf(b, rules, 1, params, "audio.transcriptions.create");
    const answer = await t.text("POST", "/audio/transcriptions", KIND.form, form, signalOf(options));
    return { text: rules.transcription(format, answer.text, answer.status, answer.json), meta: answer.meta };
  }));
}

/** `completions.create`: POST /completions (legacy), a CompletionStream when `stream: true`. */
export async function completions(ready, params, options) {
  needObject(params, "completions.create");
  if (params.stream) return new CompletionStream(await stream(ready, ENDPOINT.completions, "/completions", params, options));
  return post(ready, ENDPOINT.completions, "/completions", params, options);
}

/** `responses.create`: POST /responses, a ResponseStream when `stream: true`. */
export async function responses(ready, params, options) {
  needObject(params, "responses.create");
  if (params.stream) return new ResponseStream(await stream(ready, ENDPOINT.responses, "/responses", params, options));
  return use(ready, async (t, rules) => {
    const answer = await t.text("POST", "/responses", KIND.json, prepared(rules, ENDPOINT.responses, params), signalOf(options), params);
    return checkedResult(rules, ENDPOINT.responses, answer, ["output"], responsesShape);
  });
}

// ---------------------------------------------------------------- tool calling (tools.js's ToolRunner)

const aborted = () => new ctx.errors.APIUserAbortError("the tool run was aborted");
const errorText = (e) => (e instanceof Error ? e.message : String(e));
const contentOf = (value) => (typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value));
const wantsJSON = (params) => ["json_object", "json_schema"].includes(params?.response_format?.type);

/** `promise`, or a rejection as soon as `signal` aborts. */
function unlessAborted(promise, signal) {
  let off = () => {};
  const stop = new Promise((_, reject) => {
    if (signal.aborted) return reject(aborted());
    const on = () => reject(aborted());
    signal.addEventListener("abort", on, { once: true });
    off = () => signal.removeEventListener("abort", on);
  });
  return Promise.race([promise, stop]).finally(off);
}

/** What is sent (tools without their functions) and the functions by name (openai-node's `tools[i].function.function`). */
function splitTools(params) {
  if (!params || typeof params !== "object") throw invalid("runTools expects a params object");
  const functions = new Map();
  const tools = (Array.isArray(params.tools) ? params.tools : []).map((tool) => {
    const { function: run, parse, ...definition } = tool?.function ?? {};
    const name = definition.name ?? run?.name;
    if (typeof run === "function") functions.set(name, { run, parse });
    return { ...tool, function: { ...definition, name } };
  });
  return { body: { ...params, tools }, functions };
}

/**
 * A ToolRunner's run: sends each round, runs the functions the model asks for, and yields a
 * streamed round's events and `{ type: "message", message }` for each message it adds. `run` is
 * the runner's side: `runner` and `signal`, and what it records (`begin`, `completion`, `message`, `stop`).
 */
export async function* toolLoop(ready, params, maxRounds, toolErrors, run) {
  const { body, functions } = splitTools(params);
  // The conversation stays here, as the runner's messages (`run.message` adds to it): the wasm
  // state gets the other parameters and hands back each message it adds, so a long conversation
  // (an image as a data URL) never enters wasm memory, which would keep its size for good.
  const conversation = Array.isArray(params.messages) ? [...params.messages] : [];
  run.begin(conversation);
  const [b, inner] = [await ctx.extras(), await ready];
  const others = JSON.stringify({ ...body, messages: Array.isArray(body.messages) ? [] : body.messages });
  const state = wasm(() => new b.WasmToolLoop(others, JSON.stringify([...functions.keys()]), maxRounds));
  /** A round's body: the parameters Rust decided, then the conversation so far and `stream`, as Rust's own request body orders them. */
  const bodyOf = (stream, usage) => JSON.stringify({ ...JSON.parse(state.requestParams(usage)), messages: conversation, stream });
  const { signal } = run;
  const streamed = params.stream === true;
  try {
    for (;;) {
      if (signal.aborted) throw aborted();
      const completion = streamed
        ? JSON.parse(yield* streamRound(inner, body, (usage) => bodyOf(true, usage), signal, wantsJSON(params)))
        : (await inner.chat(body, signal, bodyOf(false, false)).catch(ctx.rethrow)).completion;
      if (signal.aborted) throw aborted();
      run.completion(completion);
      const [shape, restore] = answerShape(completion);
      const plan = JSON.parse(wasm(() => state.onCompletion(shape)));
      plan.messages[0] = restore(plan.messages[0]); // the assistant message; tool messages for calls not run follow
      yield* added(run, plan.messages);
      if (plan.stop !== null) {
        run.stop(plan.stop);
        return;
      }
      const runs = plan.calls.filter((c) => c.run).map((c) => runTool(run, functions.get(c.name), c, toolErrors));
      const results = await unlessAborted(Promise.all(runs), signal);
      yield* added(run, JSON.parse(wasm(() => state.onResults(JSON.stringify(results)))));
    }
  } finally {
    state.free();
  }
}

/** Marks a message member Rust does not read (answerShape). */
const STOOD_IN = "llmwire:stood-in";

/**
 * What Rust reads of a chat completion to make the assistant message for a history (runTools,
 * Conversation), as JSON: the choices' index, finish_reason and message, with every member of a
 * message but role and tool_calls stood in unless null (Rust reads only whether they are). And
 * `restore`, which puts them back into the message Rust makes. A long answer, its reasoning or an
 * image in it never enters wasm memory, and the completion is not serialised again whole.
 */
export function answerShape(completion) {
  const held = [];
  const member = ([key, value]) => [key, key === "role" || key === "tool_calls" || value === null ? value : { [STOOD_IN]: held.push(value) - 1 }];
  const choice = (c) => (isObject(c) ? { index: c.index, finish_reason: c.finish_reason, message: isObject(c.message) ? Object.fromEntries(Object.entries(c.message).map(member)) : c.message } : c);
  const shape = JSON.stringify({ choices: Array.isArray(completion?.choices) ? completion.choices.map(choice) : completion?.choices });
  const restore = (message) => Object.fromEntries(Object.entries(message).map(([key, value]) => [key, isObject(value) && STOOD_IN in value ? held[value[STOOD_IN]] : value]));
  return [shape, restore];
}

/** Calls one of your functions; its result (or error, unless `toolErrors` is "throw") goes back to the model. */
async function runTool({ runner, signal }, tool, call, toolErrors) {
  if (signal.aborted) throw aborted();
  try {
    const args = tool.parse ? await tool.parse(call.arguments) : JSON.parse(call.arguments);
    return { id: call.id, content: contentOf(await tool.run(args, { signal, id: call.id, name: call.name, runner })) };
  } catch (e) {
    if (toolErrors === "throw") throw e;
    return { id: call.id, error: errorText(e) };
  }
}

/** Records the messages the run adds, and yields an event for each. */
function* added(run, messages) {
  for (const message of messages) {
    run.message(message);
    yield { type: "message", message };
  }
}

/** One streamed round of `params` (`bodyFor` as Transport.chatStream takes it): yields its events, returns the final completion's JSON text. */
async function* streamRound(inner, params, bodyFor, signal, json) {
  const stream = await inner.chatStream(params, signal, bodyFor).catch(ctx.rethrow);
  let complete = false;
  try {
    for (let batch; (batch = await stream.nextEvents(json).catch(ctx.rethrow)) !== undefined;) {
      for (const event of JSON.parse(batch)) {
        if (signal.aborted) throw aborted();
        yield event;
      }
    }
    await stream.readToEnd().catch(ctx.rethrow);
    complete = true;
    return stream.snapshot();
  } finally {
    if (!complete) stream.cancel();
    stream.free();
  }
}
