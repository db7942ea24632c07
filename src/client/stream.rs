//! A chat completion stream over a live response body.
use super::body_stream::BodyStream;
use super::{RequestGuard, Served};
use crate::protocol::chat::{ChatCompletion, ChatStreamDecoder, Output};
use crate::protocol::error::Error;
use crate::transport::HttpResponse;

/// A streamed chat completion. Pull text or chunk batches as they arrive, or wait for the end:
///
/// ```no_run
/// # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
/// let mut stream = client.chat().stream(&serde_json::json!({
///     "model": "yi-large", "messages": [{"role": "user", "content": "Hi"}]}), None).await?;
/// while let Some(text) = stream.next_text().await? {
///     print!("{text}");
/// }
/// let done = stream.final_completion().await?;
/// println!("\n{:?}", done.choices[0].finish_reason);
/// # Ok(()) }
/// ```
pub type ChatStream = BodyStream<ChatStreamDecoder>;

impl ChatStream {
    pub(crate) fn new(served: Served, max_event_bytes: usize, secret: Option<String>) -> Result<Self, Error> {
        BodyStream::with_decoder(served, ChatStreamDecoder::with_max_event_bytes(max_event_bytes), secret)
    }

    /// Wraps a streaming `Response` obtained elsewhere. A non-2xx response yields its error.
    pub async fn from_response(response: wasm_bindgen::JsValue) -> Result<Self, Error> {
        let response = HttpResponse::from_js(response)?;
        if !response.ok() {
            let body = response.bytes(64 * 1024).await.unwrap_or_default();
            return Err(Error::from(crate::protocol::error::ApiError::from_response(
                response.status(),
                &body,
                response.header("x-request-id"),
            )));
        }
        let served = Served { response, base_url: String::new(), attempts: 1, guard: RequestGuard::default() };
        Self::new(served, crate::protocol::sse::DEFAULT_MAX_EVENT_BYTES, None)
    }

    /// The next piece of text of choice 0, as it arrives.
    pub async fn next_text(&mut self) -> Result<Option<String>, Error> {
        self.next_output(Output::Text).await
    }

    /// The chunks that arrived with the next network read, as one JSON array text (in ASCII:
    /// non-ASCII characters as `\u` escapes, the same values).
    pub async fn next_chunks_json(&mut self) -> Result<Option<String>, Error> {
        self.next_output(Output::Chunks).await
    }

    /// The progress events that came with the next network read (text deltas, tool calls
    /// started, argument fragments, and at the end each call done and checked), as one JSON
    /// array text; see [`crate::protocol::chat::events`].
    pub async fn next_events_json(&mut self) -> Result<Option<String>, Error> {
        self.next_output(Output::Events).await
    }

    /// With `on`, `content.delta` events carry `parsed`, the JSON answer so far.
    pub fn set_partial_json(&mut self, on: bool) {
        self.decoder.set_partial_json(on);
    }

    /// The JSON answer of choice 0 so far, completed to valid JSON text.
    pub fn partial_json(&self) -> Option<String> {
        self.decoder.partial_json()
    }

    /// Reads to the end and returns the accumulated completion.
    pub async fn final_completion(&mut self) -> Result<ChatCompletion, Error> {
        self.read_to_end(Output::None).await?;
        Ok(self.decoder.snapshot())
    }

    /// Reads to the end and returns the accumulated completion as JSON text.
    pub async fn final_json(&mut self) -> Result<String, Error> {
        self.read_to_end(Output::None).await?;
        Ok(self.decoder.to_json())
    }

    /// The completion accumulated so far (the partial output after an error).
    pub fn snapshot(&self) -> ChatCompletion {
        self.decoder.snapshot()
    }

    /// [`snapshot`](Self::snapshot) as JSON text.
    pub fn snapshot_json(&self) -> String {
        self.decoder.to_json()
    }
}
