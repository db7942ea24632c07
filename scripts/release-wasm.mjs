// The release build of the package's wasm, shared by scripts/build-pkg.mjs and `size.mjs --twiggy`.
//
// It uses the pinned nightly (Cargo.toml's [package.metadata.llmwire]; scripts/setup.sh installs it
// with rust-src) to rebuild the standard library with the crate (`-Zbuild-std`) and to make a
// panic a bare trap (`-Cpanic=immediate-abort`). Under stable's `panic = "abort"`, std still
// formats every panic's message before aborting, which keeps core::fmt, char escaping and the
// panic payloads in the module, though nothing in a wasm instance can print them. The core module
// went from 61.8 to 54.9 KB gzip (-11 %). The std crates stay at opt-level 3, as in the prebuilt
// std: at the crate's "s" the streams were 7-8 % slower (benches/README.md); at 3 they are not.
// The crate is built for size (opt-level "z") except the functions on a stream's per-event path,
// which carry `#[cfg_attr(llmwire_oz, optimize(speed))]` (`--cfg llmwire_oz` is set here only).
// Against the whole crate at "s": the module of everything 99.5 to 94.1 KiB gzip, the extras 79.5
// to 74.4, the core 0.45 KiB smaller, and every stream kind as fast or faster in interleaved A/B
// runs (chat x0.79-1.0 of the time, Responses x0.82-0.93). The whole crate at "z" streamed
// 1.4-1.9x slower. talc, the allocator, stays at "s". It has its own target dir, so it never
// invalidates the stable builds' cache.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const targetDir = join(root, "target/pkg");

/** The pinned nightly toolchain's name, from Cargo.toml. */
export function nightly() {
  const name = /^nightly\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, "Cargo.toml"), "utf8"))?.[1];
  if (!name) throw new Error("Cargo.toml: [package.metadata.llmwire] nightly is missing");
  return name;
}

/**
 * The flags: panics as traps, without their source locations (`-Zlocation-detail=none`, 0.1 KB),
 * `llmwire_oz` (the per-event path built for speed in a crate built for size), and the machine's
 * paths (the rebuilt std's sources, the registry's crates) written as `/rust` and `/cargo`
 * wherever else a source path could be left in the module.
 */
function rustflags() {
  const sysroot = execFileSync("rustc", [`+${nightly()}`, "--print", "sysroot"], { encoding: "utf8" }).trim();
  const cargoHome = process.env.CARGO_HOME ?? join(homedir(), ".cargo");
  return ["-Zunstable-options", "-Cpanic=immediate-abort", "-Zlocation-detail=none", "--cfg", "llmwire_oz", `--remap-path-prefix=${sysroot}=/rust`, `--remap-path-prefix=${cargoHome}=/cargo`];
}

/** Builds the crate's wasm with `feature` (js, js-core, js-extras) and returns the .wasm's path. */
export function buildReleaseWasm(feature) {
  const speedy = ["core", "alloc", "std", "dlmalloc", "compiler_builtins"];
  execFileSync("cargo", [
    `+${nightly()}`, "build", "--quiet", "--release", "--lib", "--target", "wasm32-unknown-unknown", "--features", feature,
    "--target-dir", targetDir, "-Zbuild-std=std,panic_abort",
    "--config", 'profile.release.opt-level="z"', "--config", 'profile.release.package.talc.opt-level="s"',
    ...speedy.flatMap((p) => ["--config", `profile.release.package.${p}.opt-level=3`]),
  ], { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, CARGO_ENCODED_RUSTFLAGS: rustflags().join("\x1f") } });
  return join(targetDir, "wasm32-unknown-unknown/release/llmwire.wasm");
}
