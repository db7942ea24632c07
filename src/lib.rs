//! # llmwire
//!
//! A small, fast client for OpenAI-compatible LLM gateways (APIYI, 01.AI, LiteLLM, vLLM,
//! OpenAI), written in Rust for WebAssembly. The same code serves the npm package (browsers,
//! Cloudflare Workers, Node) and Rust wasm apps (Leptos, Yew, Dioxus, workers-rs).
//!
//! ## Layers
//!
//! | module | what it does | runs on |
//! |---|---|---|
//! | [`protocol`] | SSE decoder, chat chunk accumulator, wire types, error classification, request building | everywhere (tested natively) |
//! | `transport` | `fetch`, `AbortSignal`, `ReadableStream` → byte chunks | wasm32 |
//! | `client` | [`Client`](crate::client::Client) and its resources | wasm32 |
//! | `bindings` | `#[wasm_bindgen]` exports the npm package wraps | wasm32 |
//!
//! ## Quick start (Rust, wasm32)
//!
//! ```ignore
//! use llmwire::{Client, ClientConfig};
//!
//! let client = Client::new(ClientConfig::new("https://api.apiyi.com/v1").with_api_key(key))?;
//! let mut stream = client.chat().stream(&serde_json::json!({
//!     "model": "gpt-4o-mini",
//!     "messages": [{"role": "user", "content": "Say hello"}],
//! }), None).await?;
//! while let Some(text) = stream.next_text().await? {
//!     output.push_str(&text);
//! }
//! let completion = stream.final_completion().await?;
//! ```
//!
//! ## The pure core, on any target
//!
//! ```
//! use llmwire::protocol::chat::{ChatStreamDecoder, Output};
//! let mut decoder = ChatStreamDecoder::new();
//! decoder.push(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", Output::Text)?;
//! assert_eq!(decoder.take_output().as_deref(), Some("Hello"));
//! decoder.finish()?;
//! # Ok::<(), llmwire::Error>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod transport;

#[cfg(target_arch = "wasm32")]
pub mod client;

#[cfg(target_arch = "wasm32")]
mod bindings;

#[cfg(target_arch = "wasm32")]
pub use client::{ChatStream, Client};
pub use protocol::error::{ApiError, Error};
pub use protocol::request::ClientConfig;
