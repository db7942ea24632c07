// A long conversation: the time from a chat request's start to its first delta when the request
// carries ~200 KB of earlier messages (what a chat app sends on every turn of a long chat), on a
// tiny streamed answer, in a Node process of its own; once in plain English (ASCII) and once
// mixing ASCII, CJK and emoji. The floor serializes the request, calls the
// same fetch and parses the answer by hand; openai-node and llmwire do what their users write.
// Consumers run interleaved; each fetch checks afterwards that the whole conversation was sent.
// Usage: node benches/long-request.mjs [--out file.json]   (BENCH_QUICK=1: fewer runs)
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./runner.mjs";

const here = dirname(fileURLToPath(import.meta.url));
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
    size += Buffer.byteLength(content);
  }
  return messages;
}

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
      const client = new OpenAI({ apiKey: "sk-bench", baseURL: BASE_URL, fetch, maxRetries: 0 });
      return firstOf(t0, await client.chat.completions.create({ model: MODEL, messages, stream: true }));
    },
    "(e) llmwire chunks": async () => {
      const t0 = performance.now();
      const client = new llmwire.Client({ apiKey: "sk-bench", baseURL: BASE_URL, fetch });
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
  const requestBytes = Buffer.byteLength(JSON.stringify({ model: MODEL, messages, stream: true }));
  const floor = median(times["(b) JS floor"]);
  const rows = Object.entries(times).map(([name, ts]) => {
    log(`${name}: first delta ${median(ts).toFixed(2)} ms median of ${ts.length}`);
    return { name, firstDeltaMs: median(ts), overFloorMs: median(ts) - floor, runsMs: ts };
  });
  return { requestBytes, messages: messages.length, runs, rows };
}

/** The section of `make bench`: this file in a fresh Node process. */
export function benchLongRequest({ quick, log }) {
  const out = join(here, ".cache/long-request.json");
  const r = spawnSync(process.execPath, [join(here, "long-request.mjs"), "--out", out], { stdio: ["ignore", "inherit", "pipe"], encoding: "utf8", env: { ...process.env, BENCH_QUICK: quick ? "1" : "" } });
  if (r.status !== 0) throw new Error(`long request bench failed: ${r.stderr}`);
  for (const line of r.stderr.split("\n").filter(Boolean)) log(line);
  return JSON.parse(readFileSync(out, "utf8"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { default: OpenAI } = await import("openai");
  const llmwire = await import("../pkg/index.js");
  await llmwire.init();
  const quick = !!process.env.BENCH_QUICK;
  const conversations = {};
  for (const [language, phrases] of Object.entries(LANGUAGES)) {
    conversations[language] = await measureLongRequest({
      libs: { OpenAI, llmwire }, bytes: 200 * 1024, phrases, runs: quick ? 7 : 31, warmups: quick ? 2 : 5, log: (m) => console.error(`${language}: ${m}`),
    });
  }
  const json = JSON.stringify({ runtime: `Node ${process.version}`, conversations }, null, 2);
  const at = process.argv.indexOf("--out");
  if (at > 0) writeFileSync(process.argv[at + 1], json);
  else console.log(json);
}
