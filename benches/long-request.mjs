// A long conversation, runtime-neutral (run-node.mjs --long-request, and page.mjs in Chromium):
// the time from a chat request's start to its first delta when the request carries ~200 KB of
// earlier messages (what a chat app sends on every turn of a long chat), on a tiny streamed answer;
// once in plain English (ASCII) and once mixing ASCII, CJK and emoji. The floor serializes the
// request, calls the same fetch and parses the answer by hand; openai-node and llmwire do what
// their users write. Consumers run interleaved; every run checks that the whole conversation was sent.
import { median } from "./runner.mjs";

const MODEL = "gpt-4o-mini";
const BASE_URL = "http://bench.invalid/v1";
const TEXT = "Hello!";

/** The two conversations' phrases. */
export const LANGUAGES = {
  english: ["The quick brown fox jumps over the lazy dog.", "A second sentence, in plain English.", "Could you summarise that?", "Here is the plan, step by step:", "Step two: check the result, then go on.", "Sure, done."],
  mixed: ["The quick brown fox jumps over the lazy dog.", "快速的棕色狐狸跳过了懒狗。", "Could you summarise that? 🙂", "Here is the plan, step by step:", "第二步：检查结果，然后继续。", "Sure — done ✅."],
};

/** ~`bytes` of alternating user and assistant turns made of `phrases`, the same every run. */
export function conversation(bytes, phrases) {
  const messages = [{ role: "system", content: "You are a helpful assistant." }];
  let size = 0;
  for (let turn = 0; size < bytes; turn++) {
    let content = "";
    for (let i = 0; i < 24; i++) content += phrases[(turn * 7 + i * 5) % phrases.length] + " ";
    messages.push({ role: turn % 2 ? "assistant" : "user", content });
    size += utf8.encode(content).length;
  }
  return messages;
}

const utf8 = new TextEncoder();
const sse = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-long", object: "chat.completion.chunk", created: 1732000000, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const ANSWER = sse({ role: "assistant", content: "" }) + sse({ content: TEXT }) + sse({}, "stop") + "data: [DONE]\n\n";

/** The consumers: each resolves to the milliseconds from its start to the first content delta. */
function consumers({ OpenAI, llmwire }, messages, sent) {
  const fetch = async (url, init) => {
    sent.push(init.body);
    return new Response(ANSWER, { headers: { "content-type": "text/event-stream" } });
  };
  const firstOf = async (t0, stream) => {
    for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) return performance.now() - t0;
  };
  return {
    "(b) JS floor": async () => {
      const t0 = performance.now();
      const response = await fetch(`${BASE_URL}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: MODEL, messages, stream: true }) });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        buf += decoder.decode(value, { stream: true });
        for (let at; (at = buf.indexOf("\n\n")) >= 0;) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          if (!block.startsWith("data: ") || block === "data: [DONE]") continue;
          if (JSON.parse(block.slice(6)).choices[0]?.delta?.content) {
            reader.cancel();
            return performance.now() - t0;
          }
        }
      }
    },
    "(d) openai-node": async () => {
      const t0 = performance.now();
      const client = new OpenAI({ apiKey: "sk-bench", baseURL: BASE_URL, fetch, maxRetries: 0, dangerouslyAllowBrowser: true });
      return firstOf(t0, await client.chat.completions.create({ model: MODEL, messages, stream: true }));
    },
    "(e) llmwire chunks": async () => {
      const t0 = performance.now();
      const client = new llmwire.Client({ apiKey: "sk-bench", baseURL: BASE_URL, fetch, dangerouslyAllowBrowser: true });
      return firstOf(t0, await client.chat.completions.create({ model: MODEL, messages, stream: true }));
    },
  };
}

/** Runs every consumer `warmups` times, then `runs` times interleaved; medians and time over the floor. */
export async function measureLongRequest({ libs, bytes, phrases, runs, warmups, log = () => {} }) {
  const messages = conversation(bytes, phrases);
  const sent = [];
  const all = consumers(libs, messages, sent);
  const times = Object.fromEntries(Object.keys(all).map((k) => [k, []]));
  for (let i = 0; i < warmups + runs; i++) {
    for (const [name, consume] of Object.entries(all)) {
      sent.length = 0;
      const ms = await consume();
      const got = sent.length === 1 ? JSON.parse(sent[0]) : null;
      if (ms === undefined || got?.messages?.length !== messages.length || got.messages.at(-1).content !== messages.at(-1).content) {
        throw new Error(`long request: ${name} did not send the conversation or reach the first delta`);
      }
      if (i >= warmups) times[name].push(ms);
    }
  }
  const requestBytes = utf8.encode(JSON.stringify({ model: MODEL, messages, stream: true })).length;
  const floor = median(times["(b) JS floor"]);
  const rows = Object.entries(times).map(([name, ts]) => {
    log(`${name}: first delta ${median(ts).toFixed(2)} ms median of ${ts.length}`);
    return { name, firstDeltaMs: median(ts), overFloorMs: median(ts) - floor, runsMs: ts };
  });
  return { requestBytes, messages: messages.length, runs, rows };
}

/** Both conversations, ~200 KB each (fewer runs when `quick`); `libs` is `{ OpenAI, llmwire }`. */
export async function benchLongRequest({ libs, quick, log = () => {} }) {
  const conversations = {};
  for (const [language, phrases] of Object.entries(LANGUAGES)) {
    conversations[language] = await measureLongRequest({
      libs, bytes: 200 * 1024, phrases, runs: quick ? 7 : 31, warmups: quick ? 2 : 5, log: (m) => log(`${language}: ${m}`),
    });
  }
  return conversations;
}
