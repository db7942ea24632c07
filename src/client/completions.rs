//! `client.completions()`: legacy text completions, whole or streamed.
use super::event_stream::CompletionStream;
use super::{Client, RawResponse};
use crate::protocol::completions::Completion;
use crate::protocol::endpoint::Endpoint;
use crate::protocol::error::Error;
use serde::Serialize;
use web_sys::AbortSignal;

/// Legacy completions on one client.
#[derive(Debug, Clone, Copy)]
pub struct Completions<'a> {
    client: &'a Client,
}

impl Client {
    /// Legacy text completions (`/completions`).
    pub fn completions(&self) -> Completions<'_> {
        Completions { client: self }
    }
}

impl Completions<'_> {
    /// Creates a completion (`stream` is set to false).
    ///
    /// ```no_run
    /// # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
    /// let c = client.completions().create(&serde_json::json!({"model": "gpt-3.5-turbo-instruct", "prompt": "Say hi", "max_tokens": 16}), None).await?;
    /// println!("{}", c.text().unwrap_or_default());
    /// # Ok(()) }
    /// ```
    pub async fn create<R: Serialize>(&self, request: &R, signal: Option<&AbortSignal>) -> Result<Completion, Error> {
        let body = super::request::to_body(request, Some(false))?;
        super::request::typed(&self.create_raw(&body, signal).await?.body, "a text completion")
    }

    /// Streams a completion (`stream` is set to true).
    pub async fn stream<R: Serialize>(&self, request: &R, signal: Option<&AbortSignal>) -> Result<CompletionStream, Error> {
        let body = super::request::to_body(request, Some(true))?;
        self.stream_raw(&body, signal).await
    }

    /// Sends an already-serialized non-streaming request.
    pub async fn create_raw(&self, body: &str, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        self.client.endpoint_call(Endpoint::Completions, "POST", "/completions", Some(body), signal).await
    }

    /// Sends an already-serialized streaming request.
    pub async fn stream_raw(&self, body: &str, signal: Option<&AbortSignal>) -> Result<CompletionStream, Error> {
        let body = Endpoint::Completions.prepare(body)?;
        let served = self.client.post_json("/completions", &body, true, signal).await?;
        let config = self.client.config();
        CompletionStream::new(served, config.max_event_bytes(), config.api_key().map(str::to_owned))
    }
}
