// A Cloudflare Worker importing the package by name: bundlers with the `workerd` condition
// (Wrangler, esbuild configured like it) pick the entry that imports the .wasm as a module.
import { Client, APIError } from "llmwire";

export default {
  async fetch(request, env) {
    const client = new Client({ apiKey: env.GATEWAY_KEY, baseURL: `${env.GATEWAY_URL}/v1` });
    try {
      const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hello worker" }] });
      let text = "";
      let chunks = 0;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? "";
        chunks++;
      }
      const final = await stream.finalChatCompletion();
      // Beyond chat: loads the endpoints' JavaScript (features.js) on first use.
      const models = (await client.models.list()).data.length;
      return Response.json({ text, chunks, finish: final.choices[0].finish_reason, models });
    } catch (e) {
      return Response.json({ error: e.name, isAPIError: e instanceof APIError, message: e.message }, { status: 502 });
    }
  },
};
