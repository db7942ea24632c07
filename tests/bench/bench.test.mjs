// `make bench` keeps working: its quick mode runs every section but criterion (Node and Chromium,
// each also in a process or page of llmwire's own, fresh pages, a long conversation, memory, size,
// cold start) on the small corpora. Each consumer's
// output is checked against the corpus inside the bench, so a consumer that breaks fails here.
// Numbers are not asserted: performance is measured by `make bench`, not by tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const benches = join(dirname(fileURLToPath(import.meta.url)), "../../benches");

test("the quick bench runs every section and reports each consumer", () => {
  const run = spawnSync(process.execPath, [join(benches, "bench.mjs")], {
    env: { ...process.env, BENCH_QUICK: "1", BENCH_ONLY: "node,chromium,request,rss,size,coldstart", BENCH_COLD_RUNS: "1" },
    encoding: "utf8",
    timeout: 240_000,
  });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  const res = JSON.parse(readFileSync(join(benches, "results/quick.json"), "utf8"));
  const names = (runtime) => res[runtime].corpora.flatMap((c) => c.consumers.map((r) => `${c.name} ${r.name}`));
  for (const runtime of ["node", "chromium"]) {
    assert.equal(names(runtime).length, 14, `${runtime}: 7 consumers on 2 corpora`);
    for (const c of res[runtime].corpora) for (const r of c.consumers) assert.ok(r.medianMs > 0, `${runtime} ${c.name} ${r.name}`);
  }
  for (const runtime of ["node", "chromium"]) {
    assert.deepEqual(res[runtime].apart.map((c) => c.name), ["text-2k"], `${runtime}: the own-process or own-page run`);
    assert.deepEqual(res[runtime].apart[0].consumers.map((r) => r.name), ["(b) JS floor", "(e) llmwire chunks", "(f) llmwire textStream"]);
  }
  assert.equal(res.chromium.fresh.length, 4);
  for (const runtime of ["node", "chromium"]) {
    for (const [language, c] of Object.entries(res.longRequest[runtime].conversations)) {
      const what = `${runtime} ${language}`;
      assert.deepEqual(c.rows.map((r) => r.name), ["(b) JS floor", "(d) openai-node", "(e) llmwire chunks"], what);
      for (const r of c.rows) assert.ok(r.firstDeltaMs > 0 && r.runsMs.length === c.runs, `${what} ${r.name}`);
      assert.ok(c.requestBytes > 200 * 1024, `${what}: the request carries the conversation`);
    }
  }
  for (const section of ["## Throughput", "without the other libraries", "## A long conversation", "## Peak memory", "## Bundle size", "## Cold start"]) {
    assert.ok(run.stdout.includes(section), `the report has "${section}"`);
  }
});
