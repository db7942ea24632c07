// A Vite app using the package's default entry with no configuration: no wasm plugin, no
// top-level-await plugin. The mock gateway's URL arrives in the query string.
import { Client } from "llmwire";

async function run() {
  const gateway = new URLSearchParams(location.search).get("gateway");
  const client = new Client({ baseURL: `${gateway}/v1` });
  const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hello bundle" }] });
  let text = "";
  let chunks = 0;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    chunks++;
  }
  const final = await stream.finalChatCompletion();
  // Beyond chat: loads the endpoints' JavaScript (features.js) and the extras on first use.
  const models = (await client.models.list()).data.length;
  return { text, chunks, finish: final.choices[0].finish_reason, models };
}

run().then(
  (result) => (window.result = result),
  (e) => (window.result = { error: `${e.name}: ${e.message}` }),
).then((r) => (document.getElementById("out").textContent = JSON.stringify(r)));
