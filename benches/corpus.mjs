// Deterministic corpora of OpenAI `chat.completion.chunk` streams, and the network-like chunking
// of their bytes. Runtime-neutral: the Node runner and the Chromium page generate identical bytes
// from the same seeds (checked through `hash`).

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rand, lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (rand, xs) => xs[Math.floor(rand() * xs.length)];

const WORDS = ("the of and to in is that for it as with was on be by this are from at or an which can "
  + "stream token model latency parser chunk buffer event server client request response wasm rust "
  + "bytes throughput memory function result value error retry gateway completion delta").split(" ");
const CJK = [..."的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跑花许"];
const EMOJI = ["😀", "🚀", "✨", "👍🏽", "🇯🇵", "👩‍💻", "🔥", "❤️", "🎉", "🤖"];
const SPECIAL = ["\"", "\\", "\n", "\t", "\n\n", "</", "\u2028", "'"];

/** A token-sized piece of text: 1–8 characters (code points), mostly ASCII, some CJK and emoji, escapes now and then. */
function tokenText(rand) {
  const r = rand();
  if (r < 0.62) {
    const w = pick(rand, WORDS);
    const s = (rand() < 0.8 ? " " : "") + w;
    return [...s].slice(0, 8).join("");
  }
  if (r < 0.82) {
    let s = "";
    for (let n = int(rand, 1, 4); n > 0; n--) s += pick(rand, CJK);
    return s;
  }
  if (r < 0.92) return pick(rand, EMOJI);
  return pick(rand, SPECIAL) + (rand() < 0.5 ? pick(rand, WORDS).slice(0, 3) : "");
}

const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const randomId = (rand, n) => Array.from({ length: n }, () => ID_CHARS[Math.floor(rand() * ID_CHARS.length)]).join("");

/**
 * Builds a corpus: `{ name, text, events, expected: { text, toolCalls } }` where `text` is the
 * whole SSE body. `kind` is "text" (content deltas) or "tools" (a short content preamble, then
 * streamed tool-call arguments for two calls). `events` counts SSE events, `[DONE]` included.
 */
export function generateCorpus({ name, kind = "text", events: target, seed }) {
  const rand = prng(seed);
  const head = {
    id: `chatcmpl-${randomId(rand, 29)}`,
    object: "chat.completion.chunk",
    created: 1732000000 + int(rand, 0, 1e6),
    model: "gpt-4o-mini",
    system_fingerprint: `fp_${randomId(rand, 10).toLowerCase()}`,
  };
  const parts = [];
  const chunk = (delta, finish = null, extra) =>
    parts.push(`data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`);

  let text = "";
  const toolCalls = [];
  chunk({ role: "assistant", content: "" });
  const contentEvents = kind === "tools" ? Math.min(40, target - 3) : target - 3;
  for (let i = 0; i < contentEvents; i++) {
    const t = tokenText(rand);
    text += t;
    chunk({ content: t });
  }
  if (kind === "tools") {
    const calls = [{ name: "get_weather" }, { name: "search_documents" }];
    const perCall = Math.floor((target - 3 - contentEvents) / calls.length);
    calls.forEach((call, index) => {
      const id = `call_${randomId(rand, 24)}`;
      chunk({ tool_calls: [{ index, id, type: "function", function: { name: call.name, arguments: "" } }] });
      let args = "";
      for (let i = 1; i < perCall; i++) {
        // Arguments are JSON text streamed in fragments; the fragments themselves carry quotes.
        const piece = i === 1 ? "{\"q\":\"" : i === perCall - 1 ? "\"}" : JSON.stringify(tokenText(rand)).slice(1, -1);
        args += piece;
        chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
      }
      toolCalls.push({ id, name: call.name, arguments: args });
    });
  }
  const usage = { prompt_tokens: 42, completion_tokens: parts.length - 1, total_tokens: parts.length + 41 };
  chunk({}, kind === "tools" ? "tool_calls" : "stop", { usage });
  parts.push("data: [DONE]\n\n");
  return { name, kind, text: parts.join(""), events: parts.length, expected: { text, toolCalls } };
}

/** Encodes the body and splits it into network-like chunks of 1–16 KiB (seeded), each its own buffer. */
export function chunkCorpus(corpus, seed) {
  const bytes = new TextEncoder().encode(corpus.text);
  const rand = prng(seed);
  const chunks = [];
  for (let at = 0; at < bytes.length;) {
    const n = int(rand, 1024, 16384);
    chunks.push(bytes.slice(at, at + n));
    at += n;
  }
  return { name: corpus.name, kind: corpus.kind, events: corpus.events, bytes: bytes.length, chunks, expected: corpus.expected, hash: fnv1a(bytes) };
}

function fnv1a(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The corpora of a run: the small and large text streams and the tool-call stream (quick: small
 * ones only). The small corpus takes milliseconds, so the full run times it more often; the
 * tool-call corpus takes tens of milliseconds, as long as one of this machine's fast or slow
 * stretches, so it is timed more often too (benches/README.md).
 */
export function corpusSpecs(quick) {
  return quick
    ? [{ name: "text-2k", events: 2000, seed: 1 }, { name: "tools-2k", kind: "tools", events: 2000, seed: 3 }]
    : [{ name: "text-2k", events: 2000, seed: 1, runs: 31 }, { name: "text-200k", events: 200000, seed: 2 }, { name: "tools-20k", kind: "tools", events: 20000, seed: 3, runs: 15 }];
}

/** Generates and chunks every corpus of a run; the chunking seed derives from the corpus seed. */
export function buildCorpora(quick) {
  return corpusSpecs(quick).map((spec) => ({ ...chunkCorpus(generateCorpus(spec), spec.seed * 7919), runs: spec.runs }));
}

/**
 * A `Response` over pre-split chunks: a fresh pull-based ReadableStream each call. `onPull`, if
 * given, runs on every pull (memory sampling).
 */
export function responseFactory(chunks, onPull) {
  return () => {
    let i = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (onPull) onPull();
        if (i < chunks.length) controller.enqueue(chunks[i++]);
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" } });
  };
}
