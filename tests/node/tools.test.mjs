// Tool calling, JSON answers and conversations from the built package in Node, against the mock
// gateway (with a key). The cases live in tests/support/tools-suite.mjs and run in Chromium and
// workerd too; the README's calculator example runs here as it is written.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as lib from "../../pkg/index.js";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { cases, run } from "../support/tools-suite.mjs";

const KEY = "sk-node-tools-secret";
// Generous: a hang fails instead of stalling the run; nothing here is timed more tightly.
const LIMIT = { timeout: 60_000 };
const root = fileURLToPath(new URL("../..", import.meta.url));
let gw;
before(async () => {
  gw = await startMockGateway({ apiKey: KEY });
});
after(() => gw.close());

for (const name of Object.keys(cases)) {
  test(name, LIMIT, async () => {
    const result = await run(name, lib, { baseURL: gw.baseURL, apiKey: KEY });
    assert.ok(result.ok, result.error);
  });
}

test("the README's calculator example runs as written against the mock", LIMIT, async () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const example = /<!-- calculator-example -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, "README.md has the calculator example");
  assert.ok(example.split("\n").length <= 30, "a few lines");
  const program = example
    .replace('from "llmwire"', `from ${JSON.stringify(pathToFileURL(join(root, "pkg/index.js")).href)}`)
    .replace('"https://api.01.ai/v1"', JSON.stringify(gw.baseURL));
  const file = join(mkdtempSync(join(tmpdir(), "llmwire-readme-")), "calculator.mjs");
  writeFileSync(file, program);
  const stdout = await new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { env: { ...process.env, YI_API_KEY: KEY }, timeout: 60_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
  });
  assert.match(stdout, /MoM.*0\.80%/);
  assert.match(stdout, /YoY.*38\.93%/);
});

test("require() gets the same tool surface (CommonJS build)", () => {
  const cjs = createRequire(import.meta.url)("../../pkg/index.cjs");
  for (const name of ["Conversation", "ToolRunner", "OutputParseError"]) assert.equal(typeof cjs[name], "function", name);
  assert.equal(typeof new cjs.Client({ baseURL: gw.baseURL }).chat.completions.runTools, "function");
});

test("tool results from a slow consumer: the run waits for the iteration", LIMIT, async () => {
  const client = new lib.Client({ apiKey: KEY, baseURL: gw.baseURL });
  let runs = 0;
  const tools = [{ type: "function", function: { name: "calc", parameters: { type: "object", properties: { expression: { type: "string" } } }, function: () => String(++runs) } }];
  const runner = client.chat.completions.runTools({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "slow consumer" }], tools });
  const seen = [];
  for await (const event of runner) {
    seen.push(event.type);
    // However long this takes, the tool runs only after its call was reported done here.
    if (event.type === "tool_call.done") {
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(runs, 0);
    }
  }
  assert.equal(runs, 1);
  assert.ok(seen.indexOf("tool_call.done") < seen.lastIndexOf("message"));
});
