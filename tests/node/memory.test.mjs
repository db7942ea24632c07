// What a long answer costs in wasm memory, in a process of its own (node --test runs each file in
// one). finalChatCompletion keeps the text in blocks that are never moved and hands it over once,
// joined: the pages it touches stay near twice the text. A text grown as one String touched three
// times it (every outgrown buffer stays in wasm memory), and a JSON answer joined per call more.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ChatStream, Client, init } from "../../pkg/index.js";
import { initSync } from "../../pkg/llmwire_core.js";

/** Bytes of the wasm memory's pages that were touched: its mapping's `Rss` in /proc/self/smaps. */
function touchedBytes(memory) {
  const size = memory.buffer.byteLength;
  let inMapping = false;
  const found = [];
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) inMapping = parseInt(range[2], 16) - parseInt(range[1], 16) === size;
    else if (inMapping && line.startsWith("Rss:")) found.push(Number(/(\d+)/.exec(line)[1]) * 1024);
  }
  assert.equal(found.length, 1, `one mapping of the wasm memory's ${size} bytes`);
  return found[0];
}

/** A chat stream of `events` content deltas mixing ASCII, CJK and emoji; also its text. */
function longStream(events) {
  const pieces = ["Hello", " 東京", "😀", " text", "，", " wasm"];
  const parts = [];
  let text = "";
  for (let i = 0; i < events; i++) {
    const content = pieces[i % pieces.length];
    text += content;
    parts.push(`data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`);
  }
  parts.push('data: {"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
  const body = new TextEncoder().encode(parts.join(""));
  // Network-like chunks of 4-16 KiB.
  let at = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (at >= body.length) return controller.close();
      const n = 4096 + ((at * 7919) % 12288);
      controller.enqueue(body.slice(at, at + n));
      at += n;
    },
  });
  return { response: new Response(stream, { headers: { "content-type": "text/event-stream" } }), text };
}

test("a long answer touches wasm memory about twice its size, not three times", { skip: process.platform !== "linux" && "reads /proc/self/smaps" }, async () => {
  await init();
  const { memory } = initSync();
  const before = touchedBytes(memory);
  const { response, text } = longStream(250_000);
  const bytes = Buffer.byteLength(text);
  const completion = await (await ChatStream.fromResponse(response)).finalChatCompletion();
  assert.equal(completion.choices[0].message.content, text);
  const touched = touchedBytes(memory) - before;
  assert.ok(bytes > 1_000_000, `${bytes} bytes of text`);
  assert.ok(touched <= 2.3 * bytes, `wasm touched ${touched} bytes for ${bytes} bytes of text (${(touched / bytes).toFixed(2)}x)`);
});

test("a finished or failed request leaves its response to the garbage collector", async () => {
  // transport.js keeps its latest Guard and BodyStream for their hidden classes; they are emptied
  // when the request ends, so the last response a program received is not kept with them.
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc");
  const sse = 'data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\ndata: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
  const json = '{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}';
  const sent = [];
  const fetch = async (url, init) => {
    const { stream, model } = JSON.parse(init.body);
    const response = model === "refused"
      ? new Response('{"error":{"message":"no","type":"invalid_request_error"}}', { status: 400, headers: { "content-type": "application/json" } })
      : new Response(stream ? sse : json, { headers: { "content-type": stream ? "text/event-stream" : "application/json" } });
    sent.push(new WeakRef(response));
    return response;
  };
  const client = new Client({ baseURL: "http://kept.invalid/v1", fetch });
  const ask = (stream) => ({ model: "m", messages: [{ role: "user", content: "hi" }], stream });
  assert.equal(await (await client.chat.completions.create(ask(true))).finalContent(), "hi");
  for await (const chunk of await client.chat.completions.create(ask(true))) if (chunk.choices[0]?.delta?.content) break; // left early
  assert.equal((await client.chat.completions.create(ask(false))).choices[0].message.content, "hi");
  await assert.rejects(client.chat.completions.create({ ...ask(true), model: "refused" }), { status: 400 });
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  for (let i = 0; i < 10; i++) {
    await tick(); // a deref keeps its target alive until the end of its job: collect in a later one
    gc();
    await tick();
    if (!sent.some((r) => r.deref())) break;
  }
  assert.deepEqual(sent.map((r) => r.deref() === undefined), [true, true, true, true], "each response was collected");
});

test("a reference image never enters wasm memory whole: two 3.3 MB data URLs leave the extras' memory the size it was", async () => {
  // generateViaChat checks each image through imageUrl, which reads it in slices (helpers.rs
  // JsText) and hands the string itself back, and builds the request from stand-ins. Before, one
  // image grew this memory by 3x its size, for good; then (whole, once) by 1x.
  const { initSync: extras } = await import("../../pkg/llmwire_extras.js");
  const fetch = async () => new Response('{"created":1,"data":[{"url":"https://img.invalid/1.png"}]}', { headers: { "content-type": "application/json" } });
  const client = new Client({ baseURL: "http://draw.invalid/v1", fetch });
  await client.images.generateViaChat({ model: "m", prompt: "warm" });
  const before = extras().memory.buffer.byteLength;
  const image = `data:image/png;base64,${"iVBORw0KGgo".repeat(300_000)}`;
  const result = await client.images.generateViaChat({ model: "m", prompt: "watercolor", image: [image, image] });
  assert.equal(result.data[0].url, "https://img.invalid/1.png");
  const grown = extras().memory.buffer.byteLength - before;
  assert.ok(grown < 1 << 20, `wasm memory grew by ${grown} bytes for a ${image.length}-byte image (${(grown / image.length).toFixed(2)}x)`);
});

test("the image helpers read base64 in slices: 4 MB images shown, decoded and made parts leave wasm memory the size it was", async () => {
  // imageURL, imageBlob and imagePart read a long string through its first 1,024 characters and
  // then 32 Ki units at a time (helpers.rs JsText). Before, each copied the base64 into the
  // extras' memory whole and its data URL or bytes out again: 2.3x to 3x the image, for good.
  const { initSync: extras } = await import("../../pkg/llmwire_extras.js");
  const { imageBlob, imagePart, imageURL } = await import("../../pkg/index.js");
  const bytes = new Uint8Array(3_000_000).map((_, i) => (i * 2654435761) >>> 24);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const b64 = Buffer.from(bytes).toString("base64");
  await imageURL({ b64_json: b64.slice(0, 2000) });
  const before = extras().memory.buffer.byteLength;
  assert.equal(await imageURL({ b64_json: b64 }), `data:image/png;base64,${b64}`);
  assert.equal(await imageURL({ url: `data:image/png;base64,${b64}` }), `data:image/png;base64,${b64}`);
  const blob = await imageBlob({ b64_json: b64 });
  assert.equal(blob.type, "image/png");
  assert.ok(Buffer.from(await blob.arrayBuffer()).equals(Buffer.from(bytes)), "the blob holds the bytes");
  assert.equal((await imagePart(b64)).image_url.url, `data:image/png;base64,${b64}`);
  assert.ok(extras().memory.buffer.byteLength - before < 1 << 20, `wasm memory grew from ${before} to ${extras().memory.buffer.byteLength} bytes`);
});

test("a chat answer's content and images never enter wasm memory: 6 MB answers leave it the size it was", async () => {
  // finishChat checks the answer with its choices and data as []: it reads which members there
  // are, not what they hold. Before, each of these answers grew the core's memory by 2-3x its size.
  const image = "iVBORw0KGgo".repeat(550_000);
  let next = '{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}';
  const fetch = async () => new Response(next, { headers: { "content-type": "application/json" } });
  const client = new Client({ baseURL: "http://chat.invalid/v1", fetch });
  const ask = () => client.chat.completions.create({ model: "gemini-2.5-flash-image", messages: [{ role: "user", content: "a cat" }] });
  assert.equal((await ask()).choices[0].message.content, "hi");
  const memory = () => initSync().memory.buffer.byteLength;
  const before = memory();
  // A model that answers with an image as a markdown data URL in its content.
  const content = `Here it is: ![cat](data:image/png;base64,${image})`;
  next = JSON.stringify({ id: "c2", object: "chat.completion", model: "m", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }], usage: { total_tokens: 9 } });
  const answered = await ask();
  assert.equal(answered.choices[0].message.content, content);
  assert.deepEqual(Object.keys(answered), ["id", "object", "model", "choices", "usage"]);
  assert.equal(answered._base_url, "http://chat.invalid/v1");
  // An image model behind the chat endpoint answering as the images endpoint does: marked as one.
  const data = [{ b64_json: image }, { url: "https://img.invalid/2.png" }];
  next = JSON.stringify({ created: 7, data, usage: { total_tokens: 3 } });
  const drawn = await ask();
  assert.deepEqual(drawn, { object: "image.generation", choices: [], created: 7, data, usage: { total_tokens: 3 } });
  assert.equal(drawn._base_url, "http://chat.invalid/v1");
  assert.ok(memory() - before < 1 << 20, `wasm memory grew from ${before} to ${memory()} bytes`);
  // What the check reads still fails as it did.
  next = JSON.stringify({ error: { message: "quota", type: "insufficient_quota" }, choices: [{ index: 0 }] });
  await assert.rejects(ask(), (e) => e.status === 200 && /quota/.test(e.message));
  for (const body of ["[1]", "null", "<html>busy</html>", `{"choices":[${JSON.stringify(content)}]`]) {
    next = body;
    await assert.rejects(ask(), (e) => e.name === "InvalidResponseError", body.slice(0, 20));
  }
});

test("image bytes never enter wasm memory: a 4 MB photo becomes a data URL encoded by the runtime", async () => {
  // Rust tells the type from the first 16 bytes; the runtime encodes. Before, the bytes and their
  // base64 were both built in the extras' memory, which grew by 2.3x the photo for good.
  const { initSync: extras } = await import("../../pkg/llmwire_extras.js");
  const { imagePart } = await import("../../pkg/index.js");
  const photo = new Uint8Array(4_000_000).map((_, i) => (i * 2654435761) >>> 24);
  photo.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await imagePart(photo.subarray(0, 100));
  const before = extras().memory.buffer.byteLength;
  const expected = `data:image/png;base64,${Buffer.from(photo).toString("base64")}`;
  assert.equal((await imagePart(photo)).image_url.url, expected);
  assert.ok(extras().memory.buffer.byteLength - before < 1 << 20, `wasm memory grew from ${before} to ${extras().memory.buffer.byteLength} bytes`);
  // Where the runtime has neither Uint8Array's toBase64 nor Node's Buffer (older browsers): btoa.
  const [toBase64, builtin] = [Uint8Array.prototype.toBase64, process.getBuiltinModule];
  try {
    delete Uint8Array.prototype.toBase64;
    process.getBuiltinModule = undefined;
    assert.equal((await imagePart(new Blob([photo]))).image_url.url, expected);
    assert.equal((await imagePart(photo.subarray(0, 0x6000 + 1))).image_url.url, `data:image/png;base64,${Buffer.from(photo.subarray(0, 0x6000 + 1)).toString("base64")}`);
    process.getBuiltinModule = () => undefined; // a runtime with the function but no node:buffer
    assert.equal((await imagePart(photo.subarray(0, 20))).image_url.url, `data:image/png;base64,${Buffer.from(photo.subarray(0, 20)).toString("base64")}`);
  } finally {
    if (toBase64) Uint8Array.prototype.toBase64 = toBase64;
    process.getBuiltinModule = builtin;
  }
});
