// A Cloudflare Worker that keeps the gateway key away from browsers. Pages on the allowed origins
// call it as if it were the gateway (`new Client({ baseURL: "https://<worker>/v1" })`, no key);
// it forwards each call with llmwire (retries, failover to backup base URLs, time limits) using the
// key from a secret binding, and streams the answer back as it arrives.
//
// Bindings (wrangler.toml [vars] and `wrangler secret put GATEWAY_KEY`):
//   GATEWAY_KEY          the gateway's API key (a secret)
//   GATEWAY_BASE_URL     e.g. https://api.apiyi.com/v1
//   GATEWAY_BACKUP_URLS  optional, comma-separated, tried when the primary fails (e.g. https://vip.apiyi.com/v1)
//   ALLOWED_ORIGINS      comma-separated origins allowed to call, e.g. https://app.example.com
//
// The origin check keeps other sites' pages from using your key through visitors' browsers. It
// is not authentication: anything outside a browser can send any Origin header, so put your own
// session check (or Cloudflare Access) in `authorize()` before exposing the Worker to the internet.
import { Client, APIError, InvalidArgumentError } from "llmwire";

/** One client per isolate and configuration, so failover state and rate limits last across requests. */
let cached = null;

function clientFor(env) {
  const key = `${env.GATEWAY_BASE_URL}|${env.GATEWAY_BACKUP_URLS ?? ""}`;
  if (cached?.key !== key) {
    const client = new Client({
      apiKey: env.GATEWAY_KEY,
      baseURL: env.GATEWAY_BASE_URL,
      backupBaseURLs: list(env.GATEWAY_BACKUP_URLS),
      maxRetries: 2,
      headersTimeout: 60_000,
      idleTimeout: 120_000,
    });
    cached = { key, client };
  }
  return cached.client;
}

const list = (value) => (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const origin = request.headers.get("origin");
    if (!url.pathname.startsWith("/v1/")) return error(404, "not found", "not_found");
    // Browsers send Origin on every cross-origin call (and on same-origin POSTs); refuse the rest.
    if (!origin || !list(env.ALLOWED_ORIGINS).includes(origin)) return error(403, "this origin may not use the proxy", "origin_not_allowed");
    const cors = corsHeaders(origin, request);
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
    const denied = await authorize(request, env);
    if (denied) return withHeaders(denied, cors);
    return withHeaders(await forward(request, url.pathname.slice("/v1".length), clientFor(env)), cors);
  },
};

/** Your own check of the caller (a session cookie, a signed token); return a Response to refuse. */
async function authorize(_request, _env) {
  return null;
}

function corsHeaders(origin, request) {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    // Whatever headers the page's client sends (openai-node adds x-stainless-*); the key is never read from them.
    "access-control-allow-headers": request.headers.get("access-control-request-headers") ?? "content-type",
    "access-control-expose-headers": "x-request-id",
    "access-control-max-age": "86400",
    vary: "Origin",
  };
}

/** Calls the gateway through llmwire for one `/v1/...` path. The caller's own Authorization header is ignored. */
async function forward(request, path, client) {
  const options = { signal: request.signal };
  try {
    if (request.method === "GET" && path === "/models") return json(await client.models.list(options));
    if (request.method === "GET" && path.startsWith("/models/")) return json(await client.models.retrieve(decodeURIComponent(path.slice(8)), options));
    if (request.method !== "POST") return error(405, `${request.method} ${path} is not supported by this proxy`, "method_not_allowed");
    const params = await request.json().catch(() => null);
    if (!params || typeof params !== "object" || Array.isArray(params)) return error(400, "the body must be a JSON object", "invalid_json");
    switch (path) {
      case "/chat/completions":
        return params.stream ? sse(await client.chat.completions.create(params, options)) : json(await client.chat.completions.create(params, options));
      case "/completions":
        return params.stream ? sse(await client.completions.create(params, options)) : json(await client.completions.create(params, options));
      case "/responses":
        return params.stream ? sse(await client.responses.create(params, options)) : json(await client.responses.create(params, options));
      case "/embeddings":
        return json(await client.embeddings.create(params, options));
      case "/images/generations":
        return json(await client.images.generate(params, options));
      default:
        return error(404, `${path} is not forwarded by this proxy`, "not_found");
    }
  } catch (e) {
    return fromError(e);
  }
}

/** A stream's events as they arrive (re-encoded per event, never buffered whole). */
function sse(stream) {
  const headers = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
  if (stream.requestId) headers["x-request-id"] = stream.requestId;
  return new Response(stream.toReadableStream(), { headers });
}

function json(result) {
  const headers = { "content-type": "application/json" };
  if (result?._request_id) headers["x-request-id"] = result._request_id;
  return new Response(JSON.stringify(result), { headers });
}

/**
 * An llmwire error as the gateway would have answered. `x-should-retry: false` because the Worker
 * has already retried: a browser client retrying too would multiply the attempts.
 */
function fromError(e) {
  if (e instanceof InvalidArgumentError) return error(400, e.message, "invalid_argument");
  if (!(e instanceof APIError)) return error(500, "the proxy failed", "proxy_error");
  const status = e.status ?? (e.name === "APIConnectionTimeoutError" ? 504 : e.name === "APIUserAbortError" ? 499 : 502);
  const response = error(status, e.message, e.code ?? null, e.type ?? "api_error", e.param ?? null);
  if (e.requestId) response.headers.set("x-request-id", e.requestId);
  return response;
}

function error(status, message, code, type = "invalid_request_error", param = null) {
  return new Response(JSON.stringify({ error: { message, type, code, param } }), {
    status,
    headers: { "content-type": "application/json", "x-should-retry": "false" },
  });
}

function withHeaders(response, headers) {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
