// Tool calls and JSON answers of the mock gateway (README.md, "Tool calls and JSON answers"):
// which calls a request gets, per scenario, and how they are written whole and streamed.

export const TOOL_SCENARIOS = ["parallel-tools", "tool-rounds", "tool-loop", "gemini-tools", "tool-length", "tool-bad-args", "invalid-json", "json-fenced"];

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

const textOf = (content) =>
  typeof content === "string" ? content : Array.isArray(content) ? content.filter((p) => p?.type === "text").map((p) => p.text).join(" ") : "";

/** Arguments built from a tool's schema: `expression` "12*7", `city` "Beijing", numbers 1, else "x". */
function argumentsFor(tool) {
  const args = {};
  for (const [name, schema] of Object.entries(tool.function?.parameters?.properties ?? {})) {
    if (name === "expression") args[name] = "12*7";
    else if (name === "city") args[name] = "Beijing";
    else args[name] = schema?.type === "number" || schema?.type === "integer" ? 1 : "x";
  }
  return JSON.stringify(args);
}

/**
 * Seed 004's calculator: for "calculate the MoM and YoY data of <Month> <year>" over a `| YYYY-MM | value |`
 * table, two parallel calls with the values from the table; undefined when the request is not that.
 */
function calculatorCalls(tool, text) {
  const props = tool.function?.parameters?.properties ?? {};
  if (tool.function?.name !== "calculator" || !("pre_value" in props) || !("current_value" in props)) return undefined;
  const rows = new Map([...text.matchAll(/\|\s*(\d{4}-\d{2})\s*\|\s*([\d.]+)\s*\|/g)].map((m) => [m[1], m[2]]));
  const asked = /\b([A-Za-z]+)\s+(\d{4})\b/g;
  for (const [, monthName, yearText] of text.matchAll(asked)) {
    const month = MONTHS.indexOf(monthName.toLowerCase()) + 1;
    if (month === 0) continue;
    const year = Number(yearText);
    const key = (y, m) => `${y}-${String(m).padStart(2, "0")}`;
    const [time, previous, lastYear] = [key(year, month), month === 1 ? key(year - 1, 12) : key(year, month - 1), key(year - 1, month)];
    if (![time, previous, lastYear].every((k) => rows.has(k))) continue;
    const call = (type, pre) => ({ name: "calculator", arguments: JSON.stringify({ time, type, pre_value: rows.get(pre), current_value: rows.get(time) }) });
    return [call("MoM", previous), call("YoY", lastYear)];
  }
  return undefined;
}

/** The messages after the last user message. */
function sinceUser(messages) {
  return messages.slice(messages.findLastIndex((m) => m?.role === "user") + 1);
}

/**
 * The tool-call reply for a request, or undefined for a text answer: `{ toolCalls: [{id, name, arguments}],
 * finishReason, style }` (`style: "gemini"` streams without `index` and `type`).
 */
export function toolChoice(body, scenario) {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const last = body.messages.at(-1);
  if (tools.length === 0 || body.tool_choice === "none") return undefined;
  const turn = sinceUser(body.messages);
  const rounds = turn.filter((m) => m?.role === "assistant" && m.tool_calls?.length).length;
  const made = turn.reduce((n, m) => n + (m?.role === "assistant" ? m.tool_calls?.length ?? 0 : 0), 0);
  const reply = (calls, finishReason = "tool_calls", style) => ({
    toolCalls: calls.map((c, i) => ({ id: `call_mock_${made + i + 1}`, ...c })),
    finishReason,
    style,
  });
  const callTo = (tool) => ({ name: tool.function?.name, arguments: argumentsFor(tool) });
  if (scenario === "tool-loop") return reply([callTo(tools[0])]);
  if (scenario === "tool-rounds" && last?.role === "tool" && rounds < tools.length) return reply([callTo(tools[rounds])]);
  if (last?.role !== "user") return undefined;
  const wanted = body.tool_choice?.function?.name;
  const chosen = tools.find((t) => t.function?.name === wanted) ?? tools[0];
  const calculator = calculatorCalls(chosen, textOf(last.content));
  switch (scenario) {
    case "parallel-tools":
      return reply(tools.map(callTo));
    case "gemini-tools":
      return reply(tools.map(callTo), "stop", "gemini");
    case "tool-length": {
      const args = argumentsFor(chosen);
      return reply([{ name: chosen.function?.name, arguments: args.slice(0, Math.ceil(args.length / 2)) }], "length");
    }
    case "tool-bad-args":
      return reply([{ name: chosen.function?.name, arguments: argumentsFor(chosen).slice(0, -1) }]);
    default:
      return reply(calculator ?? [callTo(chosen)]);
  }
}

/** The text answer after tool results: `The tool said: <content>`, or `The tools said: <a>; <b>` for several. */
export function toolResultsText(messages) {
  const results = sinceUser(messages).filter((m) => m?.role === "tool").map((m) => textOf(m.content));
  return results.length === 1 ? `The tool said: ${results[0]}` : `The tools said: ${results.join("; ")}`;
}

/** A value for a JSON schema: strings `<name>: 你好 👋`, numbers 42, booleans true, two array items, first enum value. */
function sample(schema, name) {
  if (Array.isArray(schema?.enum)) return schema.enum[0];
  switch (schema?.type) {
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, sample(s, k)]));
    case "array":
      return [sample(schema.items, name), sample(schema.items, name)];
    case "number":
    case "integer":
      return 42;
    case "boolean":
      return true;
    default:
      return `${name}: 你好 👋`;
  }
}

/**
 * The content for a `response_format` of `json_object` (an echo object) or `json_schema` (a sample of the
 * schema), or undefined. `invalid-json` prefixes it with prose; `json-fenced` wraps it in a Markdown fence.
 */
export function jsonContent(body, scenario) {
  const format = body.response_format;
  if (format?.type !== "json_object" && format?.type !== "json_schema") return undefined;
  const lastUser = body.messages.findLast((m) => m?.role === "user");
  const value = format.type === "json_schema"
    ? sample({ type: "object", ...format.json_schema?.schema }, "value")
    : { echo: textOf(lastUser?.content), greeting: "你好，世界 👋", items: [1, 2, 3], nested: { ok: true, quote: 'a "b" \\ c' } };
  const json = JSON.stringify(value, null, 1);
  if (scenario === "invalid-json") return `Sure! Here is the JSON you asked for: ${json}`;
  if (scenario === "json-fenced") return `\`\`\`json\n${json}\n\`\`\``;
  return json;
}

/** The assistant message of a tool-call choice. */
export function toolMessage(choice) {
  const calls = choice.toolCalls.map(({ id, name, arguments: args }) =>
    choice.style === "gemini" ? { id, function: { name, arguments: args } } : { id, type: "function", function: { name, arguments: args } });
  return { role: "assistant", content: null, tool_calls: calls };
}

/** The streamed deltas of a tool-call choice: each call opened, its arguments in 5-character pieces, then the finish. */
export function toolDeltas(choice, splitPieces) {
  const deltas = [];
  choice.toolCalls.forEach(({ id, name, arguments: args }, index) => {
    const pieces = splitPieces(args, 5);
    if (choice.style === "gemini") {
      // Gemini's OpenAI-compatible stream: no `index`, no `type`; later fragments name nothing.
      deltas.push({ delta: { role: "assistant", tool_calls: [{ id, function: { name, arguments: pieces[0] ?? "" } }] } });
      for (const part of pieces.slice(1)) deltas.push({ delta: { tool_calls: [{ function: { arguments: part } }] } });
      return;
    }
    deltas.push({ delta: { role: "assistant", content: null, tool_calls: [{ index, id, type: "function", function: { name, arguments: "" } }] } });
    for (const part of pieces) deltas.push({ delta: { tool_calls: [{ index, function: { arguments: part } }] } });
  });
  deltas.push({ delta: {}, finish_reason: choice.finishReason });
  return deltas;
}
