// The demo's dev server: serves www/ and the built package (pkg/), and the gateway the page talks
// to at /api/v1 — the embedded mock gateway by default, or, with LLMWIRE_API_KEY and
// LLMWIRE_BASE_URL set, a proxy to that real gateway that adds the key on the server, so the key
// never reaches the browser. Listens on 127.0.0.1 only.
import http from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { createGatewayHandler } from "../mock-gateway/gateway.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml" };
const API_PREFIX = "/api";

/** Serves `file` if it lies inside `dir`, else 404. */
async function serveFile(res, dir, rel) {
  const path = normalize(join(dir, rel));
  if (path !== dir && !path.startsWith(dir + sep)) return notFound(res);
  try {
    const body = await readFile(path);
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(body);
  } catch {
    notFound(res);
  }
}

function notFound(res) {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("not found");
}

/** Relays a request to the real gateway, adding the key; the response streams back as it arrives. */
function gatewayProxy({ baseURL, apiKey }) {
  const base = baseURL.replace(/\/+$/, "").replace(/\/v1$/, "");
  return async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const headers = { authorization: `Bearer ${apiKey}` };
    if (req.headers["content-type"]) headers["content-type"] = req.headers["content-type"];
    const ac = new AbortController();
    res.on("close", () => ac.abort());
    try {
      const upstream = await fetch(base + req.url.slice(API_PREFIX.length), {
        method: req.method,
        headers,
        body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
        signal: ac.signal,
      });
      const out = {};
      for (const name of ["content-type", "x-request-id", "retry-after", "retry-after-ms"]) {
        const v = upstream.headers.get(name);
        if (v) out[name] = v;
      }
      res.writeHead(upstream.status, out);
      if (upstream.body) Readable.fromWeb(upstream.body).on("error", () => res.destroy()).pipe(res);
      else res.end();
    } catch (e) {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `the demo proxy could not reach the gateway: ${e.cause?.code ?? e.name}`, type: "proxy_error" } }));
    }
  };
}

/**
 * Starts the dev server. `env` picks the gateway: LLMWIRE_API_KEY + LLMWIRE_BASE_URL proxy to a
 * real one; otherwise the mock answers with realistic token pacing.
 */
export async function startDevServer({ port = 8787, host = "127.0.0.1", env = process.env, pacingMs = 25 } = {}) {
  const real = env.LLMWIRE_API_KEY && env.LLMWIRE_BASE_URL;
  const gateway = real
    ? gatewayProxy({ baseURL: env.LLMWIRE_BASE_URL, apiKey: env.LLMWIRE_API_KEY })
    : createGatewayHandler({ prefix: API_PREFIX, pacingMs });
  const config = JSON.stringify({ gateway: real ? "proxy" : "mock", baseURL: `${API_PREFIX}/v1` });
  const www = join(root, "www");
  const pkg = join(root, "pkg");
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path.startsWith(`${API_PREFIX}/`)) return gateway(req, res);
    if (path === "/config.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      return res.end(config);
    }
    if (path.startsWith("/pkg/")) return serveFile(res, pkg, path.slice(5));
    return serveFile(res, www, path === "/" ? "index.html" : path.slice(1));
  });
  const sockets = new Set();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  const url = `http://${host}:${server.address().port}`;
  return {
    url,
    mode: real ? "proxy" : "mock",
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8787);
  const dev = await startDevServer({ port });
  console.log(`llmwire demo on ${dev.url} (gateway: ${dev.mode === "mock" ? "embedded mock, no key needed" : "proxy to LLMWIRE_BASE_URL"})`);
  const stop = () => dev.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
