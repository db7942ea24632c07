// runTools end to end against a real gateway: the LiteLLM proxy (tests/e2e/litellm-server.mjs starts
// it offline on 127.0.0.1) with litellm-tools.config.yaml: `yi-large-fc` is a small agent
// (llmwire_agent.py) that asks for seed 004's calculator twice and then answers with the results,
// `mock-tools` is LiteLLM's `mock_tool_calls`, which calls its tool on every request. The built
// package runs in Node and in headless Chromium.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "../../pkg/index.js";
import { launchChromium } from "../support/chromium.mjs";
import { START_TIMEOUT_MS, masterKey, startLiteLLM, startStaticServer, startTripwire } from "./litellm-server.mjs";

const CONFIG = join(dirname(fileURLToPath(import.meta.url)), "litellm-tools.config.yaml");
const KEY = masterKey(CONFIG);
const LIMIT = { timeout: 60_000 };

let litellm;
let tripwire;

before(async () => {
  tripwire = await startTripwire();
  litellm = await startLiteLLM(tripwire.url, CONFIG);
}, { timeout: START_TIMEOUT_MS + 15_000 });

after(async () => {
  await litellm?.close();
  await tripwire?.close();
});

// Seed 004's calculator, as the README has it.
const calculatorTool = (calculator) => ({
  type: "function",
  function: {
    name: "calculator",
    description: "YoY and MoM data calculator.",
    parameters: {
      type: "object",
      properties: { time: { type: "string" }, type: { type: "string", enum: ["YoY", "MoM"] }, pre_value: { type: "string" }, current_value: { type: "string" } },
      required: ["time", "type", "pre_value", "current_value"],
    },
    function: calculator,
  },
});
const calculator = ({ time, type, pre_value, current_value }) => ({ time, type, change: `${(((current_value - pre_value) / pre_value) * 100).toFixed(2)}%` });
const ASK = [{ role: "user", content: "According to the revenue table, calculate the MoM and YoY data of April 2024." }];
const ANSWER = 'April 2024: {"time":"2024-04","type":"MoM","change":"0.80%"}; {"time":"2024-04","type":"YoY","change":"38.93%"}';

describe("Node", () => {
  let client;
  before(() => {
    client = new Client({ apiKey: KEY, baseURL: litellm.baseURL });
  });

  test("the calculator run, not streamed: parallel calls, results back, the answer", LIMIT, async () => {
    const runner = client.chat.completions.runTools({ model: "yi-large-fc", messages: ASK, tools: [calculatorTool(calculator)] });
    assert.equal(await runner.finalContent(), ANSWER);
    assert.deepEqual([runner.stopReason, runner.rounds], ["stop", 2]);
    assert.deepEqual(runner.messages.map((m) => m.role), ["user", "assistant", "tool", "tool", "assistant"]);
    assert.deepEqual(runner.messages.slice(2, 4).map((m) => m.tool_call_id), ["call_mom", "call_yoy"]);
    assert.equal((await runner.totalUsage()).total_tokens, 100);
  });

  test("the calculator run, streamed: LiteLLM's fragments become tool events", LIMIT, async () => {
    const runner = client.chat.completions.runTools({ model: "yi-large-fc", stream: true, messages: ASK, tools: [calculatorTool(calculator)] });
    const events = [];
    for await (const event of runner) events.push(event);
    const done = events.filter((e) => e.type === "tool_call.done");
    assert.deepEqual(done.map((e) => [e.id, e.status, e.parsed_arguments.type]), [["call_mom", "complete", "MoM"], ["call_yoy", "complete", "YoY"]]);
    assert.ok(events.filter((e) => e.type === "tool_call.delta").length > 10, "argument fragments");
    const text = events.filter((e) => e.type === "content.delta").map((e) => e.delta).join("");
    assert.equal(text, ANSWER);
    assert.equal(await runner.finalContent(), ANSWER);
  });

  test("a tool that throws: its error reaches the model, which answers with it", LIMIT, async () => {
    const runner = client.chat.completions.runTools({
      model: "yi-large-fc", messages: ASK,
      tools: [calculatorTool(({ type }) => { if (type === "YoY") throw new Error("no data for 2023"); return "0.80%"; })],
    });
    assert.equal(await runner.finalContent(), "April 2024: 0.80%; Error: no data for 2023");
  });

  test("maxRounds ends LiteLLM's mock_tool_calls, which never stops calling", LIMIT, async () => {
    const cities = [];
    const weather = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } }, function: ({ city }) => (cities.push(city), "sunny") } };
    const runner = client.chat.completions.runTools({ model: "mock-tools", messages: ASK, tools: [weather] }, { maxRounds: 2 });
    await runner.done();
    assert.deepEqual([runner.stopReason, runner.rounds, cities], ["max_rounds", 2, ["東京"]]);
    const ids = runner.messages.filter((m) => m.role === "tool").map((m) => m.tool_call_id);
    assert.equal(new Set(ids).size, ids.length, `the repeated id is replaced: ${ids}`);
  });
});

describe("Chromium", () => {
  let browser;
  let site;

  before(async () => {
    site = await startStaticServer();
    browser = await launchChromium();
  }, { timeout: 60_000 });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test("a streamed calculator run in a page, cross-origin", LIMIT, async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}/`);
    const out = await page.evaluate(async ({ baseURL, key, ask }) => {
      const { Client } = await import("/pkg/index.js");
      const client = new Client({ apiKey: key, baseURL, dangerouslyAllowBrowser: true });
      const calculator = ({ time, type, pre_value, current_value }) => ({ time, type, change: `${(((current_value - pre_value) / pre_value) * 100).toFixed(2)}%` });
      const parameters = { type: "object", properties: { time: { type: "string" }, type: { type: "string" }, pre_value: { type: "string" }, current_value: { type: "string" } } };
      const runner = client.chat.completions.runTools({ model: "yi-large-fc", stream: true, messages: ask, tools: [{ type: "function", function: { name: "calculator", parameters, function: calculator } }] });
      const kinds = new Set();
      for await (const e of runner) kinds.add(e.type);
      return { answer: await runner.finalContent(), kinds: [...kinds].sort(), rounds: runner.rounds };
    }, { baseURL: litellm.baseURL, key: KEY, ask: ASK });
    assert.equal(out.answer, ANSWER);
    assert.equal(out.rounds, 2);
    assert.deepEqual(out.kinds, ["content.delta", "message", "tool_call.delta", "tool_call.done", "tool_call.start"]);
  });
});

test("LiteLLM tried nothing outside 127.0.0.1", () => {
  assert.deepEqual(tripwire.attempts, []);
  assert.doesNotMatch(litellm.log(), /model cost map fetch|ConnectError|ProxyError|Name or service not known/);
});
