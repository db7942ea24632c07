// llmwire against its peers on the same input. Code written for `openai` ports by changing the
// import, so the chunks and events a stream hands out, the result it accumulates (whole, and kept
// when the stream is cut) and what toReadableStream relays must be the ones openai-node gives,
// for chat and Responses; and parseSSE must find the events eventsource-parser finds. Where a peer
// is wrong, the test pins llmwire's result instead and says why.
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { createParser } from "eventsource-parser";
import { Client, parseSSE } from "../../pkg/index.js";
import { generateCorpus, prng } from "../../benches/corpus.mjs";

const sse = (chunks) => chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + "data: [DONE]\n\n";
const respond = (body) => async () => new Response(body, { headers: { "content-type": "text/event-stream" } });
const params = { model: "m", messages: [{ role: "user", content: "hi" }] };
const options = (body) => ({ apiKey: "sk-parity", baseURL: "http://parity.invalid/v1", fetch: respond(body) });

async function llmwire(body) {
  const client = new Client(options(body));
  const chunks = [];
  for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) chunks.push(chunk);
  const final = await (await client.chat.completions.create({ ...params, stream: true })).finalChatCompletion();
  return { chunks, final };
}

async function openai(body) {
  const client = new OpenAI({ ...options(body), maxRetries: 0 });
  const chunks = [];
  for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) chunks.push(chunk);
  const final = await client.chat.completions.stream(params).finalChatCompletion();
  // `parsed` belongs to openai-node's structured-output helper, which llmwire spells otherwise.
  for (const choice of final.choices) delete choice.message.parsed;
  return { chunks, final };
}

const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1732000000, model: "gpt-4o-mini" };
const choice = (delta, finish_reason = null, index = 0) => ({ index, delta, logprobs: null, finish_reason });
const streams = {
  "text with usage": [
    { ...base, choices: [choice({ role: "assistant", content: "" })] },
    { ...base, choices: [choice({ content: "Hello, " })] },
    { ...base, choices: [choice({ content: "世界 😀" })] },
    { ...base, choices: [choice({}, "stop")] },
    { ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } },
  ],
  "two tool calls": [
    { ...base, choices: [choice({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }] })] },
    { ...base, choices: [choice({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })] },
    { ...base, choices: [choice({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }, { index: 1, id: "call_b", type: "function", function: { name: "now", arguments: "{}" } }] })] },
    { ...base, choices: [choice({}, "tool_calls")] },
  ],
  "two choices, out of order": [
    { ...base, choices: [choice({ role: "assistant", content: "a" }), choice({ role: "assistant", content: "b" }, null, 1)] },
    { ...base, choices: [choice({ content: "B" }, "length", 1), choice({ content: "A" }, "stop")] },
  ],
  // A refusal and no text: content is null, as in the non-streamed answer.
  refusal: [
    { ...base, choices: [choice({ role: "assistant", refusal: "I can" })] },
    { ...base, choices: [choice({ refusal: "not help with that." }, "stop")] },
  ],
  // A gateway that cuts UTF-16 text between the two halves of 🚀 writes each as a lone escape;
  // JavaScript's string concatenation joins them again, and so must llmwire.
  "a character cut between two chunks": [
    { ...base, choices: [choice({ role: "assistant", content: "a\ud83d" })] },
    { ...base, choices: [choice({ content: "\ude80b", reasoning_content: "r" })] },
    { ...base, choices: [choice({ content: "c" }, "stop")] },
  ],
  "generated text (the bench corpus)": generateCorpus({ name: "parity-text", kind: "text", events: 300, seed: 5 }),
  "generated tool calls (the bench corpus)": generateCorpus({ name: "parity-tools", kind: "tools", events: 300, seed: 6 }),
};

for (const [name, stream] of Object.entries(streams)) {
  test(`as openai-node: ${name}`, async () => {
    const body = Array.isArray(stream) ? sse(stream) : stream.text;
    assert.ok(body.endsWith("data: [DONE]\n\n"), "a whole stream");
    const [ours, theirs] = [await llmwire(body), await openai(body)];
    assert.deepEqual(ours.chunks, theirs.chunks);
    assert.deepEqual(ours.final, theirs.final);
  });
}

/**
 * A random chat stream as OpenAI-compatible gateways send it: one or two choices (their chunks
 * interleaved), text with CJK, emoji, quotes and U+2028, refusals, tool calls whose arguments come
 * in fragments; and the quirks of real gateways: id, type and name repeated on every tool-call
 * delta, `content: null` or `""` beside tool calls, the role repeated, the finish reason with the
 * last piece or in an empty delta after it, `usage: null` in chunks, a usage-only last chunk.
 * (A tool call without `type` is left out: openai-node throws on it.)
 */
function chatStream(rand) {
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const words = ["Hello", " world", "你好", " 世界", " 😀", "\"q\"", "\\", "\n", " a", "é", "\u2028", "🚀x"];
  const text = () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(words)).join("");
  const base = { id: "chatcmpl-r", object: "chat.completion.chunk", created: 1732000000, model: "gpt-4o-mini", system_fingerprint: rand() < 0.5 ? "fp_1" : undefined, service_tier: rand() < 0.3 ? "default" : undefined };
  const nChoices = rand() < 0.8 ? 1 : 2;
  const plans = Array.from({ length: nChoices }, (_, index) => {
    const kind = pick(["text", "text", "tools", "refusal", "text+tools"]);
    const steps = [{ role: "assistant", ...(kind === "tools" ? { content: null } : { content: "" }) }];
    if (kind.startsWith("text")) for (let i = 0, n = 1 + Math.floor(rand() * 6); i < n; i++) steps.push({ content: text() });
    if (kind === "refusal") for (let i = 0, n = 1 + Math.floor(rand() * 3); i < n; i++) steps.push({ refusal: text() });
    if (kind.includes("tools")) {
      for (let c = 0, calls = 1 + Math.floor(rand() * 2); c < calls; c++) {
        const id = `call_${index}_${c}`, name = pick(["get_weather", "now", "search"]);
        const repeat = rand() < 0.3; // gateways that repeat id, type and name on every delta
        steps.push({ ...(rand() < 0.2 ? { content: null } : {}), tool_calls: [{ index: c, id, type: "function", function: { name, ...(rand() < 0.7 ? { arguments: "" } : {}) } }] });
        const args = JSON.stringify({ q: text(), n: c });
        for (let at = 0; at < args.length; ) {
          const len = 1 + Math.floor(rand() * 6);
          const fn = repeat ? { name, arguments: args.slice(at, at + len) } : { arguments: args.slice(at, at + len) };
          steps.push({ ...(rand() < 0.2 ? { content: rand() < 0.5 ? null : "" } : {}), ...(rand() < 0.1 ? { role: "assistant" } : {}), tool_calls: [{ index: c, ...(repeat ? { id, type: "function" } : {}), function: fn }] });
          at += len;
        }
      }
    }
    const finish = kind.includes("tools") ? "tool_calls" : pick(["stop", "stop", "length", "content_filter"]);
    return { index, steps, finish };
  });
  const chunks = [];
  const cursors = plans.map(() => 0);
  while (plans.some((p, i) => cursors[i] <= p.steps.length)) {
    const live = plans.filter((p, i) => cursors[i] <= p.steps.length);
    const inChunk = rand() < 0.3 ? live : [pick(live)];
    const choices = inChunk.map((p) => {
      const at = cursors[p.index]++;
      const last = at === p.steps.length;
      // Some gateways send the finish reason with the last piece, some an empty delta after it.
      const merge = last && at > 1 && rand() < 0.3 && !("tool_calls" in p.steps[at - 1]);
      if (merge) { const prev = chunks.at(-1)?.choices.find((c) => c.index === p.index); if (prev && prev.finish_reason === null) { prev.finish_reason = p.finish; return null; } }
      return { index: p.index, delta: last ? (rand() < 0.2 ? { content: null } : {}) : p.steps[at], logprobs: null, finish_reason: last ? p.finish : null };
    }).filter(Boolean);
    if (choices.length === 0) continue;
    const extra = rand() < 0.2 ? { usage: null } : {};
    chunks.push(JSON.parse(JSON.stringify({ ...base, ...extra, created: base.created + (rand() < 0.1 ? 1 : 0), choices })));
  }
  if (rand() < 0.5) chunks.push(JSON.parse(JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } })));
  return chunks;
}

test("random chat streams with gateways' quirks: the chunks and the final completion as openai-node, over 200 streams", async () => {
  for (let seed = 0; seed < 200; seed++) {
    const body = sse(chatStream(prng(1000 + seed)));
    const [ours, theirs] = [await llmwire(body), await openai(body)];
    // A `usage` that was null in every chunk: openai-node copies the null, llmwire leaves the member
    // out, as the ChatCompletion type (optional, not nullable) has it; and a later null never
    // erases a usage that came before it (openai-node's does).
    if (theirs.final.usage === null && !("usage" in ours.final)) delete theirs.final.usage;
    assert.deepEqual(ours.chunks, theirs.chunks, `seed ${1000 + seed}`);
    assert.deepEqual(ours.final, theirs.final, `seed ${1000 + seed}`);
  }
});

test("a tool call without `type` (gateways omit it): openai-node throws, llmwire reads a function call", async () => {
  const stream = [
    { ...base, choices: [choice({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: "" } }] })] },
    { ...base, choices: [choice({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] })] },
    { ...base, choices: [choice({}, "tool_calls")] },
  ];
  const body = sse(stream);
  await assert.rejects(openai(body), /tool call snapshot missing `type`/);
  const { final } = await llmwire(body);
  assert.deepEqual(final.choices[0].message.tool_calls, [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }]);
});

test("an error inside a 200 stream is openai-node's APIError, after the chunks before it", async () => {
  const head = sse([{ ...base, choices: [choice({ role: "assistant", content: "a" })] }]).replace("data: [DONE]\n\n", "");
  const error = { message: "busy now", type: "server_error", code: "overloaded" };
  for (const tail of [`data: ${JSON.stringify({ error })}\n\n`, `event: error\ndata: ${JSON.stringify({ error })}\n\n`]) {
    const outcome = async (client) => {
      const texts = [];
      try {
        for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) texts.push(chunk.choices[0].delta.content);
      } catch (e) {
        return { texts, name: e.constructor.name, message: e.message, status: e.status, error: { message: e.error.message, type: e.error.type } };
      }
      assert.fail("the stream did not fail");
    };
    const ours = await outcome(new Client(options(head + tail)));
    assert.deepEqual(ours, await outcome(new OpenAI({ ...options(head + tail), maxRetries: 0 })));
    assert.deepEqual([ours.texts, ours.name, ours.message], [["a"], "APIError", "busy now"]);
  }
});

test("textStream hands a character cut between two chunks on whole", async () => {
  const body = sse([
    { ...base, choices: [choice({ role: "assistant", content: "a\ud83d" })] },
    { ...base, choices: [choice({ content: "\ude80b" })] },
    { ...base, choices: [choice({ content: "\ud83d" }, "stop")] },
  ]);
  assert.match(body, /"a\\ud83d"/, "the halves travel as lone escapes");
  const pieces = [];
  for await (const piece of (await new Client(options(body)).chat.completions.create({ ...params, stream: true })).textStream) pieces.push(piece);
  // Every piece is well-formed; a half with no partner is U+FFFD, as TextDecoder makes it.
  assert.ok(pieces.every((p) => p.isWellFormed()), JSON.stringify(pieces));
  assert.equal(pieces.join(""), "a🚀b\ufffd");
});

test("logprobs: each chunk's entries once (openai-node repeats the first chunk's)", async () => {
  // openai-node seeds a new choice with the chunk's logprobs object and then appends the same
  // chunk's entries to it, so the first chunk's tokens come out twice (openai/openai-node#2444).
  const token = (t, logprob) => ({ token: t, logprob, bytes: [...Buffer.from(t)], top_logprobs: [] });
  const body = sse([
    { ...base, choices: [{ ...choice({ role: "assistant", content: "a" }), logprobs: { content: [token("a", -1)], refusal: null } }] },
    { ...base, choices: [{ ...choice({ content: "b" }, "stop"), logprobs: { content: [token("b", -2)], refusal: null } }] },
  ]);
  const [ours, theirs] = [await llmwire(body), await openai(body)];
  assert.deepEqual(ours.final.choices[0].logprobs, { content: [token("a", -1), token("b", -2)], refusal: null });
  assert.deepEqual(ours.chunks, theirs.chunks);
  // Everything else agrees.
  for (const c of [ours.final, theirs.final]) delete c.choices[0].logprobs;
  assert.deepEqual(ours.final, theirs.final);
});

test("reasoning_content: streamed pieces joined (openai-node keeps the last piece)", async () => {
  // DeepSeek, Qwen and the gateways in front of them stream the reasoning as reasoning_content
  // deltas. openai-node copies delta members it does not know over the message (Object.assign in
  // ChatCompletionStream), so only the last piece is left; llmwire joins them like content.
  const body = sse([
    { ...base, system_fingerprint: "fp_1", choices: [choice({ role: "assistant", reasoning_content: "think " })] },
    { ...base, system_fingerprint: "fp_1", choices: [choice({ reasoning_content: "more", content: "x" })] },
    { ...base, system_fingerprint: "fp_1", choices: [choice({}, "stop")] },
  ]);
  const [ours, theirs] = [await llmwire(body), await openai(body)];
  assert.equal(ours.final.choices[0].message.reasoning_content, "think more");
  assert.deepEqual(ours.chunks, theirs.chunks);
  for (const c of [ours.final, theirs.final]) delete c.choices[0].message.reasoning_content;
  assert.deepEqual(ours.final, theirs.final);
});

// Random SSE bodies: field lines of every kind, comments, a BOM, CRLF, LF and CR line ends, text
// in and beyond the BMP; fed in 1-5 byte reads, so characters split between reads.
const LINES = ["data: a", "data:b", "data", "data:  two spaces", "event: ping", "event:", "id: 7", "id", "id: x\0y", ": comment", ":", "retry: 10", "foo: bar", "data: 世界😀", "data: é", "", "", "\uFEFFdata: bom"];
const ENDS = ["\n", "\r\n", "\r"];

function randomBody(rand) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  let body = rand() < 0.2 ? "\uFEFF" : "";
  for (let n = 1 + Math.floor(rand() * 12); n > 0; n--) body += pick(LINES) + pick(ENDS);
  return rand() < 0.5 ? body + pick(ENDS) : body;
}

async function ourEvents(body, rand) {
  const bytes = new TextEncoder().encode(body);
  const stream = new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; ) {
        const n = 1 + Math.floor(rand() * 5);
        controller.enqueue(bytes.slice(at, at + n));
        at += n;
      }
      controller.close();
    },
  });
  const events = [];
  for await (const { event, data, id } of parseSSE(stream)) events.push({ event, data, id });
  return events;
}

function theirEvents(body) {
  const events = [];
  const parser = createParser({ onEvent: ({ event, data }) => events.push({ event: event ?? "message", data }) });
  // TextDecoder drops the BOM, as the spec's decoding step does.
  parser.feed(new TextDecoder().decode(new TextEncoder().encode(body)));
  parser.reset({ consume: true });
  return events;
}

test("parseSSE finds the events eventsource-parser finds, over 2,000 random bodies", async () => {
  const rand = prng(2026);
  let compared = 0;
  for (let i = 0; i < 2000; i++) {
    const body = randomBody(rand);
    // A body whose last line ends with a lone CR: see the next test.
    if (body.endsWith("\r")) continue;
    const ours = (await ourEvents(body, rand)).map(({ event, data }) => ({ event, data }));
    assert.deepEqual(ours, theirEvents(body), JSON.stringify(body));
    compared++;
  }
  assert.ok(compared > 1000, `${compared} bodies compared`);
});

test("parseSSE where eventsource-parser departs from the spec: a final CR, and the last event ID", async () => {
  const rand = prng(7);
  // A CR ends a line: the blank line it ends dispatches, also at the end of the body.
  // eventsource-parser waits for an LF that cannot come and drops the event.
  assert.deepEqual(await ourEvents("data: a\r\r", rand), [{ event: "message", data: "a", id: "" }]);
  assert.deepEqual(theirEvents("data: a\r\r"), []);
  // `id` sets the last event ID, which every later event carries (MessageEvent.lastEventId),
  // also when its own block dispatched nothing; eventsource-parser reports each event's own id.
  assert.deepEqual(await ourEvents("id: 7\n\ndata: a\n\nid\ndata: b\n\n", rand), [
    { event: "message", data: "a", id: "7" },
    { event: "message", data: "b", id: "" },
  ]);
});

// Random /responses streams as OpenAI sends them: messages (text and refusal parts), reasoning
// (summaries and reasoning text), function, custom, MCP and code interpreter calls (arguments,
// input and code in pieces) and a hosted web search (status events); each item added, streamed
// and done. llmwire's final
// response, and the partial response it keeps when the stream is cut after any event, must be
// openai-node's.
function responseEvents(rand) {
  const int = (n) => Math.floor(rand() * n);
  const pick = (list) => list[int(list.length)];
  const TEXTS = ["Hello, 世界 😀", 'a "quoted" \\ line\nnext', "", "🚀 rocket", "x", "{\"city\":\"Paris\",\"days\":[1,2]}"];
  // Text in pieces of 1-4 characters, or (as a gateway that slices UTF-16 does) of code units,
  // which can cut a character between the two halves of a surrogate pair.
  const pieces = (text) => {
    const chars = rand() < 0.3 ? text.split("") : Array.from(text);
    const out = [];
    for (let at = 0; at < chars.length; ) {
      const n = 1 + int(4);
      out.push(chars.slice(at, at + n).join(""));
      at += n;
    }
    return out;
  };
  const response = (status, output, more = {}) => ({ id: "resp_1", object: "response", created_at: 1732000000, status, model: "gpt-4o-mini", output, ...more });
  const events = [{ type: "response.created", response: response("in_progress", []) }, { type: "response.in_progress", response: response("in_progress", []) }];
  const output = [];
  for (let i = 0, items = 1 + int(3); i < items; i++) {
    const at = { output_index: i };
    const kind = pick(["message", "message", "function_call", "reasoning", "custom_tool_call", "mcp_call", "code_interpreter_call", "web_search_call"]);
    let item;
    if (kind === "message") {
      item = { id: `msg_${i}`, type: "message", status: "in_progress", role: "assistant", content: [] };
      events.push({ type: "response.output_item.added", ...at, item });
      const parts = [];
      for (let c = 0, n = 1 + int(2); c < n; c++) {
        const where = { item_id: item.id, ...at, content_index: c };
        const text = pick(TEXTS);
        const refusal = rand() < 0.2;
        const part = refusal ? { type: "refusal", refusal: text } : { type: "output_text", text, annotations: [] };
        events.push({ type: "response.content_part.added", ...where, part: refusal ? { type: "refusal", refusal: "" } : { ...part, text: "" } });
        for (const delta of pieces(text)) events.push({ type: refusal ? "response.refusal.delta" : "response.output_text.delta", ...where, delta });
        events.push(refusal ? { type: "response.refusal.done", ...where, refusal: text } : { type: "response.output_text.done", ...where, text });
        events.push({ type: "response.content_part.done", ...where, part });
        parts.push(part);
      }
      item = { ...item, status: "completed", content: parts };
    } else if (kind === "reasoning") {
      item = { id: `rs_${i}`, type: "reasoning", summary: [] };
      events.push({ type: "response.output_item.added", ...at, item });
      if (rand() < 0.5) {
        // Reasoning text as content parts (gpt-oss and other open models).
        const where = { item_id: item.id, ...at, content_index: 0 };
        const text = pick(TEXTS);
        events.push({ type: "response.content_part.added", ...where, part: { type: "reasoning_text", text: "" } });
        for (const delta of pieces(text)) events.push({ type: "response.reasoning_text.delta", ...where, delta });
        events.push({ type: "response.reasoning_text.done", ...where, text });
        events.push({ type: "response.content_part.done", ...where, part: { type: "reasoning_text", text } });
        item = { ...item, content: [{ type: "reasoning_text", text }] };
      }
      const summary = [];
      for (let s = 0, n = 1 + int(2); s < n; s++) {
        const where = { item_id: item.id, ...at, summary_index: s };
        const text = pick(TEXTS);
        events.push({ type: "response.reasoning_summary_part.added", ...where, part: { type: "summary_text", text: "" } });
        for (const delta of pieces(text)) events.push({ type: "response.reasoning_summary_text.delta", ...where, delta });
        events.push({ type: "response.reasoning_summary_text.done", ...where, text });
        events.push({ type: "response.reasoning_summary_part.done", ...where, part: { type: "summary_text", text } });
        summary.push({ type: "summary_text", text });
      }
      item = { ...item, summary };
    } else if (kind === "web_search_call") {
      // A hosted tool: only its status changes.
      item = { id: `ws_${i}`, type: "web_search_call", status: "in_progress" };
      events.push({ type: "response.output_item.added", ...at, item });
      for (const status of ["in_progress", "searching", "completed"]) events.push({ type: `response.web_search_call.${status}`, item_id: item.id, ...at });
      item = { ...item, status: "completed", action: { type: "search", query: "weather" } };
    } else {
      // A call whose arguments, input or code stream in pieces.
      const [stem, member, extra] = {
        function_call: ["function_call_arguments", "arguments", { call_id: `call_${i}`, name: "get_weather" }],
        mcp_call: ["mcp_call_arguments", "arguments", { server_label: "docs", name: "search" }],
        custom_tool_call: ["custom_tool_call_input", "input", { call_id: `call_${i}`, name: "shell" }],
        code_interpreter_call: ["code_interpreter_call_code", "code", { container_id: "cntr_1", outputs: null }],
      }[kind];
      item = { id: `${kind}_${i}`, type: kind, status: "in_progress", ...extra, [member]: "" };
      events.push({ type: "response.output_item.added", ...at, item });
      if (kind === "code_interpreter_call") events.push({ type: "response.code_interpreter_call.in_progress", item_id: item.id, ...at });
      const value = pick(TEXTS);
      for (const delta of pieces(value)) events.push({ type: `response.${stem}.delta`, item_id: item.id, ...at, delta });
      events.push({ type: `response.${stem}.done`, item_id: item.id, ...at, [member]: value });
      if (kind === "code_interpreter_call") events.push({ type: "response.code_interpreter_call.interpreting", item_id: item.id, ...at });
      item = { ...item, status: "completed", [member]: value };
    }
    events.push({ type: "response.output_item.done", ...at, item });
    output.push(item);
  }
  const usage = { input_tokens: 5, output_tokens: 9, total_tokens: 14 };
  events.push({ type: "response.completed", response: response("completed", output, { usage }) });
  return events.map((event, n) => ({ ...event, sequence_number: n }));
}

const responsesBody = (events) => events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
const responseParams = { model: "gpt-4o-mini", input: "hi" };

/**
 * openai-node's response without what its structured-output helper adds (llmwire spells that
 * otherwise), and with its strings well-formed: cut after half a character, openai-node's text
 * ends with the lone half, llmwire's with U+FFFD.
 */
function withoutParsed(response) {
  const { output_parsed, ...rest } = response;
  const clean = (key, value) => (key === "parsed" || key === "parsed_arguments" ? undefined : typeof value === "string" ? value.toWellFormed() : value);
  return JSON.parse(JSON.stringify(rest, clean));
}

async function ourResponse(body) {
  const stream = await new Client(options(body)).responses.stream(responseParams);
  const events = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (e) {
    return { events, response: stream.currentResponse(), error: e.constructor.name };
  }
  return { events, response: await stream.finalResponse() };
}

async function theirResponse(body) {
  const stream = new OpenAI({ ...options(body), maxRetries: 0 }).responses.stream(responseParams);
  const events = [];
  for await (const event of stream) events.push(event);
  return { events, response: withoutParsed(await stream.finalResponse()) };
}

test("responses: final, partial and non-streamed responses as openai-node, over 30 random streams cut after every event", async () => {
  const rand = prng(44);
  let compared = 0;
  const kinds = new Set();
  for (let n = 0; n < 30; n++) {
    const events = responseEvents(rand);
    for (const e of events) kinds.add(e.type);
    const whole = await ourResponse(responsesBody(events));
    const theirs = await theirResponse(responsesBody(events));
    assert.deepEqual(whole.events, theirs.events);
    assert.deepEqual(whole.response, theirs.response);
    // textStream: whole characters only, adding up to the output text.
    const pieces = [];
    for await (const piece of (await new Client(options(responsesBody(events))).responses.stream(responseParams)).textStream) pieces.push(piece);
    assert.ok(pieces.every((p) => p.isWellFormed()), JSON.stringify(pieces));
    assert.equal(pieces.join(""), theirs.response.output_text);
    // The same response, not streamed.
    const json = JSON.stringify(events.at(-1).response);
    const answer = async () => new Response(json, { headers: { "content-type": "application/json" } });
    const plain = { ...options(""), fetch: answer };
    const ours = await new Client(plain).responses.create(responseParams);
    assert.deepEqual({ ...ours }, withoutParsed(await new OpenAI({ ...plain, maxRetries: 0 }).responses.create(responseParams)));
    // Cut after response.created and every later event but the last: openai-node's final
    // response is what it accumulated; llmwire's stream fails as cut and keeps the same.
    for (let cut = 1; cut < events.length - 1; cut++) {
      const body = responsesBody(events.slice(0, cut));
      const [ours, partial] = [await ourResponse(body), await theirResponse(body)];
      assert.equal(ours.error, "StreamTruncatedError", `cut after ${events[cut - 1].type}`);
      assert.deepEqual(ours.response, partial.response, `stream ${n}, cut after event ${cut - 1}: ${events[cut - 1].type}`);
      compared++;
    }
  }
  assert.ok(compared > 400, `${compared} cuts compared`);
  assert.ok(kinds.size >= 24, `${kinds.size} event types: ${[...kinds]}`);
});

test("responses: an event type openai-node does not know ends its stream; llmwire passes it on", async () => {
  const events = responseEvents(prng(3));
  const odd = { type: "response.gateway.heartbeat", sequence_number: 2 };
  const body = responsesBody([...events.slice(0, 2), odd, ...events.slice(2)]);
  const ours = await ourResponse(body);
  assert.equal(ours.error, undefined);
  assert.deepEqual(ours.events[2], odd);
  assert.deepEqual(ours.response, (await theirResponse(responsesBody(events))).response);
  await assert.rejects(theirResponse(body), /Unhandled response stream event/);
});

// What a cut chat stream keeps: llmwire's currentChatCompletion() after the StreamTruncatedError
// against openai-node's snapshot after the same chunks (openai-node itself then refuses the
// stream: "missing finish_reason for choice 0").
// openai-node's snapshot keeps each choice at its index: one whose first chunk carried only
// choice 1 has a hole at 0 (filtered out here).
const kept = (completion) =>
  (completion?.choices ?? [])
    .filter(Boolean)
    .map((c) => ({
      index: c.index,
      // A message with no text yet: llmwire has "" (as the non-streamed answer), openai-node null.
      // A stream cut after half a character: llmwire ends the text with U+FFFD, openai-node with
      // the lone half.
      content: c.message.content?.toWellFormed() || null,
      refusal: c.message.refusal ?? null,
      finish_reason: c.finish_reason ?? null,
      tool_calls: (c.message.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function.name, arguments: t.function.arguments })),
    }))
    .sort((a, b) => a.index - b.index);

test("a chat stream cut after any chunk keeps what openai-node's snapshot holds", async () => {
  const cases = { ...streams };
  delete cases["generated text (the bench corpus)"];
  delete cases["generated tool calls (the bench corpus)"];
  cases["generated tool calls"] = generateCorpus({ name: "cut-tools", kind: "tools", events: 60, seed: 8 });
  for (let seed = 0; seed < 10; seed++) cases[`random stream ${seed}`] = chatStream(prng(3000 + seed));
  let compared = 0;
  for (const [name, stream] of Object.entries(cases)) {
    const chunks = Array.isArray(stream) ? stream : stream.text.split("\n\n").filter((f) => f.startsWith("data: {")).map((f) => JSON.parse(f.slice(6)));
    for (let cut = 1; cut < chunks.length; cut++) {
      const body = chunks.slice(0, cut).map((c) => `data: ${JSON.stringify(c)}\n\n`).join("");
      const ours = await new Client(options(body)).chat.completions.create({ ...params, stream: true });
      // Cut before every choice finished, llmwire's stream fails; after, the answer is whole.
      const failed = await (async () => { for await (const _ of ours); })().then(() => null, (e) => e.constructor.name);
      const finished = kept(ours.currentChatCompletion()).every((c) => c.finish_reason !== null);
      assert.equal(failed, finished ? null : "StreamTruncatedError", `${name}, cut after chunk ${cut}`);
      const theirs = new OpenAI({ ...options(body), maxRetries: 0 }).chat.completions.stream(params);
      let snapshot;
      theirs.on("chunk", (_, s) => (snapshot = structuredClone(s)));
      await theirs.done().catch(() => {});
      assert.deepEqual(kept(ours.currentChatCompletion()), kept(snapshot), `${name}, cut after chunk ${cut}`);
      compared++;
    }
  }
  assert.ok(compared > 60, `${compared} cuts compared`);
});

// A Worker or server that answers with `stream.toReadableStream()` is read by clients written for
// OpenAI: openai-node must get the chunks the gateway sent, and the error that cut the stream.
const reEncoded = async (body, path = "chat") => {
  const client = new Client(options(body));
  const stream = path === "chat" ? await client.chat.completions.create({ ...params, stream: true }) : await client.responses.stream(responseParams);
  return new Response(stream.toReadableStream(), { headers: { "content-type": "text/event-stream" } });
};

test("toReadableStream: openai-node reads the chunks, the final completion and the error the gateway sent", async () => {
  for (const [name, stream] of Object.entries(streams)) {
    const body = Array.isArray(stream) ? sse(stream) : stream.text;
    const relayed = { ...options(body), fetch: () => reEncoded(body), maxRetries: 0 };
    const chunks = [];
    for await (const chunk of await new OpenAI(relayed).chat.completions.create({ ...params, stream: true })) chunks.push(chunk);
    const direct = await openai(body);
    assert.deepEqual(chunks, direct.chunks, name);
    const final = await new OpenAI(relayed).chat.completions.stream(params).finalChatCompletion();
    for (const choice of final.choices) delete choice.message.parsed;
    assert.deepEqual(final, direct.final, name);
  }
  const head = sse([{ ...base, choices: [choice({ role: "assistant", content: "a" })] }]).replace("data: [DONE]\n\n", "");
  const error = { message: "busy now", type: "server_error", code: "overloaded" };
  const body = head + `data: ${JSON.stringify({ error })}\n\n`;
  const texts = [];
  const client = new OpenAI({ ...options(body), fetch: () => reEncoded(body), maxRetries: 0 });
  await assert.rejects(async () => {
    for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) texts.push(chunk.choices[0].delta.content);
  }, (e) => e.constructor.name === "APIError" && /busy now/.test(e.message));
  assert.deepEqual(texts, ["a"]);
});

test("toReadableStream of a Responses stream: openai-node reads the same events and final response", async () => {
  const events = responseEvents(prng(12));
  const body = responsesBody(events);
  const stream = new OpenAI({ ...options(body), fetch: () => reEncoded(body, "responses"), maxRetries: 0 }).responses.stream(responseParams);
  const seen = [];
  for await (const event of stream) seen.push(event);
  assert.deepEqual(seen, events);
  assert.deepEqual(withoutParsed(await stream.finalResponse()), (await theirResponse(body)).response);
});

test("legacy completions: a character cut between two chunks is whole, as openai-node's chunk texts joined", async () => {
  const chunk = (text, finish_reason = null) => ({ id: "cmpl-1", object: "text_completion", created: 1, model: "gpt-3.5-turbo-instruct", choices: [{ index: 0, text, logprobs: null, finish_reason }] });
  const body = sse([chunk("a\ud83d"), chunk("\ude80b"), chunk("c", "stop")]);
  const completionParams = { model: "gpt-3.5-turbo-instruct", prompt: "hi", stream: true };
  let theirs = "";
  for await (const c of await new OpenAI({ ...options(body), maxRetries: 0 }).completions.create(completionParams)) theirs += c.choices[0].text;
  const pieces = [];
  for await (const piece of (await new Client(options(body)).completions.create(completionParams)).textStream) pieces.push(piece);
  const final = await (await new Client(options(body)).completions.create(completionParams)).finalCompletion();
  assert.equal(theirs, "a🚀bc");
  assert.ok(pieces.every((p) => p.isWellFormed()), JSON.stringify(pieces));
  assert.deepEqual([pieces.join(""), final.choices[0].text], [theirs, theirs]);
});
