# The two commands a newcomer needs: `make demo` and `make test`. Both install what is missing.
.PHONY: demo test setup setup-build build test-native test-mock test-wasm-browser test-node test-workers \
	test-chromium test-load test-e2e fuzz bench clean

PKG_INPUTS := Cargo.toml Cargo.lock scripts/build-pkg.mjs README.md $(shell find src pkg-template -type f)

demo: setup-build pkg/package.json
	node www/serve.mjs

test: setup test-native pkg/package.json test-mock test-wasm-browser test-node test-workers test-chromium \
	test-load test-e2e fuzz
	@echo "make test: every suite passed"

setup:
	@bash scripts/setup.sh all

setup-build:
	@bash scripts/setup.sh build

build: setup-build pkg/package.json

pkg/package.json: $(PKG_INPUTS)
	node scripts/build-pkg.mjs

test-native:
	cargo test --quiet
	cargo clippy --quiet --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings

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

# 10,000 sequential streams (heap growth), 100 concurrent streams in Node, Chromium and workerd.
test-load: pkg/package.json
	node --expose-gc --test tests/load/

# End to end against a real gateway: the LiteLLM proxy (scripts/litellm.sh pins it into
# .cache/litellm-venv) with mock models on 127.0.0.1, through the built package in Node and Chromium.
test-e2e: setup pkg/package.json
	@bash scripts/litellm.sh
	node --test tests/e2e/

# cargo-fuzz targets over the SSE decoder, the chat stream decoder and the JSON reader
# (fuzz/README.md), FUZZ_SECONDS each; installs nightly and cargo-fuzz when missing.
FUZZ_SECONDS ?= 20
fuzz:
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# Benchmarks (benches/README.md): Node, headless Chromium, memory, bundle size, cold start, criterion.
# BENCH_QUICK=1 make bench: small corpora, 3 runs, no criterion run.
bench: setup pkg/package.json
	node benches/bench.mjs

clean:
	rm -rf pkg target/wasm32-unknown-unknown tests/artifacts
