// Bodies that are not what a stream promised: an HTML page with status 200, and an event larger
// than the client's cap. Each is a typed error with what arrived kept.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Client, InvalidResponseError, StreamParseError } from "../../pkg/index.js";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";

let gw;
before(async () => {
  gw = await startMockGateway();
});
after(() => gw.close());

const ask = (model) => ({ model, stream: true, messages: [{ role: "user", content: "bodies" }] });

test("a 200 HTML page where a stream was expected is an InvalidResponseError with a snippet", async () => {
  const page = "<!doctype html><html><head><title>Wi-Fi login required</title></head><body><form>...</form></body></html>";
  const client = new Client({ baseURL: "http://gateway.invalid/v1", fetch: async () => new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } }) });
  const s = await client.chat.completions.create(ask("m"));
  await assert.rejects(s.finalChatCompletion(), (e) => {
    assert.ok(e instanceof InvalidResponseError, e.name);
    assert.equal(e.snippet, "Wi-Fi login required");
    assert.match(e.message, /text\/html/);
    return true;
  });
});

test("maxEventBytes caps one event: a huge line ends the stream with a typed error", async () => {
  const client = new Client({ baseURL: gw.baseURL, maxEventBytes: 64 * 1024 });
  const s = await client.chat.completions.create(ask("mock-scenario:huge-line"));
  await assert.rejects(s.finalChatCompletion(), (e) => {
    assert.ok(e instanceof StreamParseError, e.name);
    assert.equal(e.limit, 64 * 1024);
    return true;
  });
  // The default cap (16 MiB) lets the 2 MiB line through.
  const whole = await new Client({ baseURL: gw.baseURL }).chat.completions.create(ask("mock-scenario:huge-line"));
  assert.ok((await whole.finalContent()).length >= 2 * 1024 * 1024);
});
