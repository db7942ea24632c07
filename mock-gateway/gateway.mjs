// Mock OpenAI-compatible gateway for llmwire tests and demos.
// Mimics APIYI / 01.AI quirks (see README.md) using only Node built-ins.

import http from "node:http";
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";

// ---------------------------------------------------------------------------
// Static data
// ---------------------------------------------------------------------------

const FIXED_SENTENCE = "你好，世界 👋 — streamed by the llmwire mock gateway.";
const TOOL_CALL_ID = "call_mock_1";
const MODELS_CREATED = 1735689600;

const openaiModel = (id, owner) => ({ id, object: "model", created: MODELS_CREATED, owned_by: owner });
// 01.AI spells the owner field `ownedBy` and adds empty root/parent.
const yiModel = (id) => ({ id, object: "model", created: MODELS_CREATED, ownedBy: "01.ai", root: "", parent: "" });

const MODELS = [
  openaiModel("gpt-4o-mini", "openai"),
  openaiModel("claude-sonnet-4", "anthropic"),
  openaiModel("gemini-2.5-flash", "google"),
  openaiModel("deepseek-chat", "deepseek"),
  yiModel("yi-lightning"),
  yiModel("yi-vision-v2"),
  openaiModel("text-embedding-3-small", "openai"),
  openaiModel("gpt-image-2-vip", "openai"),
];

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  // `*` does not cover Authorization in the Fetch spec, hence the explicit names.
  "access-control-allow-headers": "*, authorization, content-type, x-mock-scenario",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-expose-headers":
    "x-request-id, retry-after, retry-after-ms, x-ratelimit-remaining-requests, x-should-retry",
};

const AUTH_ERROR = {
  status: 401,
  message: "Incorrect API key provided",
  type: "invalid_request_error",
  code: "invalid_api_key",
};

// Scenarios that answer with an OpenAI-shaped JSON error.
const ERROR_SCENARIOS = {
  "http-400": {
    status: 400,
    message: "Invalid value for 'messages': the mock rejected this request.",
    type: "invalid_request_error",
    code: "invalid_value",
    param: "messages",
  },
  "http-401": AUTH_ERROR,
  "http-403": {
    status: 403,
    message: "You are not allowed to access this resource.",
    type: "permission_error",
    code: "permission_denied",
  },
  "http-404": {
    status: 404,
    message: "The requested model does not exist or you do not have access to it.",
    type: "invalid_request_error",
    code: "model_not_found",
    param: "model",
  },
  "http-422": {
    status: 422,
    message: "Unprocessable entity: the request body failed validation.",
    type: "invalid_request_error",
    code: "unprocessable_entity",
  },
  "http-429": {
    status: 429,
    message: "Rate limit reached for requests. Please try again in 1s.",
    type: "requests",
    code: "rate_limit_exceeded",
    headers: { "retry-after": "1", "retry-after-ms": "1000", "x-ratelimit-remaining-requests": "0" },
  },
  "429-quota": {
    status: 429,
    message: "You exceeded your current quota, please check your plan and billing details.",
    type: "insufficient_quota",
    code: "insufficient_quota",
  },
  "http-500": {
    status: 500,
    message: "The server had an error while processing your request.",
    type: "server_error",
    code: "internal_error",
  },
  "http-503": {
    status: 503,
    message: "The engine is currently overloaded, please try again later.",
    type: "server_error",
    code: "service_unavailable",
  },
  "http-529": {
    status: 529,
    message: "System busy: our servers are experiencing high traffic. Please retry after a brief wait.",
    type: "server_error",
    code: "system_busy",
  },
  "x-should-retry-false": {
    status: 500,
    message: "The server had an error that must not be retried.",
    type: "server_error",
    code: "internal_error",
    headers: { "x-should-retry": "false" },
  },
};

// "<x>-then-ok": the first attempt (since the last reset) fails like <error scenario>.
const THEN_OK_SCENARIOS = { "429-then-ok": "http-429", "500-then-ok": "http-500", "529-then-ok": "http-529" };

const BEHAVIOUR_SCENARIOS = [
  "ok", "yi-stream", "malformed-event", "error-in-stream", "error-event", "cut-stream",
  "drop-mid-stream", "json-instead-of-sse", "usage-only", "crlf", "image-on-chat", "html-502",
  "slow-drip", "hang", "headers-then-silence", "huge-line", "rejects-stream-options",
];

export const SCENARIOS = Object.freeze([
  ...BEHAVIOUR_SCENARIOS, ...Object.keys(ERROR_SCENARIOS), ...Object.keys(THEN_OK_SCENARIOS),
]);

const HTML_502 =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
  "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

// Stream fault injection happens after this many good events (role chunk + 2 content chunks).
const GOOD_PREFIX = 3;
const DONE_FRAME = "data: [DONE]\n\n";
// Truncated JSON, like the yi-vision sample in the 01.AI docs.
const MALFORMED_FRAME = 'data: {"id":"x","choices":[{"delta":{"content":"oops"\n\n';
const HUGE_CONTENT_BYTES = 2 * 1024 * 1024;
const SLOW_DRIP_MS = 150;

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nowSeconds = () => Math.floor(Date.now() / 1000);
const countTokens = (text) => (text.match(/\S+/g) ?? []).length;

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on("data", (part) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res, status, value, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

function sendError(res, { status, message, type, code = null, param = null, headers }) {
  sendJson(res, status, { error: { message, type, code, param } }, headers);
}

const badRequest = (message, param = null, code = null) => ({
  status: 400, message, type: "invalid_request_error", code, param,
});

// Text of a message `content`: a string, or an array of parts whose text parts are joined.
function textOf(content) {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.filter((part) => part?.type === "text").map((part) => part.text).join(" ");
}

// Splits a string into pieces of `size` code points, so multibyte characters stay whole.
function splitPieces(text, size) {
  const chars = Array.from(text);
  const pieces = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(""));
  return pieces;
}

// Deterministic 32-bit PRNG seeded from a string.
function seededRandom(text) {
  let seed = createHash("sha256").update(text).digest().readUInt32LE(0);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------
// Chat replies
// ---------------------------------------------------------------------------

function argumentsFor(tool) {
  const properties = tool.function?.parameters?.properties ?? {};
  const args = {};
  for (const [name, schema] of Object.entries(properties)) {
    if (name === "expression") args[name] = "12*7";
    else if (name === "city") args[name] = "Beijing";
    else args[name] = schema?.type === "number" || schema?.type === "integer" ? 1 : "x";
  }
  return JSON.stringify(args);
}

// The tool to call, or undefined when the request should get a text answer.
function chooseTool(body, last) {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (tools.length === 0 || last?.role !== "user" || body.tool_choice === "none") return undefined;
  const wanted = body.tool_choice?.function?.name;
  return tools.find((tool) => tool.function?.name === wanted) ?? tools[0];
}

// Cuts `text` to `limit` whitespace-separated tokens.
function truncate(text, limit) {
  const tokens = text.match(/\S+\s*/g) ?? [];
  if (!Number.isInteger(limit) || limit >= tokens.length) return { content: text, finishReason: "stop" };
  return { content: tokens.slice(0, limit).join("").trimEnd(), finishReason: "length" };
}

function baseReplyText(messages) {
  const last = messages.at(-1);
  if (last?.role === "tool") return `The tool said: ${textOf(last.content)}`;
  const lastUser = messages.findLast((message) => message?.role === "user");
  return `Echo: ${textOf(lastUser?.content)}. ${FIXED_SENTENCE}`;
}

// Builds one reply per choice: { content } or { toolCall }, plus finishReason.
function buildChoices(body) {
  const n = Number.isInteger(body.n) && body.n > 0 ? Math.min(body.n, 8) : 1;
  const tool = chooseTool(body, body.messages.at(-1));
  if (tool) {
    const toolCall = { id: TOOL_CALL_ID, name: tool.function.name, arguments: argumentsFor(tool) };
    return Array.from({ length: n }, () => ({ toolCall, finishReason: "tool_calls" }));
  }
  const base = baseReplyText(body.messages);
  const limit = body.max_tokens ?? body.max_completion_tokens;
  // Choices after the first get a suffix so interleaving mistakes are detectable.
  return Array.from({ length: n }, (_, i) => truncate(i === 0 ? base : `${base} (choice ${i})`, limit));
}

function usageFor(body, choices) {
  const prompt = body.messages.reduce((sum, message) => sum + 3 + countTokens(textOf(message?.content)), 0);
  const completion = choices.reduce(
    (sum, choice) => sum + countTokens(choice.toolCall ? choice.toolCall.arguments : choice.content),
    0,
  );
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function messageOf(choice) {
  if (!choice.toolCall) return { role: "assistant", content: choice.content };
  const { id, name, arguments: args } = choice.toolCall;
  return { role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name, arguments: args } }] };
}

function completionObject(meta, choices, usage) {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: choices.map((choice, index) => ({
      index,
      message: messageOf(choice),
      logprobs: null,
      finish_reason: choice.finishReason,
    })),
    usage,
  };
}

// ---------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------

// The sequence of deltas for one choice: role, content/argument pieces, finish.
function choiceDeltas(choice, pieceSize) {
  if (choice.toolCall) {
    const { id, name, arguments: args } = choice.toolCall;
    const opening = { index: 0, id, type: "function", function: { name, arguments: "" } };
    return [
      { delta: { role: "assistant", content: null, tool_calls: [opening] } },
      ...splitPieces(args, 5).map((part) => ({ delta: { tool_calls: [{ index: 0, function: { arguments: part } }] } })),
      { delta: {}, finish_reason: choice.finishReason },
    ];
  }
  return [
    { delta: { role: "assistant", content: "" } },
    ...splitPieces(choice.content, pieceSize).map((part) => ({ delta: { content: part } })),
    { delta: {}, finish_reason: choice.finishReason },
  ];
}

// All chunks of a stream, interleaving choices step by step.
function streamChunks(meta, choices, pieceSize) {
  const perChoice = choices.map((choice) => choiceDeltas(choice, pieceSize));
  const steps = Math.max(...perChoice.map((deltas) => deltas.length));
  const chunks = [];
  for (let step = 0; step < steps; step++) {
    perChoice.forEach((deltas, index) => {
      const entry = deltas[step];
      if (!entry) return;
      chunks.push({
        id: meta.id,
        object: "chat.completion.chunk",
        created: meta.created,
        model: meta.model,
        choices: [{ index, delta: entry.delta, logprobs: null, finish_reason: entry.finish_reason ?? null }],
      });
    });
  }
  return chunks;
}

// 01.AI style: cumulative top-level `content`, `lastOne`, and usage on the last chunk.
function toYiChunks(chunks, usage) {
  let content = "";
  return chunks.map((chunk, i) => {
    if (chunk.choices[0].index === 0) content += chunk.choices[0].delta.content ?? "";
    const lastOne = i === chunks.length - 1;
    return { ...chunk, content, ...(lastOne ? { usage } : {}), lastOne };
  });
}

const dataFrame = (value) => `data: ${JSON.stringify(value)}\n\n`;
const STREAM_ERROR = { error: { message: "upstream overloaded", type: "server_error", code: "overloaded" } };
const EVENT_ERROR = { error: { message: "stream failed", type: "server_error" } };

// What to write for a scenario: frames, how to end (end | destroy | silence), optional pacing.
function streamPlan(scenario, chunks) {
  const frames = chunks.map(dataFrame);
  const head = frames.slice(0, GOOD_PREFIX);
  switch (scenario) {
    case "malformed-event":
      return { frames: [...head, MALFORMED_FRAME, ...frames.slice(GOOD_PREFIX), DONE_FRAME] };
    case "error-in-stream":
      return { frames: [...head, dataFrame(STREAM_ERROR)] };
    case "error-event":
      return { frames: [...head, `event: error\n${dataFrame(EVENT_ERROR)}`] };
    case "cut-stream":
      return { frames: head };
    case "drop-mid-stream":
      return { frames: head, ending: "destroy" };
    case "headers-then-silence":
      return { frames: frames.slice(0, 1), ending: "silence" };
    case "crlf": {
      const all = ["\uFEFF: keep-alive\n\n", ...frames, DONE_FRAME];
      return { frames: all.map((frame) => frame.replace(/\n/g, "\r\n")) };
    }
    case "slow-drip":
      return { frames: [...frames, DONE_FRAME], pacingMs: SLOW_DRIP_MS };
    default:
      return { frames: [...frames, DONE_FRAME] };
  }
}

// Writes one chunk; resolves false if the response closed first.
function writeChunk(res, chunk) {
  return new Promise((resolve) => {
    const onClose = () => resolve(false);
    res.once("close", onClose);
    res.write(chunk, () => {
      res.off("close", onClose);
      resolve(true);
    });
  });
}

// Writes each frame in two halves split at the byte midpoint (possibly inside a
// UTF-8 sequence) so clients must reassemble frames across network chunks.
async function writeFrames(res, frames, pacingMs, isOpen) {
  for (const [i, frame] of frames.entries()) {
    if (i > 0 && pacingMs > 0) await sleep(pacingMs);
    const bytes = Buffer.from(frame);
    const mid = bytes.length >> 1;
    for (const part of [bytes.subarray(0, mid), bytes.subarray(mid)]) {
      if (!isOpen() || !(await writeChunk(res, part))) return false;
    }
  }
  return true;
}

async function streamCompletion(res, { meta, choices, usage, scenario, includeUsage, pacingMs }) {
  const pieceSize = scenario === "huge-line" ? Infinity : 4;
  let chunks = streamChunks(meta, choices, pieceSize);
  if (scenario === "yi-stream") chunks = toYiChunks(chunks, usage);
  else if (includeUsage || scenario === "usage-only") {
    chunks.push({ id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model, choices: [], usage });
  }
  const plan = streamPlan(scenario, chunks);

  let open = true;
  res.once("close", () => { open = false; });
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  res.flushHeaders();

  const completed = await writeFrames(res, plan.frames, plan.pacingMs ?? pacingMs, () => open);
  if (!completed || plan.ending === "silence") return;
  if (plan.ending === "destroy") res.socket?.destroy();
  else res.end();
}

// ---------------------------------------------------------------------------
// Route handlers
// ---------------------------------------------------------------------------

function scenarioOf(req, body) {
  const header = req.headers["x-mock-scenario"];
  if (header) return header.trim();
  const model = typeof body?.model === "string" ? body.model : "";
  return model.startsWith("mock-scenario:") ? model.slice("mock-scenario:".length) : "ok";
}

async function handleChat(state, req, res, body) {
  const scenario = scenarioOf(req, body);
  if (!SCENARIOS.includes(scenario)) {
    return sendError(res, badRequest(`Unknown mock scenario: ${scenario}`, null, "unknown_scenario"));
  }
  const attempt = (state.attempts.get(scenario) ?? 0) + 1;
  state.attempts.set(scenario, attempt);

  if (scenario === "hang") return; // Never answer; the socket closes with the client or server.
  const failure = ERROR_SCENARIOS[scenario] ?? (attempt === 1 ? ERROR_SCENARIOS[THEN_OK_SCENARIOS[scenario]] : undefined);
  if (failure) return sendError(res, failure);
  // Some OpenAI-compatible servers reject parameters they do not know, stream_options among them.
  if (scenario === "rejects-stream-options" && body?.stream_options !== undefined) {
    return sendError(res, badRequest("Unrecognized request argument supplied: stream_options", "stream_options", "invalid_value"));
  }
  if (scenario === "html-502") {
    res.writeHead(502, { "content-type": "text/html" });
    return res.end(HTML_502);
  }
  if (!Array.isArray(body?.messages) || body.messages.length === 0) {
    return sendError(res, badRequest("'messages' must be a non-empty array.", "messages", "invalid_value"));
  }
  if (scenario === "image-on-chat") {
    return sendJson(res, 200, {
      data: [{ url: "https://example.invalid/img.png" }],
      created: nowSeconds(),
      usage: { input_tokens: 30, output_tokens: 1024, total_tokens: 1054 },
    });
  }

  const meta = { id: `chatcmpl-mock-${++state.completions}`, created: nowSeconds(), model: body.model ?? "gpt-4o-mini" };
  const choices =
    scenario === "huge-line"
      ? [{ content: "a".repeat(HUGE_CONTENT_BYTES), finishReason: "stop" }]
      : buildChoices(body);
  const usage = usageFor(body, choices);
  if (body.stream !== true || scenario === "json-instead-of-sse") {
    return sendJson(res, 200, completionObject(meta, choices, usage));
  }
  const includeUsage = body.stream_options?.include_usage === true;
  return streamCompletion(res, { meta, choices, usage, scenario, includeUsage, pacingMs: state.pacingMs });
}

// Deterministic unit vector of `dims` float32 values derived from `text`.
function embeddingFor(text, dims) {
  const random = seededRandom(text);
  const raw = Array.from({ length: dims }, () => random() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

function float32Base64(values) {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString("base64");
}

// Accepts a string, an array of strings, or token arrays (hashed via their JSON).
function embeddingInputs(input) {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === "number")) return [JSON.stringify(input)];
  return input.map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

function handleEmbeddings(res, body) {
  const inputs = embeddingInputs(body?.input);
  if (!inputs) return sendError(res, badRequest("'input' must be a string or a non-empty array.", "input"));
  const dims = Number.isInteger(body.dimensions) && body.dimensions > 0 ? Math.min(body.dimensions, 4096) : 8;
  const base64 = body.encoding_format === "base64";
  const data = inputs.map((text, index) => {
    const vector = embeddingFor(text, dims);
    return { object: "embedding", index, embedding: base64 ? float32Base64(vector) : vector };
  });
  const tokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
  sendJson(res, 200, {
    object: "list",
    data,
    model: body.model ?? "text-embedding-3-small",
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

// A 64x64 RGB gradient PNG whose colours derive from `seed`.
function gradientPng(seed, size = 64) {
  const [r, g, b] = createHash("sha256").update(seed).digest();
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // Leading 0 = filter type "None".
    for (let x = 0; x < size; x++) row.set([(r + x * 3) & 255, (g + y * 3) & 255, b], 1 + x * 3);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolour, default compression/filter, no interlace.
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(Buffer.concat(rows))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

function handleImages(res, body) {
  if (typeof body?.prompt !== "string") return sendError(res, badRequest("'prompt' must be a string.", "prompt"));
  const n = Number.isInteger(body.n) && body.n > 0 ? Math.min(body.n, 4) : 1;
  const asUrl = body.response_format === "url";
  const data = Array.from({ length: n }, (_, i) => {
    const png = gradientPng(`${body.prompt}#${i}`).toString("base64");
    return asUrl ? { url: `data:image/png;base64,${png}` } : { b64_json: png };
  });
  sendJson(res, 200, { created: nowSeconds(), data });
}

function handleModel(res, id) {
  const model = MODELS.find((m) => m.id === id);
  if (model) return sendJson(res, 200, model);
  sendError(res, {
    status: 404,
    message: `The model '${id}' does not exist`,
    type: "invalid_request_error",
    code: "model_not_found",
    param: "model",
  });
}

// ---------------------------------------------------------------------------
// Handler
// ---------------------------------------------------------------------------

// Clears the request log (in place) and the per-scenario attempt counters.
function resetState(state) {
  state.requests.length = 0;
  state.attempts.clear();
}

function isAuthorized(req, apiKey) {
  return apiKey == null || req.headers.authorization === `Bearer ${apiKey}`;
}

async function route(state, req, res, path, bodyText) {
  const key = `${req.method} ${path}`;
  if (key === "GET /__mock/requests") return sendJson(res, 200, state.requests);
  if (key === "POST /__mock/reset") {
    resetState(state);
    return sendJson(res, 200, { ok: true });
  }
  const body = parseJson(bodyText);
  state.requests.push({ method: req.method, path, headers: { ...req.headers }, body: body ?? bodyText });

  if (req.method === "OPTIONS") {
    res.writeHead(204, { "access-control-max-age": "600" });
    return res.end();
  }
  if (!isAuthorized(req, state.apiKey)) return sendError(res, AUTH_ERROR);

  if (key === "GET /v1/models") return sendJson(res, 200, { object: "list", data: MODELS });
  if (req.method === "GET" && path.startsWith("/v1/models/")) {
    return handleModel(res, decodeURIComponent(path.slice("/v1/models/".length)));
  }
  if (key === "POST /v1/chat/completions") return handleChat(state, req, res, body);
  if (key === "POST /v1/embeddings") return handleEmbeddings(res, body);
  if (key === "POST /v1/images/generations") return handleImages(res, body);
  sendError(res, { status: 404, message: `Unknown route: ${key}`, type: "invalid_request_error", code: "not_found" });
}

/**
 * Creates a node:http request handler serving the mock under `${prefix}/v1/...`.
 * Options: { prefix = "", apiKey = null, pacingMs = 0 }.
 * The returned function also exposes `requests` (the request log) and `reset()`.
 */
export function createGatewayHandler({ prefix = "", apiKey = null, pacingMs = 0 } = {}) {
  const base = prefix.replace(/\/+$/, "");
  const state = { apiKey, pacingMs, requests: [], attempts: new Map(), completions: 0, responses: 0 };

  const handler = async (req, res) => {
    res.setHeader("x-request-id", `req_mock_${++state.responses}`);
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    try {
      const bodyText = await readBody(req);
      const pathname = new URL(req.url, "http://mock.invalid").pathname;
      const path = pathname.startsWith(`${base}/`) ? pathname.slice(base.length) : null;
      if (path === null) {
        return sendError(res, { status: 404, message: `Unknown route: ${req.method} ${pathname}`, type: "invalid_request_error", code: "not_found" });
      }
      await route(state, req, res, path, bodyText);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      sendError(res, { status: 500, message: `Mock gateway failure: ${error.message}`, type: "server_error" });
    }
  };
  handler.requests = state.requests;
  handler.reset = () => resetState(state);
  return handler;
}

const isLoopback = (host) => host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * Starts the mock on a loopback address.
 * Resolves to { url, baseURL, close(): Promise<void>, requests }.
 */
export async function startMockGateway({ host = "127.0.0.1", port = 0, apiKey = null, pacingMs = 0 } = {}) {
  if (!isLoopback(host)) throw new Error(`mock gateway only listens on loopback, got host ${host}`);
  const handler = createGatewayHandler({ apiKey, pacingMs });
  const server = http.createServer(handler);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const { address, port: boundPort } = server.address();
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${boundPort}`;

  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // Also ends hanging and idle keep-alive sockets.
    });
  return { url, baseURL: `${url}/v1`, close, requests: handler.requests };
}
