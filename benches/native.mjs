// Runs the criterion benchmark (benches/native.rs) and collects its estimates from target/criterion.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function* files(dir, name) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p, name);
    else if (e.name === name) yield p;
  }
}

export function benchNative({ log }) {
  const started = Date.now();
  // criterion's report goes to stderr as progress; `make bench` shows it, the table summarises it.
  const r = spawnSync("cargo", ["bench", "--quiet", "--bench", "native"], { cwd: root, stdio: ["ignore", 2, 2] });
  if (r.status !== 0) throw new Error("cargo bench --bench native failed");
  const dir = join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "criterion");
  if (!existsSync(dir)) return [];
  const rows = [];
  for (const path of files(dir, "benchmark.json")) {
    if (!path.endsWith(join("new", "benchmark.json")) || statSync(path).mtimeMs < started) continue;
    const meta = JSON.parse(readFileSync(path, "utf8"));
    const est = JSON.parse(readFileSync(join(dirname(path), "estimates.json"), "utf8"));
    const ns = est.median.point_estimate;
    const bytes = meta.throughput?.Bytes;
    rows.push({ name: meta.full_id, medianNs: ns, mbPerS: bytes ? bytes / 1e6 / (ns / 1e9) : null });
  }
  rows.sort((a, b) => a.name.localeCompare(b.name));
  for (const row of rows) log(`${row.name}: ${(row.medianNs / 1e6).toFixed(3)} ms`);
  return rows;
}
