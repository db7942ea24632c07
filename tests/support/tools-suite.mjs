// Tool calling, JSON answers and conversations against the mock gateway, in every runtime: Node
// (tests/node/tools.test.mjs), Chromium (tests/browser/tools.test.mjs, loaded into the page) and workerd
// (tests/workers/tools-worker.mjs). No imports: the package comes in as `lib`.
//
// env: { baseURL: the mock's /v1 URL, apiKey: its key or null }

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function same(actual, expected, message) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

/** Runs `fn`, which must throw an instance of `Cls`; returns the error. */
async function rejects(fn, Cls, message) {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof Cls)) throw new Error(`${message}: expected ${Cls.name}, got ${e?.name}: ${e?.message}`);
    return e;
  }
  throw new Error(`${message}: expected ${Cls.name}, nothing was thrown`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Workers forbid eval: the mock only ever asks for "12*7".
const multiply = (expression) => String(expression.split("*").reduce((product, n) => product * Number(n), 1));

/** The mock's log of chat requests whose first user message contains `marker`. */
async function logged(env, marker) {
  const root = env.baseURL.replace(/\/v1\/?$/, "");
  const all = await (await fetch(`${root}/__mock/requests`)).json();
  return all.filter((r) => r.path === "/v1/chat/completions" && JSON.stringify(r.body?.messages ?? "").includes(marker));
}

const client = (lib, env) => new lib.Client({ apiKey: env.apiKey ?? undefined, baseURL: env.baseURL, dangerouslyAllowBrowser: true });
const user = (content) => [{ role: "user", content }];
const schema = (properties) => ({ type: "object", properties, required: Object.keys(properties) });
const tool = (name, fn, properties = { expression: { type: "string" } }) => ({ type: "function", function: { name, parameters: schema(properties), function: fn } });

// Seed 004 (01.AI tool use): the revenue table and the calculator, as the README shows them.
const REVENUE = [
  ["2023-01", 25.78], ["2023-02", 20.23], ["2023-03", 21.27], ["2023-04", 20.96], ["2023-05", 24.33], ["2023-06", 22.51],
  ["2023-07", 23.97], ["2023-08", 25.86], ["2023-09", 27.05], ["2023-10", 28.23], ["2023-11", 27.17], ["2023-12", 28.88],
  ["2024-01", 26.33], ["2024-02", 25.25], ["2024-03", 28.89], ["2024-04", 29.12], ["2024-05", 30.08], ["2024-06", 29.75], ["2024-07", 28.83],
];
const calculatorTool = (calculator) => ({
  type: "function",
  function: {
    name: "calculator",
    description: "YoY and MoM data calculator. YoY means year over year changes and MoM means month over month changes.",
    parameters: {
      type: "object",
      properties: {
        time: { type: "string", description: "date, month, or year information" },
        type: { type: "string", enum: ["YoY", "MoM"] },
        pre_value: { type: "string", description: "previous value being compared" },
        current_value: { type: "string", description: "current data for comparison" },
      },
      required: ["time", "type", "pre_value", "current_value"],
    },
    function: calculator,
  },
});

export const cases = {
  async "seed 004 calculator: parallel calls, results back, a final answer"(lib, env) {
    const log = [];
    const calculator = async ({ time, type, pre_value, current_value }) => {
      log.push(`start ${type}`);
      await sleep(10);
      log.push(`end ${type}`);
      return { time, type, change: `${(((current_value - pre_value) / pre_value) * 100).toFixed(2)}%` };
    };
    const table = REVENUE.map(([month, value]) => `| ${month} | ${value} |`).join("\n");
    const content = `According to the table below, calculate the MoM and YoY data of April 2024:\n| Month | Revenue |\n|---|---|\n${table}`;
    const runner = client(lib, env).chat.completions.runTools({ model: "yi-large-fc", messages: user(content), tools: [calculatorTool(calculator)], tool_choice: "auto" });
    const answer = await runner.finalContent();
    check(answer.includes('"change":"0.80%"') && answer.includes('"change":"38.93%"'), answer);
    same(log, ["start MoM", "start YoY", "end MoM", "end YoY"], "both calls run at once");
    same([runner.stopReason, runner.rounds], ["stop", 2], "stop and rounds");
    same(runner.messages.map((m) => m.role), ["user", "assistant", "tool", "tool", "assistant"], "roles");
    const [, asked, mom] = runner.messages;
    same(mom.tool_call_id, asked.tool_calls[0].id, "the result answers its call");
    same(JSON.parse(mom.content), { time: "2024-04", type: "MoM", change: "0.80%" }, "an object result goes back as JSON");
    const usage = await runner.totalUsage();
    check(usage.total_tokens > 0 && usage.total_tokens === usage.prompt_tokens + usage.completion_tokens, JSON.stringify(usage));
    const sent = await logged(env, "MoM and YoY data of April 2024");
    same(sent.length, 2, "two requests");
    same(sent[1].body.messages.slice(1).map((m) => m.role), ["assistant", "tool", "tool"], "the second request carries the calls and results");
    check(sent[0].body.tools[0].function.function === undefined && sent[0].body.tools[0].function.name === "calculator", "functions are not sent");
  },

  async "streamed rounds: tool events as they arrive, one call per round"(lib, env) {
    const runner = client(lib, env).chat.completions.runTools({
      model: "mock-scenario:tool-rounds", stream: true, messages: user("streamed rounds"),
      tools: [tool("calc", ({ expression }) => multiply(expression)), tool("weather", ({ city }) => `${city}: sunny`, { city: { type: "string" } })],
    });
    const events = [];
    for await (const event of runner) events.push(event);
    const kinds = events.map((e) => e.type);
    for (const kind of ["tool_call.start", "tool_call.delta", "tool_call.done", "message", "content.delta"]) check(kinds.includes(kind), `${kind} in ${kinds}`);
    const done = events.filter((e) => e.type === "tool_call.done");
    same(done.map((e) => [e.name, e.status, e.parsed_arguments]), [["calc", "complete", { expression: "12*7" }], ["weather", "complete", { city: "Beijing" }]], "done events");
    for (const d of done) {
      const start = events.find((e) => e.type === "tool_call.start" && e.id === d.id);
      const deltas = events.slice(events.indexOf(start) + 1, events.indexOf(d)).filter((e) => e.type === "tool_call.delta").map((e) => e.delta);
      same(start.arguments + deltas.join(""), d.arguments, "start and deltas rebuild the arguments");
      check(kinds.indexOf("message", events.indexOf(d)) > events.indexOf(d), "the call is done before its message");
    }
    const text = events.filter((e) => e.type === "content.delta").map((e) => e.delta).join("");
    same(text, "The tools said: 84; Beijing: sunny", "the answer streamed");
    same(await runner.finalContent(), text, "finalContent");
    same(runner.rounds, 3, "rounds");
    same(events.filter((e) => e.type === "message").map((e) => e.message.role), ["assistant", "tool", "assistant", "tool", "assistant"], "message events");
  },

  async "Gemini-style deltas without index and type run as parallel calls"(lib, env) {
    const ran = [];
    const runner = client(lib, env).chat.completions.runTools({
      model: "mock-scenario:gemini-tools", stream: true, messages: user("gemini style"),
      tools: [tool("calc", ({ expression }) => (ran.push("calc"), "84")), tool("weather", ({ city }) => (ran.push(city), "rain"), { city: { type: "string" } })],
    });
    const done = [];
    for await (const e of runner) if (e.type === "tool_call.done") done.push(e);
    same(done.map((e) => [e.index, e.id, e.status]), [[0, "call_mock_1", "complete"], [1, "call_mock_2", "complete"]], "both calls, by position");
    same(ran, ["calc", "Beijing"], "both ran");
    same(await runner.finalContent(), "The tools said: 84; rain", "answer");
    const asked = runner.messages[1].tool_calls;
    same(asked.map((c) => c.type), ["function", "function"], "type defaults to function in the history");
  },

  async "a throwing tool: its error goes back to the model, or ends the run when asked"(lib, env) {
    class Boom extends Error {}
    const params = (marker) => ({ model: "gpt-4o-mini", messages: user(marker), tools: [tool("calc", () => { throw new Boom("division by zero"); })] });
    const reported = client(lib, env).chat.completions.runTools(params("throwing tool reported"));
    same(await reported.finalContent(), "The tool said: Error: division by zero", "the error text went back");
    same(reported.messages.at(-2), { role: "tool", tool_call_id: "call_mock_1", content: "Error: division by zero" }, "tool message");
    const thrown = client(lib, env).chat.completions.runTools(params("throwing tool thrown"), { toolErrors: "throw" });
    const e = await rejects(() => thrown.done(), Boom, "toolErrors: throw");
    same(e.message, "division by zero", "the tool's own error");
    same((await logged(env, "throwing tool thrown")).length, 1, "no request after the failure");
  },

  async "maxRounds ends a model that never stops calling, without running the last calls"(lib, env) {
    let runs = 0;
    const runner = client(lib, env).chat.completions.runTools(
      { model: "mock-scenario:tool-loop", messages: user("tool loop"), tools: [tool("calc", () => String(++runs))] },
      { maxRounds: 3 },
    );
    await runner.done();
    same([runner.stopReason, runner.rounds, runs], ["max_rounds", 3, 2], "three requests, two runs");
    const last = runner.messages.at(-1);
    same(last.role, "tool", "the history ends with a result for every call");
    check(last.content.includes("limit of 3 requests"), last.content);
    await rejects(() => client(lib, env).chat.completions.runTools({ model: "m", messages: user("x"), tools: [tool("calc", () => "")] }, { maxRounds: 0 }).done(), lib.InvalidArgumentError, "maxRounds 0");
    const orphan = { type: "function", function: { name: "lookup", parameters: { type: "object" } } };
    const e = await rejects(() => client(lib, env).chat.completions.runTools({ model: "m", messages: user("x"), tools: [tool("calc", () => ""), orphan] }).done(), lib.InvalidArgumentError, "a tool without a function");
    check(e.message.includes('"lookup" has no function'), e.message);
  },

  async "calls cut off at max_tokens or with invalid arguments are never run"(lib, env) {
    let runs = 0;
    const calc = () => String(++runs);
    const cut = client(lib, env).chat.completions.runTools({ model: "mock-scenario:tool-length", stream: true, messages: user("cut calls"), tools: [tool("calc", calc)] });
    const done = [];
    for await (const e of cut) if (e.type === "tool_call.done") done.push(e);
    same(done.map((e) => [e.status, e.reason]), [["incomplete", "length"]], "marked incomplete");
    same([cut.stopReason, runs], ["length", 0], "stopped, not run");
    check(cut.messages.at(-1).content.startsWith("Error: the tool was not run: the answer was cut off"), cut.messages.at(-1).content);
    const bad = client(lib, env).chat.completions.runTools({ model: "mock-scenario:tool-bad-args", messages: user("bad args"), tools: [tool("calc", calc)] });
    const answer = await bad.finalContent();
    check(answer.startsWith("The tool said: Error: the tool was not run: the arguments are not valid JSON"), answer);
    same(runs, 0, "never run");
  },

  async "abort while a tool runs: the run and the tool's signal abort"(lib, env) {
    const controller = new AbortController();
    let toolSignal;
    let started;
    const running = new Promise((resolve) => { started = resolve; });
    const hang = (args, { signal }) => {
      toolSignal = signal;
      started();
      return new Promise(() => {});
    };
    const runner = client(lib, env).chat.completions.runTools({ model: "gpt-4o-mini", messages: user("abort in tool"), tools: [tool("calc", hang)] }, { signal: controller.signal });
    await running;
    controller.abort();
    await rejects(() => runner.done(), lib.APIUserAbortError, "aborted run");
    check(toolSignal.aborted, "the tool's signal aborted");
    same((await logged(env, "abort in tool")).length, 1, "no second request");
  },

  async "abort in the middle of a streamed round, and leaving the iteration early"(lib, env) {
    let runs = 0;
    const controller = new AbortController();
    const params = (marker) => ({ model: "gpt-4o-mini", stream: true, messages: user(marker), tools: [tool("calc", () => String(++runs))] });
    const runner = client(lib, env).chat.completions.runTools(params("abort mid stream"), { signal: controller.signal });
    await rejects(async () => {
      for await (const e of runner) if (e.type === "tool_call.delta") controller.abort();
    }, lib.APIUserAbortError, "aborted mid-stream");
    same(runs, 0, "nothing ran");
    const left = client(lib, env).chat.completions.runTools(params("leave early"));
    for await (const e of left) if (e.type === "tool_call.start") break;
    await rejects(() => left.done(), lib.APIUserAbortError, "leaving the loop aborts");
    same(runs, 0, "nothing ran after leaving");
  },

  async "parse(): JSON answers, fenced ones, and a typed error keeping the text"(lib, env) {
    const c = client(lib, env);
    const ask = (model, extra = {}) => ({ model, messages: user("parse me"), response_format: { type: "json_object" }, ...extra });
    const done = await c.chat.completions.parse(ask("gpt-4o-mini"));
    same(done.choices[0].message.parsed.echo, "parse me", "json_object");
    check(typeof done._request_id === "string", "metadata kept");
    const json_schema = { name: "person", schema: schema({ name: { type: "string" }, age: { type: "integer" }, tags: { type: "array", items: { type: "string" } } }) };
    const typed = await c.chat.completions.parse(ask("gpt-4o-mini", { response_format: { type: "json_schema", json_schema } }));
    same(typed.choices[0].message.parsed, { name: "name: 你好 👋", age: 42, tags: ["tags: 你好 👋", "tags: 你好 👋"] }, "json_schema");
    same((await c.chat.completions.parse(ask("mock-scenario:json-fenced"))).choices[0].message.parsed.items, [1, 2, 3], "a fenced answer");
    const prose = await rejects(() => c.chat.completions.parse(ask("mock-scenario:invalid-json")), lib.OutputParseError, "prose around JSON");
    check(prose instanceof lib.InvalidResponseError && prose.rawText.startsWith("Sure! Here is the JSON"), prose.rawText);
    same([prose.finishReason, prose.choice, prose.partialCompletion.choices[0].message.content], ["stop", 0, prose.rawText], "fields");
    const cut = await rejects(() => c.chat.completions.parse(ask("gpt-4o-mini", { max_tokens: 4 })), lib.OutputParseError, "cut JSON");
    check(cut.finishReason === "length" && cut.message.includes("max_tokens"), cut.message);
    await rejects(() => c.chat.completions.parse(ask("gpt-4o-mini", { stream: true })), lib.InvalidArgumentError, "parse does not stream");
  },

  async "a streamed JSON answer: partial objects that grow, then the whole"(lib, env) {
    const stream = await client(lib, env).chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: user("stream json"), response_format: { type: "json_object" } });
    const seen = [];
    for await (const e of stream.eventStream) if (e.parsed !== undefined) seen.push(e.parsed);
    check(seen.length >= 1, "partial objects");
    const final = await stream.finalParsed();
    same(seen.at(-1), final, "the last partial is the answer");
    same(stream.partialJson, final, "partialJson after the end");
    for (const partial of seen) {
      for (const [k, v] of Object.entries(partial)) {
        if (typeof v === "string") check(final[k].startsWith(v), `${k}: ${v}`);
      }
    }
    const bad = await client(lib, env).chat.completions.create({ model: "mock-scenario:invalid-json", stream: true, messages: user("stream bad json"), response_format: { type: "json_object" } });
    const e = await rejects(() => bad.finalParsed(), lib.OutputParseError, "finalParsed");
    check(e.rawText.startsWith("Sure!"), e.rawText);
  },

  async "plain streams report tool calls as events too"(lib, env) {
    const tools = [tool("calc", null), tool("weather", null, { city: { type: "string" } })].map((t) => ({ type: t.type, function: { name: t.function.name, parameters: t.function.parameters } }));
    const stream = await client(lib, env).chat.completions.create({ model: "mock-scenario:parallel-tools", stream: true, messages: user("plain stream"), tools });
    const events = [];
    for await (const e of stream.eventStream) events.push(e);
    same(events.filter((e) => e.type === "tool_call.start").map((e) => [e.index, e.name]), [[0, "calc"], [1, "weather"]], "starts");
    same(events.slice(-2).map((e) => [e.type, e.status]), [["tool_call.done", "complete"], ["tool_call.done", "complete"]], "done last");
    same((await stream.finalChatCompletion()).choices[0].message.tool_calls.length, 2, "final completion");
  },

  async "Conversation: system prompt kept, answers added, trimmed without splitting a call from its results"(lib, env) {
    const c = client(lib, env);
    const chat = new lib.Conversation(c, { model: "mock-scenario:parallel-tools", system: "You are terse.", maxMessages: 4 });
    const first = await chat.send("convo one");
    check(first.choices[0].message.content.startsWith("Echo: convo one"), "answer");
    same(chat.messages.map((m) => m.role), ["system", "user", "assistant"], "added");
    const stream = await chat.stream("convo two");
    same(chat.messages.length, 4, "the streamed answer waits for the end");
    let text = "";
    for await (const t of stream.textStream) text += t;
    same(chat.messages.at(-1), { role: "assistant", content: text }, "streamed answer added");
    same(chat.messages.map((m) => m.role), ["system", "user", "assistant", "user", "assistant"], "four kept");
    const tools = [tool("calc", () => "84"), tool("weather", () => "sunny", { city: { type: "string" } })];
    const runner = chat.runTools("convo three", { tools });
    same(await runner.finalContent(), "The tools said: 84; sunny", "run answer");
    // user, assistant(2 calls), tool, tool, assistant: five do not fit in four; the call keeps both results.
    same(chat.messages.map((m) => m.role), ["system", "assistant", "tool", "tool", "assistant"], "trimmed by turns");
    await chat.send("convo four");
    same(chat.messages.map((m) => m.role), ["system", "assistant", "user", "assistant"], "the call and its results went together");
    const sent = (await logged(env, "convo four")).at(-1).body.messages;
    same(sent.map((m) => m.role), ["system", "assistant", "user"], "what was sent");
    same(sent[0].content, "You are terse.", "the system prompt");
    const budget = new lib.Conversation(c, { model: "gpt-4o-mini", system: "s", maxTokens: 80 });
    await budget.send("x".repeat(200));
    await budget.send("short");
    same(budget.messages.map((m) => m.role), ["system", "user", "assistant"], "the token budget drops the long turn");
    same(budget.messages[1].content, "short", "the newest turn stays");
  },
};

/** Runs one case; resolves to `{ ok: true }` or `{ ok: false, error }`. */
export async function run(name, lib, env) {
  const fn = cases[name];
  if (!fn) return { ok: false, error: `no case named ${name}` };
  try {
    await fn(lib, env);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: `${e?.name}: ${e?.message}\n${e?.stack ?? ""}` };
  }
}
