// Self-test of the mock gateway's tool calls and JSON answers (mock-gateway/tools.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMockGateway } from "./gateway.mjs";

let gw;
before(async () => {
  gw = await startMockGateway();
});
after(() => gw.close());

const tool = (name, properties = { expression: { type: "string" } }) => ({ type: "function", function: { name, parameters: { type: "object", properties } } });
const TOOLS = [tool("calc"), tool("weather", { city: { type: "string" }, days: { type: "integer" } })];

async function chat(body, scenario) {
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(scenario ? { "x-mock-scenario": scenario } : {}) },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }], ...body }),
  });
  assert.equal(res.status, 200);
  return body.stream ? (await res.text()).split("\n\n").filter((f) => f.startsWith("data: {")).map((f) => JSON.parse(f.slice(6))) : res.json();
}

const message = async (body, scenario) => (await chat(body, scenario)).choices[0];
const asked = (calls) => ({ role: "assistant", content: null, tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: c.function })) });
const result = (id, content) => ({ role: "tool", tool_call_id: id, content });

test("parallel-tools calls every tool at once; the answer quotes every result", async () => {
  const first = await message({ tools: TOOLS }, "parallel-tools");
  assert.equal(first.finish_reason, "tool_calls");
  const calls = first.message.tool_calls;
  assert.deepEqual(calls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]), [
    ["call_mock_1", "calc", { expression: "12*7" }],
    ["call_mock_2", "weather", { city: "Beijing", days: 1 }],
  ]);
  const messages = [{ role: "user", content: "go" }, asked(calls), result("call_mock_1", "84"), result("call_mock_2", "sunny")];
  const answer = await message({ tools: TOOLS, messages }, "parallel-tools");
  assert.equal(answer.message.content, "The tools said: 84; sunny");
});

test("tool-rounds calls one tool per round, then answers", async () => {
  const messages = [{ role: "user", content: "go" }];
  for (const [round, name] of ["calc", "weather"].entries()) {
    const { message: m } = await message({ tools: TOOLS, messages }, "tool-rounds");
    assert.equal(m.tool_calls.length, 1);
    assert.equal(m.tool_calls[0].function.name, name);
    assert.equal(m.tool_calls[0].id, `call_mock_${round + 1}`);
    messages.push(asked(m.tool_calls), result(m.tool_calls[0].id, `r${round}`));
  }
  assert.equal((await message({ tools: TOOLS, messages }, "tool-rounds")).message.content, "The tools said: r0; r1");
});

test("tool-loop never stops calling", async () => {
  const messages = [{ role: "user", content: "go" }, asked([{ id: "a", function: { name: "calc", arguments: "{}" } }]), result("a", "1")];
  assert.equal((await message({ tools: TOOLS, messages }, "tool-loop")).message.tool_calls[0].function.name, "calc");
});

test("gemini-tools streams calls without index and type, finishing with stop", async () => {
  const chunks = await chat({ tools: TOOLS, stream: true }, "gemini-tools");
  const deltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
  assert.ok(deltas.length > 4);
  assert.ok(deltas.every((d) => d.index === undefined && d.type === undefined));
  assert.deepEqual(deltas.filter((d) => d.id).map((d) => d.id), ["call_mock_1", "call_mock_2"]);
  assert.equal(chunks.at(-1).choices[0].finish_reason, "stop");
  const whole = await message({ tools: TOOLS }, "gemini-tools");
  assert.equal(whole.message.tool_calls[1].type, undefined);
});

test("tool-length cuts the arguments and finishes with length; tool-bad-args sends invalid JSON", async () => {
  const cut = await message({ tools: TOOLS }, "tool-length");
  assert.equal(cut.finish_reason, "length");
  assert.throws(() => JSON.parse(cut.message.tool_calls[0].function.arguments));
  const chunks = await chat({ tools: TOOLS, stream: true }, "tool-length");
  assert.equal(chunks.at(-1).choices[0].finish_reason, "length");
  const bad = await message({ tools: TOOLS }, "tool-bad-args");
  assert.equal(bad.finish_reason, "tool_calls");
  assert.equal(bad.message.tool_calls[0].function.arguments, '{"expression":"12*7"');
});

test("seed 004's calculator request gets MoM and YoY calls with the table's values", async () => {
  const calculator = tool("calculator", { time: { type: "string" }, type: { type: "string", enum: ["YoY", "MoM"] }, pre_value: { type: "string" }, current_value: { type: "string" } });
  const content = "According to the table below, calculate the MoM and YoY data of April 2024: \n| Month | Revenue |\n|---|---|\n| 2023-03 | 21.27 |\n| 2023-04 |   20.96   |\n| 2024-03 | 28.89 |\n| 2024-04 | 29.12 |";
  const { message: m } = await message({ tools: [calculator], messages: [{ role: "user", content }] });
  assert.deepEqual(m.tool_calls.map((c) => JSON.parse(c.function.arguments)), [
    { time: "2024-04", type: "MoM", pre_value: "28.89", current_value: "29.12" },
    { time: "2024-04", type: "YoY", pre_value: "20.96", current_value: "29.12" },
  ]);
});

test("json_object and json_schema answers are JSON; invalid-json and json-fenced are not bare JSON", async () => {
  const object = JSON.parse((await message({ response_format: { type: "json_object" } })).message.content);
  assert.equal(object.echo, "hello");
  const schema = { type: "object", properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string" } }, score: { type: "number" }, kind: { enum: ["a", "b"] } } };
  const sample = JSON.parse((await message({ response_format: { type: "json_schema", json_schema: { name: "s", schema } } })).message.content);
  assert.deepEqual(sample, { name: "name: 你好 👋", tags: ["tags: 你好 👋", "tags: 你好 👋"], score: 42, kind: "a" });
  const prose = (await message({ response_format: { type: "json_object" } }, "invalid-json")).message.content;
  assert.throws(() => JSON.parse(prose));
  assert.match((await message({ response_format: { type: "json_object" } }, "json-fenced")).message.content, /^```json\n\{/);
  const cut = await message({ response_format: { type: "json_object" }, max_tokens: 3 });
  assert.equal(cut.finish_reason, "length");
  assert.throws(() => JSON.parse(cut.message.content));
});
