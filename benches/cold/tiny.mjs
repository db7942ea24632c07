// A 3-event chat stream as a Response, shared by the cold-start scripts.
const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-cold", object: "chat.completion.chunk", created: 1732000000, model: "gpt-4o-mini", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
export const TEXT = "Hello, world!";
export const tinyResponse = () =>
  new Response(chunk({ role: "assistant", content: "" }) + chunk({ content: TEXT }) + chunk({}, "stop") + "data: [DONE]\n\n", {
    headers: { "content-type": "text/event-stream" },
  });
export const check = (text) => {
  if (text !== TEXT) throw new Error(`cold start parsed ${JSON.stringify(text)}`);
};
