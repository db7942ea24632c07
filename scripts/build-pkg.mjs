// Builds the npm package into pkg/: three release wasm modules from the one crate (cargo features,
// built by the pinned nightly: release-wasm.mjs), wasm-bindgen's `web` glue for each, a current
// wasm-opt (npm binaryen: Debian's older one breaks the module in workerd), the zopfli-gzipped
// base64 copies the default entry compiles lazily, the files from pkg-template/, CommonJS builds
// of the entries (esbuild) with their `.d.cts` types, and package.json with Cargo.toml's version.
//
// Modules (src/bindings/mod.rs):
//   llmwire_bg.wasm        `js`: everything, for workerd.js and slim.js (and the `./wasm` export)
//   core (inlined)         `js-core`: sessions, requests' decisions, chat and plain event streams
//   extras (inlined)       `js-extras`: the other endpoints, tools, JSON answers, image helpers
// Entries (pkg-template/package.json has the exports map):
//   index.js / index.cjs   default: the core inlined (gzip + base64), compiled asynchronously on
//                          first use; the extras in extras.js, imported when first needed
//   (every entry)          features.js: the JS of everything besides chat, which facade.js
//                          imports on first use (index.cjs bundles it inside)
//   index.node.js, node/   the default entry bundled for Node, Deno and Bun, split as above
//   workerd.js             Cloudflare Workers: the .wasm imported as a module, initSync at import
//   slim.js / slim.cjs     no wasm inside: the app calls init(url | Response | bytes | Module)
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { gzipAsync as zopfli } from "@gfx/zopfli";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, transform } from "esbuild";
import { buildReleaseWasm } from "./release-wasm.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);

/** Builds the crate with `feature`, then glue `<name>.js` and the optimised `<name>_bg.wasm` in pkg/; returns the wasm bytes. */
function module(feature, name) {
  run("wasm-bindgen", [
    buildReleaseWasm(feature),
    "--out-dir", pkg, "--out-name", name, "--target", "web", "--no-typescript",
    // No `new URL("<name>_bg.wasm", import.meta.url)` default in the glue: bundlers would emit the
    // .wasm as an asset beside the inlined copy, and Node's fetch cannot load file: URLs.
    "--omit-default-module-path",
  ]);
  passStringsWithEncodeInto(join(pkg, `${name}.js`));
  const wasmPath = join(pkg, `${name}_bg.wasm`);
  run(join(root, "node_modules/binaryen/bin/wasm-opt"), [
    wasmPath, "-o", wasmPath, "-Oz", "--converge",
    "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
    "--enable-reference-types", "--enable-multivalue", "--strip-debug", "--strip-producers",
  ]);
  const wasm = readFileSync(wasmPath);
  console.log(`  ${name}: ${kib(wasm.length)} raw, ${kib(gzipSync(wasm, { level: 9 }).length)} gzip`);
  return wasm;
}

// wasm-bindgen's glue copies a string into wasm memory with a JavaScript loop over its ASCII
// prefix before it calls TextEncoder.encodeInto for the rest: fast for a few characters, slow for a
// long request body (a 210 KB English conversation: 0.6 ms in a warm Node process, 4.4 ms the first
// time, against 0.02 ms for encodeInto, whose native ASCII path copies it whole). The bodies of chat
// requests cross this way, so the glue is rewritten to call encodeInto first: it stops at the first
// character that does not fit the string's length in bytes, and the rest is encoded as before. The
// replaced text is that of the pinned wasm-bindgen (Cargo.toml); another version fails the build here.
const ASCII_LOOP = `    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;

    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);

        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }
`;
const ENCODE_INTO_FIRST = `    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;
    const { read, written } = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len));
    let offset = written;
    if (read !== arg.length) {
        const rest = arg.slice(read);
        ptr = realloc(ptr, len, len = offset + rest.length * 3, 1) >>> 0;
        offset += cachedTextEncoder.encodeInto(rest, getUint8ArrayMemory0().subarray(ptr + offset, ptr + len)).written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }
`;

function passStringsWithEncodeInto(gluePath) {
  const glue = readFileSync(gluePath, "utf8");
  if (glue.split(ASCII_LOOP).length !== 2) throw new Error(`${gluePath}: passStringToWasm0 is not the pinned wasm-bindgen's (scripts/build-pkg.mjs)`);
  writeFileSync(gluePath, glue.replace(ASCII_LOOP, ENCODE_INTO_FIRST));
}

/**
 * The default entry's copy of a module: gzipped, then base64, as `export const <name> = "..."`.
 * Base64 of the raw module gzips badly (its 6-bit symbols straddle the wasm's bytes: 166 KiB
 * gzipped for a 121 KiB-gzip module); base64 of the gzipped module gzips back to about the
 * module's own gzip size, and is 60 % smaller unpacked. inline.js inflates it before compiling.
 * Zopfli writes the same gzip format as zlib, 5.6 % smaller for the core module (58.9 against
 * 62.4 KB for the base64 file gzipped, 2 s of build time): every page that chats downloads it.
 */
async function inline(wasm, file, name) {
  const gzipped = Buffer.from(await zopfli(wasm, { numiterations: 15 }));
  if (!gunzipSync(gzipped).equals(wasm)) throw new Error(`zopfli did not round-trip ${file}`);
  writeFileSync(join(pkg, file), `export const ${name} = "${gzipped.toString("base64")}";\n`);
}

const wasm = module("js", "llmwire");
await inline(module("js-core", "llmwire_core"), "llmwire_core_base64.js", "coreGzipBase64");
await inline(module("js-extras", "llmwire_extras"), "llmwire_extras_base64.js", "extrasGzipBase64");
for (const name of ["llmwire_core_bg.wasm", "llmwire_extras_bg.wasm"]) rmSync(join(pkg, name));

const template = join(root, "pkg-template");
for (const name of readdirSync(template)) copyFileSync(join(template, name), join(pkg, name));
copyFileSync(join(root, "README.md"), join(pkg, "README.md"));

// CommonJS builds for `require("llmwire")` on runtimes and tools without require(esm). Node with
// require(esm) (20.19+, 22.12+) and Deno match the manifest's "module-sync" condition first and
// load the ES module (`<entry>.node.js`, below) for require() too, so import and require share
// one copy. Elsewhere each .cjs is one self-contained file, and a program that both imports and
// requires the package gets two copies (the usual dual-package caveat: `instanceof` across them
// fails). Bundled as one ES module (the dynamic imports inlined), then turned into CommonJS, so
// the entry's exports come first in the file: bundled straight to CommonJS, the namespace of a
// dynamically imported module (features.js) came first, and tools that read the first esbuild
// `__export(...)` as the module's exports (@arethetypeswrong/cli) found no default export.
//
// `<entry>.node.js`, which the manifest's "node" condition gives Node, Deno and Bun, is the same
// entry bundled by esbuild with code splitting. The chat path is one file and the chunks it
// imports (a bundle loads faster there than the entry's graph of eight modules: in process over a
// process that only reads the Response, 1.2-3.5 ms less in four sets of 41-61 interleaved
// processes). What only the other endpoints need (features.js, the extras and their 96 KB of
// base64) is in `node/` chunks imported on first use, as bundlers split index.js. A fresh process
// that streams one chat completion ran 19-25 million fewer instructions with the split (valgrind;
// V8 no longer scans and pre-parses code it never runs): a quarter of what llmwire added over a
// process that only reads the Response (benches/README.md). Shared code sits in chunks that both
// sides import, so each class exists once. Not minified: Node users read these files in stack
// traces, and minifying as well saved no more than the runs' spread (about 2 million). The
// CommonJS builds stay one file each: `require` has no lazy chunks.
for (const entry of ["index", "slim"]) {
  const common = { bundle: true, format: "esm", platform: "neutral", target: "es2022", logLevel: "warning", absWorkingDir: root };
  const bundled = await build({ ...common, entryPoints: [join(pkg, `${entry}.js`)], write: false });
  const cjs = await transform(bundled.outputFiles[0].text, {
    format: "cjs", target: "es2022", logLevel: "warning",
    banner: `// CommonJS build of ${entry}.js (generated by scripts/build-pkg.mjs).`,
  });
  writeFileSync(join(pkg, `${entry}.cjs`), cjs.code);
  const split = await build({
    ...common, entryPoints: { [`${entry}.node`]: join(pkg, `${entry}.js`) }, outdir: pkg, write: false,
    splitting: true, chunkNames: `node/${entry}-[name]-[hash]`,
  });
  for (const file of split.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, `// ${entry}.js bundled for Node, Deno and Bun, split where it loads lazily (generated by scripts/build-pkg.mjs).\n${file.text}`);
  }
}
// Their types: the same declarations, read as CommonJS (`.d.cts`), importing each other as such.
writeFileSync(join(pkg, "index.d.cts"), readFileSync(join(pkg, "index.d.ts"), "utf8"));
writeFileSync(join(pkg, "slim.d.cts"), readFileSync(join(pkg, "slim.d.ts"), "utf8").replaceAll('"./index.js"', '"./index.cjs"'));

const cargoToml = readFileSync(join(root, "Cargo.toml"), "utf8");
const cargo = (key) => new RegExp(`^${key}\\s*=\\s*"([^"]+)"`, "m").exec(cargoToml)?.[1];
const version = cargo("version");
const repository = cargo("repository");
const manifest = JSON.parse(readFileSync(join(template, "package.json"), "utf8"));
manifest.version = version;
manifest.license = cargo("license") ?? manifest.license;
if (repository) {
  manifest.repository = { type: "git", url: `git+${repository}.git` };
  manifest.homepage = `${repository}#readme`;
  manifest.bugs = { url: `${repository}/issues` };
}
// The entries register how the wasm loads when imported (workerd.js instantiates it), so bundlers
// must keep them; the generated glue, the base64 modules, their loaders and features.js (the
// bodies facade.js imports on first use) are free of import-time effects.
const pure = ["llmwire.js", "llmwire_core.js", "llmwire_extras.js", "llmwire_core_base64.js", "llmwire_extras_base64.js", "inline.js", "extras.js", "features.js"];
manifest.sideEffects = readdirSync(pkg, { recursive: true }).filter((n) => /\.c?js$/.test(n) && !pure.includes(n)).sort().map((n) => `./${n}`);
writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest, null, 2) + "\n");

// Every file the manifest lists must exist, and nothing built may be left out of it.
const listed = new Set(manifest.files);
for (const name of listed) statSync(join(pkg, name));
const unlisted = readdirSync(pkg).filter((n) => !listed.has(n) && n !== "package.json");
if (unlisted.length) throw new Error(`pkg/ has files that pkg-template/package.json "files" does not list: ${unlisted.join(", ")}`);

const wasmSize = statSync(join(pkg, "llmwire_bg.wasm")).size;
console.log(`pkg/ built: llmwire ${version}; wasm ${kib(wasmSize)} raw, ${kib(gzipSync(wasm, { level: 9 }).length)} gzip`);
