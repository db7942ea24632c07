// Tool calling, JSON answers and conversations from the built package in headless Chromium, against the
// mock gateway embedded in the demo's dev server. The cases (tests/support/tools-suite.mjs) are loaded
// into the page as a module and run there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSuitePage } from "../support/suite-page.mjs";
import { cases } from "../support/tools-suite.mjs";

let suite;

before(async () => {
  suite = await startSuitePage(new URL("../support/tools-suite.mjs", import.meta.url));
});
after(() => suite?.close());

for (const name of Object.keys(cases)) {
  test(name, { timeout: 60_000 }, async () => {
    const result = await suite.run(name);
    assert.ok(result.ok, result.error);
  });
}
