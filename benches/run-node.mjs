// Node: every corpus through every consumer, in this one process. Run with --expose-gc.
// Usage: node --expose-gc benches/run-node.mjs [--out file.json]   (BENCH_QUICK=1: small corpora, 3 runs)
import { writeFileSync } from "node:fs";
import OpenAI from "openai";
import { createParser } from "eventsource-parser";
import * as llmwire from "../pkg/index.js";
// The default entry runs chat in its core module (the extras module is loaded only by other endpoints).
import { initSync as wasmExports } from "../pkg/llmwire_core.js";
import { buildCorpora } from "./corpus.mjs";
import { makeConsumers } from "./consumers.mjs";
import { runSuite } from "./runner.mjs";

/** The size of llmwire's wasm linear memory (it only grows), or null before it is loaded. */
export function wasmMemoryBytes(exportsOf) {
  try {
    return exportsOf().memory.buffer.byteLength;
  } catch {
    return null;
  }
}

export async function benchNode({ quick, runs, log }) {
  const corpora = buildCorpora(quick);
  const memory = {
    gc: globalThis.gc ?? (() => {}),
    sample: () => {
      const m = process.memoryUsage();
      return { heapAndArrayBuffers: m.heapUsed + m.arrayBuffers, rss: m.rss };
    },
    after: () => ({ wasmMemoryBytes: wasmMemoryBytes(wasmExports) }),
  };
  // Steady state: the wasm is loaded before anything is timed (each consumer's warm-up would do it anyway);
  // what a fresh process pays is the cold-start section's.
  await llmwire.init();
  const results = await runSuite({ corpora, consumers: makeConsumers({ OpenAI, createParser, llmwire }), runs, memory, log });
  return { runtime: `Node ${process.version}`, gcExposed: !!globalThis.gc, corpora: results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = !!process.env.BENCH_QUICK;
  const runs = Number(process.env.BENCH_RUNS ?? (quick ? 3 : 5));
  const result = await benchNode({ quick, runs, log: (m) => console.error(`node: ${m}`) });
  const at = process.argv.indexOf("--out");
  const json = JSON.stringify(result, null, 2);
  if (at > 0) writeFileSync(process.argv[at + 1], json);
  else console.log(json);
}
