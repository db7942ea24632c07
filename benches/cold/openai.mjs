// Cold start: import openai-node and stream a tiny completion through the client.
import OpenAI from "openai";
import { check, tinyResponse } from "./tiny.mjs";

const client = new OpenAI({ apiKey: "sk-cold", baseURL: "http://bench.invalid/v1", fetch: async () => tinyResponse(), maxRetries: 0 });
const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
let text = "";
for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
check(text);
