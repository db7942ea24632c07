// What a long answer costs in wasm memory, in a process of its own (node --test runs each file in
// one). finalChatCompletion keeps the text in blocks that are never moved and hands it over once,
// joined: the pages it touches stay near twice the text. A text grown as one String touched three
// times it (every outgrown buffer stays in wasm memory), and a JSON answer joined per call more.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ChatStream, init } from "../../pkg/index.js";
import { initSync } from "../../pkg/llmwire_core.js";

/** Bytes of the wasm memory's pages that were touched: its mapping's `Rss` in /proc/self/smaps. */
function touchedBytes(memory) {
  const size = memory.buffer.byteLength;
  let inMapping = false;
  const found = [];
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (range) inMapping = parseInt(range[2], 16) - parseInt(range[1], 16) === size;
    else if (inMapping && line.startsWith("Rss:")) found.push(Number(/(\d+)/.exec(line)[1]) * 1024);
  }
  assert.equal(found.length, 1, `one mapping of the wasm memory's ${size} bytes`);
  return found[0];
}

/** A chat stream of `events` content deltas mixing ASCII, CJK and emoji; also its text. */
function longStream(events) {
  const pieces = ["Hello", " 東京", "😀", " text", "，", " wasm"];
  const parts = [];
  let text = "";
  for (let i = 0; i < events; i++) {
    const content = pieces[i % pieces.length];
    text += content;
    parts.push(`data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`);
  }
  parts.push('data: {"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
  const body = new TextEncoder().encode(parts.join(""));
  // Network-like chunks of 4-16 KiB.
  let at = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (at >= body.length) return controller.close();
      const n = 4096 + ((at * 7919) % 12288);
      controller.enqueue(body.slice(at, at + n));
      at += n;
    },
  });
  return { response: new Response(stream, { headers: { "content-type": "text/event-stream" } }), text };
}

test("a long answer touches wasm memory about twice its size, not three times", { skip: process.platform !== "linux" && "reads /proc/self/smaps" }, async () => {
  await init();
  const { memory } = initSync();
  const before = touchedBytes(memory);
  const { response, text } = longStream(250_000);
  const bytes = Buffer.byteLength(text);
  const completion = await (await ChatStream.fromResponse(response)).finalChatCompletion();
  assert.equal(completion.choices[0].message.content, text);
  const touched = touchedBytes(memory) - before;
  assert.ok(bytes > 1_000_000, `${bytes} bytes of text`);
  assert.ok(touched <= 2.3 * bytes, `wasm touched ${touched} bytes for ${bytes} bytes of text (${(touched / bytes).toFixed(2)}x)`);
});
