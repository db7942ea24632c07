// Node peak memory per consumer as a whole process sees it (JS heap, ArrayBuffers, wasm memory,
// garbage): each consumer reads the large corpus once in a fresh process, and its peak RSS is
// reported minus that of a baseline process that loads the same libraries and corpus but reads nothing.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCorpora } from "./corpus.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const BASELINE = "baseline";
// V8 collects short-lived garbage only when its young generation fills, by default at 16 MB or
// more, so a peak RSS is mostly that allowance. A second column caps it at 1 MB: what is left is
// what a consumer keeps, plus garbage that survives into the old generation.
const SMALL_YOUNG_GENERATION = ["--max-semi-space-size=1"];

/** Writes the largest text corpus to .cache/ and measures every consumer on it, each in its own process. */
export async function benchPeakRss({ quick, log }) {
  const corpus = buildCorpora(quick).filter((c) => c.kind === "text").sort((a, b) => b.bytes - a.bytes)[0];
  mkdirSync(join(here, ".cache"), { recursive: true });
  const file = join(here, ".cache", `${corpus.name}`);
  writeFileSync(`${file}.bin`, Buffer.concat(corpus.chunks));
  const { chunks, ...meta } = corpus;
  writeFileSync(`${file}.json`, JSON.stringify({ ...meta, chunkSizes: chunks.map((c) => c.byteLength) }));

  const { makeConsumers } = await import("./consumers.mjs");
  const names = Object.keys(makeConsumers({}));
  const measure = (name, flags = []) =>
    JSON.parse(execFileSync(process.execPath, [...flags, fileURLToPath(import.meta.url), "--child", name, file], { encoding: "utf8" }));
  const baseline = measure(BASELINE).maxRssBytes;
  const smallBaseline = measure(BASELINE, SMALL_YOUNG_GENERATION).maxRssBytes;
  const rows = names.map((name) => {
    const { maxRssBytes, wasmMemoryBytes } = measure(name);
    const bytes = maxRssBytes - baseline;
    const smallBytes = measure(name, SMALL_YOUNG_GENERATION).maxRssBytes - smallBaseline;
    log(`${corpus.name} ${name}: peak RSS +${(bytes / 1e6).toFixed(1)} MB over baseline; +${(smallBytes / 1e6).toFixed(1)} MB with a 1 MB young generation`);
    return { name, peakRssOverBaselineBytes: bytes, peakRssOverBaselineSmallYoungGenBytes: smallBytes, wasmMemoryBytes };
  });
  return { corpus: corpus.name, baselineMaxRssBytes: baseline, consumers: rows };
}

async function child(name, file) {
  const [{ default: OpenAI }, { createParser }, llmwire, { makeConsumers, verify }, { responseFactory }] = await Promise.all([
    import("openai"), import("eventsource-parser"), import("../pkg/index.js"), import("./consumers.mjs"), import("./corpus.mjs"),
  ]);
  const meta = JSON.parse(readFileSync(`${file}.json`, "utf8"));
  const body = readFileSync(`${file}.bin`);
  const chunks = [];
  let at = body.byteOffset;
  for (const n of meta.chunkSizes) {
    chunks.push(new Uint8Array(body.buffer, at, n));
    at += n;
  }
  if (name !== BASELINE) verify(name, await makeConsumers({ OpenAI, createParser, llmwire })[name](responseFactory(chunks)), meta);
  const { wasmMemoryBytes } = await import("./run-node.mjs");
  const { initSync } = await import("../pkg/llmwire_core.js");
  process.stdout.write(JSON.stringify({ maxRssBytes: peakRssBytes(), wasmMemoryBytes: wasmMemoryBytes(initSync) }));
}

/**
 * This process's peak RSS. Linux's VmHWM starts afresh at exec; getrusage's maxRSS does not (a
 * child spawned by a large parent inherits the parent's RSS as its floor), so it is the fallback.
 */
function peakRssBytes() {
  try {
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))[1]) * 1024;
  } catch {
    return process.resourceUsage().maxRSS * 1024;
  }
}

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4]);
else if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchPeakRss({ quick: !!process.env.BENCH_QUICK, log: (m) => console.error(`peak-rss: ${m}`) }), null, 2));
}
