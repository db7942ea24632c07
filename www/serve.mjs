// The demo's dev server: serves www/ and the built package (pkg/), and the gateway the page talks
// to under /api — the embedded mock gateway by default, or, with LLMWIRE_API_KEY and
// LLMWIRE_BASE_URL set, a relay to that real gateway that adds the key on the server, so the key
// never reaches the browser. LLMWIRE_BACKUP_BASE_URLS (comma separated) adds backups the page's
// client fails over to. Listens on 127.0.0.1 only.
//
//   /api/v1/...            the primary gateway (mock, or relay to LLMWIRE_BASE_URL)
//   /api/backup-<n>/v1/... backup n (the same mock, or relay to the n-th backup URL)
//   /api/__mock/...        the mock's request log and reset (mock mode)
//   /config.json           tells the page which of these it has, and what they stand for
//
// A request to the primary carrying `x-demo-outage: primary` gets a 503, so the page's
// "Simulate → primary down" shows llmwire failing over to the backup.
import http from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { createGatewayHandler } from "../mock-gateway/gateway.mjs";
import { withDemoScript } from "./demo-gateway.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml",
  ".png": "image/png", ".ts": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8",
};
const API = "/api";
const PRIMARY = `${API}/v1`;
const backupMount = (i) => `${API}/backup-${i + 1}/v1`;
// Response headers a relayed answer keeps.
const RELAYED = /^(content-type|x-request-id|retry-after|retry-after-ms|x-should-retry|x-ratelimit-.*|openai-.*)$/;

/** Serves `rel` if it lies inside `dir`, else 404. */
async function serveFile(res, dir, rel) {
  const path = normalize(join(dir, rel));
  if (path !== dir && !path.startsWith(dir + sep)) return notFound(res);
  try {
    const body = await readFile(path);
    res.writeHead(200, {
      "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    res.end(body);
  } catch {
    notFound(res);
  }
}

function notFound(res) {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("not found");
}

function jsonError(res, status, message, type, code) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { message, type, code, param: null } }));
}

/** Relays a request to `upstream` (a base URL such as https://api.apiyi.com/v1), adding the key. */
function relay(upstream, apiKey) {
  const base = upstream.replace(/\/+$/, "");
  return async (req, res, rest) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const headers = { authorization: `Bearer ${apiKey}`, accept: req.headers.accept ?? "*/*" };
    if (req.headers["content-type"]) headers["content-type"] = req.headers["content-type"];
    const ac = new AbortController();
    res.on("close", () => ac.abort());
    try {
      const upstreamRes = await fetch(base + rest, {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
        signal: ac.signal,
      });
      const out = { "cache-control": "no-cache", "x-accel-buffering": "no" };
      for (const [name, value] of upstreamRes.headers) if (RELAYED.test(name)) out[name] = value;
      res.writeHead(upstreamRes.status, out);
      res.flushHeaders(); // the first byte of a stream reaches the page as soon as it exists
      if (upstreamRes.body) Readable.fromWeb(upstreamRes.body).on("error", () => res.destroy()).pipe(res);
      else res.end();
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      jsonError(res, 502, `The demo server could not reach the gateway: ${e.cause?.code ?? e.name}.`, "proxy_error", "upstream_unreachable");
    }
  };
}

/** Whether a request comes from this server's own page (not another site, not a rebound DNS name). */
function sameOrigin(req, port) {
  const host = req.headers.host ?? "";
  if (!new RegExp(`^(127\\.0\\.0\\.1|localhost|\\[::1\\]):${port}$`).test(host)) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${host}`;
}

const hostOf = (url) => {
  try { return new URL(url).host; } catch { return url; }
};

/**
 * Starts the dev server. `env` picks the gateway: LLMWIRE_API_KEY + LLMWIRE_BASE_URL relay to a
 * real one (with LLMWIRE_BACKUP_BASE_URLS as backups); otherwise the mock answers, paced at about
 * `pacingMs` per token. `demoScript` puts the demo script (demo-gateway.mjs: Markdown replies, the
 * calculator, topical embeddings, drawn images) in front of the mock; tests of the package leave
 * it off and get the bare mock.
 */
export async function startDevServer({ port = 8787, host = "127.0.0.1", env = process.env, pacingMs = 25, demoScript = false } = {}) {
  const real = Boolean(env.LLMWIRE_API_KEY && env.LLMWIRE_BASE_URL);
  const backups = real ? (env.LLMWIRE_BACKUP_BASE_URLS ?? "").split(/[\s,]+/).filter((u) => /^https?:\/\//.test(u)) : [];
  let mock = null;
  const mounts = []; // [path, handler(req, res, rest)]
  const upstreams = {};
  if (real) {
    mounts.push([PRIMARY, relay(env.LLMWIRE_BASE_URL, env.LLMWIRE_API_KEY)]);
    upstreams[PRIMARY] = hostOf(env.LLMWIRE_BASE_URL);
    backups.forEach((url, i) => {
      mounts.push([backupMount(i), relay(url, env.LLMWIRE_API_KEY)]);
      upstreams[backupMount(i)] = hostOf(url);
    });
  } else {
    const bare = createGatewayHandler({ prefix: API, pacingMs });
    mock = demoScript ? withDemoScript(bare, { prefix: API, pacingMs }) : bare;
    // The backup is the same mock, reached by another base URL.
    const toMock = (req, res, rest) => {
      req.url = PRIMARY + rest;
      return mock(req, res);
    };
    mounts.push([PRIMARY, toMock], [backupMount(0), toMock]);
    upstreams[PRIMARY] = "mock gateway";
    upstreams[backupMount(0)] = "mock gateway";
  }
  const config = JSON.stringify({
    gateway: real ? "proxy" : "mock",
    baseURL: PRIMARY,
    backupBaseURLs: mounts.slice(1).map(([path]) => path),
    upstreams,
  });

  const www = join(root, "www");
  const pkg = join(root, "pkg");
  let boundPort = port;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const path = url.pathname;
    if (path === API || path.startsWith(`${API}/`)) {
      // A relay holds the key: only this server's own page may use it.
      if (real && !sameOrigin(req, boundPort)) return jsonError(res, 403, "Only the demo page may use this relay.", "permission_error", "cross_origin");
      for (const [mount, handler] of mounts) {
        if (path === mount || path.startsWith(`${mount}/`)) {
          if (mount === PRIMARY && req.headers["x-demo-outage"] === "primary") {
            mock?.requests?.push({ method: req.method, path: path.slice(API.length), headers: { ...req.headers }, body: "(simulated outage)" });
            req.resume();
            return jsonError(res, 503, "The primary gateway is down (simulated by the demo's “Simulate” menu).", "server_error", "demo_outage");
          }
          return handler(req, res, path.slice(mount.length) + url.search);
        }
      }
      if (mock && path.startsWith(`${API}/__mock/`)) return mock(req, res);
      return jsonError(res, 404, `No gateway route ${path}.`, "invalid_request_error", "not_found");
    }
    if (path === "/config.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(config);
    }
    if (path.startsWith("/pkg/")) return serveFile(res, pkg, decodeURIComponent(path.slice(5)));
    return serveFile(res, www, path === "/" ? "index.html" : decodeURIComponent(path.slice(1)));
  });
  const sockets = new Set();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  boundPort = server.address().port;
  const url = `http://${host}:${boundPort}`;
  return {
    url,
    mode: real ? "proxy" : "mock",
    upstreams,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8787);
  const dev = await startDevServer({ port, demoScript: process.env.LLMWIRE_DEMO_SCRIPT !== "0" });
  const where = dev.mode === "mock"
    ? "the embedded mock gateway (no key, no network)"
    : `a relay to ${Object.values(dev.upstreams).join(", then ")} (the key stays on this server)`;
  console.log(`llmwire demo on ${dev.url} — gateway: ${where}`);
  const stop = () => dev.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
