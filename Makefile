# The two commands a newcomer needs: `make demo` and `make test`. Both install what is missing.
.PHONY: demo test setup setup-build build test-native test-wasm-browser test-node test-workers test-chromium test-mock clean

PKG_INPUTS := Cargo.toml Cargo.lock scripts/build-pkg.mjs README.md $(shell find src pkg-template -type f)

demo: setup-build pkg/package.json
	node www/serve.mjs

test: setup test-native pkg/package.json test-mock test-wasm-browser test-node test-workers test-chromium
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

clean:
	rm -rf pkg target/wasm32-unknown-unknown tests/artifacts
