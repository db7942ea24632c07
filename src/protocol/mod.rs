//! The pure core: no web-sys, compiled and tested on the host.
//!
//! Bytes come in, typed results and typed errors go out. Nothing here touches the network or a
//! clock, so it runs under `cargo test`, `cargo fuzz` and in any wasm host alike.
pub mod chat;
pub mod error;
pub mod json;
pub mod limits;
pub mod request;
pub mod retry;
pub mod scan;
pub mod sse;

pub use error::{ApiError, Error};
