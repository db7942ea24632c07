//! The only place with `#[wasm_bindgen]` exports: the surface the npm package's facade wraps.
//!
//! Results cross as JSON text (the facade calls `JSON.parse`), batched per network chunk; errors
//! cross as plain objects marked `llmwireError` that the facade turns into `Error` subclasses.
mod client;
mod errors;
mod event_stream;
mod form;
mod helpers;
mod resources;
mod sse;
mod stream;
mod tools;

use wasm_bindgen::prelude::*;

/// The crate version, for diagnostics.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
