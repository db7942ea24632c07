// A Worker that exercises retries, failover, timeouts and abort against env.GATEWAY_URL and
// answers with what happened, for tests/workers/resilience.test.mjs.
import { Client } from "../../pkg/workerd.js";

const ask = (scenario, extra = {}) => ({ model: `mock-scenario:${scenario}`, messages: [{ role: "user", content: "worker retry" }], ...extra });

async function caught(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return null;
}

export default {
  async fetch(request, env) {
    const baseURL = `${env.GATEWAY_URL}/v1`;
    const apiKey = env.GATEWAY_KEY;
    const reset = () => fetch(`${env.GATEWAY_URL}/__mock/reset`, { method: "POST" });
    const out = {};

    await reset();
    const ok = await new Client({ apiKey, baseURL }).chat.completions.create(ask("529-then-ok"));
    out.retried = [ok._attempts, ok.choices[0].message.content.startsWith("Echo: worker retry")];

    const quota = await caught(() => new Client({ apiKey, baseURL }).chat.completions.create(ask("429-quota")));
    out.quota = [quota?.name, quota?.code, quota?.retryable];

    const failover = new Client({ apiKey, baseURL: env.DEAD_URL, backupBaseURLs: [baseURL] });
    const s = await failover.chat.completions.create(ask("ok", { stream: true }));
    await s.finalChatCompletion();
    out.failover = [s.attempts, s.baseURL === baseURL];

    const idle = await new Client({ apiKey, baseURL, idleTimeout: 150 }).chat.completions.create(ask("headers-then-silence", { stream: true }));
    const timeout = await caught(() => idle.finalChatCompletion());
    out.idle = timeout?.name;

    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const aborted = await caught(() => new Client({ apiKey, baseURL }).chat.completions.create(ask("hang"), { signal: ac.signal }));
    out.abort = aborted?.name;

    out.leaked = JSON.stringify([quota, timeout, aborted].map((e) => ({ ...e, message: e?.message, stack: e?.stack }))).includes(apiKey);
    return Response.json(out);
  },
};
