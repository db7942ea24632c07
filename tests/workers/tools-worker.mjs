// A Cloudflare Worker that runs one tool-calling case (tests/support/tools-suite.mjs) through the
// package's workerd entry: GET /?case=<name> answers { ok } or { ok: false, error }.
import * as lib from "../../pkg/workerd.js";
import { run } from "../support/tools-suite.mjs";

export default {
  async fetch(request, env) {
    const name = new URL(request.url).searchParams.get("case") ?? "";
    return Response.json(await run(name, lib, { baseURL: `${env.GATEWAY_URL}/v1`, apiKey: env.GATEWAY_KEY }));
  },
};
