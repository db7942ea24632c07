// CommonJS consumer: `node main.cjs <gateway-url>`. With require(esm), require() gets index.js
// (the "module-sync" condition) and shares it with import(); without (older Node, or
// --no-experimental-require-module), index.cjs and slim.cjs.
const { readFileSync } = require("node:fs");
const llmwire = require("llmwire");
const slim = require("llmwire/slim");

const baseURL = `${process.argv[2]}/v1`;
const params = { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hello runtime" }] };

async function stream(client) {
  const s = await client.chat.completions.create(params);
  let text = "";
  let pieces = 0;
  for await (const text_ of s.textStream) {
    text += text_;
    pieces++;
  }
  // Beyond chat: loads the endpoints' JavaScript (features.js) and the extras on first use.
  const models = (await client.models.list()).data.length;
  return { text, pieces, finish: (await s.finalChatCompletion()).choices[0].finish_reason, models };
}

(async () => {
  const result = await stream(new llmwire.Client({ baseURL }));
  let errorName;
  try {
    await new llmwire.Client({ baseURL, maxRetries: 0 }).chat.completions.create({ ...params, model: "mock-scenario:http-404" });
  } catch (e) {
    errorName = e instanceof llmwire.APIError ? e.name : `not an APIError: ${e}`;
  }
  slim.initSync(readFileSync(require.resolve("llmwire/wasm")));
  const viaSlim = await stream(new slim.Client({ baseURL }));
  const entry = require.resolve("llmwire");
  const sameAsImport = (await import("llmwire")).Client === llmwire.Client;
  console.log(JSON.stringify({ ...result, defaultExport: llmwire.default === llmwire.Client, errorName, slimText: viaSlim.text, slimModels: viaSlim.models, entry: entry.slice(entry.lastIndexOf("/") + 1), sameAsImport }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
