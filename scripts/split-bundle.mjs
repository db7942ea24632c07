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
    });
    const { bytes, outputs } = withoutHashes(new Map(out.outputFiles.map((f) => [f.path.slice(dir.length + 1), f.text])), out.metafile.outputs);
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

/**
 * The chunks renamed without esbuild's content hash, which covers the inputs' paths: where the
 * checkout is would change the import lines, and the sizes, by a byte or two. `features-<hash>.js`
 * becomes `features.js`; the shared chunks, all `chunk-<hash>.js`, become `chunk-1.js`, `chunk-2.js`,
 * ... in the order of their inputs' names. Returns the texts and the metafile's outputs, renamed.
 */
function withoutHashes(texts, outputs) {
  const hashed = /-[A-Z0-9]{8}(?=\.js$)/;
  const inputs = (o) => Object.keys(outputs[o].inputs).map((i) => i.slice(i.lastIndexOf("/") + 1)).join();
  const names = new Map();
  const groups = new Map();
  for (const o of Object.keys(outputs).filter((o) => hashed.test(o))) {
    const plain = o.replace(hashed, "");
    groups.set(plain, [...(groups.get(plain) ?? []), o]);
  }
  for (const [plain, group] of groups) {
    if (group.length === 1) names.set(group[0], plain);
    else group.sort((a, b) => inputs(a).localeCompare(inputs(b))).forEach((o, i) => names.set(o, plain.replace(/\.js$/, `-${i + 1}.js`)));
  }
  const base = (o) => o.slice(o.lastIndexOf("/") + 1);
  const rename = (text) => [...names].reduce((t, [from, to]) => t.replaceAll(base(from), base(to)), text);
  const renamed = (o) => names.get(o) ?? o;
  return {
    bytes: new Map([...texts].map(([o, text]) => [renamed(o), rename(text)])),
    outputs: Object.fromEntries(Object.entries(outputs).map(([o, v]) => [renamed(o), { ...v, imports: v.imports.map((i) => ({ ...i, path: renamed(i.path) })) }])),
  };
}
