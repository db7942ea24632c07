//! `client.chat()`: chat completions, whole or streamed.
use super::request::{to_body, typed};
use super::{stream::ChatStream, Client};
use crate::protocol::chat::ChatCompletion;
use crate::protocol::endpoint::Endpoint;
use crate::protocol::error::Error;
use crate::protocol::request;
use serde::Serialize;
use web_sys::AbortSignal;

/// A whole JSON response body and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The body, a JSON object.
    pub body: String,
    /// The base URL that answered.
    pub base_url: String,
    /// Attempts made, the successful one included.
    pub attempts: u32,
    /// The `x-request-id` header, if any.
    pub request_id: Option<String>,
}

/// Chat completions on one client.
#[derive(Debug, Clone, Copy)]
pub struct Chat<'a> {
    pub(super) client: &'a Client,
}

impl Chat<'_> {
    /// Sends a chat request and waits for the whole completion. `request` is any serializable
    /// object with the OpenAI parameters; every field passes through unchanged (`stream` is set
    /// to false).
    pub async fn create<R: Serialize>(&self, request: &R, signal: Option<&AbortSignal>) -> Result<ChatCompletion, Error> {
        let body = to_body(request, Some(false))?;
        let text = self.create_raw(&body, signal).await?.body;
        typed(&text, "a chat completion")
    }

    /// Sends a chat request and returns a [`ChatStream`] once the response headers arrived
    /// (`stream` is set to true).
    pub async fn stream<R: Serialize>(&self, request: &R, signal: Option<&AbortSignal>) -> Result<ChatStream, Error> {
        let body = to_body(request, Some(true))?;
        self.stream_raw(&body, signal).await
    }

    /// Sends an already-serialized non-streaming request; returns the response body as JSON text.
    /// Documented parameter ranges are checked first ([`Checked::check`](crate::protocol::params::Checked::check)). An image model's
    /// answer (no `choices`) comes back marked `object: "image.generation"`.
    pub async fn create_raw(&self, body: &str, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        self.client.endpoint_call(Endpoint::Chat, "POST", "/chat/completions", Some(body), signal).await
    }

    /// Sends an already-serialized streaming request.
    /// With [`ClientConfig::with_stream_usage`](crate::protocol::request::ClientConfig::with_stream_usage), asks for usage, and sends once more without
    /// `stream_options` when the gateway rejects that parameter.
    pub async fn stream_raw(&self, body: &str, signal: Option<&AbortSignal>) -> Result<ChatStream, Error> {
        let body = &Endpoint::Chat.prepare(body)?;
        let config = self.client.config();
        let with_usage = config.stream_usage().then(|| request::with_stream_usage(body)).flatten();
        let served = match with_usage {
            Some(asked) => match self.client.post_json("/chat/completions", &asked, true, signal).await {
                // `asked` is `body` with the `stream_options` it did not have: resend `body`.
                Err(e) if request::rejects_stream_options(&e) => self.client.post_json("/chat/completions", body, true, signal).await?,
                other => other?,
            },
            None => self.client.post_json("/chat/completions", body, true, signal).await?,
        };
        ChatStream::new(served, config.max_event_bytes(), config.api_key().map(str::to_owned))
    }
}
