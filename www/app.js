// The demo page: a streaming chat on llmwire. The dev server (serve.mjs) answers /api/v1 with the
// embedded mock gateway, or proxies to a real gateway holding the key itself.
import { Client, APIUserAbortError } from "/pkg/index.js";

const $ = (id) => document.getElementById(id);
const config = await (await fetch("/config.json")).json();
const client = new Client({ baseURL: new URL(config.baseURL, location.href).href });
const history = [];
let controller = null;

$("gateway-note").textContent = config.gateway === "mock"
  ? "Talking to the embedded mock gateway (no key, no network). Set LLMWIRE_API_KEY and LLMWIRE_BASE_URL to use a real one."
  : "Talking to your gateway through the dev server, which holds the key.";

async function loadModels() {
  const res = await fetch(`${config.baseURL}/models`);
  const models = res.ok ? (await res.json()).data ?? [] : [];
  const chat = models.filter((m) => !/embedding|image/.test(m.id));
  for (const m of chat.length ? chat : [{ id: "gpt-4o-mini" }]) {
    $("model").append(new Option(`${m.id}${m.owned_by ?? m.ownedBy ? ` · ${m.owned_by ?? m.ownedBy}` : ""}`, m.id));
  }
}

function bubble(role, text = "") {
  const li = document.createElement("li");
  li.className = `msg ${role}`;
  li.textContent = text; // model output is text, never HTML
  $("log").append(li);
  li.scrollIntoView({ block: "end" });
  return li;
}

function explain(e) {
  if (e instanceof APIUserAbortError) return "Stopped.";
  const status = e.status ? ` (HTTP ${e.status})` : "";
  if (e.status === 429) return `The gateway is rate limiting us${status}. Wait a moment and try again.`;
  if (e.status >= 500) return `The gateway had a problem${status}: ${e.message}`;
  return `${e.name}${status}: ${e.message}`;
}

async function send(text) {
  const model = $("model").value;
  const system = $("system").value.trim();
  history.push({ role: "user", content: text });
  bubble("user", text);
  const out = bubble("assistant");
  const body = document.createElement("span");
  const meta = document.createElement("span");
  meta.className = "meta";
  out.append(body, meta);
  controller = new AbortController();
  $("send").disabled = true;
  $("stop").disabled = false;
  const started = performance.now();
  let first = null;
  let reply = "";
  try {
    const messages = system ? [{ role: "system", content: system }, ...history] : history;
    const stream = await client.chat.completions.create(
      { model, messages, stream: true, temperature: Number($("temperature").value), stream_options: { include_usage: true } },
      { signal: controller.signal },
    );
    for await (const piece of stream.textStream) {
      first ??= performance.now();
      reply += piece;
      body.textContent = reply;
    }
    const final = await stream.finalChatCompletion();
    history.push({ role: "assistant", content: reply });
    const secs = (performance.now() - (first ?? started)) / 1000;
    const tokens = final.usage?.completion_tokens;
    meta.textContent = [
      `${model}`,
      first ? `first token ${Math.round(first - started)} ms` : null,
      tokens ? `${tokens} tokens · ${(tokens / Math.max(secs, 0.001)).toFixed(0)} tok/s` : null,
      `finish: ${final.choices[0]?.finish_reason ?? "?"}`,
    ].filter(Boolean).join(" · ");
  } catch (e) {
    if (!(e instanceof APIUserAbortError)) out.classList.add("error");
    body.textContent = reply;
    meta.textContent = explain(e);
    if (reply) history.push({ role: "assistant", content: reply });
  } finally {
    controller = null;
    $("send").disabled = false;
    $("stop").disabled = true;
    $("prompt").focus();
  }
}

$("composer").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("prompt").value.trim();
  if (!text || controller) return;
  $("prompt").value = "";
  send(text);
});
$("prompt").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey) {
    ev.preventDefault();
    $("composer").requestSubmit();
  }
});
$("stop").addEventListener("click", () => controller?.abort());

await loadModels();
document.body.dataset.ready = "true";
