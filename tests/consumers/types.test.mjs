// The package's types as users get them, from the packed tarball: a TypeScript consumer that makes
// every public call compiles under --strict (ESM, CommonJS and bundler resolution) while its misuse
// lines fail to compile; publint and @arethetypeswrong/cli find nothing; no `any` in the
// declarations; and the declared exports are exactly the ones the entries have at run time.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { bin, copyFixture, installPackedPackage, root } from "./support.mjs";

const run = promisify(execFile);
let installed;

before(() => {
  installed = installPackedPackage();
});
after(() => {
  if (installed) rmSync(installed.dir, { recursive: true, force: true });
});

/** Runs a tool; on failure the assertion shows its output. */
async function check(command, args, cwd) {
  try {
    return (await run(command, args, { cwd, timeout: 120_000, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } })).stdout;
  } catch (e) {
    assert.fail(`${command.split("/").at(-1)} ${args.join(" ")} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

test("tsc --strict: every public call compiles, misuse does not (ESM, CommonJS and bundler resolution)", async () => {
  const dir = copyFixture("types", installed.dir);
  await check(bin("tsc"), ["-p", "tsconfig.json"], dir);
  await check(bin("tsc"), ["-p", "tsconfig.bundler.json"], dir);
});

test("publint --strict finds nothing", async () => {
  const out = await check(bin("publint"), ["--strict", join(root, "pkg")], root);
  assert.match(out, /All good/, out);
});

test("@arethetypeswrong/cli finds no problem in the tarball", async () => {
  const out = await check(bin("attw"), [installed.tarball, "--format", "table-flipped"], root);
  assert.match(out, /No problems found/, out);
});

/** The declarations without comments. */
const declarations = () =>
  readdirSync(join(root, "pkg")).filter((n) => /\.d\.c?ts$/.test(n)).map((n) => [n, readFileSync(join(root, "pkg", n), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "")]);

// One exception: a type parameter's default (`<Args = any>`), which lets a list hold differently
// typed items (`RunnableTool[]`, as openai-node's `RunnableTools<any>`); a user who names the type
// argument gets it exactly. `any` anywhere else fails.
test("no `any` in the public declarations (a type parameter's default aside)", () => {
  for (const [name, text] of declarations()) {
    const line = text.split("\n").find((l) => /\bany\b/.test(l.replace(/<(?:[A-Z]\w*(?: extends [^=<>]+)? = any,?\s*)+>/g, "<>")));
    assert.equal(line, undefined, `${name}: ${line}`);
  }
});

/** Value exports a declaration file names (classes, functions, consts, the default, re-exports of index). */
function declaredValues(name) {
  const text = Object.fromEntries(declarations())[name];
  const names = new Set([...text.matchAll(/export declare (?:abstract )?(?:class|function|const|let) ([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  if (/export default|export \{ default \}/.test(text)) names.add("default");
  if (/export \* from "\.\/index\.(c?js)"/.test(text)) for (const n of declaredValues(name.endsWith(".d.cts") ? "index.d.cts" : "index.d.ts")) names.add(n);
  return names;
}

test("the declared exports are the entries' run-time exports", async () => {
  const req = createRequire(join(installed.dir, "package.json"));
  const entries = [
    ["index.d.ts", "index.js", await import(join(root, "pkg/index.js"))],
    ["index.d.ts", "index.node.js", await import(join(root, "pkg/index.node.js"))],
    ["slim.d.ts", "slim.js", await import(join(root, "pkg/slim.js"))],
    ["slim.d.ts", "slim.node.js", await import(join(root, "pkg/slim.node.js"))],
    ["index.d.cts", 'require("llmwire")', req("llmwire")],
    ["slim.d.cts", 'require("llmwire/slim")', req("llmwire/slim")],
  ];
  for (const [types, entry, module] of entries) {
    const actual = Object.keys(module).filter((k) => !k.startsWith("_") && k !== "__esModule").sort();
    const declared = [...declaredValues(types)].sort();
    assert.deepEqual(actual, declared, `${types} vs ${entry}`);
  }
});
