// Writes the seed corpora in fuzz/seeds/<target>/ (committed; run again after editing).
// Stream seeds use the layout of fuzz_targets/common.rs: flags, k, k chunk lengths, body.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const enc = (s) => Buffer.from(s, "utf8");
const framed = (flags, lengths, body) => Buffer.concat([Buffer.from([flags, lengths.length, ...lengths]), typeof body === "string" ? enc(body) : body]);
const sse = (...datas) => datas.map((d) => `data: ${typeof d === "string" ? d : JSON.stringify(d)}\n\n`).join("");
const chunk = (choices, extra = {}) => ({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1702855400, model: "gpt-4o-mini", choices, ...extra });
const delta = (d, finish = null, index = 0) => ({ index, delta: d, finish_reason: finish });

// The 01.AI streaming samples, as printed in their docs (line numbers stripped).
const yi = readFileSync(join(here, "../../shared/seeds/004_801e6ecdae9833b3.txt"), "utf8").split("\n");
const sample = (from, to) => yi.slice(from - 1, to).filter((l) => /^\d+data: /.test(l)).map((l) => l.replace(/^\d+/, ""));
const yiVision = sample(669, 674); // holds the malformed line with an extra `}`
const yiLarge = sample(315, 319);

const basic = sse(
  chunk([delta({ role: "assistant", content: "" })]),
  chunk([delta({ content: "Hello" })]),
  chunk([delta({ content: ", world" })]),
  chunk([delta({}, "stop")]),
  chunk([], { usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } }),
) + "data: [DONE]\n\n";
const utf8 = sse(
  chunk([delta({ role: "assistant", content: "你好" })]),
  chunk([delta({ content: " 🚀 é\u0301 \u2028 \"quoted\" \\ \n" })]),
  chunk([delta({ content: "" }, "stop")]),
) + "data: [DONE]\n\n";
const tools = sse(
  chunk([delta({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }] })]),
  chunk([delta({ tool_calls: [{ index: 0, function: { arguments: "{\"city\":" } }] })]),
  chunk([delta({ tool_calls: [{ index: 0, function: { arguments: "\"Paris\"}" } }, { index: 1, id: "call_b", type: "function", function: { name: "now", arguments: "{}" } }] })]),
  chunk([delta({}, "tool_calls")]),
) + "data: [DONE]\n\n";
const extras = sse(
  chunk([{ ...delta({ role: "assistant", reasoning_content: "think " }), logprobs: { content: [{ token: "a", logprob: -0.1 }] } }], { system_fingerprint: "fp_1" }),
  chunk([{ ...delta({ reasoning_content: "more", content: "a" }), logprobs: { content: [{ token: "b", logprob: -0.2 }] } }]),
  chunk([delta({ refusal: "no" }, null, 1)]),
  chunk([delta({}, "stop"), delta({}, "content_filter", 1)]),
);
const errorEvent = sse(chunk([delta({ content: "partial" })])) +
  "event: error\ndata: {\"error\":{\"message\":\"upstream overloaded\",\"type\":\"server_error\",\"code\":529}}\n\n";
const errorInData = sse(chunk([delta({ content: "a" })]), { error: { message: "rate limited", type: "requests", code: "rate_limit_exceeded", param: null } });
const fields = ": keep-alive\r\nretry: 1500\r\nid: 42\r\nevent: ping\r\ndata: {}\r\n\r\nid: bad\0id\rdata: " +
  JSON.stringify(chunk([delta({ content: "x" }, "stop")])) + "\r\rdata\n\ndata:no-space\ndata:  two spaces\n\nfoo: bar\n\n";
const completion = JSON.stringify({
  id: "chatcmpl-abc123", object: "chat.completion", created: 1702855400, model: "gpt-4o",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello! I am an AI assistant.", tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{\"q\":1}" } }] }, finish_reason: "stop" }],
  usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 }, lastOne: true,
});
const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc(basic.replaceAll("\n", "\r\n"))]);

const streams = {
  "basic-lf": framed(0, [], basic),
  "basic-crlf-bom-chunked": framed(0, [1, 2, 7, 64], bom),
  "utf8-split": framed(0, [1, 2, 3, 5], utf8),
  "tool-calls": framed(0, [13, 200, 0, 31], tools),
  "extras-logprobs-refusal": framed(0, [], extras),
  "error-event": framed(0, [40, 3], errorEvent),
  "error-in-data": framed(0, [], errorInData),
  "fields-cr-comments": framed(0, [2, 1], fields),
  "yi-vision-malformed": framed(0, [], yiVision.join("\n") + "\n\n"),
  "yi-vision-malformed-events": framed(0, [9], yiVision.join("\n\n") + "\n\n"),
  "yi-large": framed(0, [], yiLarge.join("\n\n") + "\n\n"),
  "truncated": framed(0, [17], basic.slice(0, 300)),
  "small-limit": framed(0x41, [5], basic),
};

function write(target, files) {
  const dir = join(here, "seeds", target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
}

write("sse_decoder", { ...streams, "small-limit-utf8": framed(0x1f, [3], utf8) });
write("chat_stream", {
  ...streams,
  "small-limit-tools": framed(0x31, [7], tools),
  "json-body": framed(2, [], completion),
  "json-body-error": framed(2, [], "{\"error\":{\"message\":\"Invalid API key\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"),
});
// /responses (flags bit 0 clear) and /completions (bit 0 set) streams for event_streams.
const rev = (type, rest) => `event: ${type}\ndata: ${JSON.stringify({ type, ...rest })}\n\n`;
const resp = (status, output) => ({ id: "resp_1", object: "response", created_at: 1732000000, status, model: "gpt-4o-mini", output });
const msg = { id: "msg_1", type: "message", status: "in_progress", role: "assistant", content: [] };
const responses = [
  rev("response.created", { response: resp("in_progress", []) }),
  rev("response.output_item.added", { output_index: 0, item: { id: "rs_1", type: "reasoning", summary: [] } }),
  rev("response.reasoning_summary_part.added", { output_index: 0, summary_index: 0, part: { type: "summary_text", text: "" } }),
  rev("response.reasoning_summary_text.delta", { output_index: 0, summary_index: 0, delta: "think 🤔" }),
  rev("response.output_item.added", { output_index: 1, item: msg }),
  rev("response.content_part.added", { output_index: 1, content_index: 0, part: { type: "output_text", text: "", annotations: [] } }),
  rev("response.output_text.delta", { output_index: 1, content_index: 0, delta: "Hel" }),
  rev("response.output_text.delta", { output_index: 1, content_index: 0, delta: "lo 你好" }),
  rev("response.refusal.delta", { output_index: 1, content_index: 1, delta: "no" }),
  rev("response.output_item.added", { output_index: 2, item: { id: "fc_1", type: "function_call", call_id: "c", name: "f", arguments: "" } }),
  rev("response.function_call_arguments.delta", { output_index: 2, delta: "{\"q\":" }),
  rev("response.function_call_arguments.done", { output_index: 2, arguments: "{\"q\":1}" }),
  rev("response.code_interpreter_call_code.delta", { output_index: 3, delta: "print(1)" }),
  rev("response.web_search_call.searching", { output_index: 4 }),
  rev("response.output_item.done", { output_index: 1, item: { ...msg, status: "completed", content: [{ type: "output_text", text: "Hello 你好", annotations: [] }] } }),
  rev("response.completed", { response: { ...resp("completed", []), usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } } }),
].join("");
const failed = rev("response.output_text.delta", { output_index: 0, content_index: 0, delta: "par" }) +
  rev("response.failed", { response: { ...resp("failed", []), error: { code: "server_error", message: "boom" } } });
const legacy = sse(
  { id: "cmpl-1", object: "text_completion", created: 1, model: "gpt-3.5-turbo-instruct", choices: [{ index: 0, text: "Hel", logprobs: null, finish_reason: null }] },
  { id: "cmpl-1", object: "text_completion", created: 1, model: "gpt-3.5-turbo-instruct", choices: [{ index: 1, text: "x" }, { index: 0, text: "lo 🚀", finish_reason: "stop" }] },
  { id: "cmpl-1", object: "text_completion", created: 1, model: "gpt-3.5-turbo-instruct", choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
) + "data: [DONE]\n\n";
write("event_streams", {
  "responses": framed(0, [], responses),
  "responses-chunked": framed(0, [1, 7, 64, 3], responses),
  "responses-failed": framed(0, [5], failed),
  "responses-small-limit": framed(0x34, [9], responses),
  "responses-json-body": framed(2, [], JSON.stringify({ ...resp("completed", [{ type: "message", content: [{ type: "output_text", text: "A" }] }]) })),
  "completions": framed(1, [], legacy),
  "completions-chunked": framed(1, [2, 5, 11], legacy),
  "completions-json-body": framed(3, [], JSON.stringify({ id: "cmpl-1", object: "text_completion", choices: [{ index: 0, text: "hi", finish_reason: "stop" }] })),
  "error-event": framed(0, [], "event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"x\"}\n\n"),
});

const status = (n, body) => Buffer.concat([Buffer.from([n & 0xff, n >> 8]), enc(body)]);
write("json_reader", {
  "openai-error": status(401, "{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"),
  "string-error": status(429, "{\"error\":\"rate limited\"}"),
  "detail": status(422, "{\"detail\":[{\"loc\":[\"body\",\"model\"],\"msg\":\"field required\"}]}"),
  "message": status(529, "{\"message\":\"System busy\",\"code\":529}"),
  "html": status(502, "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad   Gateway</h1></body></html>"),
  "retry-headers": status(503, "true\n1500.5\nWed, 21 Oct 2015 07:28:00 GMT"),
  "http-date": status(0, "Sun, 06 Nov 1994 08:49:37 GMT"),
  "options": status(0, "{\"baseURL\":\"https://api.apiyi.com/v1/\",\"apiKey\":\"sk-x\",\"backupBaseURLs\":[\"https://vip.apiyi.com/v1\"],\"maxRetries\":3,\"timeout\":60000,\"headersTimeout\":null,\"idleTimeout\":1.5,\"defaultHeaders\":{\"X-A\":\"1\",\"x-a\":\"2\",\"B\":null},\"dangerouslyAllowBrowser\":true}"),
  "completion": status(200, completion),
  "escapes": status(200, "[\"\\ud83d\\ude80 \\u00e9 \\n \\\" \\\\ \\/\", -0.5e+10, 1E3, true, false, null, {}, [], {\"a\":{\"b\":[[]]}}]"),
  "nested": status(200, "[".repeat(130) + "]".repeat(130)),
});

// bodies: byte 0 flags, then the text; two-text functions cut it at the first NUL.
const flagged = (flags, text) => Buffer.concat([Buffer.from([flags]), enc(text)]);
const toolCompletion = {
  id: "c", object: "chat.completion", created: 1, model: "m",
  choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: [
    { id: "call_1", type: "function", function: { name: "f", arguments: "{\"x\":1}" } },
    { id: "", function: { name: "h", arguments: "" } },
  ] }, finish_reason: "tool_calls" }],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
};
const toolRequest = {
  model: "m", messages: [{ role: "user", content: "hi" }], tool_choice: "auto",
  tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }, { type: "function", function: { name: "g" } }],
};
const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
write("bodies", {
  "tools": flagged(5, `${JSON.stringify(toolRequest)}\0${JSON.stringify(toolCompletion)}`),
  "chat": flagged(0, JSON.stringify(toolCompletion)),
  "structured": flagged(3, JSON.stringify({ choices: [{ index: 0, message: { content: "```json\n{\"a\": [1, 2.5, \"\\u00e9\"]}\n```" }, finish_reason: "stop" }] })),
  "embeddings": flagged(0, JSON.stringify({ object: "list", data: [{ object: "embedding", index: 0, embedding: "AACAPwAAIMA=" }, { index: 1, embedding: [1, -2.5] }], model: "e" })),
  "models": flagged(1, JSON.stringify({ data: [{ id: "yi-large", ownedBy: "01.ai" }, { id: "gpt-4o", owned_by: "openai" }], object: "list" })),
  "images": flagged(2, JSON.stringify({ created: 1, data: [{ b64_json: png }, { url: "https://x/a.png", revised_prompt: "p" }] })),
  "image-item": flagged(7, `data:image/png;base64,iVBORw0KGgo=\0${png}`),
  "transcription": flagged(1, JSON.stringify({ text: "hello", segments: [{ id: 0, start: 0, end: 1, text: "hello" }] })),
  "vtt": flagged(0, "WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n"),
  "responses": flagged(4, JSON.stringify({ id: "r", object: "response", output: [{ type: "message", content: [{ type: "output_text", text: "hi" }] }] })),
  "error": flagged(0, JSON.stringify({ error: { message: "no", type: "invalid_request_error", code: "x" } })),
  "partial": flagged(9, "{\"a\": [1, {\"b\": \"c\\u00e9"),
  "conversation": flagged(0x31, JSON.stringify({ role: "user", content: [{ type: "text", text: "你好" }, { type: "image_url", image_url: { url: "https://x/a.png" } }] })),
  "base64": flagged(12, "AACAPwAA IMA=\n"),
});
