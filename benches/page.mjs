// The Chromium side: the same corpora, consumers and runner as Node, with the peers from an
// esbuild bundle and llmwire straight from pkg/. run-chromium.mjs calls `window.runBench`.
import { OpenAI, createParser } from "./.cache/peers.js";
import * as llmwire from "/pkg/index.js";
// The default entry runs chat in its core module (the extras module is loaded only by other endpoints).
import { initSync as wasmExports } from "/pkg/llmwire_core.js";
import { buildCorpora, responseFactory } from "./corpus.mjs";
import { makeConsumers, select, verify } from "./consumers.mjs";
import { runSuite } from "./runner.mjs";
import { benchLongRequest } from "./long-request.mjs";

const wasmMemoryBytes = () => {
  try {
    return wasmExports().memory.buffer.byteLength;
  } catch {
    return null;
  }
};

/** The suite; `filters.only` and `filters.corpora` (names), when given, keep those consumers and corpora. */
window.runBench = async ({ quick, runs, filters }) => {
  const memory = {
    gc: window.gc ?? (() => {}),
    // Needs --enable-precise-memory-info, or the value is bucketed; JS heap only (no ArrayBuffers, no wasm).
    sample: () => ({ jsHeap: performance.memory?.usedJSHeapSize ?? 0 }),
    after: () => ({ wasmMemoryBytes: wasmMemoryBytes() }),
  };
  const { consumers, corpora } = select(makeConsumers({ OpenAI, createParser, llmwire }), buildCorpora(quick), filters);
  // Steady state: the wasm is inflated, compiled and instantiated before anything is timed (each
  // consumer's warm-up would do it anyway). What a fresh page's first stream pays is `runFresh`.
  await llmwire.init();
  const results = await runSuite({ corpora, consumers, runs, memory, log: console.log });
  return { runtime: navigator.userAgent, gcExposed: !!window.gc, corpora: results };
};
/**
 * The first stream in a fresh page (run-chromium.mjs opens one per call): one consumer, once, over
 * the text-2k corpus, timed the same way, 100 ms after the page loaded (a user's first message),
 * without calling llmwire's `init()` (the default entry starts loading its wasm when imported).
 */
window.runFresh = async (name) => {
  const corpus = buildCorpora(true).find((c) => c.name === "text-2k");
  const consume = makeConsumers({ OpenAI, createParser, llmwire })[name];
  await new Promise((resolve) => setTimeout(resolve, 100));
  const t0 = performance.now();
  const result = await consume(responseFactory(corpus.chunks));
  const totalMs = performance.now() - t0;
  verify(name, result, corpus);
  return { firstDeltaMs: result.firstDeltaMs ?? null, totalMs };
};
/** A long conversation's first delta (long-request.mjs), in a page of its own. */
window.runLongRequest = async ({ quick }) => {
  await llmwire.init();
  return { runtime: navigator.userAgent, conversations: await benchLongRequest({ libs: { OpenAI, llmwire }, quick, log: console.log }) };
};
window.benchReady = true;
