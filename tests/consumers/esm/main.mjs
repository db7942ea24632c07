// ES module consumer, run by Node, Deno and Bun: `<runtime> main.mjs <gateway-url>`. Streams a chat
// completion through the default entry, then through `llmwire/slim` given the .wasm bytes, and
// prints one JSON line with what each saw.
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import DefaultClient, { Client, APIError, init } from "llmwire";
import * as slim from "llmwire/slim";

const baseURL = `${process.argv[2]}/v1`;
const params = { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hello runtime" }] };

async function stream(client) {
  const s = await client.chat.completions.create(params);
  let text = "";
  let chunks = 0;
  for await (const chunk of s) {
    text += chunk.choices[0]?.delta?.content ?? "";
    chunks++;
  }
  // Beyond chat: loads the endpoints' JavaScript (features.js) and the extras on first use.
  const models = (await client.models.list()).data.length;
  return { text, chunks, finish: (await s.finalChatCompletion()).choices[0].finish_reason, models };
}

await init();
const result = await stream(new Client({ baseURL }));
let errorName;
try {
  await new Client({ baseURL, maxRetries: 0 }).chat.completions.create({ ...params, model: "mock-scenario:http-404" });
} catch (e) {
  errorName = e instanceof APIError ? e.name : `not an APIError: ${e}`;
}
await slim.init(readFileSync(fileURLToPath(import.meta.resolve("llmwire/wasm"))));
const viaSlim = await stream(new slim.Client({ baseURL }));
console.log(JSON.stringify({ ...result, defaultExport: DefaultClient === Client, errorName, slimText: viaSlim.text, slimModels: viaSlim.models }));
