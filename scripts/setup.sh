#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently and quietly when already there:
# the wasm32 target, the pinned wasm-bindgen CLI (test runner included), Chromium with its
# driver (Debian packages: Playwright's and Puppeteer's downloads fail here), and npm packages.
# `setup.sh build` installs only what building the package needs (no browser); `setup.sh nightly`
# only the pinned nightly toolchain (Cargo.toml's package.metadata.llmwire), which builds the
# package's wasm and runs the fuzzers.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="${1:-all}"

WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml | head -n1)"
NIGHTLY="$(sed -n 's/^nightly = "\(.*\)"/\1/p' Cargo.toml | head -n1)"
say() { printf 'setup: %s\n' "$*" >&2; }

if ! rustup component list --installed --toolchain "$NIGHTLY" 2>/dev/null | grep -qx rust-src; then
  say "installing the $NIGHTLY toolchain with rust-src (about 10 seconds)"
  rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src >/dev/null 2>&1 ||
    { say "could not install $NIGHTLY: run 'rustup toolchain install $NIGHTLY --component rust-src' to see why"; exit 1; }
fi
[ "$WHAT" = nightly ] && exit 0

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >/dev/null
fi

# clippy and rustfmt come with rustup's default profile; a minimal install lacks them.
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^${component}-"; then
    say "adding the ${component} component"
    rustup component add "$component" >/dev/null
  fi
done

if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
  say "installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (about 2 minutes)"
  # Not --locked: the CLI's own lockfile pins a webpki-roots version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" --quiet
fi

# Fonts so screenshots show the CJK and emoji that gateways stream.
APT_PACKAGES="chromium chromium-driver fonts-wqy-zenhei fonts-noto-color-emoji"
if [ "$WHAT" = all ] && ! dpkg -s $APT_PACKAGES >/dev/null 2>&1; then
  say "installing $APT_PACKAGES from Debian"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq $APT_PACKAGES >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
