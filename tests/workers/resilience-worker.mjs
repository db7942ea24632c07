// A Cloudflare Worker that runs one resilience case (tests/support/resilience-suite.mjs) through
// the package's workerd entry: GET /?case=<name> answers { ok, info } or { ok: false, error }.
import * as lib from "../../pkg/workerd.js";
import { run } from "../support/resilience-suite.mjs";

export default {
  async fetch(request, env) {
    const name = new URL(request.url).searchParams.get("case") ?? "";
    return Response.json(await run(name, lib, { baseURL: `${env.GATEWAY_URL}/v1`, apiKey: env.GATEWAY_KEY, deadURL: env.DEAD_URL }));
  },
};
