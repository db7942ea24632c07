// Every endpoint beyond chat, from the built package in Node, against the mock gateway (with a key).
// The cases live in tests/support/endpoints-suite.mjs and run in Chromium and workerd too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as lib from "../../pkg/index.js";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { cases, run } from "../support/endpoints-suite.mjs";

const KEY = "sk-node-endpoints-secret";
let gw;
before(async () => {
  gw = await startMockGateway({ apiKey: KEY });
});
after(() => gw.close());

for (const name of Object.keys(cases)) {
  test(name, async () => {
    const result = await run(name, lib, { baseURL: gw.baseURL, apiKey: KEY });
    assert.ok(result.ok, result.error);
  });
}

test("multipart requests carry the key and no JSON content type", async () => {
  const client = new lib.Client({ apiKey: KEY, baseURL: gw.baseURL });
  await client.audio.transcriptions.create({ file: await lib.toFile(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]), "a.mp3"), model: "whisper-1" });
  const sent = gw.requests.at(-1);
  assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
  assert.match(sent.headers["content-type"], /^multipart\/form-data; boundary=/);
  assert.equal(sent.body.files[0].contentType, "audio/mpeg");
});

test("a user-supplied fetch also carries multipart bodies", async () => {
  const seen = [];
  const client = new lib.Client({ apiKey: KEY, baseURL: gw.baseURL, fetch: (url, init) => (seen.push(init.body), fetch(url, init)) });
  await client.images.edit({ prompt: "x", image: new File([Uint8Array.from(atob("iVBORw0KGgo="), (c) => c.charCodeAt(0))], "a.png", { type: "image/png" }) }).catch(() => {});
  assert.ok(seen[0] instanceof FormData);
});

test("a request's input never enters wasm memory: 4 MB to responses, completions, embeddings and images leaves it the size it was", async () => {
  // The checks read only the parameters they check (WasmEndpoints.members), so the extras' wasm
  // memory, which never shrinks, does not grow to the largest input a page ever sent. The fetch
  // records what is sent and hands the mock a short input, so the answers stay short.
  let sent = [];
  const short = (body) => {
    const params = JSON.parse(body);
    for (const name of ["input", "prompt"]) if (name in params) params[name] = "hi";
    return JSON.stringify(params);
  };
  const client = new lib.Client({ apiKey: KEY, baseURL: gw.baseURL, fetch: (url, init) => (sent.push(init.body.length), fetch(url, { ...init, body: short(init.body) })) });
  const drain = async (stream) => {
    for await (const _ of stream);
  };
  const everything = async (input) => {
    await client.responses.create({ model: "m", input, temperature: 0.5 });
    await drain(await client.responses.create({ model: "m", input: [{ role: "user", content: input }], stream: true, max_output_tokens: 50 }));
    await client.completions.create({ model: "m", prompt: input, max_tokens: 5 });
    await drain(await client.completions.create({ model: "m", prompt: [input], stream: true }));
    await client.embeddings.create({ model: "text-embedding-3-small", input: [input, "b"], dimensions: 8 });
    await client.images.generate({ model: "gpt-image-1", prompt: input, n: 1 });
  };
  await everything("warm");
  const { initSync } = await import("../../pkg/llmwire_extras.js");
  const wasmMemory = () => initSync().memory.buffer.byteLength;
  const before = wasmMemory();
  const input = "一段很长的输入 with ASCII and emoji 🙂. ".repeat(125_000);
  sent = [];
  await everything(input);
  assert.deepEqual(sent.map((n) => n > 4_000_000), Array(6).fill(true), "every request sent the input");
  assert.ok(wasmMemory() - before < 1 << 20, `wasm memory grew from ${before} to ${wasmMemory()} bytes`);
  const invalid = (what, e) => e instanceof lib.InvalidArgumentError && e.message.includes(what);
  await assert.rejects(client.responses.create({ model: "m", input, temperature: 3 }), (e) => invalid("temperature", e));
  await assert.rejects(client.completions.create({ model: "m", prompt: input, stream: true, stop: ["a", "b", "c", "d", "e"] }), (e) => invalid("stop", e));
  await assert.rejects(client.embeddings.create({ model: "m", input, dimensions: 0 }), (e) => invalid("dimensions", e));
  await assert.rejects(client.images.generate({ model: "m", prompt: input, n: 0 }), (e) => invalid("n ", e));
});

test("generateViaChat's history and reference images never enter wasm memory with the request: it is built from stand-ins", async () => {
  // Each image is checked in slices (never whole in wasm); the request is built in Rust with the history as
  // [] and short stand-in URLs, and they are put back in JavaScript. What is sent is what Rust
  // builds from the real parameters.
  const sent = [];
  const fetch = async (url, init) => {
    sent.push(init.body);
    return new Response('{"created":1,"data":[{"url":"https://img.invalid/1.png"}]}', { headers: { "content-type": "application/json" } });
  };
  const client = new lib.Client({ apiKey: KEY, baseURL: "http://draw.invalid/v1", fetch });
  const big = (n) => `data:image/png;base64,${"iVBORw0KGgo".repeat(n)}`;
  const photo = big(300_000);
  await client.images.generateViaChat({ model: "gpt-image-2-vip", prompt: "warm", image: photo });
  const { initSync, WasmEndpoints } = await import("../../pkg/llmwire_extras.js");
  const wasmMemory = () => initSync().memory.buffer.byteLength;
  const before = wasmMemory();
  const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
  const history = [
    { role: "user", content: [{ type: "text", text: "画一座灯塔" }, { type: "image_url", image_url: { url: big(300_001) } }] },
    { role: "assistant", content: "![image](https://img.invalid/0.png)" },
  ];
  const params = { model: "gpt-image-2-vip", messages: history, prompt: "Make the sky bluer 🌅", image: [photo, " https://img.invalid/0.png ", png], size: "2048x1152", stream: true };
  const result = await client.images.generateViaChat(params);
  assert.equal(result.data[0].url, "https://img.invalid/1.png");
  assert.ok(wasmMemory() - before < 1 << 20, `wasm memory grew from ${before} to ${wasmMemory()} bytes`);
  const body = JSON.parse(sent.at(-1));
  assert.deepEqual(Object.keys(body), ["model", "size", "messages"]);
  assert.deepEqual(body.messages.slice(0, 2), history);
  const dataUrl = `data:image/png;base64,${btoa(String.fromCharCode(...png))}`;
  const urls = [photo, "https://img.invalid/0.png", dataUrl];
  assert.deepEqual(body.messages[2], { role: "user", content: [{ type: "text", text: "Make the sky bluer 🌅" }, ...urls.map((url) => ({ type: "image_url", image_url: { url } }))] });
  const rules = new WasmEndpoints('{"baseURL":"http://draw.invalid/v1"}', false);
  try {
    assert.equal(sent.at(-1), rules.prepare(2, JSON.stringify({ ...params, image: urls })), "the body Rust builds from the real parameters");
  } finally {
    rules.free();
  }
});

test("an embeddings batch never enters wasm memory whole: 2,048 vectors as base64 and as numbers leave it the size it was", async () => {
  // The body is parsed in JavaScript and checked in Rust a vector at a time (embeddingsShape, then
  // embeddingVector). Before, 16.9 MB of base64 grew the extras' memory to 69 MB, 62 MB of numbers to 125 MB.
  const [n, dims] = [2048, 1536];
  const values = Float32Array.from({ length: dims }, (_, i) => Math.sin(i) / 3);
  const b64 = Buffer.from(values.buffer).toString("base64");
  const bodyOf = (embedding) => JSON.stringify({ object: "list", model: "m", data: Array.from({ length: n }, (_, index) => ({ object: "embedding", index, embedding })), usage: { prompt_tokens: n, total_tokens: n } });
  const bodies = { base64: bodyOf(b64), float: bodyOf(Array.from(values)) };
  let next = "";
  const fetch = async () => new Response(next, { headers: { "content-type": "application/json" } });
  const client = new lib.Client({ apiKey: KEY, baseURL: "http://embed.invalid/v1", fetch });
  next = JSON.stringify({ object: "list", model: "m", data: [{ object: "embedding", index: 0, embedding: b64 }] });
  await client.embeddings.create({ model: "m", input: "warm" });
  const { initSync } = await import("../../pkg/llmwire_extras.js");
  const wasmMemory = () => initSync().memory.buffer.byteLength;
  const before = wasmMemory();
  for (const format of ["base64", "float"]) {
    next = bodies[format];
    const out = await client.embeddings.create({ model: "m", input: Array(n).fill("x"), encoding_format: format });
    assert.equal(out.data.length, n);
    assert.deepEqual(out.data[n - 1].float32, values, `${format}: the float32 values exactly`);
    assert.deepEqual(out.data[7].embedding, Array.from(values));
    assert.deepEqual(out.usage, { prompt_tokens: n, total_tokens: n });
    assert.equal(out._base_url, "http://embed.invalid/v1");
  }
  assert.ok(wasmMemory() - before < 1 << 20, `wasm memory grew from ${before} to ${wasmMemory()} bytes`);
  // Each fault still surfaces, checked in the same order: the body, its shape, then each vector.
  const faults = [
    ["not JSON", "<html>busy</html>", lib.InvalidResponseError, /expected a JSON object/],
    ["an error inside a 200", '{"error":{"message":"quota","type":"insufficient_quota"}}', lib.APIError, /quota/],
    ["no data", '{"object":"list"}', lib.InvalidResponseError, /data array/],
    ["an item that is not an object", '{"data":[{"embedding":[1]},5]}', lib.InvalidResponseError, /embedding 1 is not an object/],
    ["an item without its vector", '{"data":[{"index":0}]}', lib.InvalidResponseError, /embedding 0 has no embedding member/],
    ["a string among numbers", '{"data":[{"embedding":[1,"2"]}]}', lib.InvalidResponseError, /embedding 0 holds something other than numbers/],
    ["a null vector", '{"data":[{"embedding":null}]}', lib.InvalidResponseError, /embedding 0 is neither/],
    ["invalid base64", '{"data":[{"embedding":"@@@@"}]}', lib.InvalidResponseError, /embedding 0 is not valid base64/],
    ["lengths that differ", `{"data":[{"embedding":[1,2]},{"embedding":"${Buffer.from(new Float32Array([1, 2, 3]).buffer).toString("base64")}"}]}`, lib.InvalidResponseError, /embedding 1 has 3 values but embedding 0 has 2/],
  ];
  for (const [what, body, type, message] of faults) {
    next = body;
    const e = await client.embeddings.create({ model: "m", input: "x" }).then(() => null, (e) => e);
    assert.ok(e instanceof type, `${what}: ${e?.name}: ${e?.message}`);
    assert.match(e.message, message, what);
  }
});

test("images answers never enter wasm memory: four 3 MB b64_json images leave it the size it was", async () => {
  // The checks read only whether each url and b64_json is blank, so long ones cross as a stand-in
  // (imagesResult in features.js). Before, such an answer grew the extras' memory by 2-3x its size.
  const b64 = "iVBORw0KGgo".repeat(280_000);
  let next = "";
  const fetch = async () => new Response(next, { headers: { "content-type": "application/json" } });
  const client = new lib.Client({ apiKey: KEY, baseURL: "http://draw.invalid/v1", fetch });
  next = JSON.stringify({ created: 1, data: [{ url: "https://img.invalid/w.png" }] });
  await client.images.generate({ model: "gpt-image-1", prompt: "warm" });
  await client.images.generateViaChat({ model: "gpt-image-2-vip", prompt: "warm" });
  const { initSync } = await import("../../pkg/llmwire_extras.js");
  const wasmMemory = () => initSync().memory.buffer.byteLength;
  const before = wasmMemory();
  const images = [0, 1, 2, 3].map((i) => ({ b64_json: `${b64}${i}A==`, revised_prompt: `p${i}` }));
  next = JSON.stringify({ created: 1, data: images, usage: { total_tokens: 9 } });
  const generated = await client.images.generate({ model: "gpt-image-1", prompt: "four cats", n: 4 });
  assert.deepEqual(generated.data, images);
  assert.equal(generated._base_url, "http://draw.invalid/v1");
  next = JSON.stringify({ data: [{ url: `data:image/png;base64,${b64}` }], created: 2 });
  const viaChat = await client.images.generateViaChat({ model: "gpt-image-2-vip", prompt: "a cat" });
  assert.equal(viaChat.data[0].url, `data:image/png;base64,${b64}`);
  assert.ok(wasmMemory() - before < 1 << 20, `wasm memory grew from ${before} to ${wasmMemory()} bytes`);
  // Blank images are still caught, however long their blank; so are the other faults.
  const faults = [
    ["a blank b64_json", { data: [{ b64_json: " ".repeat(300) }] }, /image 0 has neither/],
    ["a blank url beside a good one", { data: [{ url: "https://img.invalid/a.png" }, { url: "\n\t".repeat(200) }] }, /image 1 has neither/],
    ["no data", { created: 1 }, /data array/],
    ["an item that is not an object", { data: [{ b64_json: b64 }, "x"] }, /image 1 is not an object/],
  ];
  for (const [what, body, message] of faults) {
    next = JSON.stringify(body);
    const e = await client.images.generate({ model: "m", prompt: "x" }).then(() => null, (e) => e);
    assert.ok(e instanceof lib.InvalidResponseError, `${what}: ${e?.name}: ${e?.message}`);
    assert.match(e.message, message, what);
  }
  next = "<html>busy</html>";
  await assert.rejects(client.images.generate({ model: "m", prompt: "x" }), lib.InvalidResponseError);
  next = JSON.stringify({ id: "c", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "I cannot draw" }, finish_reason: "stop" }] });
  await assert.rejects(client.images.generateViaChat({ model: "m", prompt: "x" }), (e) => e instanceof lib.InvalidResponseError && /answered with text/.test(e.message));
});

test("a Responses answer's image never enters wasm memory: output_text is computed from its message items", async () => {
  // Rust checks the answer and computes output_text with every item but the messages as {}.
  const image = "iVBORw0KGgo".repeat(300_000);
  const answerOf = (items, extra = {}) => JSON.stringify({ id: "resp_1", object: "response", status: "completed", error: null, output: items, ...extra, usage: { total_tokens: 3 } });
  const message = (text) => ({ type: "message", role: "assistant", content: [{ type: "output_text", text, annotations: [] }] });
  let next = answerOf([message("warm")]);
  const fetch = async () => new Response(next, { headers: { "content-type": "application/json" } });
  const client = new lib.Client({ apiKey: KEY, baseURL: "http://resp.invalid/v1", fetch });
  assert.equal((await client.responses.create({ model: "m", input: "warm" })).output_text, "warm");
  const { initSync } = await import("../../pkg/llmwire_extras.js");
  const wasmMemory = () => initSync().memory.buffer.byteLength;
  const before = wasmMemory();
  const call = { type: "image_generation_call", id: "ig_1", status: "completed", result: image };
  next = answerOf([call, message("Here is "), message("a cat 🐱")], { output_text: "stale" });
  const out = await client.responses.create({ model: "gpt-image-1", input: "draw a cat", tools: [{ type: "image_generation" }] });
  assert.equal(out.output_text, "Here is a cat 🐱");
  assert.equal(out.output[0].result, image);
  assert.deepEqual(Object.keys(out), ["id", "object", "status", "error", "output", "usage", "output_text"]);
  assert.equal(out._base_url, "http://resp.invalid/v1");
  assert.ok(wasmMemory() - before < 1 << 20, `wasm memory grew from ${before} to ${wasmMemory()} bytes`);
  next = JSON.stringify({ id: "resp_2", object: "response" });
  await assert.rejects(client.responses.create({ model: "m", input: "x" }), (e) => e instanceof lib.InvalidResponseError && /output array/.test(e.message));
  next = JSON.stringify({ error: { message: "quota", type: "insufficient_quota" } });
  await assert.rejects(client.responses.create({ model: "m", input: "x" }), (e) => e instanceof lib.APIError && /quota/.test(e.message));
  next = "<html>busy</html>";
  await assert.rejects(client.responses.create({ model: "m", input: "x" }), lib.InvalidResponseError);
});
