// Starts a test Worker in workerd (Miniflare): its script and everything it imports (the package's
// workerd entry, whose .wasm is handed over as a compiled module, as Wrangler does) from the repo.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

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
