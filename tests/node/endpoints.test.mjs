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
