// A Worker that runs 100 concurrent streams against env.GATEWAY_URL and reports any that came out wrong.
import { Client } from "../../pkg/workerd.js";

export default {
  async fetch(request, env) {
    const client = new Client({ baseURL: `${env.GATEWAY_URL}/v1` });
    const finals = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
      const s = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: `worker ${i}` }] });
      return s.finalChatCompletion();
    }));
    const bad = finals.flatMap((c, i) => (c.choices[0].message.content.startsWith(`Echo: worker ${i}.`) ? [] : [i]));
    return Response.json({ count: finals.length, bad });
  },
};
