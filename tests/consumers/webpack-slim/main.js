// The slim entry in webpack 5: `new URL("llmwire/wasm", import.meta.url)` makes webpack emit the
// .wasm as an asset (resolved through the package's exports) and gives its URL to init().
import { Client, init } from "llmwire/slim";
import { chatRun } from "../shared/chat.mjs";
import { runInPage } from "../shared/page.mjs";

runInPage(async (baseURL) => {
  await init(new URL("llmwire/wasm", import.meta.url));
  return chatRun(new Client({ baseURL }), "hello bundle");
});
