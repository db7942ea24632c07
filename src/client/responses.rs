//! `client.responses()`: the Responses API, whole or as a stream of typed events.
use super::event_stream::ResponseStream;
use super::{Client, RawResponse};
use crate::protocol::endpoint::Endpoint;
use crate::protocol::error::Error;
use crate::protocol::responses::Response;
use serde::Serialize;
use web_sys::AbortSignal;

/// Responses on one client.
#[derive(Debug, Clone, Copy)]
pub struct Responses<'a> {
    client: &'a Client,
}

impl Client {
    /// The Responses API (`/responses`).
    pub fn responses(&self) -> Responses<'_> {
        Responses { client: self }
    }
}

impl Responses<'_> {
    /// Creates a response (`stream` is set to false); `output_text` holds its text.
    ///
    /// ```no_run
    /// # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
    /// let r = client.responses().create(&serde_json::json!({"model": "gpt-4o-mini", "input": "Say hi"}), None).await?;
    /// println!("{}", r.output_text);
    /// # Ok(()) }
    /// ```
    pub async fn create<R: Serialize>(&self, request: &R, signal: Option<&AbortSignal>) -> Result<Response, Error> {
        let body = super::request::to_body(request, Some(false))?;
        super::request::typed(&self.create_raw(&body, signal).await?.body, "a response")
    }

    /// Streams a response (`stream` is set to true).
    pub async fn stream<R: Serialize>(&self, request: &R, signal: Option<&AbortSignal>) -> Result<ResponseStream, Error> {
        let body = super::request::to_body(request, Some(true))?;
        self.stream_raw(&body, signal).await
    }

    /// Sends an already-serialized non-streaming request; the body gets `output_text`.
    pub async fn create_raw(&self, body: &str, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        self.client.endpoint_call(Endpoint::Responses, "POST", "/responses", Some(body), signal).await
    }

    /// Sends an already-serialized streaming request.
    pub async fn stream_raw(&self, body: &str, signal: Option<&AbortSignal>) -> Result<ResponseStream, Error> {
        let body = Endpoint::Responses.prepare(body)?;
        let served = self.client.post_json("/responses", &body, true, signal).await?;
        let config = self.client.config();
        ResponseStream::new(served, config.max_event_bytes(), config.api_key().map(str::to_owned))
    }
}
