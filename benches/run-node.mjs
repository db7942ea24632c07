// Node: every corpus through every consumer, in this one process. Run with --expose-gc.
// Usage: node --expose-gc benches/run-node.mjs [--apart | --long-request] [--out file.json]   (BENCH_QUICK=1: small corpora, 3 runs)
import { writeFileSync } from "node:fs";
import OpenAI from "openai";
import { createParser } from "eventsource-parser";
import * as llmwire from "../pkg/index.js";
// The default entry runs chat in its core module (the extras module is loaded only by other endpoints).
import { initSync as wasmExports } from "../pkg/llmwire_core.js";
import { buildCorpora } from "./corpus.mjs";
import { APART, makeConsumers, select } from "./consumers.mjs";
import { benchLongRequest } from "./long-request.mjs";
import { runSuite } from "./runner.mjs";

/** The size of llmwire's wasm linear memory (it only grows), or null before it is loaded. */
export function wasmMemoryBytes(exportsOf) {
  try {
    return exportsOf().memory.buffer.byteLength;
  } catch {
    return null;
  }
}

/** The suite in this process; `filters` as consumers.mjs `select` takes them. */
export async function benchNode({ quick, runs, log, filters }) {
  const { consumers, corpora } = select(makeConsumers({ OpenAI, createParser, llmwire }), buildCorpora(quick), filters);
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
  const results = await runSuite({ corpora, consumers, runs, memory, log });
  return { runtime: `Node ${process.version}`, gcExposed: !!globalThis.gc, corpora: results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = !!process.env.BENCH_QUICK;
  const runs = Number(process.env.BENCH_RUNS ?? (quick ? 3 : 5));
  // --apart: llmwire beside the floor only (APART), as the second, separate process of a run.
  const apart = process.argv.includes("--apart");
  let result;
  if (process.argv.includes("--long-request")) {
    // A long conversation's first delta (long-request.mjs), in a process of its own.
    await llmwire.init();
    result = { runtime: `Node ${process.version}`, conversations: await benchLongRequest({ libs: { OpenAI, llmwire }, quick, log: (m) => console.error(`node long request: ${m}`) }) };
  } else {
    result = await benchNode({ quick, runs, filters: apart ? APART : undefined, log: (m) => console.error(`node${apart ? " apart" : ""}: ${m}`) });
  }
  const at = process.argv.indexOf("--out");
  const json = JSON.stringify(result, null, 2);
  if (at > 0) writeFileSync(process.argv[at + 1], json);
  else console.log(json);
}
