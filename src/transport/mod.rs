//! The only layer that talks to the JavaScript host: `fetch`, `AbortSignal` and `ReadableStream`.
//! wasm32 only. It moves bytes; everything it reads is interpreted by [`crate::protocol`].
pub mod body;
pub mod fetch;
pub mod form;
pub mod runtime;
pub mod timer;

pub use body::BodyReader;
pub use fetch::{Body, Fetcher, HttpRequest, HttpResponse};
