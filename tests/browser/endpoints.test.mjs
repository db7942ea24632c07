// Every endpoint beyond chat, from the built package in headless Chromium, against the mock gateway
// embedded in the demo's dev server. The cases (tests/support/endpoints-suite.mjs) are loaded into
// the page as a module and run there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSuitePage } from "../support/suite-page.mjs";
import { cases } from "../support/endpoints-suite.mjs";

let suite;
let page;

before(async () => {
  suite = await startSuitePage(new URL("../support/endpoints-suite.mjs", import.meta.url));
  page = suite.page;
});
after(() => suite?.close());

for (const name of Object.keys(cases)) {
  test(name, async () => {
    const result = await suite.run(name);
    assert.ok(result.ok, result.error);
  });
}

test("image items show in an <img>: a URL, a data URL from b64_json, and a Blob URL", async () => {
  const sizes = await page.evaluate(async () => {
    const { Client, imageURL, imageBlob } = await import("/pkg/index.js");
    const client = new Client({ baseURL: new URL("/api/v1", location.href).href });
    const show = (src) => new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve([img.naturalWidth, img.naturalHeight]);
      img.onerror = () => reject(new Error(`cannot show ${src.slice(0, 60)}`));
      img.src = src;
      document.body.append(img);
    });
    const viaChat = await client.images.generateViaChat({ model: "gpt-image-2-vip", prompt: "a lighthouse" });
    const b64 = await client.images.generate({ model: "gpt-image-1", prompt: "a kitten" });
    return [
      await show(await imageURL(viaChat.data[0])),
      await show(await imageURL(b64.data[0])),
      await show(URL.createObjectURL(await imageBlob(b64.data[0]))),
    ];
  });
  assert.deepEqual(sizes, [[64, 64], [64, 64], [64, 64]]);
});

test("images.edit takes an <input>'s FileList as several images", async () => {
  const out = await page.evaluate(async () => {
    const { Client } = await import("/pkg/index.js");
    const baseURL = new URL("/api/v1", location.href).href;
    const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
    const input = document.createElement("input");
    input.type = "file";
    input.multiple = true;
    const picked = new DataTransfer();
    picked.items.add(new File([png], "one.png", { type: "image/png" }));
    picked.items.add(new File([png], "two.png", { type: "image/png" }));
    input.files = picked.files;
    const result = await new Client({ baseURL }).images.edit({ prompt: "x", image: input.files });
    const log = await (await fetch(new URL("/api/__mock/requests", location.href))).json();
    const sent = log.filter((r) => r.path === "/v1/images/edits").at(-1).body.files;
    return { images: result.data.length, sent: sent.map((f) => [f.name, f.filename]) };
  });
  assert.deepEqual(out, { images: 1, sent: [["image[]", "one.png"], ["image[]", "two.png"]] });
});
