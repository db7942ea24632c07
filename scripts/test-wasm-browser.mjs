// Runs a wasm-bindgen-test suite in headless Chromium against a mock gateway started here; its URL
// is baked into the test build through LLMWIRE_MOCK_URL. With no arguments, the crate's
// tests/browser.rs; otherwise the arguments go to `cargo test` (e.g. `-p llmwire-example-chat`).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockGateway } from "../mock-gateway/gateway.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const gw = await startMockGateway();
const which = process.argv.length > 2 ? process.argv.slice(2) : ["--test", "browser"];
const child = spawn("cargo", ["test", "--target", "wasm32-unknown-unknown", ...which], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    LLMWIRE_MOCK_URL: gw.url,
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: "wasm-bindgen-test-runner",
    CHROMEDRIVER: process.env.CHROMEDRIVER ?? "/usr/bin/chromedriver",
    WASM_BINDGEN_TEST_TIMEOUT: "60",
  },
});
const code = await new Promise((resolve) => child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await gw.close();
process.exit(code);
