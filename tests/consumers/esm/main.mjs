// ES module consumer, run by Node, Deno and Bun: `<runtime> main.mjs <gateway-url>`. Streams a chat
// completion through the default entry, then through `llmwire/slim` given the .wasm bytes, and
// prints one JSON line with what each saw.
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as llmwire from "llmwire";
import * as slim from "llmwire/slim";
import { runtimeRun } from "../shared/runtime.mjs";

await llmwire.init();
const result = await runtimeRun({
  llmwire,
  slim,
  initSlim: () => slim.init(readFileSync(fileURLToPath(import.meta.resolve("llmwire/wasm")))),
  baseURL: `${process.argv[2]}/v1`,
});
console.log(JSON.stringify(result));
