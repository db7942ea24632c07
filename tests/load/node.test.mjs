// Load in Node: 10,000 sequential streams with bounded heap growth and no wasm memory growth, and
// 100 concurrent streams.
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
