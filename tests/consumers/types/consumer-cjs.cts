// The CommonJS view (`require`, index.d.cts and slim.d.cts): the same API, the same misuse refused.
import llmwire = require("llmwire");
import slim = require("llmwire/slim");
import wasm = require("llmwire/wasm");

export async function commonJs(): Promise<string | null> {
  await llmwire.init();
  const client = new llmwire.default({ baseURL: "https://api.apiyi.com/v1" });
  const stream = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true });
  slim.initSync(wasm);
  // @ts-expect-error: `model` is required
  await new slim.Client().chat.completions.create({ messages: [] });
  return stream.finalContent();
}
