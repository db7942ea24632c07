// Load in headless Chromium: 100 concurrent streams in one page, each accumulated correctly.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "../support/chromium.mjs";
import { startDevServer } from "../../www/serve.mjs";

let dev;
let browser;
before(async () => {
  dev = await startDevServer({ port: 0, env: {}, pacingMs: 1 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await dev?.close();
});

test("Chromium: 100 concurrent streams in one page", async () => {
  const page = await browser.newPage();
  await page.goto(`${dev.url}/pkg/package.json`);
  const bad = await page.evaluate(async () => {
    const { Client } = await import("/pkg/index.js");
    const client = new Client({ baseURL: new URL("/api/v1", location.href).href });
    const finals = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
      const s = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, n: 2, messages: [{ role: "user", content: `page ${i}` }] });
      let text = "";
      for await (const chunk of s) for (const c of chunk.choices) if (c.index === 0) text += c.delta?.content ?? "";
      return [text, await s.finalChatCompletion()];
    }));
    return finals.flatMap(([text, c], i) => {
      const first = c.choices[0].message.content;
      const ok = first === text && first.startsWith(`Echo: page ${i}.`) && c.choices[1].message.content === `${first} (choice 1)`;
      return ok ? [] : [i];
    });
  });
  assert.deepEqual(bad, []);
});
