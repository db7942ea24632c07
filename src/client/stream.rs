//! A chat completion stream over a live response body.
use super::{RequestGuard, Served};
use crate::protocol::chat::{ChatCompletion, ChatStreamDecoder, Output};
use crate::protocol::error::Error;
use crate::transport::{BodyReader, HttpResponse};

/// Most of an HTML body read for its snippet, in bytes.
const HTML_SNIPPET_LIMIT: usize = 64 * 1024;

/// Longest JSON body accepted where a stream was expected, in bytes.
const JSON_BODY_LIMIT: usize = 64 * 1024 * 1024;

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
#[derive(Debug)]
pub struct ChatStream {
    /// Read from the response once, so the stream holds no JS object after it ends.
    request_id: Option<String>,
    status: u16,
    guard: RequestGuard,
    base_url: String,
    attempts: u32,
    body: BodyReader,
    decoder: ChatStreamDecoder,
    buf: Vec<u8>,
    json_body: bool,
    /// A `text/html` body where events were expected (a proxy's or captive portal's page).
    html_body: bool,
    failed: Option<Error>,
    finished: bool,
    secret: Option<String>,
}

impl ChatStream {
    pub(crate) fn new(served: Served, max_event_bytes: usize, secret: Option<String>) -> Result<Self, Error> {
        let Served { response, base_url, attempts, guard } = served;
        let body = response.body()?;
        Ok(ChatStream {
            json_body: response.is_json(),
            html_body: response.header("content-type").is_some_and(|ct| ct.to_ascii_lowercase().contains("text/html")),
            request_id: response.header("x-request-id"),
            status: response.status(),
            guard,
            base_url,
            attempts,
            body,
            decoder: ChatStreamDecoder::with_max_event_bytes(max_event_bytes),
            buf: Vec::new(),
            failed: None,
            finished: false,
            secret,
        })
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

    /// The base URL that served this stream (empty for [`from_response`](Self::from_response)).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// How many attempts the request took, the successful one included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The `x-request-id` of the response, if the server sent one.
    pub fn request_id(&self) -> Option<String> {
        self.request_id.clone()
    }

    /// Reads until there is output of the requested kind. `Ok(None)` once the stream is complete.
    /// An error ends the stream and is returned again by every later call (so a final result is
    /// never mistaken for a complete one); [`snapshot`](Self::snapshot) keeps the partial output.
    pub async fn next_output(&mut self, mode: Output) -> Result<Option<String>, Error> {
        loop {
            if let Some(out) = self.decoder.take_output() {
                return Ok(Some(out));
            }
            if let Some(err) = &self.failed {
                return Err(err.clone());
            }
            if self.finished {
                return Ok(None);
            }
            if let Err(err) = self.step(mode).await {
                self.body.cancel();
                self.failed = Some(self.redact(err));
            }
            if self.finished || self.failed.is_some() {
                // The request is over: drop its listener on the caller's AbortSignal now, not
                // when the stream object is collected.
                self.guard.release();
            }
        }
    }

    async fn step(&mut self, mode: Output) -> Result<(), Error> {
        if self.html_body {
            let bytes = self.guard.idle(self.body.read_to_end(HTML_SNIPPET_LIMIT)).await?;
            return Err(Error::InvalidResponse {
                message: format!("expected an event stream, got a {} text/html page", self.status),
                snippet: crate::protocol::error::snippet_of(&bytes),
            });
        }
        if self.json_body {
            let bytes = self.guard.idle(self.body.read_to_end(JSON_BODY_LIMIT)).await?;
            self.decoder.push_json_body(&bytes, self.status, mode)?;
            self.finished = true;
            return self.decoder.finish();
        }
        if self.decoder.is_done() || !self.guard.idle(self.body.next_chunk(&mut self.buf)).await? {
            self.body.cancel();
            self.finished = true;
            return self.decoder.finish();
        }
        self.decoder.push(&self.buf, mode)
    }

    fn redact(&self, mut err: Error) -> Error {
        if let Some(key) = &self.secret {
            err.redact(key);
        }
        err
    }

    /// The next piece of text of choice 0, as it arrives.
    pub async fn next_text(&mut self) -> Result<Option<String>, Error> {
        self.next_output(Output::Text).await
    }

    /// The chunks that arrived with the next network read, as one JSON array text.
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
        self.read_to_end().await?;
        Ok(self.decoder.snapshot())
    }

    /// Reads to the end and returns the accumulated completion as JSON text.
    pub async fn final_json(&mut self) -> Result<String, Error> {
        self.read_to_end().await?;
        Ok(self.decoder.to_json())
    }

    async fn read_to_end(&mut self) -> Result<(), Error> {
        while self.next_output(Output::None).await?.is_some() {}
        Ok(())
    }

    /// The completion accumulated so far (the partial output after an error).
    pub fn snapshot(&self) -> ChatCompletion {
        self.decoder.snapshot()
    }

    /// [`snapshot`](Self::snapshot) as JSON text.
    pub fn snapshot_json(&self) -> String {
        self.decoder.to_json()
    }

    /// Stops reading and closes the connection. Unless the stream had already ended, later calls
    /// return [`Error::Aborted`].
    pub fn cancel(&mut self) {
        self.body.cancel();
        self.guard.release();
        if !self.finished && self.failed.is_none() {
            self.failed = Some(Error::Aborted);
        }
        self.finished = true;
    }

    /// A handle that cancels the body while a read is pending (used by the JS bindings).
    pub fn cancel_handle(&self) -> Option<web_sys::ReadableStreamDefaultReader> {
        self.body.cancel_handle()
    }
}
