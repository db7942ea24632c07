// The consumers under test, runtime-neutral: the libraries come in as arguments, so Node imports
// them from node_modules/pkg and the Chromium page from its bundle. Each consumer takes a
// `makeResponse()` factory and resolves to `{ text, toolCalls, bytes, firstDeltaMs }`; the runner
// checks the result against the corpus, so a consumer that skips work fails instead of looking fast.

const MODEL = "gpt-4o-mini";
const MESSAGES = [{ role: "user", content: "Benchmark me." }];
const BASE_URL = "http://bench.invalid/v1";

/** Merges `delta.tool_calls` fragments into `calls` (by index), the way openai-node users do it by hand. */
export function mergeToolCalls(calls, deltas) {
  for (let i = 0; i < deltas.length; i++) {
    const d = deltas[i];
    const call = (calls[d.index] ??= { id: "", name: "", arguments: "" });
    if (d.id) call.id = d.id;
    const f = d.function;
    if (f) {
      if (f.name) call.name += f.name;
      if (f.arguments) call.arguments += f.arguments;
    }
  }
}

/** Accumulates one parsed `chat.completion.chunk` into `acc`; records the first content piece's time. */
function applyChunk(acc, chunk) {
  const choice = chunk.choices[0];
  if (!choice) return;
  const delta = choice.delta;
  if (delta.content) {
    if (acc.firstDeltaMs === undefined) acc.firstDeltaMs = performance.now() - acc.t0;
    acc.text += delta.content;
  }
  if (delta.tool_calls) mergeToolCalls(acc.toolCalls, delta.tool_calls);
}

const start = () => ({ t0: performance.now(), text: "", toolCalls: [], firstDeltaMs: undefined });

/**
 * The second run of each runtime (a page or process of its own): llmwire beside the floor only, on
 * text-2k, since the other libraries' runs in the same page or process slow it (benches/README.md).
 */
export const APART = { only: ["(b) JS floor", "(e) llmwire chunks", "(f) llmwire textStream"], corpora: ["text-2k"] };

/** Keeps the consumers and corpora named in `only` and `corpora` (all when not given). */
export function select(consumers, corpora, { only, corpora: names } = {}) {
  return {
    consumers: Object.fromEntries(Object.entries(consumers).filter(([name]) => !only || only.includes(name))),
    corpora: corpora.filter((c) => !names || names.includes(c.name)),
  };
}

/** Builds the consumers from the libraries: `{ OpenAI, createParser, llmwire }`. */
export function makeConsumers({ OpenAI, createParser, llmwire }) {
  const openaiClient = (makeResponse) =>
    new OpenAI({ apiKey: "sk-bench", baseURL: BASE_URL, fetch: async () => makeResponse(), maxRetries: 0, dangerouslyAllowBrowser: true });
  const llmwireStream = (makeResponse) =>
    new llmwire.Client({ apiKey: "sk-bench", baseURL: BASE_URL, fetch: async () => makeResponse(), dangerouslyAllowBrowser: true })
      .chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });

  return {
    /** (a) Reads the body and counts bytes: the cost of the stream itself. */
    "(a) read bytes": async (makeResponse) => {
      const acc = start();
      const reader = makeResponse().body.getReader();
      let bytes = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (acc.firstDeltaMs === undefined) acc.firstDeltaMs = performance.now() - acc.t0;
        bytes += value.byteLength;
      }
      return { ...acc, bytes };
    },

    /** (b) The hand-written floor: TextDecoder, split on blank lines, JSON.parse each data payload. */
    "(b) JS floor": async (makeResponse) => {
      const acc = start();
      const reader = makeResponse().body.getReader();
      const decoder = new TextDecoder();
      let buf = "";
      const onBlock = (block) => {
        if (!block.startsWith("data: ")) return;
        const data = block.slice(6);
        if (data !== "[DONE]") applyChunk(acc, JSON.parse(data));
      };
      for (;;) {
        const { value, done } = await reader.read();
        buf += done ? decoder.decode() : decoder.decode(value, { stream: true });
        let from = 0;
        for (let at; (at = buf.indexOf("\n\n", from)) !== -1; from = at + 2) onBlock(buf.slice(from, at));
        buf = buf.slice(from);
        if (done) break;
      }
      if (buf) onBlock(buf);
      return acc;
    },

    /** (c) eventsource-parser's `createParser` fed decoded text, JSON.parse of each event. */
    "(c) eventsource-parser": async (makeResponse) => {
      const acc = start();
      const parser = createParser({
        onEvent(ev) {
          if (ev.data !== "[DONE]") applyChunk(acc, JSON.parse(ev.data));
        },
      });
      const reader = makeResponse().body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
      parser.feed(decoder.decode());
      return acc;
    },

    /** (d) openai-node: `chat.completions.create({ stream: true })`, iterating chunk objects. */
    "(d) openai-node": async (makeResponse) => {
      const acc = start();
      const stream = await openaiClient(makeResponse).chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true });
      for await (const chunk of stream) applyChunk(acc, chunk);
      return acc;
    },

    /** (e) llmwire: iterating the ChatStream's chunk objects. */
    "(e) llmwire chunks": async (makeResponse) => {
      const acc = start();
      const stream = await llmwireStream(makeResponse);
      for await (const chunk of stream) applyChunk(acc, chunk);
      return acc;
    },

    /** (f) llmwire: `textStream`, the text of choice 0 piece by piece (no tool calls by design). */
    "(f) llmwire textStream": async (makeResponse) => {
      const acc = start();
      const stream = await llmwireStream(makeResponse);
      for await (const piece of stream.textStream) {
        if (acc.firstDeltaMs === undefined && piece) acc.firstDeltaMs = performance.now() - acc.t0;
        acc.text += piece;
      }
      acc.toolCalls = undefined;
      return acc;
    },

    /** (g) llmwire: `finalChatCompletion()`, the accumulated message (no per-delta callback: no first delta). */
    "(g) llmwire finalChatCompletion": async (makeResponse) => {
      const acc = start();
      const stream = await llmwireStream(makeResponse);
      const message = (await stream.finalChatCompletion()).choices[0].message;
      acc.text = message.content ?? "";
      acc.toolCalls = (message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
      return acc;
    },
  };
}

/** Throws unless a consumer's result matches the corpus (bytes for (a); text and tool calls otherwise). */
export function verify(name, result, corpus) {
  const fail = (what) => { throw new Error(`${name} on ${corpus.name}: wrong ${what}`); };
  if (result.bytes !== undefined) {
    if (result.bytes !== corpus.bytes) fail(`byte count ${result.bytes} != ${corpus.bytes}`);
    return;
  }
  if (result.text !== corpus.expected.text) fail(`text (${result.text.length} vs ${corpus.expected.text.length} chars)`);
  if (result.toolCalls !== undefined && JSON.stringify(result.toolCalls) !== JSON.stringify(corpus.expected.toolCalls)) fail("tool calls");
}
