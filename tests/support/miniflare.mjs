// Starts a test Worker in workerd (Miniflare): its script and everything it imports (the package's
// workerd entry, whose .wasm is handed over as a compiled module, as Wrangler does) from the repo.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { startMockGateway } from "../../mock-gateway/gateway.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** A ready Miniflare running `script` (a path from the repo root) with `bindings` as its env. */
export async function startWorker(script, bindings = {}) {
  const mf = new Miniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: join(root, script),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2025-01-01",
    bindings,
  });
  await mf.ready;
  return mf;
}

/**
 * The mock gateway (requiring `apiKey`, if given) and a Worker running `script` with GATEWAY_URL,
 * GATEWAY_KEY when there is a key, and `bindings` as its env. `close()` disposes the Worker and closes the gateway,
 * the gateway even when the Worker failed to start: an open server would keep the test process alive.
 */
export async function startWorkerWithGateway(script, apiKey, bindings = {}) {
  const gw = await startMockGateway({ apiKey });
  let mf;
  const close = async () => {
    try {
      await mf?.dispose();
    } finally {
      await gw.close();
    }
  };
  try {
    mf = await startWorker(script, { GATEWAY_URL: gw.url, ...(apiKey && { GATEWAY_KEY: apiKey }), ...bindings });
  } catch (e) {
    await close();
    throw e;
  }
  return { gw, mf, close };
}
