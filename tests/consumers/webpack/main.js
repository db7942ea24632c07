// A webpack 5 app using the package's default entry with no wasm configuration: no
// experiments.asyncWebAssembly, no loaders.
import { Client } from "llmwire";
import { chatRun } from "../shared/chat.mjs";
import { runInPage } from "../shared/page.mjs";

runInPage((baseURL) => chatRun(new Client({ baseURL }), "hello bundle"));
