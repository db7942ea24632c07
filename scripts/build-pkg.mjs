// Builds the npm package into pkg/: the release wasm, wasm-bindgen's glue, a current wasm-opt
// (npm binaryen: Debian's older one breaks the module in workerd), the base64 copy the default
// entry compiles lazily, and the files from pkg-template/ with the version from Cargo.toml.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });

run("cargo", ["build", "--quiet", "--release", "--lib", "--target", "wasm32-unknown-unknown"]);
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);
run("wasm-bindgen", [
  join(root, "target/wasm32-unknown-unknown/release/llmwire.wasm"),
  "--out-dir", pkg, "--out-name", "llmwire", "--target", "web", "--no-typescript",
]);
const wasmPath = join(pkg, "llmwire_bg.wasm");
run(join(root, "node_modules/binaryen/bin/wasm-opt"), [
  wasmPath, "-o", wasmPath, "-Oz",
  "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-reference-types", "--enable-multivalue", "--strip-debug", "--strip-producers",
]);

const wasm = readFileSync(wasmPath);
writeFileSync(join(pkg, "llmwire_wasm_base64.js"), `export const wasmBase64 = "${wasm.toString("base64")}";\n`);

const template = join(root, "pkg-template");
for (const name of readdirSync(template)) copyFileSync(join(template, name), join(pkg, name));
copyFileSync(join(root, "README.md"), join(pkg, "README.md"));
const version = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, "Cargo.toml"), "utf8"))[1];
const manifest = JSON.parse(readFileSync(join(template, "package.json"), "utf8"));
manifest.version = version;
writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest, null, 2) + "\n");

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const wasmSize = statSync(wasmPath).size;
console.log(`pkg/ built: llmwire ${version}; wasm ${kib(wasmSize)} raw, ${kib(gzipSync(wasm, { level: 9 }).length)} gzip`);
