// CommonJS consumer: `node main.cjs <gateway-url>`. With require(esm), require() gets index.node.js
// (the "node" then "module-sync" conditions) and shares it with import(); without (older Node, or
// --no-experimental-require-module), index.cjs and slim.cjs.
const { readFileSync } = require("node:fs");
const llmwire = require("llmwire");
const slim = require("llmwire/slim");

(async () => {
  // An ES module: import() loads it with or without require(esm).
  const { runtimeRun } = await import("../shared/runtime.mjs");
  const result = await runtimeRun({
    llmwire,
    slim,
    initSlim: () => slim.initSync(readFileSync(require.resolve("llmwire/wasm"))),
    baseURL: `${process.argv[2]}/v1`,
    textStream: true, // esm/main.mjs iterates chunk objects
  });
  const entry = require.resolve("llmwire");
  const sameAsImport = (await import("llmwire")).Client === llmwire.Client;
  console.log(JSON.stringify({ ...result, entry: entry.slice(entry.lastIndexOf("/") + 1), sameAsImport }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
