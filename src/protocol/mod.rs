//! The pure core: no web-sys, compiled and tested on the host.
//!
//! Bytes come in, typed results and typed errors go out. Nothing here touches the network or a
//! clock, so it runs under `cargo test`, `cargo fuzz` and in any wasm host alike.

// The npm package's wasm is built for size (opt-level "z", scripts/release-wasm.mjs) except what
// runs for every event of a stream: those functions carry
// `#[cfg_attr(llmwire_oz, optimize(speed))]`. A new function on that path needs it too (an A/B
// of the streams shows it); anything else (requests, errors, final results) stays without.
pub mod audio;
pub mod base64;
pub mod call;
pub mod chat;
pub mod completions;
pub mod conversation;
pub mod decode;
pub mod embeddings;
pub mod endpoint;
pub mod error;
pub mod event_stream;
pub mod images;
pub mod json;
pub mod limits;
pub mod long_text;
pub mod media;
pub mod models;
pub mod multimodal;
pub mod multipart;
pub mod params;
pub mod request;
pub mod responses;
pub mod retry;
pub mod scan;
pub mod sse;
pub mod structured;
pub mod text;
pub mod tools;
pub mod typed;

pub use error::{ApiError, Error};
