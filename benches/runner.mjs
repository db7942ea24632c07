// The measuring loop, runtime-neutral: a warm-up of each consumer (≥ 1 run, ≥ 300 ms), `runs` timed
// runs of each, interleaved and each after a GC and an untimed run of the same consumer on the
// smallest corpus (median taken), then per consumer one untimed run that samples memory on every
// pull of the body and once at the end.
import { responseFactory } from "./corpus.mjs";
import { verify } from "./consumers.mjs";

const WARMUP_MS = 300;

/** A forced GC (where exposed), then a macrotask turn so FinalizationRegistry callbacks (wasm frees) can run, as in an idle app. */
async function settle(memory) {
  memory.gc();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs every consumer over every corpus (a corpus's own `runs` overrides the default). The timed
 * runs are interleaved, one of each consumer in turn, so that a slow stretch of a shared machine
 * slows every consumer alike instead of the one whose block it fell in (run one after the other,
 * the same build's (e)/(b) ratio on text-2k ranged from x1.45 to x2.44 on one 2-core VM).
 * `memory.sample()` returns named byte counts (peaks of their increase over the value before the
 * run are reported); `memory.gc()` may be a no-op; `memory.after()`, if given, adds fields to each
 * row (wasm memory size).
 */
export async function runSuite({ corpora, consumers, runs, memory, log = () => {} }) {
  const out = [];
  const entries = Object.entries(consumers);
  const primer = responseFactory([...corpora].sort((a, b) => a.bytes - b.bytes)[0].chunks);
  for (const corpus of corpora) {
    const factory = responseFactory(corpus.chunks);
    for (const [name, consume] of entries) {
      // Warm-up: at least one run and WARMUP_MS of runs, so small corpora reach optimised code too.
      const warmEnd = performance.now() + WARMUP_MS;
      for (let n = 0; n < 50 && (n < 1 || performance.now() < warmEnd); n++) {
        verify(name, await consume(factory), corpus);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
    const times = entries.map(() => []);
    const firsts = entries.map(() => []);
    for (let i = 0; i < (corpus.runs ?? runs); i++) {
      for (const [k, [name, consume]] of entries.entries()) {
        // An untimed run on the smallest corpus first, so each timed run follows one of its own
        // library's, as in an app that uses one: after another library's run, llmwire's first
        // delta on text-200k measured 2.0-2.3 ms against 1.0 after its own. The GC before it
        // makes it pay for the previous consumer's garbage: V8 interns JSON string values of up
        // to 10 characters (each token of a parsed chunk), and the first string interned after a
        // GC that freed a long stream's worth of them took 0.33-0.58 ms (against 0.03) in
        // whichever consumer came next, the floor included (benches/README.md).
        await settle(memory);
        await consume(primer);
        await settle(memory);
        const t0 = performance.now();
        const result = await consume(factory);
        times[k].push(performance.now() - t0);
        verify(name, result, corpus);
        if (result.firstDeltaMs !== undefined) firsts[k].push(result.firstDeltaMs);
      }
    }
    const rows = [];
    for (const [k, [name, consume]] of entries.entries()) {
      const peak = await peakMemory(consume, corpus, memory);
      const row = { name, medianMs: median(times[k]), runsMs: times[k], firstDeltaMs: firsts[k].length ? median(firsts[k]) : null, peak, ...memory.after?.() };
      log(`${corpus.name} ${name}: ${row.medianMs.toFixed(1)} ms median of ${times[k].length}`);
      rows.push(row);
    }
    out.push({ name: corpus.name, kind: corpus.kind, events: corpus.events, bytes: corpus.bytes, chunks: corpus.chunks.length, hash: corpus.hash, consumers: rows });
  }
  return out;
}

async function peakMemory(consume, corpus, memory) {
  await settle(memory);
  const base = memory.sample();
  const peak = { ...base };
  const sample = () => {
    const s = memory.sample();
    for (const k in s) if (s[k] > peak[k]) peak[k] = s[k];
  };
  const result = await consume(responseFactory(corpus.chunks, sample));
  sample();
  verify("memory run", result, corpus);
  const delta = {};
  for (const k in base) delta[k] = peak[k] - base[k];
  return delta;
}
