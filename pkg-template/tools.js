// Tool calling, JSON answers and conversation memory. Glue only: a ToolRunner's loop (features.js,
// imported on its first run) sends requests and calls your async functions; which calls run, what
// goes back to the model and when to stop is decided in Rust (WasmToolLoop, src/protocol/tools.rs),
// as are JSON checks and trimming. Here: the runner's state and events, and Conversation.

import { isObject } from "./transport.js";

let ctx = null;
let glue = null;
let features = null;

/** @internal Called once by facade.js with what this module needs from it. */
export function _initTools(context) {
  ctx = context;
}

async function loaded() {
  return (glue ??= await ctx.extras());
}

/** @internal Calls into the wasm, turning its errors into llmwire's classes. */
export function wasm(fn) {
  try {
    return fn();
  } catch (e) {
    ctx.rethrow(e);
  }
}

/** @internal The InvalidArgumentError of `message`. */
export const invalid = (message) => new ctx.errors.InvalidArgumentError(message);

/** @internal Each choice's JSON answer of a completion (JSON text); an answer that is not JSON throws `OutputParseError`. */
export async function parseCompletion(text) {
  const b = await loaded();
  return JSON.parse(wasm(() => b.parsedChoices(text)));
}

/** A controller that follows `signal`; `unlink()` removes the listener from it. */
function follow(signal) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (signal?.aborted) abort();
  else signal?.addEventListener("abort", abort, { once: true });
  return [controller, () => signal?.removeEventListener("abort", abort)];
}

/**
 * A tool-calling run: iterate its events, or await `finalContent()` and friends. It starts at once;
 * leaving a `for await` early aborts it.
 */
export class ToolRunner {
  #controller;
  #messages = [];
  #completions = [];
  #stopReason;
  #onMessage;
  #queue = [];
  #wake = null;
  #taken = null;
  #listening = false;
  #finished = false;
  #error;
  #done;

  /** @internal `params` may be a promise (Conversation builds them once the wasm is ready). */
  constructor(ready, params, options = {}) {
    const { maxRounds = 10, toolErrors = "report", signal, onMessage } = options ?? {};
    let unlink;
    [this.#controller, unlink] = follow(signal);
    this.#onMessage = onMessage;
    const checked = Number.isInteger(maxRounds) && maxRounds >= 1 && ["report", "throw"].includes(toolErrors)
      ? null : invalid('runTools options: maxRounds must be an integer ≥ 1 and toolErrors "report" or "throw"');
    /** What the loop (features.js) reads and records of this run. */
    const run = {
      runner: this,
      signal: this.#controller.signal,
      /** The run's conversation: each request sends it, and `message` extends it. */
      begin: (messages) => (this.#messages = messages),
      completion: (completion) => this.#completions.push(completion),
      message: (message) => {
        this.#messages.push(message);
        this.#onMessage?.(message);
      },
      stop: (reason) => (this.#stopReason = reason),
    };
    this.#done = (async () => {
      try {
        if (checked) throw checked;
        params = await params;
        const { toolLoop } = await ctx.features();
        for await (const event of toolLoop(ready, params, maxRounds, toolErrors, run)) await this.#emit(event);
      } catch (e) {
        this.#error = e;
        this.#controller.abort();
        throw e;
      } finally {
        this.#finished = true;
        unlink();
        this.#emit(undefined);
      }
    })();
    this.#done.catch(() => {});
  }

  /** Hands an event to the iteration, if any, and resolves once it has been taken (so the run never runs ahead). */
  #emit(event) {
    const listening = event !== undefined && this.#listening;
    if (listening) this.#queue.push(event);
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
    return listening ? new Promise((resolve) => { this.#taken = resolve; }) : undefined;
  }

  #release() {
    const taken = this.#taken;
    this.#taken = null;
    taken?.();
  }

  /**
   * The run's events: a streamed run's stream events (`content.delta`, `tool_call.start`, `tool_call.delta`,
   * `tool_call.done`), and `{ type: "message", message }` for each message the run adds. Iterate once, right away.
   */
  [Symbol.asyncIterator]() {
    if (this.#listening) throw new ctx.errors.LlmwireError("this run is already being iterated; iterate it once");
    this.#listening = true;
    return this.#events();
  }

  async *#events() {
    let complete = false;
    try {
      for (;;) {
        while (this.#queue.length > 0) yield this.#queue.shift();
        this.#release();
        if (this.#finished) {
          if (this.#error) throw this.#error;
          complete = true;
          return;
        }
        await new Promise((resolve) => { this.#wake = resolve; });
      }
    } finally {
      if (!complete) this.abort();
      this.#release();
    }
  }

  /** Resolves when the run has ended (rejects with its error). */
  async done() {
    await this.#done;
  }

  /** The last chat completion. */
  async finalChatCompletion() {
    await this.#done;
    return this.#completions.at(-1);
  }

  /** The text of the model's last answer (null when it had none). */
  async finalContent() {
    return (await this.finalChatCompletion())?.choices?.[0]?.message?.content ?? null;
  }

  /** The last assistant message. */
  async finalMessage() {
    await this.#done;
    return this.#messages.findLast((m) => m?.role === "assistant");
  }

  /** Every chat completion of the run, one per request. */
  async allChatCompletions() {
    await this.#done;
    return [...this.#completions];
  }

  /** The usage of every request, added up. */
  async totalUsage() {
    const total = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    for (const c of await this.allChatCompletions()) for (const k of Object.keys(total)) total[k] += c?.usage?.[k] ?? 0;
    return total;
  }

  /** Every message so far: the request's, then the assistant answers and tool results. */
  get messages() {
    return [...this.#messages];
  }

  /** Why the run ended: the last answer's finish reason (`stop`, `length`, ...) or `max_rounds`; undefined before. */
  get stopReason() {
    return this.#stopReason;
  }

  /** Requests made so far. */
  get rounds() {
    return this.#completions.length;
  }

  /** Aborts the run: the current request, and the `signal` your tools were given. */
  abort() {
    this.#controller.abort();
  }
}

/** @internal `chat.completions.runTools`. */
export function runTools(ready, params, options) {
  return new ToolRunner(ready, params, options);
}

const isMessage = (m) => isObject(m) && typeof m.role === "string";

/**
 * A chat's history: keeps the system prompt, adds your messages and the model's answers (streamed ones
 * and tool-calling runs too), and trims to `maxMessages` and/or about `maxTokens` without separating a
 * tool call from its result. Other options (`model`, `temperature`, ...) go with every request.
 */
export class Conversation {
  #client;
  #defaults;
  #messages;
  #maxMessages;
  #maxTokens;

  constructor(client, { system, messages = [], maxMessages, maxTokens, ...defaults } = {}) {
    if (!client?.chat?.completions) throw invalid("new Conversation(client, options) needs a Client");
    for (const [name, n] of [["maxMessages", maxMessages], ["maxTokens", maxTokens]]) {
      if (n != null && !(Number.isInteger(n) && n >= 0)) throw invalid(`${name} must be a non-negative integer`);
    }
    this.#client = client;
    this.#defaults = defaults;
    this.#maxMessages = maxMessages ?? undefined;
    this.#maxTokens = maxTokens ?? undefined;
    this.#messages = [...(system ? [{ role: "system", content: system }] : []), ...messages];
  }

  /** The history, as it is sent. */
  get messages() {
    return [...this.#messages];
  }

  /** Adds messages (your own, or tool results) and trims. */
  push(...messages) {
    if (!messages.every(isMessage)) throw invalid("push() takes message objects with a role");
    this.#messages.push(...messages);
    this.#trim();
    return this;
  }

  /** Forgets everything but the system messages. */
  clear() {
    this.#messages = this.#messages.filter((m) => m.role === "system" || m.role === "developer");
  }

  /** Sends `content` (text, content parts, or a message) and resolves to the completion; both are added. */
  async send(content, params, options) {
    await this.#ask(content);
    const completion = await this.#client.chat.completions.create(this.#params(params, false), options);
    this.#answer(completion);
    return completion;
  }

  /** Like `send`, streamed: resolves to the ChatStream; its answer is added once it has been read to the end. */
  async stream(content, params, options) {
    await this.#ask(content);
    const stream = await this.#client.chat.completions.create(this.#params(params, true), options);
    stream[ctx.ON_COMPLETE]((completion) => this.#answer(completion));
    return stream;
  }

  /** Runs the tool-calling loop on the history plus `content`; the calls, results and answer are added as they come. */
  runTools(content, params, options) {
    const ready = (async () => {
      await this.#ask(content);
      return this.#params(params, params?.stream === true);
    })();
    const onMessage = (m) => {
      this.push(m);
      options?.onMessage?.(m);
    };
    return this.#client.chat.completions.runTools(ready, { ...options, onMessage });
  }

  #params(params, stream) {
    return { ...this.#defaults, ...params, messages: [...this.#messages], stream };
  }

  async #ask(content) {
    await loaded();
    features ??= await ctx.features(); // answerShape, for #answer
    if (content !== undefined) this.#messages.push(isMessage(content) ? content : { role: "user", content });
    this.#trim();
  }

  #answer(completion) {
    const [shape, restore] = features.answerShape(completion);
    this.#messages.push(restore(JSON.parse(wasm(() => glue.assistantMessage(shape)))));
    this.#trim();
  }

  #trim() {
    if (!glue || (this.#maxMessages === undefined && this.#maxTokens === undefined)) return;
    // The estimate counts an image part whatever its URL, so the URLs (data URLs of megabytes) stay
    // here: wasm memory, which never shrinks, does not grow to the history's size.
    const history = JSON.stringify(this.#messages, (key, value) => (key === "image_url" ? null : value));
    const keep = JSON.parse(wasm(() => glue.trimMessages(history, this.#maxMessages, this.#maxTokens)));
    if (keep.length !== this.#messages.length) this.#messages = keep.map((i) => this.#messages[i]);
  }
}
