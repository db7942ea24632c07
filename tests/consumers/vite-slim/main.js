// The slim entry in Vite: the .wasm is a separate asset (`?url`), fetched and compiled by init().
import { Client, init } from "llmwire/slim";
import wasmURL from "llmwire/wasm?url";

async function run() {
  await init(wasmURL);
  const gateway = new URLSearchParams(location.search).get("gateway");
  const client = new Client({ baseURL: `${gateway}/v1` });
  const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hello bundle" }] });
  let text = "";
  let pieces = 0;
  for await (const text_ of stream.textStream) {
    text += text_;
    pieces++;
  }
  const final = await stream.finalChatCompletion();
  // Beyond chat: loads the endpoints' JavaScript (features.js) and the extras on first use.
  const models = (await client.models.list()).data.length;
  return { text, pieces, finish: final.choices[0].finish_reason, models, wasmURL };
}

run().then(
  (result) => (window.result = result),
  (e) => (window.result = { error: `${e.name}: ${e.message}` }),
).then((r) => (document.getElementById("out").textContent = JSON.stringify(r)));
