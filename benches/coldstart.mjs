// Cold start: wall time of a fresh Node process that imports a library and streams a 3-event
// completion through its client (benches/cold/), minus that of a process running an empty module
// (the headline), and minus that of a process that only builds and reads the tiny Response the
// libraries' fetch returns (what the library itself adds: in Node the first Response loads undici
// and the first body read the web streams, which every client pays). Each process also reports its
// own time from before its module graph loads to its exit (cold/clock.mjs): Node's start-up, which
// wall times here vary by tens of milliseconds, is not in it. The processes run interleaved, `runs`
// times each; medians are reported.
//
// Wall and in-process times on a shared VM move by more than a library's whole cost (ten sets of 11
// processes: 37.7-66.6 ms for one build), so where valgrind is installed each script also runs once
// under callgrind, which counts the instructions the process executes, every thread included: a
// measure that holds still (the same script, run again: within 0.5 % for the baselines, up to 4
// million apart for llmwire, whose wasm compiles on background threads) and shows a change of a
// few million instructions that no wall clock here can.
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { median } from "./runner.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const cold = (f) => join(here, "cold", f);
const cache = (f) => join(here, ".cache", f);

async function bundle(entry, outfile) {
  mkdirSync(join(here, ".cache"), { recursive: true });
  await build({ entryPoints: [entry], outfile, bundle: true, minify: true, format: "esm", platform: "node", logLevel: "warning" });
  return outfile;
}

export async function benchColdStart({ runs, log }) {
  const scripts = {
    "empty Node process": cold("empty.mjs"),
    "Node process building the tiny Response only": cold("response.mjs"),
    "llmwire (pkg/ as shipped)": cold("llmwire.mjs"),
    "llmwire (esbuild bundle)": await bundle(cold("llmwire.mjs"), cache("cold-llmwire.mjs")),
    "openai-node (esbuild bundle)": await bundle(cold("openai.mjs"), cache("cold-openai.mjs")),
    "openai-node (node_modules)": cold("openai.mjs"),
  };
  const times = Object.fromEntries(Object.keys(scripts).map((k) => [k, []]));
  const inProcess = Object.fromEntries(Object.keys(scripts).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, script] of Object.entries(scripts)) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ["--import", pathToFileURL(cold("clock.mjs")).href, script], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
      times[name].push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`cold start ${name} failed: ${r.stderr}`);
      inProcess[name].push(JSON.parse(r.stderr.trim().split("\n").at(-1)).inProcessMs);
    }
  }
  const [empty, responseOnly] = ["empty Node process", "Node process building the tiny Response only"];
  const counts = await instructionCounts(scripts, log);
  return Object.entries(times).map(([name, ts]) => {
    const [ms, own] = [median(ts), median(inProcess[name])];
    log(`${name}: ${ms.toFixed(1)} ms median of ${ts.length} (in process ${own.toFixed(1)} ms)`);
    const over = (medians, from) => (name === from || name === empty ? null : medians(name) - medians(from));
    const wall = (n) => median(times[n]);
    const inside = (n) => median(inProcess[n]);
    return {
      name, medianMs: ms, overEmptyMs: ms - wall(empty), overResponseOnlyMs: over(wall, responseOnly), runsMs: ts,
      inProcessMs: own, inProcessOverResponseOnlyMs: over(inside, responseOnly), inProcessRunsMs: inProcess[name],
      ...(counts && {
        instructions: counts[name],
        instructionsOverEmpty: name === empty ? 0 : counts[name] - counts[empty],
        instructionsOverResponseOnly: over((n) => counts[n], responseOnly),
      }),
    };
  });
}

/**
 * Instructions each script's process executes under `valgrind --tool=callgrind` (two processes at
 * a time: ~15 s each), or null where valgrind is not installed.
 */
async function instructionCounts(scripts, log) {
  if (spawnSync("valgrind", ["--version"]).status !== 0) {
    log("valgrind not found: no instruction counts");
    return null;
  }
  const count = async ([name, script]) => {
    const { stderr } = await promisify(execFile)("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, script], { maxBuffer: 16 << 20 });
    const m = /Collected : (\d+)/.exec(stderr);
    if (!m) throw new Error(`cold start ${name}: no instruction count from valgrind: ${stderr.slice(-500)}`);
    log(`${name}: ${(Number(m[1]) / 1e6).toFixed(1)} million instructions`);
    return [name, Number(m[1])];
  };
  const entries = Object.entries(scripts);
  const counted = [];
  for (let i = 0; i < entries.length; i += 2) counted.push(...(await Promise.all(entries.slice(i, i + 2).map(count))));
  return Object.fromEntries(counted);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchColdStart({ runs: 7, log: (m) => console.error(`coldstart: ${m}`) }), null, 2));
}
