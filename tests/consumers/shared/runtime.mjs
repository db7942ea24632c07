// What the Node, Deno and Bun fixtures check (esm/main.mjs, cjs/main.cjs): they differ in how they
// load the package and initialise the slim entry, not in what they run.
import { chatRun } from "./chat.mjs";

const greeting = "hello runtime";

/**
 * Streams through the default entry (`llmwire`: its module namespace or what require() gave), checks
 * that a 404 rejects with its APIError, then streams through `slim` once `initSlim()` has given it the
 * .wasm. Resolves to chatRun's result with `defaultExport`, `errorName`, `slimText` and `slimModels`.
 */
export async function runtimeRun({ llmwire, slim, initSlim, baseURL, textStream = false }) {
  const result = await chatRun(new llmwire.Client({ baseURL }), greeting, { textStream });
  let errorName;
  try {
    await new llmwire.Client({ baseURL, maxRetries: 0 }).chat.completions.create({ model: "mock-scenario:http-404", stream: true, messages: [{ role: "user", content: greeting }] });
  } catch (e) {
    errorName = e instanceof llmwire.APIError ? e.name : `not an APIError: ${e}`;
  }
  await initSlim();
  const viaSlim = await chatRun(new slim.Client({ baseURL }), greeting, { textStream });
  return { ...result, defaultExport: llmwire.default === llmwire.Client, errorName, slimText: viaSlim.text, slimModels: viaSlim.models };
}
