// The Chromium side: the same corpora, consumers and runner as Node, with the peers from an
// esbuild bundle and llmwire straight from pkg/. run-chromium.mjs calls `window.runBench`.
import { OpenAI, createParser } from "./.cache/peers.js";
import * as llmwire from "/pkg/index.js";
import { initSync as wasmExports } from "/pkg/llmwire.js";
import { buildCorpora } from "./corpus.mjs";
import { makeConsumers } from "./consumers.mjs";
import { runSuite } from "./runner.mjs";

const wasmMemoryBytes = () => {
  try {
    return wasmExports().memory.buffer.byteLength;
  } catch {
    return null;
  }
};

window.runBench = async ({ quick, runs }) => {
  const memory = {
    gc: window.gc ?? (() => {}),
    // Needs --enable-precise-memory-info, or the value is bucketed; JS heap only (no ArrayBuffers, no wasm).
    sample: () => ({ jsHeap: performance.memory?.usedJSHeapSize ?? 0 }),
    after: () => ({ wasmMemoryBytes: wasmMemoryBytes() }),
  };
  const corpora = buildCorpora(quick);
  const results = await runSuite({ corpora, consumers: makeConsumers({ OpenAI, createParser, llmwire }), runs, memory, log: console.log });
  return { runtime: navigator.userAgent, gcExposed: !!window.gc, corpora: results };
};
window.benchReady = true;
