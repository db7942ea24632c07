// The demo script: a thin layer in front of the project's mock gateway (mock-gateway/gateway.mjs)
// that makes `make demo` feel like a real product with no key and no network. It answers the
// ordinary requests a visitor makes with richer, still deterministic content:
//
//  - chat: Markdown replies (code, tables, lists) streamed token by token with a realistic first-
//    token delay and jittered pacing, naming the model, the turn and the parameters received;
//  - tools: the seed-004 calculator example, with MoM/YoY calls whose arguments come from the
//    revenue table in the prompt, and a final answer built from the tool results;
//  - embeddings: topical vectors (words, trigrams and a small topic lexicon hashed into 256
//    dimensions), so related sentences really are closer in the heatmap;
//  - images: procedurally drawn landscapes as real PNGs, in the aspect ratio of the size asked for,
//    on /images/generations and for gpt-image-2-vip on /chat/completions.
//
// Everything else — every `mock-scenario:*` model or `x-mock-scenario` header, image edits,
// audio, Responses, malformed input — goes to the mock untouched, and every request the layer
// answers is added to the mock's request log (GET /api/__mock/requests) like the mock's own.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { deflateSync } from "node:zlib";

const PROVIDERS = {
  "gpt-4o-mini": "openai", "claude-sonnet-4": "anthropic", "gemini-2.5-flash": "google", "deepseek-chat": "deepseek",
  "yi-lightning": "01.ai", "yi-vision-v2": "01.ai",
};
const IMAGE_CHAT_MODELS = new Set(["gpt-image-2-vip"]);
// APIYI's 30 size buckets for gpt-image-2-vip (seed 003), plus "auto".
const SIZE_BUCKETS = new Set([
  "auto", "1280x1280", "848x1280", "1280x848", "960x1280", "1280x960", "1024x1280", "1280x1024", "720x1280",
  "1280x720", "1280x544", "2048x2048", "1360x2048", "2048x1360", "1536x2048", "2048x1536", "1632x2048",
  "2048x1632", "1152x2048", "2048x1152", "2048x864", "2880x2880", "2336x3520", "3520x2336", "2480x3312",
  "3312x2480", "2560x3216", "3216x2560", "2160x3840", "3840x2160", "3840x1632",
]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sha = (text) => createHash("sha256").update(text).digest();
const nowSeconds = () => Math.floor(Date.now() / 1000);
const approxTokens = (text) => Math.max(1, Math.ceil(String(text ?? "").length / 4));

function seeded(text) {
  let seed = sha(text).readUInt32LE(0);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function textOf(content) {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.filter((p) => p?.type === "text").map((p) => p.text).join(" ");
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on("data", (p) => parts.push(p));
    req.on("end", () => resolve(Buffer.concat(parts)));
    req.on("error", reject);
  });
}

/** A request whose body was already read, readable again for the mock. */
function replay(req, bytes) {
  const again = Readable.from(bytes.length ? [bytes] : []);
  return Object.assign(again, { method: req.method, url: req.url, headers: req.headers, socket: req.socket });
}

function sendJson(res, value) {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

// ---------------------------------------------------------------- chat replies

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const monthName = (ym) => {
  const m = /^(\d{4})-(\d{2})$/.exec(ym ?? "");
  return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : ym;
};

function topicReply(text, model) {
  const t = text.toLowerCase();
  if (/\bmarkdown\b/.test(t)) {
    return [
      "### Markdown, rendered safely",
      "Replies are turned into DOM nodes by the page's own renderer — never `innerHTML` — so this is only text: <img src=x onerror=alert(1)>.",
      "",
      "- **bold**, *italic*, ~~struck through~~ and `inline code`",
      "- [links](https://github.com) open in a new tab; `javascript:` links are dropped",
      "- nested lists:",
      "  1. first",
      "  2. second",
      "",
      "> Block quotes, tables and code blocks with a Copy button work too.",
      "",
      "```rust",
      "fn main() {",
      "    // CJK and emoji survive any chunk split: the SSE decoder works on bytes.",
      "    println!(\"你好，世界 👋\");",
      "}",
      "```",
    ].join("\n");
  }
  if (/\b(table|compare)\b/.test(t)) {
    return [
      "llmwire speaks the OpenAI wire format, so one client covers all of these:",
      "",
      "| Gateway | Base URL | What llmwire handles |",
      "|---|---|---|",
      "| APIYI | `https://api.apiyi.com/v1` | backup `vip.apiyi.com`, image models on `/chat/completions` |",
      "| 01.AI | `https://api.01.ai/v1` | `ownedBy`, cumulative `content` and `lastOne` in streams, HTTP 529 |",
      "| LiteLLM | your proxy | 100+ providers behind one OpenAI-shaped API |",
      "| vLLM | `http://host:8000/v1` | self-hosted models |",
      "| OpenAI | `https://api.openai.com/v1` | the reference |",
      "",
      `Switching is one string: this reply came from \`${model}\`; pick another model on the left and ask again.`,
    ].join("\n");
  }
  if (/\b(fails?|failures?|retry|retries|errors?|backups?|outages?)\b/.test(t)) {
    return [
      "When a request fails **before any byte arrives**, llmwire:",
      "",
      "1. **Retries** connection errors, timeouts, 408, 409, 429 and 5xx (529 included), up to `maxRetries` (2 on this page).",
      "2. **Waits as told**: `retry-after-ms`, then `retry-after`, else 0.5 s doubling up to 8 s, with jitter.",
      "3. **Fails over** to a backup base URL, and tries the primary again after 60 s.",
      "",
      "Once a stream has started nothing is resent: a cut stream becomes a `StreamTruncatedError` that **keeps the partial reply**, and every error is a typed class — `RateLimitError`, `InternalServerError`, `APIConnectionTimeoutError`, …",
      "",
      "> Try it: choose a failure under **Simulate** at the top of the page, then send a message.",
    ].join("\n");
  }
  if (/\b(code|example|snippet|stream|streaming)\b/.test(t)) {
    return [
      "Here is the whole loop — the same shape as openai-node:",
      "",
      "```js",
      "import { Client } from \"llmwire\";",
      "",
      "const client = new Client({ baseURL: \"https://api.apiyi.com/v1\", apiKey });",
      "const stream = await client.chat.completions.create({",
      `  model: "${model}",`,
      "  messages: [{ role: \"user\", content: \"Hello\" }],",
      "  stream: true,",
      "});",
      "for await (const text of stream.textStream) output.append(text);",
      "const final = await stream.finalChatCompletion(); // usage, finish_reason",
      "```",
      "",
      "- The SSE bytes are decoded in **WebAssembly**, frames and UTF-8 split across chunks included.",
      "- `create(params, { signal })` takes an `AbortSignal` — the **Stop** button uses one.",
      "- `stream.baseURL` and `stream.attempts` say which gateway answered and after how many tries.",
    ].join("\n");
  }
  return [
    `You said: “${text.replace(/\s+/g, " ").slice(0, 300)}”`,
    "",
    `I'm the **embedded mock gateway**, answering as \`${model}\`. I can't think, but everything around me is real: this reply arrives as Server-Sent Events, paced token by token, and llmwire decodes it in WebAssembly in your browser.`,
    "",
    "Ask me for **code**, a **table**, some **Markdown**, or what happens when a gateway **fails** — or pick another model.",
  ].join("\n");
}

function personaReply(body) {
  const messages = body.messages;
  const model = String(body.model ?? "gpt-4o-mini");
  const lastUser = textOf(messages.findLast((m) => m?.role === "user")?.content);
  const turn = messages.filter((m) => m?.role === "user").length;
  const system = messages.find((m) => m?.role === "system");
  const provider = PROVIDERS[model];
  const facts = [
    `mock reply as \`${model}\`${provider ? ` (${provider})` : ""}`,
    `turn ${turn}`,
    `${messages.length} message${messages.length === 1 ? "" : "s"} received${system ? ", system prompt included" : ""}`,
  ];
  if (typeof body.temperature === "number") facts.push(`temperature ${body.temperature}`);
  return `${topicReply(lastUser, model)}\n\n*— ${facts.join(" · ")}*`;
}

/** Token-like pieces that join back to `text`: words with their leading space, long words split. */
function tokenize(text) {
  const pieces = [];
  for (const word of text.match(/\s*\S+|\s+$/g) ?? []) {
    if (word.length <= 9) pieces.push(word);
    else for (let i = 0; i < word.length; i += 6) pieces.push(word.slice(i, i + 6));
  }
  return pieces;
}

// ---------------------------------------------------------------- the calculator (seed 004)

function revenueTable(text) {
  const rows = new Map();
  for (const m of text.matchAll(/\|\s*(\d{4}-\d{2})\s*\|\s*(-?[\d.]+)\s*\|/g)) rows.set(m[1], m[2]);
  return rows;
}

function targetMonth(text, rows) {
  const named = new RegExp(`(${MONTHS.join("|")})\\s+(\\d{4})`, "i").exec(text);
  if (named) {
    const month = MONTHS.findIndex((m) => m.toLowerCase() === named[1].toLowerCase()) + 1;
    return `${named[2]}-${String(month).padStart(2, "0")}`;
  }
  const iso = /\b(\d{4}-\d{2})\b(?!\s*\|)/.exec(text);
  return iso?.[1] ?? [...rows.keys()].at(-1);
}

const shiftMonth = (ym, by) => {
  const [y, m] = ym.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
};

function calculatorCalls(text) {
  const rows = revenueTable(text);
  const time = targetMonth(text, rows);
  if (!time || !rows.has(time)) return null;
  const wantMoM = /mom|month/i.test(text);
  const wantYoY = /yoy|year/i.test(text);
  const kinds = wantMoM || wantYoY ? [wantMoM && "MoM", wantYoY && "YoY"].filter(Boolean) : ["MoM", "YoY"];
  const calls = [];
  for (const type of kinds) {
    const before = shiftMonth(time, type === "MoM" ? -1 : -12);
    if (!rows.has(before)) continue;
    calls.push({ time, type, pre_value: rows.get(before), current_value: rows.get(time) });
  }
  return calls.length ? calls : null;
}

function calculatorAnswer(messages) {
  const lastAsk = messages.findLastIndex((m) => m?.role === "assistant" && Array.isArray(m.tool_calls));
  if (lastAsk < 0) return null;
  const args = new Map();
  for (const call of messages[lastAsk].tool_calls) {
    try { args.set(call.id, JSON.parse(call.function?.arguments ?? "{}")); } catch { /* shown as unknown */ }
  }
  const rows = [];
  for (const m of messages.slice(lastAsk + 1)) {
    if (m?.role !== "tool") continue;
    let result;
    try { result = JSON.parse(textOf(m.content)); } catch { result = { error: textOf(m.content) }; }
    rows.push({ asked: args.get(m.tool_call_id) ?? {}, result });
  }
  if (!rows.length) return null;
  const time = rows[0].asked.time ?? rows[0].result.time;
  const lines = [
    `Here are the changes for **${monthName(time)}**${rows[0].asked.current_value ? ` (revenue ${rows[0].asked.current_value})` : ""}:`,
    "",
    "| Measure | Compared with | Change |",
    "|---|---|---:|",
  ];
  const words = [];
  for (const { asked, result } of rows) {
    const type = result.type ?? asked.type;
    const label = type === "YoY" ? "Year over year (YoY)" : type === "MoM" ? "Month over month (MoM)" : String(type);
    const before = asked.time ? shiftMonth(asked.time, type === "YoY" ? -12 : -1) : "?";
    const change = result.change ? (result.change.startsWith("-") ? result.change : `+${result.change}`) : `error: ${result.error ?? "no result"}`;
    lines.push(`| ${label} | ${monthName(before)} · ${asked.pre_value ?? "?"} | **${change}** |`);
    const pct = Number.parseFloat(result.change);
    if (Number.isFinite(pct)) {
      const size = Math.abs(pct) < 1 ? "slightly" : Math.abs(pct) < 10 ? "moderately" : "strongly";
      words.push(`${pct >= 0 ? "up" : "down"} ${size} ${type === "YoY" ? `on ${monthName(before)}` : `from ${monthName(before).split(" ")[0]}`}`);
    }
  }
  lines.push("");
  if (words.length) lines.push(`Revenue is ${words.join(", and ")}. Both figures come from the \`calculator\` tool, which ran in your browser.`);
  return lines.join("\n");
}

// ---------------------------------------------------------------- streaming

function chunkOf(meta, delta, finish = null) {
  return { id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
}

/** Writes SSE frames with a first-token delay and jittered pacing; stops when the client leaves. */
async function writeStream(res, frames, { pacingMs, random }) {
  let open = true;
  res.once("close", () => { open = false; });
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" });
  res.flushHeaders();
  await sleep(pacingMs * (8 + random() * 6)); // time to first token
  for (let i = 0; i < frames.length && open; i++) {
    // Now and then two tokens arrive together, as from a real gateway.
    const burst = random() < 0.15 && i + 1 < frames.length ? 2 : 1;
    res.write(frames.slice(i, i + burst).join(""));
    i += burst - 1;
    if (i < frames.length - 1) await sleep(pacingMs * (0.4 + random() * 1.2));
  }
  if (open) res.end();
}

function completion(meta, message, finish, usage) {
  return { id: meta.id, object: "chat.completion", created: meta.created, model: meta.model, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage };
}

function answerText(res, body, meta, text, pacingMs) {
  let pieces = tokenize(text);
  let finish = "stop";
  const limit = body.max_tokens ?? body.max_completion_tokens;
  if (Number.isInteger(limit) && limit > 0 && limit < pieces.length) {
    pieces = pieces.slice(0, limit);
    finish = "length";
  }
  const content = pieces.join("");
  const prompt = body.messages.reduce((n, m) => n + 3 + approxTokens(textOf(m?.content) || JSON.stringify(m?.tool_calls ?? "")), 0);
  const usage = { prompt_tokens: prompt, completion_tokens: pieces.length, total_tokens: prompt + pieces.length };
  if (body.stream !== true) return sendJson(res, completion(meta, { role: "assistant", content }, finish, usage));
  const frames = [chunkOf(meta, { role: "assistant", content: "" }), ...pieces.map((p) => chunkOf(meta, { content: p })), chunkOf(meta, {}, finish)];
  if (body.stream_options?.include_usage) frames.push({ ...chunkOf(meta, {}), choices: [], usage });
  return writeStream(res, [...frames.map((f) => `data: ${JSON.stringify(f)}\n\n`), "data: [DONE]\n\n"], { pacingMs, random: seeded(meta.id) });
}

function answerToolCalls(res, body, meta, calls, pacingMs) {
  const toolCalls = calls.map((args, i) => ({ id: `call_demo_${meta.n}_${i + 1}`, type: "function", function: { name: "calculator", arguments: JSON.stringify(args) } }));
  const prompt = body.messages.reduce((n, m) => n + 3 + approxTokens(textOf(m?.content)), 0) + 60;
  const out = toolCalls.reduce((n, c) => n + approxTokens(c.function.arguments), 0);
  const usage = { prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out };
  if (body.stream !== true) return sendJson(res, completion(meta, { role: "assistant", content: null, tool_calls: toolCalls }, "tool_calls", usage));
  const frames = [];
  toolCalls.forEach((call, index) => {
    const opening = { index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } };
    frames.push(chunkOf(meta, index === 0 ? { role: "assistant", content: null, tool_calls: [opening] } : { tool_calls: [opening] }));
    for (let i = 0; i < call.function.arguments.length; i += 7) {
      frames.push(chunkOf(meta, { tool_calls: [{ index, function: { arguments: call.function.arguments.slice(i, i + 7) } }] }));
    }
  });
  frames.push(chunkOf(meta, {}, "tool_calls"));
  if (body.stream_options?.include_usage) frames.push({ ...chunkOf(meta, {}), choices: [], usage });
  return writeStream(res, [...frames.map((f) => `data: ${JSON.stringify(f)}\n\n`), "data: [DONE]\n\n"], { pacingMs, random: seeded(meta.id) });
}

// ---------------------------------------------------------------- embeddings

const STOP = new Set("a an the and or of to in on at for with by from is are was were be been it its this that these those my your our their his her as after before into over under than then so very".split(" "));
const TOPICS = {
  pets: "cat cats kitten dog dogs puppy pet pets paw bark meow purr fur animal vet windowsill ball park chase chasing curled",
  finance: "revenue profit stock stocks market markets price prices invest investor investors bank inflation earnings quarter quarterly sales growth grew rally economy",
  code: "rust code compile compiles compiler wasm webassembly javascript typescript function bug program programming browser library api stream streams chat completions software",
  weather: "rain sunny weather storm cloud clouds snow forecast wind temperature",
  food: "pizza bread cook cooking recipe coffee tea soup dinner lunch breakfast pasta",
  travel: "travel trip flight hotel beach mountain city train journey vacation",
};
const TOPIC_OF = new Map(Object.entries(TOPICS).flatMap(([topic, words]) => words.split(" ").map((w) => [w, topic])));

function addHashed(v, key, weight) {
  const random = seeded(key);
  for (let i = 0; i < v.length; i++) v[i] += weight * (random() * 2 - 1);
}

/** A deterministic unit vector in which texts sharing words, word pieces or topics are closer. */
export function topicalEmbedding(text, dims = 256) {
  const v = new Float64Array(dims);
  addHashed(v, "shared", 0.9);
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOP.has(raw)) continue;
    const topic = TOPIC_OF.get(raw);
    const stem = raw.length > 4 ? raw.replace(/(ing|ed|es|s)$/, "") : raw;
    addHashed(v, `w:${stem}`, 1);
    const padded = `#${stem}#`;
    for (let i = 0; i + 3 <= padded.length; i++) addHashed(v, `t:${padded.slice(i, i + 3)}`, 0.2);
    if (topic) addHashed(v, `topic:${topic}`, 1.6);
  }
  const norm = Math.hypot(...v) || 1;
  return Array.from(v, (x) => Math.fround(x / norm));
}

function answerEmbeddings(res, body) {
  const inputs = typeof body.input === "string" ? [body.input] : body.input;
  const dims = Number.isInteger(body.dimensions) && body.dimensions > 0 ? Math.min(body.dimensions, 4096) : 256;
  const data = inputs.map((text, index) => {
    const vector = topicalEmbedding(text, dims);
    if (body.encoding_format !== "base64") return { object: "embedding", index, embedding: vector };
    const bytes = Buffer.alloc(dims * 4);
    vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
    return { object: "embedding", index, embedding: bytes.toString("base64") };
  });
  const tokens = inputs.reduce((n, t) => n + approxTokens(t), 0);
  sendJson(res, { object: "list", data, model: body.model ?? "text-embedding-3-small", usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

// ---------------------------------------------------------------- pictures

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

function hsl(h, s, l) {
  h = ((h % 360) + 360) % 360 / 360;
  const f = (n) => {
    const k = (n + h * 12) % 12;
    return l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return [f(0) * 255, f(8) * 255, f(4) * 255];
}
const mix = (a, b, t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

/** Picture size for a requested size: the same aspect ratio, 512 px on the long side. */
export function pictureSize(size, prompt = "") {
  let m = /^(\d+)x(\d+)$/.exec(size ?? "");
  if (!m) {
    const ratio = /(\d+)\s*:\s*(\d+)/.exec(prompt);
    m = ratio ? [null, ratio[1], ratio[2]] : [null, "1", "1"];
  }
  const [w, h] = [Number(m[1]), Number(m[2])];
  const scale = 512 / Math.max(w, h);
  return [Math.max(16, Math.round(w * scale)), Math.max(16, Math.round(h * scale))];
}

// Sunset palettes: sky top, sky at the horizon, sun (hues in degrees).
const PALETTES = [[250, 18, 45], [275, 335, 40], [225, 195, 55], [300, 25, 50], [210, 35, 48], [260, 350, 30]];

/** A landscape at dusk — sky, sun, three ridges and water — drawn from `seed`, as PNG bytes. */
export function picturePng(seed, width, height) {
  const random = seeded(seed);
  const [topHue, lowHue, sunHue] = PALETTES[Math.floor(random() * PALETTES.length)];
  const skyTop = hsl(topHue, 0.5, 0.16);
  const skyLow = hsl(lowHue, 0.8, 0.66);
  const sunColor = hsl(sunHue, 1, 0.88);
  const horizon = 0.64 + random() * 0.08;
  const sun = { x: 0.22 + random() * 0.56, y: horizon - 0.3 - random() * 0.12, r: 0.055 + random() * 0.03 };
  const ridges = [0, 1, 2].map((k) => ({
    base: horizon - 0.16 + k * 0.06,
    waves: [0, 1, 2].map((j) => ({ f: (1.2 + random() * 2.5) * (j + 1) ** 1.3, p: random() * 7, a: (0.06 - k * 0.014) / (j + 1) })),
    color: mix(hsl(topHue + 10, 0.3, 0.3 - k * 0.09), skyLow, 0.42 - k * 0.16),
  }));
  const sky = (v) => mix(skyTop, skyLow, Math.min(1, Math.max(0, v / horizon)) ** 1.6);
  const rows = [];
  const aspect = width / height;
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    const v = y / height;
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const dx = (u - sun.x) * aspect;
      let c;
      if (v < horizon) {
        c = sky(v);
        const d = Math.hypot(dx, v - sun.y);
        c = mix(c, sunColor, Math.max(0, 1 - d / (sun.r * 4)) ** 2.2 * 0.6);
        if (d < sun.r) c = mix(sunColor, c, Math.max(0, (d - sun.r * 0.92) / (sun.r * 0.08)));
        for (const ridge of ridges) {
          const top = ridge.base + ridge.waves.reduce((s, w) => s + Math.sin(u * w.f * Math.PI + w.p) * w.a, 0);
          if (v > top) c = mix(ridge.color, c, Math.max(0, 0.3 - (v - top) * 3));
        }
      } else {
        // Water: the sky mirrored and darkened, with a rippled path of sunlight.
        const depth = (v - horizon) / (1 - horizon);
        c = mix(sky(horizon - (v - horizon) * 1.4), [10, 14, 30], 0.3 + depth * 0.45);
        const ripple = Math.sin(v * 300 + Math.sin(u * 23) * 1.5) * 0.5 + 0.5;
        const path = Math.max(0, 1 - Math.abs(dx) / (sun.r * (1.1 + depth * 2.5)));
        c = mix(c, sunColor, path ** 1.5 * ripple * (0.7 - depth * 0.5));
      }
      row.set([c[0], c[1], c[2]].map((n) => Math.max(0, Math.min(255, Math.round(n)))), 1 + x * 3);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr), pngChunk("IDAT", deflateSync(Buffer.concat(rows), { level: 6 })), pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

function pictureUrl(req, prefix, seed, [w, h]) {
  return `http://${req.headers.host}${prefix}/v1/demo-images/${seed}_${w}x${h}.png`;
}

function answerImages(res, req, prefix, body) {
  const n = Number.isInteger(body.n) && body.n > 0 ? Math.min(body.n, 4) : 1;
  const dims = pictureSize(body.size, body.prompt);
  const data = Array.from({ length: n }, (_, i) => {
    const seed = sha(`${body.prompt}#${i}`).toString("hex").slice(0, 16);
    return body.response_format === "url"
      ? { url: pictureUrl(req, prefix, seed, dims), revised_prompt: body.prompt }
      : { b64_json: picturePng(seed, ...dims).toString("base64"), revised_prompt: body.prompt };
  });
  sendJson(res, { created: nowSeconds(), data, usage: { input_tokens: approxTokens(body.prompt), output_tokens: 1056 * n, total_tokens: approxTokens(body.prompt) + 1056 * n } });
}

/** gpt-image-2-vip on /chat/completions (seed 003), or undefined to let the mock judge the request. */
function chatImageAnswer(body) {
  if (body.size !== undefined && !SIZE_BUCKETS.has(body.size)) return undefined;
  const seen = [];
  for (const message of body.messages) {
    if (typeof message?.content === "string") { seen.push(message.content); continue; }
    if (!Array.isArray(message?.content)) return undefined;
    for (const part of message.content) {
      if (part?.type === "text") seen.push(String(part.text));
      else if (part?.type === "image_url" && /^(https:\/\/|data:image\/(png|jpeg|webp);base64,)/.test(part.image_url?.url ?? "")) seen.push(sha(part.image_url.url).toString("hex"));
      else return undefined;
    }
  }
  const prompt = textOf(body.messages.findLast((m) => m?.role === "user")?.content);
  return { seed: sha(seen.join("\n")).toString("hex").slice(0, 16), dims: pictureSize(body.size, prompt), input: seen.reduce((n, t) => n + approxTokens(t), 0) };
}

// ---------------------------------------------------------------- the layer

const ROUTES = new Set(["/v1/chat/completions", "/v1/embeddings", "/v1/images/generations"]);

/**
 * Wraps a mock gateway handler (createGatewayHandler({ prefix })) with the demo script.
 * `pacingMs` is the mean pause between tokens; the first token waits about ten times that.
 */
export function withDemoScript(mock, { prefix = "", pacingMs = 25 } = {}) {
  let count = 0;
  const handler = async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const route = path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : null;
    if (req.method === "GET" && route?.startsWith("/v1/demo-images/")) {
      const m = /^([0-9a-f]{16})_(\d{2,4})x(\d{2,4})\.png$/.exec(route.slice("/v1/demo-images/".length));
      if (!m || Number(m[2]) > 1024 || Number(m[3]) > 1024) return mock(req, res);
      res.writeHead(200, { "content-type": "image/png", "cache-control": "public, max-age=3600", "access-control-allow-origin": "*" });
      return res.end(picturePng(m[1], Number(m[2]), Number(m[3])));
    }
    if (req.method !== "POST" || !ROUTES.has(route) || req.headers["x-mock-scenario"]) return mock(req, res);
    const bytes = await readBody(req);
    let body;
    try { body = JSON.parse(bytes.toString("utf8")); } catch { body = undefined; }
    const answer = body && typeof body === "object" && !String(body.model ?? "").startsWith("mock-scenario:") ? plan(route, body, req) : undefined;
    if (!answer) return mock(replay(req, bytes), res);
    mock.requests?.push({ method: req.method, path: route, headers: { ...req.headers }, body });
    res.setHeader("x-request-id", `req_demo_${++count}`);
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-expose-headers", "x-request-id");
    const meta = { id: `chatcmpl-demo-${count}`, n: count, created: nowSeconds(), model: String(body.model ?? "gpt-4o-mini") };
    return answer(res, meta);
  };

  function plan(route, body, req) {
    if (route === "/v1/embeddings") {
      const ok = typeof body.input === "string" || (Array.isArray(body.input) && body.input.length > 0 && body.input.every((s) => typeof s === "string"));
      return ok ? (res) => answerEmbeddings(res, body) : undefined;
    }
    if (route === "/v1/images/generations") {
      if (typeof body.prompt !== "string" || !body.prompt) return undefined;
      return async (res) => {
        await sleep(pacingMs * 40); // drawing takes a while, even here
        if (!res.destroyed) answerImages(res, req, prefix, body);
      };
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) return undefined;
    if (IMAGE_CHAT_MODELS.has(body.model)) {
      const image = chatImageAnswer(body);
      if (!image) return undefined;
      return async (res) => {
        await sleep(pacingMs * 40);
        if (res.destroyed) return;
        const item = body.response_format === "b64_json"
          ? { b64_json: `data:image/png;base64,${picturePng(image.seed, ...image.dims).toString("base64")}` }
          : { url: pictureUrl(req, prefix, image.seed, image.dims) };
        sendJson(res, { data: [item], created: nowSeconds(), usage: { input_tokens: image.input, output_tokens: 1056, total_tokens: image.input + 1056 } });
      };
    }
    const last = body.messages.at(-1);
    if (Array.isArray(body.tools) && body.tools.length) {
      if (!body.tools.some((t) => t?.function?.name === "calculator")) return undefined;
      if (last?.role === "tool") {
        const text = calculatorAnswer(body.messages);
        return text ? (res, meta) => answerText(res, body, meta, text, pacingMs) : undefined;
      }
      if (last?.role !== "user" || body.tool_choice === "none") return undefined;
      const calls = calculatorCalls(textOf(last.content));
      return calls ? (res, meta) => answerToolCalls(res, body, meta, calls, pacingMs) : undefined;
    }
    if (last?.role !== "user") return undefined;
    return (res, meta) => answerText(res, body, meta, personaReply(body), pacingMs);
  }

  handler.requests = mock.requests;
  handler.reset = mock.reset;
  return handler;
}
