// A bundle as an app bundler makes it (esbuild: bundle, minify, ESM, browser, code splitting):
// the bytes a page loads at first (the entry chunk and its static imports) and those it loads
// later through dynamic imports. Used by scripts/size.mjs and benches/size.mjs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Bundles the module text `contents` (absolute imports, or packages in the repository's node_modules). */
export async function splitBundle(contents) {
  const dir = mkdtempSync(join(tmpdir(), "llmwire-bundle-"));
  try {
    writeFileSync(join(dir, "entry.js"), contents);
    const out = await build({
      entryPoints: ["entry.js"], outdir: "out", absWorkingDir: dir, nodePaths: [join(root, "node_modules")],
      bundle: true, splitting: true, minify: true, format: "esm", platform: "browser", write: false, metafile: true, logLevel: "warning",
      // No content hash in chunk names: esbuild's hash covers the inputs' paths, so where the
      // checkout is would change the import lines, and the sizes, by a byte or two.
      chunkNames: "[name]",
    });
    const bytes = new Map(out.outputFiles.map((f) => [f.path.slice(dir.length + 1), f.contents]));
    const outputs = out.metafile.outputs;
    const first = new Set();
    const visit = (o) => {
      if (first.has(o)) return;
      first.add(o);
      for (const i of outputs[o].imports) if (i.kind === "import-statement") visit(i.path);
    };
    visit(Object.keys(outputs).find((o) => outputs[o].entryPoint));
    const concat = (names) => Buffer.concat(names.map((n) => Buffer.from(bytes.get(n))));
    return { first: concat([...first]), later: concat(Object.keys(outputs).filter((o) => !first.has(o) && o.endsWith(".js"))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
