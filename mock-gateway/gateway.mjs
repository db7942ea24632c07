// Mock OpenAI-compatible gateway for llmwire tests and demos.
// Mimics APIYI / 01.AI quirks (see README.md) using only Node built-ins.

import http from "node:http";
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import { parseMultipart, sniff } from "./multipart.mjs";
import { TOOL_SCENARIOS, jsonContent, toolChoice, toolDeltas, toolMessage, toolResultsText } from "./tools.mjs";

// ---------------------------------------------------------------------------
// Static data
// ---------------------------------------------------------------------------

const FIXED_SENTENCE = "你好，世界 👋 — streamed by the llmwire mock gateway.";
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
  // Retry-After in seconds only (no retry-after-ms), as most gateways send it.
  "http-429-retry-after": {
    status: 429,
    message: "Rate limit reached for requests. Please try again in 1s.",
    type: "requests",
    code: "rate_limit_exceeded",
    headers: { "retry-after": "1" },
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
const THEN_OK_SCENARIOS = {
  "429-then-ok": "http-429", "500-then-ok": "http-500", "529-then-ok": "http-529",
  "429-retry-after-then-ok": "http-429-retry-after",
};

const BEHAVIOUR_SCENARIOS = [
  "ok", "yi-stream", "malformed-event", "error-in-stream", "error-event", "cut-stream",
  "drop-mid-stream", "json-instead-of-sse", "usage-only", "crlf", "image-on-chat", "html-502", "js-only-values",
  "slow-drip", "hang", "headers-then-silence", "huge-line", "rejects-stream-options",
  // Transport faults for the resilience suites (see README.md).
  "byte-drip", "utf8-split", "huge-line-17mib", "echo-key-401", "echo-key-in-stream",
  // Endpoints beyond chat (see README.md).
  "ignore-encoding-format", "base64-always", "embedding-bad-base64", "embedding-bad-length",
  "image-item-empty", "response-failed",
];

export const SCENARIOS = Object.freeze([
  ...BEHAVIOUR_SCENARIOS, ...TOOL_SCENARIOS, ...Object.keys(ERROR_SCENARIOS), ...Object.keys(THEN_OK_SCENARIOS),
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
// Over the client's default 16 MiB bound on one SSE event.
const HUGER_CONTENT_BYTES = 17 * 1024 * 1024;
const SLOW_DRIP_MS = 150;
// byte-drip and utf8-split: the pause between two writes, and byte-drip's content piece size.
const BYTE_PAUSE_MS = 1;
const BYTE_DRIP_PIECE = 32;

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
    req.on("end", () => resolve(Buffer.concat(parts)));
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

// Cuts `text` to `limit` whitespace-separated tokens.
function truncate(text, limit) {
  const tokens = text.match(/\S+\s*/g) ?? [];
  if (!Number.isInteger(limit) || limit >= tokens.length) return { content: text, finishReason: "stop" };
  return { content: tokens.slice(0, limit).join("").trimEnd(), finishReason: "length" };
}

function baseReplyText(messages) {
  const last = messages.at(-1);
  if (last?.role === "tool") return toolResultsText(messages);
  const lastUser = messages.findLast((message) => message?.role === "user");
  return `Echo: ${textOf(lastUser?.content)}. ${FIXED_SENTENCE}`;
}

// Builds one reply per choice: { content } or { toolCalls } (mock-gateway/tools.mjs), plus finishReason.
function buildChoices(body, scenario) {
  const n = Number.isInteger(body.n) && body.n > 0 ? Math.min(body.n, 8) : 1;
  const calls = toolChoice(body, scenario);
  if (calls) return Array.from({ length: n }, () => calls);
  const json = jsonContent(body, scenario);
  const base = json ?? baseReplyText(body.messages);
  const limit = body.max_tokens ?? body.max_completion_tokens;
  // Choices after the first get a suffix so interleaving mistakes are detectable (not in JSON answers).
  return Array.from({ length: n }, (_, i) => truncate(i === 0 || json ? base : `${base} (choice ${i})`, limit));
}

function usageFor(body, choices) {
  const prompt = body.messages.reduce((sum, message) => sum + 3 + countTokens(textOf(message?.content)), 0);
  const completion = choices.reduce(
    (sum, choice) => sum + countTokens(choice.toolCalls ? choice.toolCalls.map((c) => c.arguments).join(" ") : choice.content),
    0,
  );
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function messageOf(choice) {
  return choice.toolCalls ? toolMessage(choice) : { role: "assistant", content: choice.content };
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
  if (choice.toolCalls) return toolDeltas(choice, splitPieces);
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
// Members that JSON.parse reads and serde_json refuses: a number beyond f64 and a lone surrogate
// half (js-only-values), added to a JSON object's text.
const withJsOnlyValues = (json) => `${json.slice(0, -1)},"x_score":1e400,"x_tag":"\\ud83d"}`;

// The bearer token a request carried ("" without one), for the echo-key scenarios.
const bearerOf = (req) => (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
// A careless upstream that puts the caller's key in its errors (the client must redact it).
const echoedKeyError = (secret) => ({
  error: { message: `Upstream rejected the key ${secret} (echoed by a careless proxy)`, type: "server_error", code: "upstream_auth" },
});
const echoedKey401 = (secret) => ({
  ...AUTH_ERROR,
  message: `Incorrect API key provided: ${secret}. You can find your API key at https://platform.openai.com/account/api-keys.`,
});
const STREAM_ERROR = { error: { message: "upstream overloaded", type: "server_error", code: "overloaded" } };
const EVENT_ERROR = { error: { message: "stream failed", type: "server_error" } };

// How the bytes of a scenario's frames are cut into writes (see writeFrames).
const writeModeOf = (scenario) => (scenario === "byte-drip" ? "bytes" : scenario === "utf8-split" ? "utf8" : "halves");

// What to write for a scenario: frames, how to end (end | destroy | silence), optional pacing,
// and how to cut the bytes into writes. `secret` is the caller's bearer token (echo-key-in-stream).
function streamPlan(scenario, chunks, secret = "") {
  const frames = chunks.map(dataFrame);
  const head = frames.slice(0, GOOD_PREFIX);
  switch (scenario) {
    case "byte-drip":
    case "utf8-split":
      return { frames: [...frames, DONE_FRAME], writes: writeModeOf(scenario) };
    case "echo-key-in-stream":
      return { frames: [...head, dataFrame(echoedKeyError(secret))] };
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

// Cuts a frame's bytes into writes. "halves": two halves split at the byte midpoint (possibly
// inside a UTF-8 sequence). "bytes": one byte per write. "utf8": runs of ASCII whole, and every
// byte of a multi-byte UTF-8 sequence alone, so each such character is split at each boundary.
function framePieces(bytes, mode) {
  if (mode === "bytes") return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  if (mode === "utf8") {
    const pieces = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] < 0x80) continue;
      if (i > start) pieces.push(bytes.subarray(start, i));
      pieces.push(bytes.subarray(i, i + 1));
      start = i + 1;
    }
    if (start < bytes.length) pieces.push(bytes.subarray(start));
    return pieces;
  }
  const mid = bytes.length >> 1;
  return [bytes.subarray(0, mid), bytes.subarray(mid)];
}

// Writes each frame cut by `mode` (default: two halves) so clients must reassemble frames
// across network chunks. "bytes" and "utf8" pause BYTE_PAUSE_MS between writes so that the
// pieces arrive as separate reads.
async function writeFrames(res, frames, pacingMs, isOpen, mode = "halves") {
  const pause = mode === "halves" ? 0 : BYTE_PAUSE_MS;
  let first = true;
  for (const [i, frame] of frames.entries()) {
    if (i > 0 && pacingMs > 0) await sleep(pacingMs);
    for (const part of framePieces(Buffer.from(frame), mode)) {
      if (!first && pause > 0) await sleep(pause);
      first = false;
      if (!isOpen() || !(await writeChunk(res, part))) return false;
    }
  }
  return true;
}

async function streamCompletion(res, { meta, choices, usage, scenario, includeUsage, pacingMs, secret }) {
  const pieceSize = scenario === "huge-line" || scenario === "huge-line-17mib" ? Infinity : scenario === "byte-drip" ? BYTE_DRIP_PIECE : 4;
  let chunks = streamChunks(meta, choices, pieceSize);
  if (scenario === "yi-stream") chunks = toYiChunks(chunks, usage);
  else if (includeUsage || scenario === "usage-only") {
    chunks.push({ id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model, choices: [], usage });
  }
  const plan = streamPlan(scenario, chunks, secret);
  if (scenario === "js-only-values") plan.frames = chunks.map((chunk) => `data: ${withJsOnlyValues(JSON.stringify(chunk))}\n\n`).concat(DONE_FRAME);

  let open = true;
  res.once("close", () => { open = false; });
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  res.flushHeaders();

  const completed = await writeFrames(res, plan.frames, plan.pacingMs ?? pacingMs, () => open, plan.writes);
  if (!completed || plan.ending === "silence") return;
  if (plan.ending === "destroy") dropSoon(res);
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
  if (scenario === "echo-key-401") return sendError(res, echoedKey401(bearerOf(req)));
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
  if (scenario === "image-on-chat" || body.model === IMAGE_CHAT_MODEL) return handleChatImage(state, req, res, body);

  const meta = { id: `chatcmpl-mock-${++state.completions}`, created: nowSeconds(), model: body.model ?? "gpt-4o-mini" };
  const hugeBytes = { "huge-line": HUGE_CONTENT_BYTES, "huge-line-17mib": HUGER_CONTENT_BYTES }[scenario];
  const choices = hugeBytes ? [{ content: "a".repeat(hugeBytes), finishReason: "stop" }] : buildChoices(body, scenario);
  const usage = usageFor(body, choices);
  if (scenario === "js-only-values" && body.stream !== true) {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(withJsOnlyValues(JSON.stringify(completionObject(meta, choices, usage))));
  }
  if (body.stream !== true || scenario === "json-instead-of-sse") {
    return sendJson(res, 200, completionObject(meta, choices, usage));
  }
  const includeUsage = body.stream_options?.include_usage === true;
  return streamCompletion(res, { meta, choices, usage, scenario, includeUsage, pacingMs: state.pacingMs, secret: bearerOf(req) });
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

function handleEmbeddings(state, req, res, body) {
  const scenario = preflight(state, req, res, body);
  if (scenario === undefined) return;
  const inputs = embeddingInputs(body?.input);
  if (!inputs) return sendError(res, badRequest("'input' must be a string or a non-empty array.", "input"));
  const dims = Number.isInteger(body.dimensions) && body.dimensions > 0 ? Math.min(body.dimensions, 4096) : 8;
  // Some gateways ignore encoding_format and answer floats, or always answer base64.
  const base64 = scenario === "base64-always" || (body.encoding_format === "base64" && scenario !== "ignore-encoding-format");
  const data = inputs.map((text, index) => {
    const vector = embeddingFor(text, dims);
    let embedding = base64 ? float32Base64(vector) : vector;
    if (scenario === "embedding-bad-base64") embedding = "not*base64!";
    if (scenario === "embedding-bad-length") embedding = Buffer.from([1, 2, 3, 4, 5, 6, 7]).toString("base64");
    return { object: "embedding", index, embedding };
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

function handleImages(state, req, res, body) {
  const scenario = preflight(state, req, res, body);
  if (scenario === undefined) return;
  if (typeof body?.prompt !== "string") return sendError(res, badRequest("'prompt' must be a string.", "prompt"));
  const n = Number.isInteger(body.n) && body.n > 0 ? Math.min(body.n, 4) : 1;
  const asUrl = body.response_format === "url";
  const data = Array.from({ length: n }, (_, i) => {
    if (scenario === "image-item-empty") return { revised_prompt: body.prompt };
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
// Endpoints beyond chat: image models on chat, image edits, transcriptions,
// legacy completions, Responses
// ---------------------------------------------------------------------------

const IMAGE_CHAT_MODEL = "gpt-image-2-vip";
// APIYI's 30 size buckets for gpt-image-2-vip (seed 003), plus "auto".
const SIZE_BUCKETS = new Set([
  "auto", "1280x1280", "848x1280", "1280x848", "960x1280", "1280x960", "1024x1280", "1280x1024", "720x1280",
  "1280x720", "1280x544", "2048x2048", "1360x2048", "2048x1360", "1536x2048", "2048x1536", "1632x2048",
  "2048x1632", "1152x2048", "2048x1152", "2048x864", "2880x2880", "2336x3520", "3520x2336", "2480x3312",
  "3312x2480", "2560x3216", "3216x2560", "2160x3840", "3840x2160", "3840x1632",
]);
const EDIT_IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"];
const AUDIO_EXTENSIONS = ["flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav", "webm"];
const TRANSCRIPTION_FORMATS = ["json", "verbose_json", "text", "srt", "vtt"];
const sha256 = (...parts) => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
};

// Applies the scenario of a request: answers it (unknown scenario, HTTP error, hang) and returns
// undefined, or returns the scenario name for the handler to act on.
function preflight(state, req, res, body) {
  const scenario = scenarioOf(req, body);
  if (!SCENARIOS.includes(scenario)) {
    sendError(res, badRequest(`Unknown mock scenario: ${scenario}`, null, "unknown_scenario"));
    return undefined;
  }
  const attempt = (state.attempts.get(scenario) ?? 0) + 1;
  state.attempts.set(scenario, attempt);
  if (scenario === "hang") return undefined;
  const failure = ERROR_SCENARIOS[scenario] ?? (attempt === 1 ? ERROR_SCENARIOS[THEN_OK_SCENARIOS[scenario]] : undefined);
  if (failure) {
    sendError(res, failure);
    return undefined;
  }
  if (scenario === "echo-key-401") {
    sendError(res, echoedKey401(bearerOf(req)));
    return undefined;
  }
  if (scenario === "html-502") {
    res.writeHead(502, { "content-type": "text/html" });
    res.end(HTML_502);
    return undefined;
  }
  return scenario;
}

// What the request log keeps of a multipart body: text fields, and files by name, type, size and hash.
function formSummary(parts) {
  const fields = {};
  const files = [];
  for (const part of parts) {
    if (part.filename === undefined) {
      const value = part.data.toString("utf8");
      fields[part.name] = part.name in fields ? [fields[part.name], value].flat() : value;
    } else {
      files.push({
        name: part.name, filename: part.filename, contentType: part.contentType ?? null,
        size: part.data.length, sha256: sha256(part.data), sniffed: sniff(part.data) ?? null,
      });
    }
  }
  return { fields, files };
}

function mockImageUrl(state, req, seed) {
  return `http://${req.headers.host}${state.base}/v1/mock-images/${seed}.png`;
}

function servePng(res, file) {
  const seed = /^([A-Za-z0-9_-]{1,64})\.png$/.exec(file)?.[1];
  if (!seed) return sendError(res, { status: 404, message: "No such image", type: "invalid_request_error", code: "not_found" });
  res.writeHead(200, { "content-type": "image/png", "cache-control": "public, max-age=3600" });
  res.end(gradientPng(seed));
}

// Why an image_url is unusable, or undefined: https URLs pass; data URLs must be base64 whose
// bytes are the image type they claim.
function imageUrlProblem(url) {
  if (typeof url !== "string") return "image_url.url must be a string";
  if (/^https?:\/\//i.test(url)) return undefined;
  const m = /^data:(image\/[a-z]+);base64,(.*)$/s.exec(url);
  if (!m) return "image_url.url must be an https:// URL or a data:image/...;base64, URL";
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(m[2])) return "the image data URL is not valid base64";
  const actual = sniff(Buffer.from(m[2], "base64"));
  if (actual !== m[1]) return `the image data URL says ${m[1]} but holds ${actual ?? "unrecognised bytes"}`;
  return undefined;
}

// gpt-image-2-vip on /chat/completions (seed 003): one image as {data:[{url|b64_json}], created,
// usage:{input_tokens, output_tokens, total_tokens}}, no choices, also when stream: true is asked.
function handleChatImage(state, req, res, body) {
  if (body.size !== undefined && !SIZE_BUCKETS.has(body.size)) {
    return sendError(res, badRequest(`Invalid size '${body.size}': pick one of the 30 size buckets, or auto.`, "size", "invalid_value"));
  }
  const seen = [];
  for (const message of body.messages) {
    if (typeof message?.content === "string") {
      seen.push(message.content);
      continue;
    }
    if (!Array.isArray(message?.content)) return sendError(res, badRequest("Message content must be a string or an array of parts.", "messages"));
    for (const part of message.content) {
      if (part?.type === "text") seen.push(String(part.text));
      else if (part?.type === "image_url") {
        const problem = imageUrlProblem(part.image_url?.url);
        if (problem) return sendError(res, badRequest(problem, "messages", "invalid_image_url"));
        seen.push(sha256(part.image_url.url));
      } else return sendError(res, badRequest(`Unsupported content part type: ${part?.type}`, "messages"));
    }
  }
  const seed = sha256(seen.join("\n")).slice(0, 16);
  // b64_json already carries the data: prefix on this endpoint (seed 003).
  const item = body.response_format === "b64_json"
    ? { b64_json: `data:image/png;base64,${gradientPng(seed).toString("base64")}` }
    : { url: mockImageUrl(state, req, seed) };
  const input = seen.reduce((sum, text) => sum + countTokens(text), 0) + 8;
  sendJson(res, 200, { data: [item], created: nowSeconds(), usage: { input_tokens: input, output_tokens: 1056, total_tokens: input + 1056 } });
}

// Why an uploaded part is not an acceptable file, or undefined.
function fileProblem(part, label, types) {
  if (part.filename === undefined) return `'${label}' must be a file upload (a part with a filename), not a text field.`;
  if (!part.filename) return `'${label}' has an empty filename.`;
  if (!types.includes(part.contentType)) {
    return `Invalid file '${label}': unsupported mimetype ('${part.contentType ?? "none"}'). Supported file formats are ${types.join(", ")}.`;
  }
  const actual = sniff(part.data);
  if (actual !== part.contentType) return `Invalid file '${label}': declared ${part.contentType} but the bytes are ${actual ?? "unrecognised"}.`;
  return undefined;
}

function multipartRequired(res, parts, summary, route) {
  const message = summary?.malformed ? `Malformed multipart body: ${summary.malformed}` : `${route} expects multipart/form-data.`;
  sendError(res, badRequest(message, null, "invalid_multipart"));
}

// POST /v1/images/edits: checks each image part (field name, filename, type, bytes) and answers
// PNGs derived from the uploaded bytes and the prompt.
function handleImageEdits(state, req, res, parts, summary) {
  if (!parts) return multipartRequired(res, parts, summary, "images/edits");
  const scenario = preflight(state, req, res, { model: summary.fields.model });
  if (scenario === undefined) return;
  const images = parts.filter((part) => part.name === "image" || part.name === "image[]");
  if (images.length === 0) return sendError(res, badRequest("'image' is required: one or more image files.", "image"));
  for (const image of images) {
    const problem = fileProblem(image, image.name, EDIT_IMAGE_TYPES);
    if (problem) return sendError(res, badRequest(problem, image.name, "invalid_image_file"));
  }
  const mask = parts.find((part) => part.name === "mask");
  const maskProblem = mask && fileProblem(mask, "mask", ["image/png"]);
  if (maskProblem) return sendError(res, badRequest(maskProblem, "mask", "invalid_image_file"));
  const { prompt } = summary.fields;
  if (typeof prompt !== "string" || prompt.length === 0) return sendError(res, badRequest("'prompt' is required.", "prompt"));
  const n = Math.min(Math.max(Number.parseInt(summary.fields.n ?? "1", 10) || 1, 1), 4);
  const data = Array.from({ length: n }, (_, i) => {
    if (scenario === "image-item-empty") return { revised_prompt: prompt };
    const seed = sha256(prompt, `#${i}`, ...images.map((image) => image.data)).slice(0, 16);
    return summary.fields.response_format === "url" ? { url: mockImageUrl(state, req, seed) } : { b64_json: gradientPng(seed).toString("base64") };
  });
  const imageTokens = 194 * images.length;
  const textTokens = countTokens(prompt);
  sendJson(res, 200, {
    created: nowSeconds(),
    data,
    usage: {
      input_tokens: imageTokens + textTokens, output_tokens: 1056 * n, total_tokens: imageTokens + textTokens + 1056 * n,
      input_tokens_details: { image_tokens: imageTokens, text_tokens: textTokens },
    },
  });
}

// POST /v1/audio/transcriptions: checks the `file` part like Whisper does (a filename with a
// supported extension, an audio type, audio bytes) and answers in the asked response_format.
function handleTranscriptions(state, req, res, parts, summary) {
  if (!parts) return multipartRequired(res, parts, summary, "audio/transcriptions");
  const scenario = preflight(state, req, res, { model: summary.fields.model });
  if (scenario === undefined) return;
  const files = parts.filter((part) => part.name === "file");
  if (files.length !== 1) return sendError(res, badRequest("'file' is required: exactly one audio file.", "file"));
  const [file] = files;
  if (file.filename === undefined) return sendError(res, badRequest("'file' must be a file upload (a part with a filename).", "file"));
  const extension = file.filename.includes(".") ? file.filename.split(".").pop().toLowerCase() : "";
  if (!AUDIO_EXTENSIONS.includes(extension)) {
    return sendError(res, badRequest(`Invalid file format. Supported formats: ${JSON.stringify(AUDIO_EXTENSIONS)}`, "file", "invalid_file_format"));
  }
  if (!/^(audio|video)\//.test(file.contentType ?? "")) {
    return sendError(res, badRequest(`Invalid content type '${file.contentType ?? "none"}' for 'file'.`, "file", "invalid_file_format"));
  }
  const actual = sniff(file.data);
  if (!actual?.startsWith("audio/")) return sendError(res, badRequest("The file does not contain audio the mock recognises.", "file", "invalid_file_format"));
  const { model, language, prompt, temperature } = summary.fields;
  const format = summary.fields.response_format ?? "json";
  if (typeof model !== "string" || !model) return sendError(res, badRequest("'model' is required.", "model"));
  if (language !== undefined && !/^[a-z]{2}$/.test(language)) return sendError(res, badRequest("'language' must be an ISO-639-1 code such as 'en'.", "language"));
  const temp = temperature === undefined ? 0 : Number(temperature);
  if (!(temp >= 0 && temp <= 1)) return sendError(res, badRequest("'temperature' must be a number from 0 to 1.", "temperature"));
  if (!TRANSCRIPTION_FORMATS.includes(format)) return sendError(res, badRequest(`'response_format' must be one of ${TRANSCRIPTION_FORMATS.join(", ")}.`, "response_format"));

  const text = `Transcribed ${file.filename}: ${file.data.length} bytes of ${actual}.` +
    (prompt ? ` Prompt: ${prompt}.` : "") + (language ? ` Language: ${language}.` : "");
  const duration = 2.5;
  const plain = (body) => {
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    res.end(body);
  };
  switch (format) {
    case "text":
      return plain(`${text}\n`);
    case "srt":
      return plain(`1\n00:00:00,000 --> 00:00:02,500\n${text}\n\n`);
    case "vtt":
      return plain(`WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n${text}\n\n`);
    case "verbose_json": {
      const granularities = [summary.fields["timestamp_granularities[]"] ?? []].flat();
      const words = granularities.includes("word")
        ? text.split(" ").map((word, i, all) => ({ word, start: (i * duration) / all.length, end: ((i + 1) * duration) / all.length }))
        : undefined;
      return sendJson(res, 200, {
        task: "transcribe", language: language ?? "english", duration, text,
        segments: [{ id: 0, seek: 0, start: 0, end: duration, text, tokens: [50364, 50489], temperature: temp, avg_logprob: -0.21, compression_ratio: 1.1, no_speech_prob: 0.01 }],
        ...(words ? { words } : {}),
      });
    }
    default:
      return sendJson(res, 200, { text });
  }
}

// Drops the connection shortly after the last write. At once, a browser can lose bytes it already
// received: erroring a ReadableStream discards the chunks queued in it (Streams spec), so the page
// would see the drop without the prefix that came before it.
const DROP_DELAY_MS = 100;
function dropSoon(res) {
  const timer = setTimeout(() => res.socket?.destroy(), DROP_DELAY_MS);
  res.once("close", () => clearTimeout(timer));
}

// Writes an SSE plan ({ frames, ending, pacingMs }) as streamCompletion does.
async function sendPlan(res, plan, pacingMs) {
  let open = true;
  res.once("close", () => { open = false; });
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  res.flushHeaders();
  const completed = await writeFrames(res, plan.frames, plan.pacingMs ?? pacingMs, () => open, plan.writes);
  if (!completed || plan.ending === "silence") return;
  if (plan.ending === "destroy") dropSoon(res);
  else res.end();
}

// POST /v1/completions (legacy): `Echo: <prompt>. …` per choice; streams `text_completion`
// chunks in 4-character pieces, with the chat stream-fault scenarios.
function handleCompletions(state, req, res, body) {
  const scenario = preflight(state, req, res, body);
  if (scenario === undefined) return;
  const prompt = typeof body?.prompt === "string" ? body.prompt : Array.isArray(body?.prompt) && typeof body.prompt[0] === "string" ? body.prompt[0] : undefined;
  if (prompt === undefined) return sendError(res, badRequest("'prompt' must be a string or an array of strings.", "prompt"));
  const n = Number.isInteger(body.n) && body.n > 0 ? Math.min(body.n, 8) : 1;
  const base = `Echo: ${prompt}. ${FIXED_SENTENCE}`;
  const choices = Array.from({ length: n }, (_, i) => truncate(i === 0 ? base : `${base} (choice ${i})`, body.max_tokens));
  const promptTokens = countTokens(prompt);
  const completionTokens = choices.reduce((sum, choice) => sum + countTokens(choice.content), 0);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const meta = { id: `cmpl-mock-${++state.completions}`, object: "text_completion", created: nowSeconds(), model: body.model ?? "gpt-3.5-turbo-instruct" };
  if (body.stream !== true || scenario === "json-instead-of-sse") {
    const whole = choices.map((choice, index) => ({ text: choice.content, index, logprobs: null, finish_reason: choice.finishReason }));
    return sendJson(res, 200, { ...meta, choices: whole, usage });
  }
  const perChoice = choices.map((choice) => [
    ...splitPieces(choice.content, 4).map((text) => ({ text, finish_reason: null })),
    { text: "", finish_reason: choice.finishReason },
  ]);
  const chunks = [];
  for (let step = 0; step < Math.max(...perChoice.map((steps) => steps.length)); step++) {
    perChoice.forEach((steps, index) => {
      if (steps[step]) chunks.push({ ...meta, choices: [{ index, logprobs: null, ...steps[step] }] });
    });
  }
  if (body.stream_options?.include_usage === true) chunks.push({ ...meta, choices: [], usage });
  return sendPlan(res, streamPlan(scenario, chunks, bearerOf(req)), state.pacingMs);
}

// The text of a Responses `input`: a string, or the last user message's text parts.
function responsesInputText(input) {
  if (typeof input === "string") return input;
  if (!Array.isArray(input)) return undefined;
  const user = input.findLast((item) => (item?.role ?? "user") === "user");
  if (typeof user?.content === "string") return user.content;
  if (!Array.isArray(user?.content)) return "";
  return user.content.filter((part) => part?.type === "input_text" || part?.type === "text").map((part) => part.text).join(" ");
}

// POST /v1/responses: a `response` object, or its typed event stream (`event:` lines and a
// `type` in each data object), with error, failure and cut scenarios.
function handleResponses(state, req, res, body) {
  const scenario = preflight(state, req, res, body);
  if (scenario === undefined) return;
  const input = responsesInputText(body?.input);
  if (input === undefined) return sendError(res, badRequest("'input' must be a string or an array of input items.", "input"));
  const n = ++state.completions;
  const [id, msgId] = [`resp_mock_${n}`, `msg_mock_${n}`];
  const { content, finishReason } = truncate(`Echo: ${input}. ${FIXED_SENTENCE}`, body.max_output_tokens);
  const incomplete = finishReason === "length";
  const inputTokens = countTokens(input) + 3;
  const usage = { input_tokens: inputTokens, output_tokens: countTokens(content), total_tokens: inputTokens + countTokens(content) };
  const item = (status, text) => ({
    id: msgId, type: "message", status, role: "assistant",
    content: text === undefined ? [] : [{ type: "output_text", text, annotations: [] }],
  });
  const created = nowSeconds();
  const response = (status, output, extra = {}) => ({
    id, object: "response", created_at: created, status, error: null, incomplete_details: null,
    instructions: body.instructions ?? null, max_output_tokens: body.max_output_tokens ?? null,
    model: body.model ?? "gpt-4o-mini", output, parallel_tool_calls: true, temperature: body.temperature ?? 1,
    top_p: body.top_p ?? 1, usage: null, ...extra,
  });
  const status = incomplete ? "incomplete" : "completed";
  const final = response(status, [item(status, content)], { usage, incomplete_details: incomplete ? { reason: "max_output_tokens" } : null });
  if (body.stream !== true || scenario === "json-instead-of-sse") return sendJson(res, 200, final);

  let sequence = 0;
  const event = (type, fields) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`;
  const at = { item_id: msgId, output_index: 0, content_index: 0 };
  const frames = [
    event("response.created", { response: response("in_progress", []) }),
    event("response.in_progress", { response: response("in_progress", []) }),
    event("response.output_item.added", { output_index: 0, item: item("in_progress") }),
    event("response.content_part.added", { ...at, part: { type: "output_text", text: "", annotations: [] } }),
  ];
  const pieces = splitPieces(content, 4);
  const goodDeltas = scenario === "ok" || scenario === "slow-drip" ? pieces.length : 2;
  for (const delta of pieces.slice(0, goodDeltas)) frames.push(event("response.output_text.delta", { ...at, delta, logprobs: [] }));
  switch (scenario) {
    case "error-event":
    case "error-in-stream":
      frames.push(event("error", { code: "server_error", message: "The server had an error while processing your request.", param: null }));
      return sendPlan(res, { frames }, state.pacingMs);
    case "response-failed":
      frames.push(event("response.failed", { response: response("failed", [], { error: { code: "server_error", message: "The model failed to generate a response." } }) }));
      return sendPlan(res, { frames }, state.pacingMs);
    case "malformed-event":
      return sendPlan(res, { frames: [...frames, MALFORMED_FRAME] }, state.pacingMs);
    case "cut-stream":
      return sendPlan(res, { frames }, state.pacingMs);
    case "drop-mid-stream":
      return sendPlan(res, { frames, ending: "destroy" }, state.pacingMs);
    default:
      break;
  }
  for (const delta of pieces.slice(goodDeltas)) frames.push(event("response.output_text.delta", { ...at, delta, logprobs: [] }));
  frames.push(
    event("response.output_text.done", { ...at, text: content, logprobs: [] }),
    event("response.content_part.done", { ...at, part: { type: "output_text", text: content, annotations: [] } }),
    event("response.output_item.done", { output_index: 0, item: item(status, content) }),
    event(incomplete ? "response.incomplete" : "response.completed", { response: final }),
  );
  return sendPlan(res, { frames, pacingMs: scenario === "slow-drip" ? SLOW_DRIP_MS : undefined, writes: writeModeOf(scenario) }, state.pacingMs);
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

async function route(state, req, res, path, bodyBytes) {
  const key = `${req.method} ${path}`;
  if (key === "GET /__mock/requests") return sendJson(res, 200, state.requests);
  if (key === "POST /__mock/reset") {
    resetState(state);
    return sendJson(res, 200, { ok: true });
  }
  const bodyText = bodyBytes.toString("utf8");
  const multipart = /^multipart\//i.test(req.headers["content-type"] ?? "");
  let body = multipart ? undefined : parseJson(bodyText);
  let parts;
  if (multipart) {
    try {
      parts = parseMultipart(bodyBytes, req.headers["content-type"]);
      body = formSummary(parts);
    } catch (error) {
      body = { malformed: error.message };
    }
  }
  state.requests.push({ method: req.method, path, headers: { ...req.headers }, body: body ?? bodyText, at: Date.now() });

  if (req.method === "OPTIONS") {
    res.writeHead(204, { "access-control-max-age": "600" });
    return res.end();
  }
  // Generated images are public, like a CDN link: an <img> cannot send a key.
  if (req.method === "GET" && path.startsWith("/v1/mock-images/")) return servePng(res, path.slice("/v1/mock-images/".length));
  if (!isAuthorized(req, state.apiKey)) return sendError(res, AUTH_ERROR);

  if (key === "GET /v1/models") return sendJson(res, 200, { object: "list", data: MODELS });
  if (req.method === "GET" && path.startsWith("/v1/models/")) {
    return handleModel(res, decodeURIComponent(path.slice("/v1/models/".length)));
  }
  if (key === "POST /v1/chat/completions") return handleChat(state, req, res, body);
  if (key === "POST /v1/embeddings") return handleEmbeddings(state, req, res, body);
  if (key === "POST /v1/images/generations") return handleImages(state, req, res, body);
  if (key === "POST /v1/images/edits") return handleImageEdits(state, req, res, parts, body);
  if (key === "POST /v1/audio/transcriptions") return handleTranscriptions(state, req, res, parts, body);
  if (key === "POST /v1/completions") return handleCompletions(state, req, res, body);
  if (key === "POST /v1/responses") return handleResponses(state, req, res, body);
  sendError(res, { status: 404, message: `Unknown route: ${key}`, type: "invalid_request_error", code: "not_found" });
}

/**
 * Creates a node:http request handler serving the mock under `${prefix}/v1/...`.
 * Options: { prefix = "", apiKey = null, pacingMs = 0 }.
 * The returned function also exposes `requests` (the request log) and `reset()`.
 */
export function createGatewayHandler({ prefix = "", apiKey = null, pacingMs = 0 } = {}) {
  const base = prefix.replace(/\/+$/, "");
  const state = { apiKey, pacingMs, base, requests: [], attempts: new Map(), completions: 0, responses: 0 };

  const handler = async (req, res) => {
    res.setHeader("x-request-id", `req_mock_${++state.responses}`);
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    try {
      const bodyBytes = await readBody(req);
      const pathname = new URL(req.url, "http://mock.invalid").pathname;
      const path = pathname.startsWith(`${base}/`) ? pathname.slice(base.length) : null;
      if (path === null) {
        return sendError(res, { status: 404, message: `Unknown route: ${req.method} ${pathname}`, type: "invalid_request_error", code: "not_found" });
      }
      await route(state, req, res, path, bodyBytes);
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
