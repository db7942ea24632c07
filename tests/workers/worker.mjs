// A Cloudflare Worker using the package's workerd entry: it streams a chat completion from the
// gateway at env.GATEWAY_URL and answers with the text, or with the error's class and status.
import { Client, APIError } from "../../pkg/workerd.js";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const client = new Client({ apiKey: env.GATEWAY_KEY, baseURL: `${env.GATEWAY_URL}/v1` });
    const model = url.searchParams.get("model") ?? "gpt-4o-mini";
    const params = { model, stream: true, messages: [{ role: "user", content: "hello worker" }] };
    try {
      const stream = await client.chat.completions.create(params);
      if (url.pathname === "/relay") {
        // The proxy pattern: the key stays in the Worker, the text streams on to the browser.
        const encoder = new TextEncoder();
        const body = new ReadableStream({
          async start(controller) {
            for await (const text of stream.textStream) controller.enqueue(encoder.encode(text));
            controller.close();
          },
        });
        return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8" } });
      }
      let text = "";
      let chunks = 0;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? "";
        chunks++;
      }
      const final = await stream.finalChatCompletion();
      return Response.json({ text, chunks, finish: final.choices[0].finish_reason, requestId: stream.requestId });
    } catch (e) {
      return Response.json({ error: e.name, status: e.status ?? null, isAPIError: e instanceof APIError, message: e.message }, { status: 502 });
    }
  },
};
