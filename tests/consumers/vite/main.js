// A Vite app using the package's default entry with no configuration: no wasm plugin, no
// top-level-await plugin.
import { Client } from "llmwire";
import { chatRun } from "../shared/chat.mjs";
import { runInPage } from "../shared/page.mjs";

runInPage((baseURL) => chatRun(new Client({ baseURL }), "hello bundle"));
