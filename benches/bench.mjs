// `make bench`: runs every benchmark, prints the markdown report and writes it, with the raw JSON,
// to benches/results/latest.{md,json} and the table in benches/README.md (quick or partial runs:
// to results/quick.{md,json} only). `--render` re-renders latest.md and the README from latest.json.
//   BENCH_QUICK=1   small corpora only, 3 runs, 3 cold starts, no criterion run
//   BENCH_ONLY=node,chromium,request,rss,size,coldstart,native   run only these sections
//   BENCH_RUNS=N    timed runs per consumer (default 5; the 2k-event text corpus always takes 15 in a full run)
//   BENCH_COLD_RUNS=N  cold-start processes per script (default 11; 3 with BENCH_QUICK)
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchChromium, benchChromiumLongRequest, chromiumVersion } from "./run-chromium.mjs";
import { benchPeakRss } from "./peak-rss.mjs";
import { benchSize } from "./size.mjs";
import { benchColdStart } from "./coldstart.mjs";
import { benchNative } from "./native.mjs";
import { renderMarkdown } from "./report.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const quick = !!process.env.BENCH_QUICK;
const runs = Number(process.env.BENCH_RUNS ?? (quick ? 3 : 5));
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const SECTIONS = ["node", "chromium", "request", "rss", "size", "coldstart", "native"];
const enabled = (s) => (only ? only.includes(s) : !(quick && s === "native"));
const log = (section) => (m) => console.error(`${section}: ${m}`);
const version = (dir) => JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).version;
const git = (...args) => spawnSync("git", args, { cwd: root, encoding: "utf8" });

if (only?.some((s) => !SECTIONS.includes(s))) throw new Error(`BENCH_ONLY takes ${SECTIONS.join(",")}`);
const render = process.argv.includes("--render");
const res = render ? JSON.parse(readFileSync(join(here, "results/latest.json"), "utf8")) : await measure();

// Quick and partial runs go to results/quick.* (git-ignored), so latest.* always hold a full run.
const full = !res.quick && !res.only;
const name = full ? "latest" : "quick";
const md = renderMarkdown(res);
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, `results/${name}.md`), md);
writeFileSync(join(here, `results/${name}.json`), JSON.stringify(res, null, 2) + "\n");
if (full) {
  const readme = join(here, "README.md");
  const text = readFileSync(readme, "utf8");
  const [start, end] = ["<!-- latest:start -->", "<!-- latest:end -->"];
  const at = text.indexOf(start);
  const to = text.indexOf(end);
  if (at >= 0 && to > at) writeFileSync(readme, text.slice(0, at + start.length) + "\n" + md.replace(/^# .*\n\n/, "").replace(/^(#+) /gm, "#$1 ") + text.slice(to));
}
console.log(md);
if (!render) console.error(`bench: done in ${res.totalSeconds.toFixed(0)} s; wrote benches/results/${name}.md and ${name}.json`);

/** Runs the enabled sections; resolves to the results with the machine's description. */
async function measure() {
  const started = performance.now();
  const loadBefore = loadavg()[0];
  mkdirSync(join(here, ".cache"), { recursive: true });
  const res = { quick, runs, only: only ?? null };
  const node = (...args) => {
    const out = join(here, ".cache/node.json");
    execFileSync(process.execPath, ["--expose-gc", join(here, "run-node.mjs"), ...args, "--out", out], { stdio: ["ignore", "inherit", "inherit"] });
    return JSON.parse(readFileSync(out, "utf8"));
  };
  if (enabled("node")) res.node = { ...node(), apart: node("--apart").corpora };
  if (enabled("chromium")) res.chromium = await benchChromium({ quick, runs, log: log("chromium") });
  if (enabled("request")) res.longRequest = { node: node("--long-request"), chromium: await benchChromiumLongRequest({ quick, log: log("request") }) };
  if (enabled("rss")) res.peakRss = await benchPeakRss({ quick, log: log("peak-rss") });
  if (enabled("size")) res.size = await benchSize();
  if (enabled("coldstart")) res.coldStart = await benchColdStart({ runs: Number(process.env.BENCH_COLD_RUNS ?? (quick ? 3 : 11)), log: log("coldstart") });
  if (enabled("native")) res.native = benchNative({ log: log("native") });

  const dirty = git("diff", "--quiet", "HEAD", "--", "src", "pkg-template", "Cargo.toml").status !== 0;
  res.machine = {
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    nproc: availableParallelism(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown CPU",
    node: `Node ${process.version}`,
    chromium: enabled("chromium") ? chromiumVersion() : null,
    llmwire: version("pkg"),
    commit: (git("rev-parse", "--short", "HEAD").stdout.trim() || "no git") + (dirty ? "+changes" : ""),
    openai: version("node_modules/openai"),
    eventsourceParser: version("node_modules/eventsource-parser"),
    // Other work on the machine skews everything; the 1-minute load average shows whether there was any.
    loadAvg: [loadBefore, loadavg()[0]],
  };
  res.totalSeconds = (performance.now() - started) / 1000;
  return res;
}

