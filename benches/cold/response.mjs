// Cold start baseline: build the tiny Response the other scripts' fetch returns and read its body as
// a stream, with no library. In Node, the first Response loads undici and the first body read the
// web streams implementation: a cost every client pays, that this process measures alone.
import { TEXT, tinyResponse } from "./tiny.mjs";

const reader = tinyResponse().body.getReader();
const decoder = new TextDecoder();
let body = "";
for (let r = await reader.read(); !r.done; r = await reader.read()) body += decoder.decode(r.value, { stream: true });
if (!body.includes(JSON.stringify(TEXT)) || !body.endsWith("data: [DONE]\n\n")) throw new Error(`cold start read ${JSON.stringify(body)}`);
