// A Cloudflare Worker importing the package by name: bundlers with the `workerd` condition
// (Wrangler, esbuild configured like it) pick the entry that imports the .wasm as a module.
import { Client, APIError } from "llmwire";
import { chatRun } from "../shared/chat.mjs";

export default {
  async fetch(request, env) {
    const client = new Client({ apiKey: env.GATEWAY_KEY, baseURL: `${env.GATEWAY_URL}/v1` });
    try {
      return Response.json(await chatRun(client, "hello worker"));
    } catch (e) {
      return Response.json({ error: e.name, isAPIError: e instanceof APIError, message: e.message }, { status: 502 });
    }
  },
};
