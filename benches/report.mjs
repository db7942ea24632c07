// Renders the results of `benches/bench.mjs` as markdown.

const MB = 1e6;
const num = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? "—" : x.toFixed(digits));
const si = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(0)}k` : x.toFixed(0));
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const mb = (b) => (b === null || b === undefined ? "—" : (b / MB).toFixed(1));

function table(head, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

/** Per-runtime cells of one consumer: events/s, MB/s, time vs (b), first delta ms. */
function runtimeCells(corpus, name) {
  if (!corpus) return ["—", "—", "—", "—"];
  const row = corpus.consumers.find((c) => c.name === name);
  const floor = corpus.consumers.find((c) => c.name.startsWith("(b)"));
  const s = row.medianMs / 1000;
  return [si(corpus.events / s), num(corpus.bytes / MB / s), `×${num(row.medianMs / floor.medianMs, 2)}`, num(row.firstDeltaMs, 2)];
}

function throughputSection(node, chromium) {
  const corpora = (node ?? chromium).corpora;
  return corpora.map((c, i) => {
    const n = node?.corpora[i];
    const b = chromium?.corpora[i];
    if (n && b && n.hash !== b.hash) throw new Error(`corpus ${c.name} differs between Node and Chromium`);
    const head = ["consumer", "Node events/s", "Node MB/s", "Node time vs (b)", "Node first delta ms",
      "Chromium events/s", "Chromium MB/s", "Chromium time vs (b)", "Chromium first delta ms"];
    const rows = c.consumers.map(({ name }) => [name, ...runtimeCells(n, name), ...runtimeCells(b, name)]);
    const runs = c.consumers[0].runsMs.length;
    return `### ${c.name}: ${c.events.toLocaleString("en")} events, ${num(c.bytes / MB)} MB in ${c.chunks.toLocaleString("en")} chunks `
      + `(median of ${runs} runs after a warm-up; corpus hash ${c.hash})\n\n${table(head, rows)}`;
  }).join("\n\n");
}

/** llmwire beside the floor only, in a page or process of its own, against the same corpus in the shared one. */
function apartSection(runtimes) {
  const rows = runtimes.flatMap(([runtime, { apart, corpora: shared }]) => apart.flatMap((c) => {
    const cells = (corpus, name) => {
      const row = corpus.consumers.find((r) => r.name === name);
      const floor = corpus.consumers.find((r) => r.name.startsWith("(b)"));
      return [num(row.medianMs, 2), `×${num(row.medianMs / floor.medianMs, 2)}`, num(row.firstDeltaMs, 2), num(row.firstDeltaMs - floor.firstDeltaMs, 2)];
    };
    const inShared = shared.find((s) => s.name === c.name);
    return c.consumers.map(({ name }) => [`${runtime}: ${name}, ${c.name}`, ...cells(inShared, name), ...cells(c, name)]);
  }));
  return "### llmwire in a page or process without the other libraries (text-2k)\n\n"
    + "The tables above run every library in one Node process and in one Chromium page, where llmwire's chunk iteration (e) runs right after openai-node's (d). "
    + "A second process and a second page run only (b), (e) and (f), the same way, to show how much the other libraries' runs move the figures (benches/README.md); "
    + "the left columns repeat the shared run's.\n\n"
    + table(["consumer", "shared: median ms", "time vs (b)", "first delta ms", "over (b) ms", "own: median ms", "time vs (b)", "first delta ms", "over (b) ms"], rows);
}

/** The first stream in a fresh Chromium page, where llmwire's lazy wasm load is inside the timed region. */
function freshSection(fresh) {
  const runs = fresh[0].firstDeltaRunsMs.length;
  return `### First stream in a fresh Chromium page (text-2k; median of ${runs} pages per consumer)\n\n`
    + "The rows above are steady state: the wasm is loaded (`init()`) before anything is timed, as the warm-up runs would load it anyway. "
    + "Here each stream is the first in a new browser context, 100 ms after the page loaded, without calling `init()`: the default entry "
    + "starts loading and warming up its wasm in the background when imported; what is left of that, and every library's first run of its code, is timed.\n\n"
    + table(["consumer", "first delta ms", "whole stream ms"], fresh.map((r) => [r.name, num(r.firstDeltaMs, 2), num(r.totalMs, 2)]));
}

function memorySection(node, chromium, rss) {
  if (!rss && !node && !chromium) return "";
  const name = rss?.corpus ?? (node ?? chromium).corpora.filter((c) => c.kind === "text").sort((a, b) => b.bytes - a.bytes)[0].name;
  const pick = (r) => r?.corpora.find((c) => c.name === name);
  const n = pick(node);
  const b = pick(chromium);
  const names = (rss?.consumers ?? (n ?? b).consumers).map((c) => c.name);
  const rows = names.map((cn) => {
    const r = rss?.consumers.find((c) => c.name === cn);
    const nc = n?.consumers.find((c) => c.name === cn);
    const bc = b?.consumers.find((c) => c.name === cn);
    // The runs are interleaved, so after all runs only llmwire's own rows say something of it.
    const ours = cn.includes("llmwire");
    const wasm = [r?.wasmMemoryBytes, ours && nc?.wasmMemoryBytes, ours && bc?.wasmMemoryBytes].map((x) => (x ? mb(x) : "—")).join(" / ");
    return [cn, mb(r?.peakRssOverBaselineBytes), mb(r?.peakRssOverBaselineSmallYoungGenBytes), mb(nc?.peak.heapAndArrayBuffers), mb(bc?.peak.jsHeap), wasm];
  });
  const head = ["consumer", "Node peak RSS over baseline, fresh process (MB)", "the same, young generation capped at 1 MB (MB)", "Node peak Δ heapUsed+arrayBuffers, sampled (MB)",
    "Chromium peak Δ JS heap, sampled (MB)", "llmwire wasm memory: Node fresh process / Node after all runs / Chromium after all runs (MB)"];
  return `## Peak memory on ${name}\n\n${table(head, rows)}\n\n`
    + "Node RSS: each consumer reads the corpus once in a fresh process; its peak RSS (Linux `VmHWM`) minus that of a process that loads the same "
    + "libraries and corpus and reads nothing (includes garbage not yet collected and llmwire's wasm linear memory). "
    + "V8 collects short-lived garbage only when its young generation fills (16 MB or more by default), so that peak is mostly the allowance; "
    + "the capped column runs both processes with `--max-semi-space-size=1`, which leaves what a consumer keeps plus the garbage that outlives the young generation. "
    + "Sampled columns: the increase over the value after a forced GC and a macrotask turn, sampled on every pull of the body and at the end; "
    + "Chromium's is `performance.memory.usedJSHeapSize` (`--enable-precise-memory-info`): JS heap only, without ArrayBuffers or wasm memory. "
    + "Wasm memory only grows, so the after-all-runs values are the high-water mark of every run in that process or page (the other libraries' rows show it only for a fresh process: "
    + "llmwire's module is loaded there, unused).";
}

export function renderMarkdown(res) {
  const m = res.machine;
  const out = [
    `# llmwire benchmarks${res.quick ? " (BENCH_QUICK: small corpora, 3 runs)" : ""}`,
    `${m.date} · ${m.cpus}× ${m.cpuModel} (nproc ${m.nproc}) · ${m.node} · ${m.chromium ?? "Chromium not run"} · `
      + `llmwire ${m.llmwire} (${m.commit}) · openai ${m.openai} · eventsource-parser ${m.eventsourceParser} · total ${num(res.totalSeconds, 0)} s · `
      + `1-min load average ${m.loadAvg.map((x) => num(x, 2)).join(" → ")} (start → end)`,
  ];
  if (res.node || res.chromium) {
    out.push("## Throughput and time to first delta", "Time vs (b) is the consumer's median time over that of the hand-written floor (b) in the same runtime. "
      + "First delta: from the consumer's start (client creation) to the first content text reaching it; for (a) the first body chunk; (g) has none.",
    throughputSection(res.node, res.chromium));
    const apart = [["Node", res.node], ["Chromium", res.chromium]].filter(([, r]) => r?.apart);
    if (apart.length) out.push(apartSection(apart));
    if (res.chromium?.fresh) out.push(freshSection(res.chromium.fresh));
  }
  if (res.longRequest) {
    const runtimes = [["Node", res.longRequest.node], ["Chromium", res.longRequest.chromium]].filter(([, r]) => r);
    const columns = runtimes.flatMap(([runtime, r]) => Object.entries(r.conversations).map(([language, c]) => ({ head: `${runtime}, ${language}`, c })));
    const { english, mixed } = runtimes[0][1].conversations;
    const cell = (c, name) => {
      const row = c.rows.find((x) => x.name === name);
      return `${num(row.firstDeltaMs, 2)} (+${num(row.overFloorMs, 2)})`;
    };
    out.push(`## A long conversation (a request of ${kib(english.requestBytes)} in English, ${english.messages} messages, or ${kib(mixed.requestBytes)} mixed, ${mixed.messages}; a 3-event answer; median of ${english.runs})`,
      table(["consumer", ...columns.map((x) => `${x.head}: first delta ms (over (b))`)], english.rows.map((x) => [x.name, ...columns.map(({ c }) => cell(c, x.name))])),
      "From the consumer's start to the first content delta, with the whole conversation in the request, as a chat app sends it on every turn; "
        + "the English one is ASCII, the mixed one has CJK and emoji in most messages. The floor (b) serializes the request with `JSON.stringify`, "
        + "calls the same `fetch` and parses the answer by hand. Node in a process of its own, Chromium in a page of its own.");
  }
  const memory = memorySection(res.node, res.chromium, res.peakRss);
  if (memory) out.push(memory);
  if (res.size) {
    out.push("## Bundle size (esbuild: bundle, minify, ESM, browser; gzip -9)",
      table(["bundle", "minified", "gzip"], res.size.map((r) => [r.name, kib(r.minBytes), kib(r.gzipBytes)])));
  }
  if (res.coldStart) {
    const runs = res.coldStart[0].runsMs.length;
    const inProcess = res.coldStart[0].inProcessMs !== undefined;
    out.push(`## Cold start (fresh Node process: import, then stream a 3-event completion; median of ${runs})`,
      table(["process", "wall ms", "over empty process ms", "over Response-only process ms", ...(inProcess ? ["in process ms", "in process, over Response-only ms"] : [])],
        res.coldStart.map((r) => [r.name, num(r.medianMs), num(r.overEmptyMs), num(r.overResponseOnlyMs), ...(inProcess ? [num(r.inProcessMs), num(r.inProcessOverResponseOnlyMs)] : [])])),
      "Over empty process is the headline (the target is measured against it). Over Response-only process subtracts a process that "
        + "builds the same tiny `Response` and reads its body with no library: in Node the first `Response` loads undici and the first "
        + "body read the web streams implementation, which every client pays; the rest is what the library itself adds. "
        + "In process: each process's own time from before its module graph loads to its exit, without Node's start-up, whose "
        + "variation between processes makes the wall times noisy.");
    if (res.coldStart[0].instructions !== undefined) {
      const m = (n) => (n === null ? "—" : (n / 1e6).toFixed(1));
      out.push("Instructions executed (valgrind callgrind, one process per script, every thread counted; millions):",
        table(["process", "instructions", "over empty process", "over Response-only process"],
          res.coldStart.map((r) => [r.name, m(r.instructions), m(r.instructionsOverEmpty), m(r.instructionsOverResponseOnly)])),
        "Unlike the times, these hold still from run to run (the same script: within 0.5 % for the baselines, up to 4 million apart for "
          + "llmwire, whose wasm compiles on background threads), so they show what a change to the library costs or saves at start-up.");
    }
  }
  if (res.native?.length) {
    out.push("## Native (criterion, `cargo bench --bench native`; the bench profile is the release profile the wasm ships with)",
      table(["benchmark", "median µs", "MB/s"], res.native.map((r) => [r.name, num(r.medianNs / 1e3), num(r.mbPerS)])));
  }
  return out.join("\n\n") + "\n";
}
