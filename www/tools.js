// The Tools tab: 01.AI's calculator example (seed 004). The model is given a revenue table and
// a `calculator` tool; it asks for MoM and YoY changes, this page runs the tool, sends the
// results back, and the model answers. Each call and result is shown as it happens: the call's
// arguments stream in, the result appears when the page has run it. llmwire's runTools drives
// the loop when the package has it; otherwise the page drives it with chat.completions.create.
import { renderMarkdown } from "./markdown.js";
import { errorBlock } from "./errors.js";
import { $, el } from "./dom.js";

const REVENUE = [
  ["2023-01", "25.78"], ["2023-02", "20.23"], ["2023-03", "21.27"], ["2023-04", "20.96"], ["2023-05", "24.33"],
  ["2023-06", "22.51"], ["2023-07", "23.97"], ["2023-08", "25.86"], ["2023-09", "27.05"], ["2023-10", "28.23"],
  ["2023-11", "27.17"], ["2023-12", "28.88"], ["2024-01", "26.33"], ["2024-02", "25.25"], ["2024-03", "28.89"],
  ["2024-04", "29.12"], ["2024-05", "30.08"], ["2024-06", "29.75"], ["2024-07", "28.83"],
];
export const TOOLS_PROMPT = "According to the table below, calculate the MoM and YoY data of April 2024: \n" +
  "| Month     | Revenue  | \n|---------|---------|\n" + REVENUE.map(([m, v]) => `| ${m} |   ${v}   |`).join("\n");

export const CALCULATOR = {
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
  },
};

/** The tool itself, as in the seed: the relative change from pre_value to current_value. */
export function calculator({ time, type, pre_value, current_value }) {
  const a = Number.parseFloat(pre_value);
  const b = Number.parseFloat(current_value);
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0) {
    return JSON.stringify({ time, type, error: `cannot compare ${JSON.stringify(pre_value)} with ${JSON.stringify(current_value)}` });
  }
  return JSON.stringify({ time, type, change: `${(((b - a) / a) * 100).toFixed(2)}%` });
}

const MAX_ROUNDS = 5;

export function initTools(ctx) {
  let controller = null;
  const timeline = $("tools-timeline");

  $("tools-prompt").value = TOOLS_PROMPT;
  const showTask = () => renderMarkdown($("tools-prompt").value, $("tools-task"));
  showTask();
  $("tools-prompt").addEventListener("input", showTask);
  renderMarkdown("```json\n" + JSON.stringify(CALCULATOR, null, 2) + "\n```", $("tools-schema"));

  ctx.onChange(() => ctx.fillModelSelect($("tools-model"), ctx.models.chat, ["yi-lightning", "gpt-4o-mini"]));

  // ------------------------------------------------------------ the timeline

  function step(kind, title) {
    const li = el("li", `step ${kind}`);
    const head = el("div", "step-head");
    head.append(el("span", "step-dot"), el("span", "step-title", title));
    const meta = el("span", "step-meta");
    head.append(meta);
    const body = el("div", "step-body");
    li.append(head, body);
    timeline.append(li);
    li.scrollIntoView({ block: "nearest" });
    return { li, head, meta, body, title: head.querySelector(".step-title") };
  }

  /** A request to the model: returns `done(finish)` to record how long it took. */
  function requestStep(n, model, results) {
    const view = step("request", n === 1 ? "Ask the model, offering the calculator" : `Send ${results} tool result${results === 1 ? "" : "s"} back`);
    view.meta.textContent = `${model} · request ${n}`;
    const started = performance.now();
    return (finish) => { view.meta.textContent = `${model} · ${Math.round(performance.now() - started)} ms · ${finish}`; };
  }

  /** A tool call whose arguments stream in. */
  function callStep(name) {
    const view = step("call", "");
    const args = el("pre", "args");
    view.body.append(el("div", "label", "arguments"), args);
    view.li.setAttribute("aria-busy", "true");
    const call = {
      raw: "",
      name: (value) => view.title.replaceChildren(document.createTextNode("The model calls "), el("code", "", value || "…")),
      add(fragment) {
        call.raw += fragment;
        args.textContent = call.raw;
      },
      done(id, argumentsText) {
        try {
          args.textContent = JSON.stringify(JSON.parse(argumentsText ?? call.raw), null, 2);
        } catch { /* keep the raw text */ }
        view.meta.textContent = id ?? "";
      },
      result(text, ms) {
        const out = el("pre", "result");
        out.textContent = text;
        view.body.append(el("div", "label", `result · ran in this page${ms === undefined ? "" : ` in ${ms.toFixed(1)} ms`}`), out);
        view.li.classList.add("ran");
        view.li.removeAttribute("aria-busy");
      },
    };
    call.name(name);
    return call;
  }

  function answerStep() {
    const view = step("answer", "The model answers");
    view.body.classList.add("md");
    return { view, show: (text) => renderMarkdown(text, view.body) };
  }

  /** Runs the calculator on a call's arguments (a JSON text): the result text for the model. */
  function runTool(name, argumentsText) {
    if (name !== "calculator") return JSON.stringify({ error: `no tool named ${name}` });
    try {
      return calculator(JSON.parse(argumentsText || "{}"));
    } catch (e) {
      return JSON.stringify({ error: `arguments are not valid JSON: ${e.message}` });
    }
  }

  // ------------------------------------------------------------ with llmwire's runTools

  /**
   * llmwire runs the loop: it sends each request, calls `calculator` for each tool call, sends the
   * results back and stops when the model answers; the page draws its events.
   */
  async function withRunner(model, prompt, signal) {
    const timings = new Map(); // call id → ms the tool took
    const runner = ctx.client.chat.completions.runTools({
      model, messages: [{ role: "user", content: prompt }], tool_choice: "auto", stream: true,
      tools: [{
        ...CALCULATOR,
        function: {
          ...CALCULATOR.function,
          function: (args, info) => {
            const started = performance.now();
            const result = calculator(args);
            timings.set(info?.id, performance.now() - started);
            return result;
          },
        },
      }],
    }, { signal, maxRounds: MAX_ROUNDS });
    let round = 1;
    let finishRequest = requestStep(round, model, 0);
    let calls = new Map(); // index → view, this round
    const byId = new Map();
    let expected = 0;
    let results = 0;
    let answer = null;
    let text = "";
    for await (const event of runner) {
      if (event.type === "tool_call.start") {
        const call = callStep(event.name);
        if (event.arguments) call.add(event.arguments);
        calls.set(event.index, call);
        byId.set(event.id, call);
      } else if (event.type === "tool_call.delta") {
        calls.get(event.index)?.add(event.delta);
      } else if (event.type === "tool_call.done") {
        calls.get(event.index)?.done(event.id, event.arguments);
      } else if (event.type === "content.delta") {
        answer ??= answerStep();
        text += event.delta;
        answer.show(text);
      } else if (event.type === "message" && event.message.role === "assistant") {
        expected = event.message.tool_calls?.length ?? 0;
        results = 0;
        finishRequest(expected ? "tool_calls" : runner.stopReason ?? "stop");
        if (!expected && event.message.content) {
          answer ??= answerStep();
          answer.show(event.message.content);
        }
      } else if (event.type === "message" && event.message.role === "tool") {
        byId.get(event.message.tool_call_id)?.result(String(event.message.content), timings.get(event.message.tool_call_id));
        if (++results === expected) {
          // Every result is in: llmwire sends them back at once.
          finishRequest = requestStep(++round, model, results);
          calls = new Map();
        }
      }
    }
    if (answer) {
      const usage = await runner.totalUsage();
      answer.view.meta.textContent = `${usage.total_tokens} tokens over ${runner.rounds} requests`;
    }
    if (runner.stopReason === "max_rounds") step("note", `Stopped after ${MAX_ROUNDS} requests.`);
  }

  // ------------------------------------------------------------ by hand

  /** The same loop with chat.completions.create, for a package without runTools. */
  async function byHand(model, prompt, signal) {
    const messages = [{ role: "user", content: prompt }];
    for (let n = 1; n <= MAX_ROUNDS; n++) {
      const finishRequest = requestStep(n, model, messages.filter((m) => m.role === "tool").length);
      const stream = await ctx.client.chat.completions.create({ model, messages, tools: [CALCULATOR], tool_choice: "auto", stream: true }, { signal });
      const calls = new Map();
      let answer = null;
      let text = "";
      for await (const chunk of stream) {
        const delta = chunk.choices?.[0]?.delta;
        for (const tc of delta?.tool_calls ?? []) {
          const index = tc.index ?? 0;
          if (!calls.has(index)) calls.set(index, callStep(tc.function?.name));
          else if (tc.function?.name) calls.get(index).name(tc.function.name);
          if (tc.function?.arguments) calls.get(index).add(tc.function.arguments);
        }
        if (delta?.content) {
          answer ??= answerStep();
          text += delta.content;
          answer.show(text);
        }
      }
      const final = await stream.finalChatCompletion();
      const message = final.choices?.[0]?.message ?? { role: "assistant", content: text };
      finishRequest(final.choices?.[0]?.finish_reason ?? "?");
      messages.push({ role: "assistant", content: message.content ?? null, ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}) });
      if (!message.tool_calls?.length) {
        if (answer) answer.show(message.content ?? text);
        return;
      }
      message.tool_calls.forEach((call, k) => {
        const view = calls.get(k) ?? callStep(call.function?.name);
        view.done(call.id, call.function?.arguments);
        const started = performance.now();
        const result = runTool(call.function?.name, call.function?.arguments);
        view.result(result, performance.now() - started);
        messages.push({ role: "tool", tool_call_id: call.id, name: call.function?.name, content: result });
      });
    }
    step("note", `Stopped after ${MAX_ROUNDS} requests.`);
  }

  async function run() {
    const model = $("tools-model").value;
    const prompt = $("tools-prompt").value.trim();
    timeline.replaceChildren();
    $("tools-empty").hidden = true;
    controller = new AbortController();
    $("tools-run").disabled = true;
    $("tools-stop").hidden = false;
    const viaRunner = typeof ctx.client.chat.completions.runTools === "function";
    timeline.dataset.driver = viaRunner ? "runTools" : "create";
    try {
      await (viaRunner ? withRunner : byHand)(model, prompt, controller.signal);
    } catch (e) {
      const s = step("error", e?.name === "APIUserAbortError" ? "Stopped" : "The run failed");
      s.body.append(errorBlock(e));
      for (const busy of timeline.querySelectorAll("[aria-busy]")) busy.removeAttribute("aria-busy");
    } finally {
      controller = null;
      $("tools-run").disabled = false;
      $("tools-stop").hidden = true;
    }
  }

  $("tools-run").addEventListener("click", () => { if (!controller) run(); });
  $("tools-stop").addEventListener("click", () => controller?.abort());
  return { shown: () => {} };
}
