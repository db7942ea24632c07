//! The Rust API: a [`Client`] with one accessor per resource. wasm32 only (it sends through
//! `fetch`); the policy it applies comes from [`crate::protocol`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), llmwire::Error> {
//! use llmwire::{Client, ClientConfig};
//! let client = Client::new(ClientConfig::new("https://api.apiyi.com/v1").with_api_key("sk-..."))?;
//! let done = client.chat().create(&serde_json::json!({
//!     "model": "gpt-4o-mini",
//!     "messages": [{"role": "user", "content": "Hello"}],
//! }), None).await?;
//! println!("{}", done.text().unwrap_or_default());
//! # Ok(()) }
//! ```
mod chat;
mod stream;

pub use chat::Chat;
pub use stream::ChatStream;

use crate::protocol::error::{ApiError, Error};
use crate::protocol::request::ClientConfig;
use crate::transport::{Fetcher, HttpRequest, HttpResponse};
use web_sys::AbortSignal;

/// Longest error body read, in bytes.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// A client for one OpenAI-compatible gateway. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    config: ClientConfig,
    fetcher: Fetcher,
}

impl Client {
    /// A client using the global `fetch`. Fails on an unusable configuration, and in a browser
    /// page when an API key is set without `dangerously_allow_browser(true)`.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        config.validate(crate::transport::runtime::is_browser_page())?;
        Ok(Client { config, fetcher: Fetcher::global() })
    }

    /// Sends through `fetch` instead of the global one (a test double, an instrumented fetch).
    pub fn with_fetch(mut self, fetch: js_sys::Function) -> Self {
        self.fetcher = Fetcher::custom(fetch);
        self
    }

    /// The configuration in use.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Chat completions (`/chat/completions`).
    pub fn chat(&self) -> Chat<'_> {
        Chat { client: self }
    }

    /// POSTs a JSON body and returns the response if it is 2xx, or the server's error.
    pub(crate) async fn post_json(&self, path: &str, body: &str, stream: bool, signal: Option<&AbortSignal>) -> Result<HttpResponse, Error> {
        let url = self.config.url(path);
        let headers = self.config.json_headers(stream);
        let request = HttpRequest { method: "POST", url: &url, headers: &headers, body: Some(body) };
        let result = self.fetcher.send(&request, signal).await;
        let response = self.redacted(result)?;
        if response.ok() {
            return Ok(response);
        }
        let body = response.bytes(ERROR_BODY_LIMIT).await.unwrap_or_default();
        let api = ApiError::from_response(response.status(), &body, response.header("x-request-id"));
        Err(self.redact(api.into()))
    }

    /// Removes the API key from an error's texts.
    pub(crate) fn redact(&self, mut err: Error) -> Error {
        if let Some(key) = self.config.api_key() {
            err.redact(key);
        }
        err
    }

    pub(crate) fn redacted<T>(&self, r: Result<T, Error>) -> Result<T, Error> {
        r.map_err(|e| self.redact(e))
    }
}
