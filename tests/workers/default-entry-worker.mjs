// A Worker that imports the package's default entry (index.js) directly, as a bundler without the
// `workerd` condition would: it must start (no timer at import), and its first call must fail with
// an LlmwireError that says what to do, the runtime's refusal to compile wasm from bytes as its cause.
import { Client, LlmwireError, init } from "../../pkg/index.js";

export default {
  async fetch(request, env) {
    const initError = await init().then(() => null, (e) => e);
    if (!(initError instanceof LlmwireError)) return Response.json({ ok: false, name: `init() threw ${initError?.name}` });
    try {
      await new Client({ apiKey: "sk-default-entry", baseURL: `${env.GATEWAY_URL}/v1` }).chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
      return Response.json({ ok: true });
    } catch (e) {
      return Response.json({ ok: false, name: e?.name, isLlmwireError: e instanceof LlmwireError, message: String(e?.message), cause: e?.cause?.name });
    }
  },
};
