// Every endpoint beyond chat, from the built package in Node, against the mock gateway (with a key).
// The cases live in tests/support/endpoints-suite.mjs and run in Chromium and workerd too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as lib from "../../pkg/index.js";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";
import { cases, run } from "../support/endpoints-suite.mjs";

const KEY = "sk-node-endpoints-secret";
let gw;
before(async () => {
  gw = await startMockGateway({ apiKey: KEY });
});
after(() => gw.close());

for (const name of Object.keys(cases)) {
  test(name, async () => {
    const result = await run(name, lib, { baseURL: gw.baseURL, apiKey: KEY });
    assert.ok(result.ok, result.error);
  });
}

test("multipart requests carry the key and no JSON content type", async () => {
  const client = new lib.Client({ apiKey: KEY, baseURL: gw.baseURL });
  await client.audio.transcriptions.create({ file: await lib.toFile(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]), "a.mp3"), model: "whisper-1" });
  const sent = gw.requests.at(-1);
  assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
  assert.match(sent.headers["content-type"], /^multipart\/form-data; boundary=/);
  assert.equal(sent.body.files[0].contentType, "audio/mpeg");
});

test("a user-supplied fetch also carries multipart bodies", async () => {
  const seen = [];
  const client = new lib.Client({ apiKey: KEY, baseURL: gw.baseURL, fetch: (url, init) => (seen.push(init.body), fetch(url, init)) });
  await client.images.edit({ prompt: "x", image: new File([Uint8Array.from(atob("iVBORw0KGgo="), (c) => c.charCodeAt(0))], "a.png", { type: "image/png" }) }).catch(() => {});
  assert.ok(seen[0] instanceof FormData);
});
