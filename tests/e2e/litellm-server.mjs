// Starts the LiteLLM proxy for the end-to-end tests (tests/e2e/*.test.mjs): installed by
// scripts/litellm.sh into .cache/litellm-venv, run on a free 127.0.0.1 port with a config of mock
// models, and kept offline: its start-up downloads are turned off by environment variables, and its
// HTTP(S)_PROXY points at a tripwire on 127.0.0.1 that refuses and records every outbound attempt.
// Also a static server for pkg/, so a Chromium page calls LiteLLM cross-origin.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import { basename, dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../support/ports.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const artifacts = join(root, "tests/artifacts");
const LITELLM = join(root, ".cache/litellm-venv/bin/litellm");
export const START_TIMEOUT_MS = 120_000;

/** The `general_settings.master_key` of a LiteLLM config file. */
export function masterKey(config) {
  return readFileSync(config, "utf8").match(/^\s*master_key:\s*(\S+)/m)[1];
}

/** An HTTP proxy on 127.0.0.1 that records and refuses every request and CONNECT. */
export async function startTripwire() {
  const attempts = [];
  const server = http.createServer((req, res) => {
    attempts.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  server.on("connect", (req, socket) => {
    attempts.push(`CONNECT ${req.url}`);
    socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    attempts,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Starts LiteLLM with `config`, resolves once /health/liveliness answers; rejects (with its log) if it exits or is slow. */
export async function startLiteLLM(proxyURL, config) {
  if (!existsSync(LITELLM)) {
    throw new Error(`${LITELLM} is missing: run \`bash scripts/litellm.sh\` (or \`make test-e2e\`)`);
  }
  const port = await freePort();
  const env = {
    ...process.env,
    // No start-up downloads: LiteLLM's bundled copies instead.
    LITELLM_LOCAL_MODEL_COST_MAP: "True",
    LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS: "True",
    LITELLM_LOCAL_AUTOROUTER_PRESETS: "True",
    LITELLM_LOCAL_POLICY_TEMPLATES: "True",
    LITELLM_LOCAL_BLOG_POSTS: "True",
    NO_DOCS: "True",
    NO_REDOC: "True",
    DISABLE_ADMIN_UI: "True",
    // Anything else that tries the internet meets the tripwire.
    HTTP_PROXY: proxyURL, HTTPS_PROXY: proxyURL, ALL_PROXY: proxyURL,
    http_proxy: proxyURL, https_proxy: proxyURL, all_proxy: proxyURL,
    NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost",
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1",
  };
  for (const name of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "DATABASE_URL", "LITELLM_MASTER_KEY"]) delete env[name];
  const started = performance.now();
  const child = spawn(LITELLM, ["--config", config, "--host", "127.0.0.1", "--port", String(port)], {
    cwd: here, env, stdio: ["ignore", "pipe", "pipe"],
  });
  // LiteLLM runs as this one process (no workers). Not detached, so Ctrl-C reaches it too.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  let log = "";
  const keep = (d) => { log = (log + d).slice(-200_000); };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let gone = false;
  exited.then(() => { gone = true; });
  const stop = async () => {
    if (!gone) {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    }
    process.off("exit", killOnExit);
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, `${basename(config, ".config.yaml")}.log`), log);
  };
  const baseURL = `http://127.0.0.1:${port}/v1`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (gone) {
      await stop();
      throw new Error(`LiteLLM exited during start-up:\n${log.slice(-4000)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`LiteLLM did not answer within ${START_TIMEOUT_MS / 1000} s:\n${log.slice(-4000)}`);
    }
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health/liveliness`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  const startMs = performance.now() - started;
  console.log(`LiteLLM ready on ${baseURL} after ${(startMs / 1000).toFixed(1)} s`);
  return { baseURL, startMs, close: stop, log: () => log };
}

/** Serves a blank page and pkg/ on 127.0.0.1, so the page's origin differs from LiteLLM's. */
export async function startStaticServer() {
  const pkg = join(root, "pkg");
  const types = { ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json", ".ts": "text/plain" };
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end('<!doctype html><meta charset="utf-8"><title>llmwire e2e</title>');
    }
    const file = normalize(join(pkg, decodeURIComponent(path.replace(/^\/pkg\//, ""))));
    if (!path.startsWith("/pkg/") || !file.startsWith(pkg + sep)) return res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}
