// The endpoint cases every runtime runs against the mock gateway: Node (tests/node/endpoints.test.mjs),
// Chromium (tests/browser/endpoints.test.mjs, loaded into the page as a module) and workerd
// (tests/workers/endpoints-worker.mjs). No imports: the package comes in as `lib`, so the same file
// runs in a page, a Worker and Node.
//
// env: { baseURL: the mock's /v1 URL, apiKey: its key or null }

const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function same(actual, expected, message) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

/** Runs `fn`, which must throw an instance of `Cls`; returns the error. */
async function rejects(fn, Cls, message) {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof Cls)) throw new Error(`${message}: expected ${Cls.name}, got ${e?.name}: ${e?.message}`);
    return e;
  }
  throw new Error(`${message}: expected ${Cls.name}, nothing was thrown`);
}

const bytesOf = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const png = () => bytesOf(PNG_B64);
const isPng = (bytes) => bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;

// A 44-byte WAV header and 100 ms of 8 kHz silence.
function wav() {
  const samples = 800;
  const view = new DataView(new ArrayBuffer(44 + samples * 2));
  const text = (offset, s) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  text(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, 8000, true);
  view.setUint32(28, 16000, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples * 2, true);
  return new Uint8Array(view.buffer);
}

/** The mock's log of requests to `path`, newest last. */
async function logged(env, path) {
  const root = env.baseURL.replace(/\/v1\/?$/, "");
  const all = await (await fetch(`${root}/__mock/requests`)).json();
  return all.filter((r) => r.path === `/v1${path}`);
}

const client = (lib, env, extra = {}) =>
  new lib.Client({ baseURL: env.baseURL, apiKey: env.apiKey ?? undefined, dangerouslyAllowBrowser: true, ...extra });
// Fault cases do not wait for retries.
const once = (lib, env) => client(lib, env, { maxRetries: 0 });

export const cases = {
  async "images.generate: b64_json and url items, shown and decoded"(lib, env) {
    const c = client(lib, env);
    const b64 = await c.images.generate({ model: "gpt-image-1", prompt: "a kitten", n: 2, size: "1024x1024" });
    same(b64.data.length, 2, "n");
    check(/^req_mock_/.test(b64._request_id), "request id");
    const src = await lib.imageURL(b64.data[0]);
    check(src.startsWith("data:image/png;base64,iVBOR"), `data URL: ${src.slice(0, 40)}`);
    const blob = await lib.imageBlob(b64.data[0]);
    same(blob.type, "image/png", "blob type");
    check(isPng(new Uint8Array(await blob.arrayBuffer())), "blob bytes are a PNG");
    const byUrl = await c.images.generate({ model: "gpt-image-1", prompt: "a kitten", response_format: "url" });
    same(await lib.imageURL(byUrl.data[0]), byUrl.data[0].url, "a url item shows as its url");
    same((await lib.imageBlob(byUrl.data[0])).type, "image/png", "a data: url item decodes");
    // b64_json that already carries the prefix is not prefixed twice.
    const prefixed = { b64_json: `data:image/png;base64,${PNG_B64}` };
    same(await lib.imageURL(prefixed), prefixed.b64_json, "prefixed b64_json");
    same((await lib.imageBlob(prefixed)).size, png().length, "prefixed b64_json decodes");
  },

  async "images: an item with neither url nor b64_json, or invalid base64, is a typed error"(lib, env) {
    const c = once(lib, env);
    const e = await rejects(() => c.images.generate({ model: "mock-scenario:image-item-empty", prompt: "p" }), lib.InvalidResponseError, "empty item");
    check(/image 0 has neither a url nor a b64_json/.test(e.message), e.message);
    const none = await rejects(() => lib.imageURL({ revised_prompt: "x" }), lib.InvalidArgumentError, "imageURL of an empty item");
    check(/neither/.test(none.message), none.message);
    await rejects(() => lib.imageBlob({}), lib.InvalidArgumentError, "imageBlob of an empty item");
    const bad = await rejects(() => lib.imageURL({ b64_json: "iVBOR*not base64*" }), lib.InvalidArgumentError, "invalid base64");
    check(/not valid base64/.test(bad.message), bad.message);
    await rejects(() => lib.imageBlob({ b64_json: "data:image/png;base64,@@@@" }), lib.InvalidArgumentError, "invalid base64 after a prefix");
    await rejects(() => c.images.generate({ model: "gpt-image-1", prompt: "p", n: 0 }), lib.InvalidArgumentError, "n: 0");
  },

  async "image helpers read long base64 in slices: shown, decoded and checked as short ones are"(lib) {
    // Past 1,024 characters a text is read in slices of 32 Ki units (helpers.rs JsText), never whole:
    // these are 400 KB, their line breaks fall across the slices, and the faults sit deep inside.
    const bytes = new Uint8Array(300_001).map((_, i) => (i * 2654435761) >>> 24);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x1000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x1000));
    const b64 = btoa(binary);
    const wrapped = b64.replace(/.{76}/g, "$&\r\n");
    const decoded = async (blob) => new Uint8Array(await blob.arrayBuffer());
    const sameBytes = (a, b, message) => check(a.length === b.length && a.every((x, i) => x === b[i]), `${message}: ${a.length} bytes, not the ${b.length} sent`);

    same(await lib.imageURL({ b64_json: ` ${wrapped}\n` }), `data:image/png;base64,${wrapped}`, "bare base64, trimmed and prefixed");
    const blob = await lib.imageBlob({ b64_json: wrapped });
    same(blob.type, "image/png", "sniffed type");
    sameBytes(await decoded(blob), bytes, "bare base64 decoded");
    const webp = `data:image/webp;base64,${b64}`;
    same(await lib.imageURL({ b64_json: webp }), webp, "a prefixed b64_json as it is");
    same((await lib.imageBlob({ url: webp })).type, "image/webp", "a data: url's declared type");
    sameBytes(await decoded(await lib.imageBlob({ url: webp })), bytes, "a data: url decoded");
    same((await lib.imagePart(wrapped)).image_url.url, `data:image/png;base64,${wrapped}`, "imagePart of bare base64");
    same((await lib.imagePart(`\n${webp} `)).image_url.url, webp, "imagePart of a data URL, trimmed");

    const at = (text, offset, c) => text.slice(0, offset) + c + text.slice(offset + 1);
    const star = await rejects(() => lib.imageURL({ b64_json: at(b64, 100_000, "*") }), lib.InvalidArgumentError, "a bad character deep inside");
    check(/not valid base64: invalid base64 character at byte 100000/.test(star.message), star.message);
    const accent = await rejects(() => lib.imageBlob({ b64_json: at(b64, 70_000, "é") }), lib.InvalidArgumentError, "a non-ASCII character");
    check(/at byte 70000/.test(accent.message), accent.message);
    const cut = await rejects(() => lib.imageURL({ b64_json: `${b64.slice(0, 400_000)}A` }), lib.InvalidArgumentError, "one character left over");
    check(/truncated/.test(cut.message), cut.message);
    await rejects(() => lib.imagePart(at(webp, 200_000, "-")), lib.InvalidArgumentError, "imagePart of a bad data URL");
    await rejects(() => lib.imagePart(at(b64, 200_000, "-")), lib.InvalidArgumentError, "imagePart of bad base64");
  },

  async "images.edit: multipart with several images and a mask, checked by the gateway"(lib, env) {
    const c = client(lib, env);
    const file = new File([png()], "photo.png", { type: "image/png" });
    const untyped = new Blob([png()]);
    const mask = await lib.toFile(png(), "mask.png");
    same(mask.type, "image/png", "toFile tells the type from the bytes");
    const r = await c.images.edit({ model: "gpt-image-1", prompt: "add a hat", image: [file, untyped, png().buffer], mask, n: 1, quality: "high" });
    same(r.data.length, 1, "one image");
    check(isPng(bytesOf(r.data[0].b64_json)), "a PNG came back");
    const sent = (await logged(env, "/images/edits")).at(-1).body;
    same(sent.files.map((f) => [f.name, f.filename, f.contentType, f.size, f.sniffed]), [
      ["image[]", "photo.png", "image/png", png().length, "image/png"],
      ["image[]", "image.png", "image/png", png().length, "image/png"],
      ["image[]", "image.png", "image/png", png().length, "image/png"],
      ["mask", "mask.png", "image/png", png().length, "image/png"],
    ], "files as sent");
    same([sent.fields.prompt, sent.fields.model, sent.fields.n, sent.fields.quality], ["add a hat", "gpt-image-1", "1", "high"], "text fields");
    const one = await c.images.edit({ prompt: "one", image: png(), response_format: "url" });
    same((await lib.imageBlob(one.data[0])).type, "image/png", "url item fetched");
    same((await logged(env, "/images/edits")).at(-1).body.files[0].name, "image", "a single image is sent as `image`");
  },

  async "images.edit: a number, a string or unknown bytes instead of a file is a typed error"(lib, env) {
    const c = once(lib, env);
    const n = await rejects(() => c.images.edit({ prompt: "x", image: 42 }), lib.InvalidArgumentError, "a number");
    check(/image must be a File, a Blob, a Uint8Array or an ArrayBuffer.*got number/.test(n.message), n.message);
    await rejects(() => c.images.edit({ prompt: "x", image: "photo.png" }), lib.InvalidArgumentError, "a string");
    await rejects(() => c.images.edit({ prompt: "x", image: [png(), 7] }), lib.InvalidArgumentError, "a number in the array");
    const masks = await rejects(() => c.images.edit({ prompt: "x", image: png(), mask: [png()] }), lib.InvalidArgumentError, "several masks");
    check(/mask takes one file, not an array/.test(masks.message), masks.message);
    const none = await rejects(() => c.images.edit({ prompt: "x", image: [] }), lib.InvalidArgumentError, "an empty array");
    check(/image is required \(the array is empty\)/.test(none.message), none.message);
    const missing = await rejects(() => c.images.edit({ prompt: "x" }), lib.InvalidArgumentError, "no image");
    check(/image is required/.test(missing.message), missing.message);
    await rejects(() => c.images.edit({ image: png() }), lib.InvalidArgumentError, "no prompt");
    const unknown = await rejects(() => c.images.edit({ prompt: "x", image: new Uint8Array([1, 2, 3, 4]) }), lib.InvalidArgumentError, "unknown bytes");
    check(/cannot tell what kind of file/.test(unknown.message), unknown.message);
    await rejects(() => c.images.edit(null), lib.InvalidArgumentError, "no params");
  },

  async "image model on chat: marked result, one stream item, text stream error"(lib, env) {
    const c = client(lib, env);
    const ask = { model: "gpt-image-2-vip", messages: [{ role: "user", content: "a lighthouse at dusk" }] };
    const r = await c.chat.completions.create(ask);
    check(lib.isImageGeneration(r), "marked");
    same([r.object, r.choices], ["image.generation", []], "marker");
    check(r.usage.total_tokens === r.usage.input_tokens + r.usage.output_tokens, "usage kept");
    same((await lib.imageBlob(r.data[0])).type, "image/png", "its url serves a PNG");
    check(!lib.isImageGeneration({ object: "chat.completion", choices: [] }), "a chat completion is not an image");

    const stream = await c.chat.completions.create({ ...ask, stream: true });
    const items = [];
    for await (const item of stream) items.push(item);
    same(items.length, 1, "one result, not an empty stream");
    check(lib.isImageGeneration(items[0]), "the item is the image result");
    same((await stream.finalChatCompletion()).data, items[0].data, "final result");

    const asText = await c.chat.completions.create({ ...ask, stream: true });
    const e = await rejects(async () => {
      for await (const t of asText.textStream) void t;
    }, lib.InvalidResponseError, "textStream of an image");
    check(/image result/.test(e.message) && lib.isImageGeneration(e.partialCompletion), e.message);
  },

  async "images.generateViaChat: text-to-image, reference edit, multi-turn"(lib, env) {
    const c = client(lib, env);
    const t2i = await c.images.generateViaChat({ model: "gpt-image-2-vip", prompt: "a lighthouse", size: "2048x1152" });
    check(/\/v1\/mock-images\/[0-9a-f]+\.png$/.test(t2i.data[0].url), t2i.data[0].url);
    same(t2i.object, undefined, "an images response, not a marked chat result");
    let sent = (await logged(env, "/chat/completions")).at(-1).body;
    same([sent.messages, sent.size], [[{ role: "user", content: "a lighthouse" }], "2048x1152"], "text-to-image request");

    const edit = await c.images.generateViaChat({
      model: "gpt-image-2-vip", prompt: "watercolor", image: [png(), `data:image/png;base64,${PNG_B64}`, "https://example.com/photo.png"], response_format: "b64_json",
    });
    check(edit.data[0].b64_json.startsWith("data:image/png;base64,"), "b64_json carries its prefix");
    same(await lib.imageURL(edit.data[0]), edit.data[0].b64_json, "not prefixed twice");
    sent = (await logged(env, "/chat/completions")).at(-1).body;
    const parts = sent.messages[0].content;
    same(parts.map((p) => p.type), ["text", "image_url", "image_url", "image_url"], "parts");
    same(parts[1].image_url.url, `data:image/png;base64,${PNG_B64}`, "bytes became a data URL");
    same(parts[3].image_url.url, "https://example.com/photo.png", "a URL passes");

    const history = [{ role: "user", content: "a cat" }, { role: "assistant", content: "![image](https://x/cat.png)" }];
    await c.images.generateViaChat({ model: "gpt-image-2-vip", messages: history, prompt: "make it blue" });
    sent = (await logged(env, "/chat/completions")).at(-1).body;
    same(sent.messages.map((m) => m.content), ["a cat", "![image](https://x/cat.png)", "make it blue"], "multi-turn");

    await rejects(() => c.images.generateViaChat({ model: "gpt-image-2-vip", prompt: "x", image: 42 }), lib.InvalidArgumentError, "a number as image");
    await rejects(() => c.images.generateViaChat({ model: "gpt-image-2-vip" }), lib.InvalidArgumentError, "no prompt");
    const text = await rejects(() => c.images.generateViaChat({ model: "gpt-4o-mini", prompt: "draw" }), lib.InvalidResponseError, "a text model");
    check(/answered with text/.test(text.message), text.message);
    const size = await rejects(() => once(lib, env).images.generateViaChat({ model: "gpt-image-2-vip", prompt: "x", size: "3x3" }), lib.BadRequestError, "bad size");
    same(size.param, "size", "the gateway names the parameter");
  },

  async "embeddings: base64 decoded, floats kept, Float32Array offered"(lib, env) {
    const c = client(lib, env);
    const input = ["alpha", "beta"];
    const floats = await c.embeddings.create({ model: "text-embedding-3-small", input, dimensions: 16 });
    const b64 = await c.embeddings.create({ model: "text-embedding-3-small", input, dimensions: 16, encoding_format: "base64" });
    same(b64.data.map((d) => d.embedding.length), [16, 16], "dimensions");
    same(b64.data.map((d) => d.embedding), floats.data.map((d) => d.embedding), "base64 decodes to the same vectors");
    check(b64.data[0].float32 instanceof Float32Array && b64.data[1].float32.length === 16, "Float32Array");
    same(Array.from(floats.data[1].float32), floats.data[1].embedding, "Float32Array of float vectors");
    same(Object.keys(b64.data[0]).sort(), ["embedding", "index", "object"], "float32 is not enumerable");
    same(b64.usage.total_tokens, 2, "usage");
    const single = await c.embeddings.create({ model: "e", input: "alone" });
    same(single.data.length, 1, "string input");
  },

  async "embeddings: a gateway that ignores encoding_format is read by the value's type"(lib, env) {
    const c = client(lib, env);
    const ask = { input: ["same text"], dimensions: 12, encoding_format: "base64" };
    const normal = await c.embeddings.create({ model: "text-embedding-3-small", ...ask });
    const ignored = await c.embeddings.create({ model: "mock-scenario:ignore-encoding-format", ...ask });
    same(ignored.data[0].embedding, normal.data[0].embedding, "floats where base64 was asked: full length, same values");
    const forced = await c.embeddings.create({ model: "mock-scenario:base64-always", input: ["same text"], dimensions: 12 });
    same(forced.data[0].embedding, normal.data[0].embedding, "base64 where floats were asked");
  },

  async "embeddings: invalid base64 or a wrong-length vector is a typed error"(lib, env) {
    const c = once(lib, env);
    const bad = await rejects(() => c.embeddings.create({ model: "mock-scenario:embedding-bad-base64", input: "x", encoding_format: "base64" }), lib.InvalidResponseError, "invalid base64");
    check(/not valid base64/.test(bad.message), bad.message);
    const short = await rejects(() => c.embeddings.create({ model: "mock-scenario:embedding-bad-length", input: "x", encoding_format: "base64" }), lib.InvalidResponseError, "7 bytes");
    check(/7 bytes, which is not a whole number of float32 values/.test(short.message), short.message);
    await rejects(() => c.embeddings.create({ model: "e", input: "x", dimensions: 0 }), lib.InvalidArgumentError, "dimensions 0");
  },

  async "models: list and retrieve with ownedBy normalized"(lib, env) {
    const c = client(lib, env);
    const list = await c.models.list();
    same(list.object, "list", "object");
    const yi = list.data.find((m) => m.id === "yi-lightning");
    same([yi.owned_by, yi.ownedBy], ["01.ai", "01.ai"], "01.AI's ownedBy copied to owned_by");
    const gpt = list.data.find((m) => m.id === "gpt-4o-mini");
    same([gpt.owned_by, gpt.ownedBy], ["openai", undefined], "nothing invented");
    const ids = [];
    for await (const m of c.models.list()) ids.push(m.id);
    same(ids, list.data.map((m) => m.id), "for await");
    const one = await c.models.retrieve("yi-vision-v2");
    same([one.id, one.owned_by], ["yi-vision-v2", "01.ai"], "retrieve");
    const missing = await rejects(() => c.models.retrieve("no-such-model"), lib.NotFoundError, "missing model");
    same(missing.code, "model_not_found", "code");
    await rejects(() => c.models.retrieve(""), lib.InvalidArgumentError, "empty id");
  },

  async "audio.transcriptions: json, verbose_json, text, srt and vtt"(lib, env) {
    const c = client(lib, env);
    const file = await lib.toFile(wav(), "speech.wav");
    const json = await c.audio.transcriptions.create({ file, model: "whisper-1", language: "en", prompt: "greetings", temperature: 0.2 });
    same(json.text, `Transcribed speech.wav: ${wav().length} bytes of audio/wav. Prompt: greetings. Language: en.`, "json");
    const sent = (await logged(env, "/audio/transcriptions")).at(-1).body;
    same(sent.files.map((f) => [f.name, f.filename, f.contentType, f.size, f.sniffed]), [["file", "speech.wav", "audio/wav", wav().length, "audio/wav"]], "file part");
    same([sent.fields.model, sent.fields.language, sent.fields.temperature], ["whisper-1", "en", "0.2"], "text fields");
    const verbose = await c.audio.transcriptions.create({ file, model: "whisper-1", response_format: "verbose_json", timestamp_granularities: ["word", "segment"] });
    check(verbose.duration === 2.5 && verbose.segments.length === 1 && verbose.words.length > 3, "verbose_json");
    same((await logged(env, "/audio/transcriptions")).at(-1).body.fields["timestamp_granularities[]"], ["word", "segment"], "arrays as name[]");
    const text = await c.audio.transcriptions.create({ file: new Blob([wav()]), model: "whisper-1", response_format: "text" });
    check(typeof text === "string" && text.startsWith("Transcribed file.wav"), `text: ${text}`);
    const srt = await c.audio.transcriptions.create({ file: wav(), model: "whisper-1", response_format: "srt" });
    check(srt.startsWith("1\n00:00:00,000 --> 00:00:02,500\n"), `srt: ${srt}`);
    const vtt = await c.audio.transcriptions.create({ file: wav().buffer, model: "whisper-1", response_format: "vtt" });
    check(vtt.startsWith("WEBVTT\n\n"), `vtt: ${vtt}`);
  },

  async "audio.transcriptions: a number instead of a file, and other bad input, is a typed error"(lib, env) {
    const c = once(lib, env);
    const n = await rejects(() => c.audio.transcriptions.create({ file: 42, model: "whisper-1" }), lib.InvalidArgumentError, "a number");
    check(/file must be a File, a Blob, a Uint8Array or an ArrayBuffer.*got number/.test(n.message), n.message);
    await rejects(() => c.audio.transcriptions.create({ model: "whisper-1" }), lib.InvalidArgumentError, "no file");
    await rejects(() => c.audio.transcriptions.create({ file: wav() }), lib.InvalidArgumentError, "no model");
    await rejects(() => c.audio.transcriptions.create({ file: wav(), model: "whisper-1", response_format: "mp3" }), lib.InvalidArgumentError, "unknown format");
    await rejects(() => c.audio.transcriptions.create({ file: new Uint8Array(64), model: "whisper-1" }), lib.InvalidArgumentError, "bytes of no known type");
    const lang = await rejects(() => c.audio.transcriptions.create({ file: wav(), model: "whisper-1", language: "english" }), lib.BadRequestError, "bad language");
    same(lang.param, "language", "the gateway names the parameter");
    const ext = await rejects(() => c.audio.transcriptions.create({ file: new File([wav()], "speech.txt", { type: "audio/wav" }), model: "whisper-1" }), lib.BadRequestError, "bad extension");
    check(/Invalid file format/.test(ext.message), ext.message);
  },

  async "completions: whole, streamed and accumulated"(lib, env) {
    const c = client(lib, env);
    const whole = await c.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "hello", max_tokens: 50 });
    same(whole.object, "text_completion", "object");
    check(whole.choices[0].text.startsWith("Echo: hello. "), whole.choices[0].text);
    const stream = await c.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "hello", stream: true, n: 2, stream_options: { include_usage: true } });
    check(stream instanceof lib.CompletionStream, "a CompletionStream");
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      for (const choice of chunk.choices) if (choice.index === 0) text += choice.text;
    }
    check(chunks > 5, `${chunks} chunks`);
    same(text, whole.choices[0].text, "stream text");
    const final = await stream.finalCompletion();
    same(final.choices.map((ch) => ch.text), [text, `${text} (choice 1)`], "accumulated choices");
    check(final.usage.total_tokens > 0, "usage");
    const t = await c.completions.create({ model: "m", prompt: "hello", stream: true });
    const pieces = [];
    for await (const piece of t.textStream) pieces.push(piece);
    same(pieces.join(""), whole.choices[0].text, "textStream");
    const json = await c.completions.create({ model: "mock-scenario:json-instead-of-sse", prompt: "hello", stream: true });
    same(await json.finalText(), whole.choices[0].text, "a JSON body where a stream was expected");
  },

  async "completions: cut, error and malformed streams keep the partial completion"(lib, env) {
    const c = once(lib, env);
    const run = async (scenario, Cls) => {
      const s = await c.completions.create({ model: `mock-scenario:${scenario}`, prompt: "hello", stream: true });
      const e = await rejects(() => s.finalCompletion(), Cls, scenario);
      check(e.partialCompletion.choices[0].text.startsWith("Echo"), `${scenario}: partial ${JSON.stringify(e.partialCompletion)}`);
      return e;
    };
    await run("cut-stream", lib.StreamTruncatedError);
    same((await run("error-in-stream", lib.APIError)).code, "overloaded", "code");
    check((await run("malformed-event", lib.StreamParseError)).snippet.includes("oops"), "snippet");
    await rejects(() => c.completions.create({ model: "mock-scenario:http-429", prompt: "x" }), lib.RateLimitError, "429");
    await rejects(() => c.completions.create({ model: "m", prompt: "x", temperature: 9 }), lib.InvalidArgumentError, "temperature");
  },

  async "responses: output_text, typed events, finalResponse"(lib, env) {
    const c = client(lib, env);
    const r = await c.responses.create({ model: "gpt-4o-mini", input: "hello", instructions: "be brief" });
    same([r.object, r.status], ["response", "completed"], "object");
    check(r.output_text.startsWith("Echo: hello. "), r.output_text);
    same(r.output_text, r.output[0].content[0].text, "output_text");
    const stream = await c.responses.stream({ model: "gpt-4o-mini", input: [{ role: "user", content: [{ type: "input_text", text: "hello" }] }] });
    check(stream instanceof lib.ResponseStream, "a ResponseStream");
    const types = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    same(types.slice(0, 4), ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"], "first events");
    same(types.slice(-4), ["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"], "last events");
    same(text, r.output_text, "deltas");
    const final = await stream.finalResponse();
    same([final.status, final.output_text], ["completed", r.output_text], "finalResponse");
    const viaText = await c.responses.create({ model: "m", input: "hello", stream: true });
    let streamed = "";
    for await (const piece of viaText.textStream) streamed += piece;
    same(streamed, r.output_text, "textStream");
    const short = await c.responses.create({ model: "m", input: "hello", max_output_tokens: 2 });
    same([short.status, short.incomplete_details.reason], ["incomplete", "max_output_tokens"], "incomplete");
    const json = await c.responses.stream({ model: "mock-scenario:json-instead-of-sse", input: "hello" });
    const events = [];
    for await (const e of json) events.push(e.type);
    same(events, ["response.completed"], "a JSON body where a stream was expected");
  },

  async "responses: error events, failed responses and cut streams are typed errors"(lib, env) {
    const c = once(lib, env);
    const run = async (scenario, Cls) => {
      const s = await c.responses.stream({ model: `mock-scenario:${scenario}`, input: "hello" });
      let text = "";
      const e = await rejects(async () => {
        for await (const piece of s.textStream) text += piece;
      }, Cls, scenario);
      check(text.length > 0, `${scenario}: text before the error`);
      same(e.partialCompletion.output_text, text, `${scenario}: partial response`);
      same(s.currentResponse().output_text, text, `${scenario}: currentResponse`);
      return e;
    };
    const err = await run("error-event", lib.APIError);
    same([err.code, err.status], ["server_error", undefined], "error event");
    same((await run("response-failed", lib.APIError)).code, "server_error", "failed response");
    await run("cut-stream", lib.StreamTruncatedError);
    await rejects(() => c.responses.create({ model: "m", input: "x", temperature: 3 }), lib.InvalidArgumentError, "temperature");
    await rejects(() => c.responses.create({ model: "mock-scenario:http-500", input: "x" }), lib.InternalServerError, "500");
  },

  async "chat parameters: documented ranges checked first, unknown ones passed through"(lib, env) {
    const c = client(lib, env);
    const ask = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };
    const cases = [
      [{ temperature: 2.5 }, "temperature must be a number from 0 to 2, got 2.5"],
      [{ top_p: 1.5 }, "top_p must be a number from 0 to 1"],
      [{ n: 0 }, "n must be an integer of at least 1"],
      [{ max_tokens: 0 }, "max_tokens must be an integer of at least 1"],
      [{ presence_penalty: -3 }, "presence_penalty must be a number from -2 to 2"],
      [{ frequency_penalty: 2.1 }, "frequency_penalty must be a number from -2 to 2"],
      [{ stop: ["a", "b", "c", "d", "e"] }, "stop takes at most 4 sequences, got 5"],
      [{ temperature: "hot" }, "temperature must be a number"],
    ];
    const before = (await logged(env, "/chat/completions")).length;
    for (const [extra, message] of cases) {
      const e = await rejects(() => c.chat.completions.create({ ...ask, ...extra }), lib.InvalidArgumentError, JSON.stringify(extra));
      check(e.message.includes(message), e.message);
      await rejects(() => c.chat.completions.create({ ...ask, ...extra, stream: true }), lib.InvalidArgumentError, `stream ${JSON.stringify(extra)}`);
    }
    same((await logged(env, "/chat/completions")).length, before, "nothing was sent");
    const ok = await c.chat.completions.create({ ...ask, temperature: 2, top_p: 0, n: 1, max_tokens: 64, presence_penalty: -2, frequency_penalty: 2, stop: ["x", "y", "z", "w"], seed: 7, top_k: 40, x_vendor: { a: 1 }, size: "2048x1152" });
    same(ok.object, "chat.completion", "in-range and unknown parameters are accepted");
    const sent = (await logged(env, "/chat/completions")).at(-1).body;
    same([sent.top_k, sent.x_vendor, sent.size, sent.seed], [40, { a: 1 }, "2048x1152", 7], "unknown parameters reach the gateway");
  },

  async "strings of every shape cross into wasm and back whole (an error's message, a runTools request)"(lib) {
    // Two texts that go into wasm through the glue's string copy (encodeInto first,
    // scripts/build-pkg.mjs) and come back out: a failed fetch's message, which the core module
    // puts in the connection error, and a runTools request, which the extras module keeps and
    // sends each round. Any character lost or misplaced shows. The texts put multi-byte characters
    // at the start, the end and where the first copy's buffer (a byte per UTF-16 unit) runs out.
    const ascii = (n) => "abcdefghij".repeat(Math.ceil(n / 10)).slice(0, n);
    const texts = ["", "a", "é", "😀", "日本語", "a😀b", ascii(99) + "é", "é" + ascii(99), ascii(97) + "😀", ascii(98) + "日", "\u2028\u0000\"\\",
      ascii(70000), ascii(40000) + "狐狸跳过懒狗 😀 ".repeat(3000) + ascii(40000)];
    const shown = (text) => `a text of ${text.length} units starting ${JSON.stringify(text.slice(0, 12))}`;
    for (const text of texts) {
      const failing = new lib.Client({ apiKey: "sk-strings", baseURL: "http://strings.invalid/v1", maxRetries: 0, dangerouslyAllowBrowser: true, fetch: async () => { throw new Error(`<${text}>`); } });
      const e = await rejects(() => failing.chat.completions.create({ model: "m", messages: [] }), lib.APIConnectionError, shown(text));
      check(e.message.endsWith(`Error: <${text}>`), `the connection error's message lost ${shown(text)}`);
    }
    const sent = [];
    const answer = JSON.stringify({ id: "c", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] });
    const fetch = async (url, init) => {
      sent.push(init.body);
      return new Response(answer, { headers: { "content-type": "application/json" } });
    };
    const c = new lib.Client({ apiKey: "sk-strings", baseURL: "http://strings.invalid/v1", fetch, dangerouslyAllowBrowser: true });
    const tools = [{ type: "function", function: { name: "noop", parameters: { type: "object", properties: {} }, function: () => "" } }];
    for (const content of texts) {
      same(await c.chat.completions.runTools({ model: "m", messages: [{ role: "user", content }], tools }).finalContent(), "ok", "the answer");
      same(sent.length, 1, "one round");
      check(JSON.parse(sent.pop()).messages[0].content === content, `the runTools request lost ${shown(content)}`);
    }
  },

  async "multimodal: image_url parts from URLs, data URLs and file data"(lib, env) {
    const c = client(lib, env);
    same(await lib.imagePart("https://platform.01.ai/assets/sample-table.jpg"), { type: "image_url", image_url: { url: "https://platform.01.ai/assets/sample-table.jpg" } }, "URL");
    const fromBytes = await lib.imagePart(png(), { detail: "high" });
    same(fromBytes, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_B64}`, detail: "high" } }, "bytes");
    same((await lib.imagePart(new Blob([png()], { type: "image/png" }))).image_url.url, `data:image/png;base64,${PNG_B64}`, "Blob");
    same((await lib.imagePart(PNG_B64)).image_url.url, `data:image/png;base64,${PNG_B64}`, "bare base64");
    same(await lib.imagePart(`data:image/png;base64,${PNG_B64}`, { detail: "low" }), { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_B64}`, detail: "low" } }, "data URL");
    same((await lib.imagePart(` https://x.invalid/y.png\n`)).image_url.url, "https://x.invalid/y.png", "trimmed");
    same((await lib.imagePart(new Uint8Array([1, 2, 3]), { mimeType: "image/avif" })).image_url.url, "data:image/avif;base64,AQID", "mimeType");
    await rejects(() => lib.imagePart(42), lib.InvalidArgumentError, "a number");
    await rejects(() => lib.imagePart(new Uint8Array([1, 2, 3])), lib.InvalidArgumentError, "bytes of no known type");
    await rejects(() => lib.imagePart(new Uint8Array(0), { mimeType: "image/png" }), lib.InvalidArgumentError, "no bytes");
    // A photo's worth of bytes, of a length no chunk divides, in the middle of a larger buffer.
    const photo = new Uint8Array(300_001).map((_, i) => (i * 2654435761) >>> 24);
    photo.set([0xff, 0xd8, 0xff, 0xe0], 5);
    let binary = "";
    for (let i = 5; i < photo.length; i += 0x1000) binary += String.fromCharCode(...photo.subarray(i, Math.min(i + 0x1000, photo.length)));
    same((await lib.imagePart(photo.subarray(5))).image_url.url, `data:image/jpeg;base64,${btoa(binary)}`, "a JPEG's bytes at an offset");
    await rejects(() => lib.imagePart("data:image/png;base64,@@"), lib.InvalidArgumentError, "a bad data URL");
    await rejects(() => lib.imagePart("https://x/y.png", { detail: "ultra" }), lib.InvalidArgumentError, "a bad detail");
    const vision = await c.chat.completions.create({ model: "yi-vision-v2", messages: [{ role: "user", content: [{ type: "text", text: "describe" }, fromBytes] }] });
    check(vision.choices[0].message.content.startsWith("Echo: describe."), "yi-vision request accepted");
    const sent = (await logged(env, "/chat/completions")).at(-1).body;
    same(sent.messages[0].content[1], fromBytes, "the part reached the gateway as built");
  },
};

/** Runs one case; resolves to `{ ok: true }` or `{ ok: false, error }` so every runtime can report it. */
export async function run(name, lib, env) {
  const fn = cases[name];
  if (!fn) return { ok: false, error: `no case named ${name}` };
  try {
    await fn(lib, env);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: `${e?.name}: ${e?.message}\n${e?.stack ?? ""}` };
  }
}
