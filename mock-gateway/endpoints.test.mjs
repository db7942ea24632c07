// Self-test of the mock's endpoints beyond chat: `node --test mock-gateway/`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMockGateway } from "./gateway.mjs";
import { parseMultipart, sniff, boundaryOf } from "./multipart.mjs";

let gw;
before(async () => {
  gw = await startMockGateway();
});
after(() => gw.close());

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
// A 44-byte WAV header and 100 ms of 8 kHz silence.
function wav() {
  const samples = 800;
  const b = Buffer.alloc(44 + samples * 2);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + samples * 2, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36);
  b.writeUInt32LE(samples * 2, 40);
  return b;
}

const post = (path, body, headers = {}) => fetch(`${gw.baseURL}${path}`, { method: "POST", headers, body });
const json = (path, value, headers = {}) => post(path, JSON.stringify(value), { "content-type": "application/json", ...headers });

function form(entries) {
  const f = new FormData();
  for (const [name, value, filename] of entries) {
    if (filename === undefined) f.append(name, value);
    else f.append(name, value, filename);
  }
  return f;
}

test("multipart parser: fields, files, escaping and malformed bodies", async () => {
  const f = form([["prompt", "a \"cat\""], ["image[]", new Blob([PNG], { type: "image/png" }), "c\"at.png"], ["image[]", new Blob([PNG], { type: "image/png" }), "dog.png"]]);
  const req = new Request("http://x/", { method: "POST", body: f });
  const bytes = Buffer.from(await req.arrayBuffer());
  const parts = parseMultipart(bytes, req.headers.get("content-type"));
  assert.deepEqual(parts.map((p) => [p.name, p.filename, p.contentType]), [
    ["prompt", undefined, undefined], ["image[]", 'c"at.png', "image/png"], ["image[]", "dog.png", "image/png"],
  ]);
  assert.equal(parts[0].data.toString(), 'a "cat"');
  assert.ok(parts[1].data.equals(PNG));
  assert.throws(() => parseMultipart(bytes.subarray(0, bytes.length - 10), req.headers.get("content-type")), /closing boundary/);
  assert.throws(() => parseMultipart(bytes, "application/json"), /boundary/);
  assert.equal(boundaryOf('multipart/form-data; boundary="a b"'), "a b");
  assert.equal(sniff(PNG), "image/png");
  assert.equal(sniff(wav()), "audio/wav");
  assert.equal(sniff(Buffer.from("hello")), undefined);
});

test("gpt-image-2-vip on chat: url by default, prefixed b64_json on request, served PNGs", async () => {
  const ask = (extra) => json("/chat/completions", { model: "gpt-image-2-vip", messages: [{ role: "user", content: "a lighthouse" }], ...extra });
  const byUrl = await (await ask({ stream: true })).json();
  assert.equal(byUrl.choices, undefined);
  assert.deepEqual(Object.keys(byUrl.usage), ["input_tokens", "output_tokens", "total_tokens"]);
  const png = await fetch(byUrl.data[0].url);
  assert.equal(png.headers.get("content-type"), "image/png");
  assert.equal(sniff(Buffer.from(await png.arrayBuffer())), "image/png");
  const b64 = await (await ask({ response_format: "b64_json" })).json();
  assert.match(b64.data[0].b64_json, /^data:image\/png;base64,iVBOR/);
  assert.equal(b64.data[0].url, undefined);

  const dataUrl = `data:image/png;base64,${PNG.toString("base64")}`;
  const edit = await ask({ messages: [{ role: "user", content: [{ type: "text", text: "watercolor" }, { type: "image_url", image_url: { url: dataUrl } }] }], size: "2048x1152" });
  assert.equal(edit.status, 200);
  for (const [bad, param] of [
    [{ size: "999x999" }, "size"],
    [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/jpeg;base64," + PNG.toString("base64") } }] }] }, "messages"],
    [{ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x" } }] }] }, "messages"],
  ]) {
    const res = await ask(bad);
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.param, param);
  }
});

test("images/edits checks field names, filenames, types and bytes", async () => {
  const ok = await post("/images/edits", form([["model", "gpt-image-1"], ["prompt", "add a hat"], ["image[]", new Blob([PNG], { type: "image/png" }), "a.png"], ["image[]", new Blob([PNG], { type: "image/png" }), "b.png"], ["mask", new Blob([PNG], { type: "image/png" }), "mask.png"], ["n", "2"]]));
  assert.equal(ok.status, 200);
  const body = await ok.json();
  assert.equal(body.data.length, 2);
  assert.equal(sniff(Buffer.from(body.data[0].b64_json, "base64")), "image/png");
  assert.equal(body.usage.input_tokens_details.image_tokens, 388);
  const logged = gw.requests.at(-1).body;
  assert.deepEqual(logged.files.map((f) => [f.name, f.filename, f.contentType, f.size, f.sniffed]), [
    ["image[]", "a.png", "image/png", PNG.length, "image/png"], ["image[]", "b.png", "image/png", PNG.length, "image/png"], ["mask", "mask.png", "image/png", PNG.length, "image/png"],
  ]);
  assert.equal(logged.fields.prompt, "add a hat");

  const cases = [
    [form([["prompt", "x"]]), "image"],
    [form([["prompt", "x"], ["image", "not a file"]]), "image"],
    [form([["prompt", "x"], ["image", new Blob([PNG]), "a.png"]]), "image"],
    [form([["prompt", "x"], ["image", new Blob([PNG], { type: "image/jpeg" }), "a.jpg"]]), "image"],
    [form([["image", new Blob([PNG], { type: "image/png" }), "a.png"]]), "prompt"],
    [JSON.stringify({ prompt: "x" }), null],
  ];
  for (const [bodyIn, param] of cases) {
    const res = await post("/images/edits", bodyIn);
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.param, param);
  }
});

test("audio/transcriptions: every response_format, and Whisper's upload checks", async () => {
  const transcribe = (fields, file = ["file", new Blob([wav()], { type: "audio/wav" }), "hello.wav"]) =>
    post("/audio/transcriptions", form([["model", "whisper-1"], ...fields, ...(file ? [file] : [])]));
  const asJson = await (await transcribe([["language", "en"], ["prompt", "greetings"]])).json();
  assert.equal(asJson.text, `Transcribed hello.wav: ${wav().length} bytes of audio/wav. Prompt: greetings. Language: en.`);
  const verbose = await (await transcribe([["response_format", "verbose_json"], ["timestamp_granularities[]", "word"]])).json();
  assert.equal(verbose.task, "transcribe");
  assert.equal(verbose.segments[0].end, 2.5);
  assert.ok(verbose.words.length > 3);
  for (const [format, pattern] of [["text", /^Transcribed hello\.wav.*\n$/], ["srt", /^1\n00:00:00,000 --> 00:00:02,500\nTranscribed/], ["vtt", /^WEBVTT\n\n00:00:00\.000 --> /]]) {
    const res = await transcribe([["response_format", format]]);
    assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.match(await res.text(), pattern);
  }
  const bad = [
    [[], null, "file"],
    [[], ["file", "just text"], "file"],
    [[], ["file", new Blob([wav()], { type: "audio/wav" }), "noextension"], "file"],
    [[], ["file", new Blob([wav()], { type: "application/octet-stream" }), "a.wav"], "file"],
    [[], ["file", new Blob([PNG], { type: "audio/wav" }), "a.wav"], "file"],
    [[["language", "english"]], undefined, "language"],
    [[["temperature", "3"]], undefined, "temperature"],
    [[["response_format", "mp3"]], undefined, "response_format"],
  ];
  for (const [fields, file, param] of bad) {
    const res = await transcribe(fields, file === undefined ? ["file", new Blob([wav()], { type: "audio/wav" }), "a.wav"] : file);
    assert.equal(res.status, 400, param);
    assert.equal((await res.json()).error.param, param);
  }
});

function events(text) {
  return text.split("\n\n").filter(Boolean).map((block) => ({
    event: /^event: (.*)$/m.exec(block)?.[1] ?? "message",
    data: block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n"),
  }));
}

test("legacy completions: whole, streamed, and with faults", async () => {
  const whole = await (await json("/completions", { model: "gpt-3.5-turbo-instruct", prompt: "hi", n: 2 })).json();
  assert.equal(whole.object, "text_completion");
  assert.match(whole.choices[0].text, /^Echo: hi\. /);
  assert.equal(whole.choices[1].finish_reason, "stop");
  const streamed = events(await (await json("/completions", { model: "m", prompt: "hi", stream: true, stream_options: { include_usage: true } })).text());
  assert.equal(streamed.at(-1).data, "[DONE]");
  const chunks = streamed.slice(0, -1).map((e) => JSON.parse(e.data));
  assert.equal(chunks.map((c) => c.choices[0]?.text ?? "").join(""), whole.choices[0].text);
  assert.ok(chunks.at(-1).usage.total_tokens > 0);
  const cut = events(await (await json("/completions", { model: "mock-scenario:cut-stream", prompt: "hi", stream: true })).text());
  assert.ok(cut.every((e) => e.data !== "[DONE]"));
  assert.equal((await json("/completions", { model: "mock-scenario:http-429", prompt: "hi" })).status, 429);
  assert.equal((await json("/completions", { model: "m" })).status, 400);
});

test("responses: object, typed event stream, error and failure events", async () => {
  const whole = await (await json("/responses", { model: "gpt-4o-mini", input: "hi" })).json();
  assert.equal(whole.object, "response");
  assert.equal(whole.status, "completed");
  assert.match(whole.output[0].content[0].text, /^Echo: hi\. /);
  const list = await (await json("/responses", { model: "m", input: [{ role: "user", content: [{ type: "input_text", text: "from parts" }] }] })).json();
  assert.match(list.output[0].content[0].text, /^Echo: from parts\./);
  const cutShort = await (await json("/responses", { model: "m", input: "one two three", max_output_tokens: 2 })).json();
  assert.deepEqual([cutShort.status, cutShort.incomplete_details.reason], ["incomplete", "max_output_tokens"]);

  const stream = events(await (await json("/responses", { model: "m", input: "hi", stream: true })).text());
  for (const e of stream) assert.equal(JSON.parse(e.data).type, e.event);
  assert.equal(stream[0].event, "response.created");
  assert.equal(stream.at(-1).event, "response.completed");
  const text = stream.filter((e) => e.event === "response.output_text.delta").map((e) => JSON.parse(e.data).delta).join("");
  assert.equal(text, whole.output[0].content[0].text);
  const err = events(await (await json("/responses", { model: "mock-scenario:error-event", input: "hi", stream: true })).text());
  assert.deepEqual(JSON.parse(err.at(-1).data).code, "server_error");
  assert.equal(err.at(-1).event, "error");
  const failed = events(await (await json("/responses", { model: "mock-scenario:response-failed", input: "hi", stream: true })).text());
  assert.equal(JSON.parse(failed.at(-1).data).response.status, "failed");
});

test("embeddings and images scenarios: ignored encodings, bad vectors, empty image items", async () => {
  const embed = (model, extra = {}) => json("/embeddings", { model, input: ["a"], ...extra }).then((r) => r.json());
  assert.ok(Array.isArray((await embed("mock-scenario:ignore-encoding-format", { encoding_format: "base64" })).data[0].embedding));
  assert.equal(typeof (await embed("mock-scenario:base64-always")).data[0].embedding, "string");
  assert.equal((await embed("mock-scenario:embedding-bad-base64")).data[0].embedding, "not*base64!");
  assert.equal(Buffer.from((await embed("mock-scenario:embedding-bad-length")).data[0].embedding, "base64").length, 7);
  const images = await (await json("/images/generations", { model: "mock-scenario:image-item-empty", prompt: "p" })).json();
  assert.deepEqual(images.data, [{ revised_prompt: "p" }]);
});
