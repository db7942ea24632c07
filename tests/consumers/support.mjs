// Shared by the consumer fixtures and examples/worker-proxy: pack pkg/ as npm would publish it,
// install the tarball into a throwaway project, serve a folder over HTTP on 127.0.0.1, and bundle a
// Worker the way Wrangler does (esbuild, `workerd` conditions, .wasm files kept as modules).
import { execFileSync } from "node:child_process";
import { cpSync, createReadStream, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const bin = (name) => join(root, "node_modules/.bin", name);

const quiet = { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" };

/**
 * `npm pack`s pkg/ into a fresh temporary folder and installs the tarball there (no registry: the
 * package has no dependencies). Fixture projects copied under `dir` resolve `llmwire` from it.
 * Returns `{ dir, tarball }`.
 */
export function installPackedPackage() {
  const dir = mkdtempSync(join(tmpdir(), "llmwire-consumers-"));
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { ...quiet, cwd: join(root, "pkg") }).trim().split("\n").at(-1);
  const tarball = join(dir, name);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, dependencies: { llmwire: `file:./${name}` } }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], { ...quiet, cwd: dir });
  return { dir, tarball };
}

/** Copies a fixture project (tests/consumers/<name>) under `dir`, with shared/ beside it as here. */
export function copyFixture(name, dir) {
  const to = join(dir, name);
  cpSync(join(root, "tests/consumers", name), to, { recursive: true });
  cpSync(join(root, "tests/consumers/shared"), join(dir, "shared"), { recursive: true });
  return to;
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
  ".wasm": "application/wasm", ".json": "application/json", ".map": "application/json",
};

/** Serves `dir` on 127.0.0.1 (a random port). Resolves to `{ url, close() }`. */
export async function serveStatic(dir) {
  const base = normalize(dir);
  const server = http.createServer((req, res) => {
    const path = normalize(join(base, decodeURIComponent(new URL(req.url, "http://x").pathname)));
    const file = path.endsWith(sep) ? join(path, "index.html") : path;
    if (!file.startsWith(base) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/**
 * Bundles a Worker as Wrangler does: esbuild with the `workerd` conditions, ES module output,
 * `.wasm` imports kept as separate module files (Wrangler's CompiledWasm rule). `nodePaths` lets
 * a script outside a project resolve packages. Resolves to the folder with `worker.js` and the .wasm.
 */
export async function bundleWorker(entry, { nodePaths = [] } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), "llmwire-worker-"));
  await build({
    entryPoints: { worker: entry }, outdir, bundle: true, format: "esm", target: "es2022", platform: "neutral",
    conditions: ["workerd", "worker", "browser"], mainFields: ["browser", "module", "main"],
    loader: { ".wasm": "copy" }, nodePaths, logLevel: "warning",
  });
  return outdir;
}

/** The Miniflare options that run a bundle from `bundleWorker` (or from `wrangler deploy --dry-run --outdir`). */
export function workerOptions(dir, script = "worker.js") {
  return {
    modules: true,
    modulesRoot: dir,
    scriptPath: join(dir, script),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-01-01",
  };
}

/** A folder with `node_modules/llmwire` pointing at pkg/, for bundling code that imports "llmwire" from this repo. */
export function linkPackage() {
  const dir = mkdtempSync(join(tmpdir(), "llmwire-link-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(join(root, "pkg"), join(dir, "node_modules/llmwire"), "dir");
  return join(dir, "node_modules");
}

/** Files in a folder, recursively (relative paths). */
export function listFiles(dir, prefix = "") {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}
