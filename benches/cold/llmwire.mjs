// Cold start: import llmwire and stream a tiny completion through the client. In Node, `llmwire`
// resolves to index.node.js (the manifest's "node" condition).
import { Client } from "../../pkg/index.node.js";
import { check, tinyResponse } from "./tiny.mjs";

const client = new Client({ apiKey: "sk-cold", baseURL: "http://bench.invalid/v1", fetch: async () => tinyResponse() });
const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
let text = "";
for await (const piece of stream.textStream) text += piece;
check(text);
