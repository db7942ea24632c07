// The slim entry in Vite: the .wasm is a separate asset (`?url`), fetched and compiled by init().
// This app reads `textStream`; the others iterate chunk objects.
import { Client, init } from "llmwire/slim";
import wasmURL from "llmwire/wasm?url";
import { chatRun } from "../shared/chat.mjs";
import { runInPage } from "../shared/page.mjs";

runInPage(async (baseURL) => {
  await init(wasmURL);
  return { ...(await chatRun(new Client({ baseURL }), "hello bundle", { textStream: true })), wasmURL };
});
