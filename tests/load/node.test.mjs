// Load in Node: a long answer's wasm memory, 10,000 sequential streams with bounded heap growth and
// no wasm memory growth, and 100 concurrent streams.
// Run with --expose-gc (make test-load does) so the heap can be measured after collection.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../pkg/index.js";
// The default entry's chat runs in its core module; `initSync()` hands back its loaded exports.
import { initSync as coreExports } from "../../pkg/llmwire_core.js";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";

let gw;
before(async () => {
  gw = await startMockGateway();
});
after(() => gw.close());

const ask = (i, extra = {}) => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: `load ${i}` }], stream: true, ...extra });

/** The heap after collection, once finalizers (which free wasm-side objects) have run. */
async function heapMB() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** A 200 Response streaming `events` content deltas of `piece`, made as they are read. */
function longStream(events, piece) {
  const event = `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`;
  const batch = new TextEncoder().encode(event.repeat(100));
  const end = new TextEncoder().encode(`data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`);
  let sent = 0;
  const body = new ReadableStream({
    pull(c) {
      if (sent < events) {
        c.enqueue(batch);
        sent += 100;
      } else {
        c.enqueue(end);
        c.close();
      }
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

test("a long answer: wasm memory grows with the text, under 3.5 times its size, whatever the number of events", async () => {
  // 1.1 MB of text in 220,000 events (29 MB of SSE), just past a power of two: a buffer that
  // doubles as it grows ends at 2 MiB with the smaller ones freed before it, over 4x the text in
  // all (wasm memory never shrinks, and allocation in it is deterministic).
  const events = 220_000;
  const piece = "abcd ";
  let n = 100; // a short stream first, which loads the wasm
  const client = new Client({ baseURL: "http://gateway.invalid/v1", fetch: async () => longStream(n, piece) });
  await (await client.chat.completions.create(ask(0))).finalContent();
  n = events;
  const before = coreExports().memory.buffer.byteLength;
  const s = await client.chat.completions.create(ask(1));
  const c = await s.finalChatCompletion();
  const textBytes = events * piece.length;
  assert.equal(c.choices[0].message.content.length, textBytes);
  const growth = coreExports().memory.buffer.byteLength - before;
  console.log(`wasm memory growth for a ${(textBytes / 1e6).toFixed(2)} MB answer: ${(growth / 1e6).toFixed(2)} MB`);
  assert.ok(growth < 3.5 * textBytes, `wasm memory grew ${growth} bytes for ${textBytes} bytes of text`);
});

test("10,000 sequential streams: every one complete, heap growth under 5 MB, wasm memory not grown", { timeout: 300_000 }, async () => {
  assert.ok(globalThis.gc, "run with --expose-gc");
  const client = new Client({ baseURL: gw.baseURL });
  const run = async (i) => {
    const s = await client.chat.completions.create(ask(i));
    const text = await s.finalContent();
    if (!text.startsWith(`Echo: load ${i}.`)) throw new Error(`stream ${i} got ${text}`);
  };
  for (let i = 0; i < 500; i++) await run(i); // warm-up: JIT, wasm memory, the mock's log
  gw.requests.length = 0;
  const before = await heapMB();
  // Linear memory only grows: anything kept per request, or freed memory the allocator does not
  // reuse, shows here (the rate limiter's window kept every request of the last minute).
  const wasmBefore = coreExports().memory.buffer.byteLength;
  for (let i = 0; i < 10_000; i++) {
    await run(i);
    if (i % 1000 === 0) gw.requests.length = 0; // the mock's own log is not ours to measure
  }
  gw.requests.length = 0;
  const growth = (await heapMB()) - before;
  const wasmGrowth = coreExports().memory.buffer.byteLength - wasmBefore;
  console.log(`heap growth over 10,000 streams: ${growth.toFixed(2)} MB; wasm memory growth: ${wasmGrowth} bytes`);
  assert.ok(growth < 5, `heap grew ${growth.toFixed(2)} MB`);
  assert.equal(wasmGrowth, 0, "wasm memory grew");
});

test("100 concurrent streams, each accumulated correctly", async () => {
  const client = new Client({ baseURL: gw.baseURL });
  const texts = await Promise.all(Array.from({ length: 100 }, async (_, i) => (await client.chat.completions.create(ask(i, { n: 2 }))).finalChatCompletion()));
  texts.forEach((c, i) => {
    assert.match(c.choices[0].message.content, new RegExp(`^Echo: load ${i}\\.`));
    assert.equal(c.choices[1].message.content, `${c.choices[0].message.content} (choice 1)`);
  });
});
