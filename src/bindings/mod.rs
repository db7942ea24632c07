//! The only place with `#[wasm_bindgen]` exports: the surface the npm package's facade wraps.
//!
//! Sans I/O: the facade's `fetch` loop (pkg-template/transport.js) sends, reads and sleeps, and
//! asks [`WasmSession`](session::WasmSession) and [`WasmCall`](session::WasmCall) for every
//! decision; streamed bodies go through a [`WasmDecoder`](decoder::WasmDecoder), one network
//! chunk per call. No future crosses the boundary, so the module carries no async runtime, no
//! `fetch` bindings and no timers (the Rust client in [`crate::client`] has those).
//!
//! Results cross as JSON text (the facade calls `JSON.parse`), batched per network chunk; errors
//! cross as plain objects marked `llmwireError` that the facade turns into `Error` subclasses.
mod decoder;
mod endpoints;
mod errors;
mod helpers;
mod session;
mod tools;

use wasm_bindgen::prelude::*;

/// The crate version, for diagnostics.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
