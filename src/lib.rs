//! # llmwire
//!
//! A small, fast client for OpenAI-compatible LLM gateways (APIYI, 01.AI, LiteLLM, vLLM,
//! OpenAI), written in Rust for WebAssembly. It wraps `fetch` and `ReadableStream`, decodes
//! Server-Sent Events by the WHATWG rules, accumulates streamed chat deltas, and is strict about
//! loss: a malformed event, an error event inside a 200 stream or a cut stream is an [`Error`]
//! that keeps the partial output. Retries, failover to backup base URLs, time limits and
//! client-side rate limits are built in.
//!
//! The same code ships as the `llmwire` npm package (browsers, Cloudflare Workers, Node, Deno,
//! Bun). This crate is for **Rust wasm apps**: Leptos, Yew and Dioxus in the browser, and
//! workers-rs on Cloudflare Workers.
//!
//! ```toml
//! [dependencies]
//! llmwire = "0.1"
//! serde_json = "1"   # requests are any `Serialize` value; `json!` is the shortest way to write them
//! ```
//!
//! The client (`Client` and its resources) needs `target_arch = "wasm32"`, as it sends through
//! the JavaScript `fetch`; the [`protocol`] core builds and is tested everywhere.
//!
#![cfg_attr(
    target_arch = "wasm32",
    doc = r#"
## Quick start

```no_run
use llmwire::protocol::request::ClientConfig;
use llmwire::{Client, Error};
use serde_json::json;

async fn hello(key: String) -> Result<String, Error> {
    let client = Client::new(ClientConfig::new("https://api.apiyi.com/v1").with_api_key(key))?;
    let request = json!({ "model": "gpt-4o-mini", "messages": [{ "role": "user", "content": "Say hello" }] });
    let mut stream = client.chat().stream(&request, None).await?;
    let mut shown = String::new();
    while let Some(text) = stream.next_text().await? {
        shown.push_str(&text); // update a signal, a component's state, a DOM node...
    }
    let completion = stream.final_completion().await?; // finish reason, usage, tool calls
    Ok(completion.text().unwrap_or_default().to_string())
}
```

[`Client::chat`] gives chat completions; every other endpoint has its resource with typed
results: [`images`](Client::images), [`embeddings`](Client::embeddings),
[`models`](Client::models), [`audio`](Client::audio), [`completions`](Client::completions) and
[`responses`](Client::responses). The [`client`] module has an example for each, and how to set
retries, failover, time limits and cancellation.
"#
)]
#![cfg_attr(
    not(target_arch = "wasm32"),
    doc = "The Rust client is documented for the `wasm32-unknown-unknown` target (the default on docs.rs): build the docs with `--target wasm32-unknown-unknown` to see `Client` and its resources."
)]
//!
//! ## Where the key lives
//!
//! - **In a browser app** (Leptos, Yew, Dioxus) an API key in the page can be read by every
//!   visitor, so `Client::new` refuses one there unless the configuration says
//!   [`dangerously_allow_browser(true)`](ClientConfig::dangerously_allow_browser). Point the client at a proxy that holds the key instead —
//!   `examples/worker-proxy` in the repository is one, a Cloudflare Worker — and create it
//!   without a key: `ClientConfig::new("https://your-proxy.example/v1")`.
//! - **In a Worker** (workers-rs) or another server-side wasm host, read the key from a secret
//!   and pass it with [`ClientConfig::with_api_key`]. Workers are not browsers: no opt-in needed.
//!
//! `examples/rust-chat` in the repository is a chat session for such apps: it keeps the history
//! and streams each reply into a callback, tested in headless Chromium.
//!
//! ## Errors
//!
//! Every call returns [`Error`]: [`Error::Api`] when the gateway answered with an error status or
//! sent an error inside a stream (its [`ApiError`] has the status, `type`, `code`, `param`, request
//! id and whether a retry may help), [`Error::Connection`], [`Error::Timeout`], [`Error::Aborted`],
//! [`Error::Truncated`] and [`Error::MalformedEvent`] for streams that end badly,
//! [`Error::InvalidResponse`] and [`Error::InvalidArgument`]. The API key never appears in one.
//!
//! ## The pure core, on any target
//!
//! [`protocol`] has no web-sys: the SSE decoder, the chat accumulator, the wire types, error
//! classification, the retry policy and request building, usable from any Rust program that
//! brings its own transport.
//!
//! ```
//! use llmwire::protocol::chat::{ChatStreamDecoder, Output};
//! let mut decoder = ChatStreamDecoder::new();
//! decoder.push(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", Output::Text)?;
//! assert_eq!(decoder.take_output().as_deref(), Some("Hello"));
//! decoder.finish()?;
//! # Ok::<(), llmwire::Error>(())
//! ```
//!
//! ## Layers
//!
//! | module | what it does | runs on |
//! |---|---|---|
//! | [`protocol`] | SSE decoder, chat chunk accumulator, wire types, error classification, request building, each request's retry / failover / limits policy ([`protocol::call`]) | everywhere (tested natively) |
//! | `transport` | `fetch`, `AbortSignal`, `ReadableStream` → byte chunks, timers | wasm32 |
//! | `client` | `Client` and its resources: the Rust apps' I/O loop over [`protocol::call`] | wasm32 |
//! | `bindings` | the `#[wasm_bindgen]` exports the npm package wraps (private): synchronous, sans I/O; the package's `transport.js` is the JavaScript apps' I/O loop over the same [`protocol::call`] | wasm32 |
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod protocol;

#[cfg(target_arch = "wasm32")]
#[cfg_attr(docsrs, doc(cfg(target_arch = "wasm32")))]
pub mod transport;

#[cfg(target_arch = "wasm32")]
#[cfg_attr(docsrs, doc(cfg(target_arch = "wasm32")))]
pub mod client;

#[cfg(all(target_arch = "wasm32", any(feature = "js-core", feature = "js-extras")))]
mod bindings;

#[cfg(target_arch = "wasm32")]
#[cfg_attr(docsrs, doc(cfg(target_arch = "wasm32")))]
pub use client::{ChatStream, Client};
pub use protocol::error::{ApiError, Error};
pub use protocol::request::ClientConfig;
