# The two commands a newcomer needs: `make demo` and `make test`. Both install what is missing.
.PHONY: demo test setup setup-build build test-native test-docs test-mock test-wasm-browser test-node test-workers \
	test-chromium test-size test-consumers test-examples test-load test-e2e test-bench fuzz size bench clean

PKG_INPUTS := Cargo.toml Cargo.lock scripts/build-pkg.mjs scripts/release-wasm.mjs README.md $(shell find src pkg-template -type f)

demo: setup-build pkg/package.json
	node www/serve.mjs

# Grouped: the crate, the package in each runtime, the package as users install it, then the long runs.
test: setup \
	test-native test-docs test-mock test-wasm-browser \
	pkg/package.json test-node test-workers test-chromium \
	test-size test-consumers test-examples \
	test-load test-e2e test-bench fuzz
	@echo "make test: every suite passed"

setup:
	@bash scripts/setup.sh all

setup-build:
	@bash scripts/setup.sh build

build: setup-build pkg/package.json

pkg/package.json: $(PKG_INPUTS)
	node scripts/build-pkg.mjs

test-native:
	cargo fmt --check
	cargo test --quiet
	cargo clippy --quiet --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings

# rustdoc without warnings on both targets, and the wasm32-only doc examples compiled (doctests
# cross-compile on stable Cargo; wasm-bindgen-test-runner runs the runnable ones in Node).
test-docs:
	RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps
	RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --target wasm32-unknown-unknown
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --quiet --doc --target wasm32-unknown-unknown

test-mock:
	node --test mock-gateway/

test-wasm-browser:
	node scripts/test-wasm-browser.mjs

test-node: pkg/package.json
	node --test tests/node/

test-workers: pkg/package.json
	node --test tests/workers/

test-chromium: pkg/package.json
	node --test tests/browser/

# The size ratchet: fails when the package grows past size-budget.json (`make size` for the details).
test-size: pkg/package.json
	node scripts/size.mjs

# The packed tarball installed into fixture projects (tests/consumers/): Vite, webpack 5, Node ESM
# and CommonJS, Deno, Bun, esbuild + workerd, wrangler --dry-run; tsc --strict, publint, attw.
test-consumers: pkg/package.json
	node --test tests/consumers/

# examples/worker-proxy in workerd and Chromium; examples/rust-chat in Chromium (wasm-bindgen-test).
test-examples: pkg/package.json
	node --test examples/worker-proxy/
	cargo clippy --quiet -p llmwire-example-chat --target wasm32-unknown-unknown --all-targets -- -D warnings
	node scripts/test-wasm-browser.mjs -p llmwire-example-chat

# What each entry ships (raw, gzip, brotli), the budget, and the wasm's largest contributors (twiggy).
size: setup-build pkg/package.json
	@command -v twiggy >/dev/null || cargo install twiggy --version 0.8.0 --locked --quiet
	node scripts/size.mjs --twiggy

# 10,000 sequential streams (heap growth), 100 concurrent streams in Node, Chromium and workerd.
test-load: pkg/package.json
	node --expose-gc --test tests/load/

# End to end against a real gateway: the LiteLLM proxy (scripts/litellm.sh pins it into
# .cache/litellm-venv) with mock models on 127.0.0.1, through the built package in Node and Chromium.
test-e2e: setup pkg/package.json
	@bash scripts/litellm.sh
	node --test tests/e2e/

# cargo-fuzz targets over the stream decoders, the JSON reader and what is read whole
# (fuzz/README.md), FUZZ_SECONDS each; installs nightly and cargo-fuzz when missing.
FUZZ_SECONDS ?= 20
fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# The quick bench, run for its checks only (every section still runs and each consumer's output
# is right); the numbers come from `make bench`.
test-bench: setup pkg/package.json
	node --test tests/bench/

# Benchmarks (benches/README.md): Node, headless Chromium, a long conversation, memory, bundle size, cold start, criterion.
# BENCH_QUICK=1 make bench: small corpora, 3 runs, no criterion run.
bench: setup pkg/package.json
	node benches/bench.mjs

clean:
	rm -rf pkg target/wasm32-unknown-unknown tests/artifacts
