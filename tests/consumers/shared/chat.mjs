// What every consumer fixture does once it has a Client. It takes the Client rather than importing
// "llmwire": which entry, and how it is loaded and initialised, is what each fixture tests.

/**
 * Streams a chat completion of `greeting` from the mock gateway, reads the final completion, then
 * lists the models: beyond chat, so it loads features.js (and the extras wasm, in the entries that
 * split it off) on first use.
 * Counts chunk objects, or with `textStream` the text pieces (one per network read): some fixtures
 * read the stream each way. Resolves to `{ text, chunks | pieces, finish, models }`.
 */
export async function chatRun(client, greeting, { textStream = false } = {}) {
  const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: greeting }] });
  let text = "";
  let count = 0;
  if (textStream) {
    for await (const piece of stream.textStream) {
      text += piece;
      count++;
    }
  } else {
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      count++;
    }
  }
  const final = await stream.finalChatCompletion();
  const models = (await client.models.list()).data.length;
  return { text, [textStream ? "pieces" : "chunks"]: count, finish: final.choices[0].finish_reason, models };
}
