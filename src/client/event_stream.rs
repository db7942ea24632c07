//! Streams of endpoints other than chat (legacy completions, Responses) over a live body.
use super::{RequestGuard, Served};
use crate::protocol::completions::{Completion, CompletionsProtocol};
use crate::protocol::error::Error;
use crate::protocol::event_stream::{EventStreamDecoder, Output, StreamProtocol};
use crate::protocol::responses::{Response, ResponsesProtocol};
use crate::transport::BodyReader;

/// Longest JSON body accepted where a stream was expected, in bytes.
const JSON_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// A streamed result: pull items or text as they arrive, or wait for the end. An error ends the
/// stream and is returned again by every later call; [`snapshot_json`](Self::snapshot_json) keeps
/// the partial result. The endpoint's meaning comes from a [`StreamProtocol`] behind a `Box`, so
/// the reading code exists once in the wasm module whatever the endpoint.
#[derive(Debug)]
pub struct EventStream {
    request_id: Option<String>,
    status: u16,
    guard: RequestGuard,
    base_url: String,
    attempts: u32,
    body: BodyReader,
    decoder: EventStreamDecoder<Box<dyn StreamProtocol>>,
    buf: Vec<u8>,
    json_body: bool,
    failed: Option<Error>,
    finished: bool,
    secret: Option<String>,
}

/// A streamed legacy completion (`/completions`).
///
/// ```no_run
/// # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
/// let mut s = client.completions().stream(&serde_json::json!({"model": "gpt-3.5-turbo-instruct", "prompt": "Say hi"}), None).await?;
/// while let Some(text) = s.next_text().await? { print!("{text}") }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct CompletionStream(EventStream);

/// A streamed response (`/responses`): items are the typed events.
///
/// ```no_run
/// # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
/// let mut s = client.responses().stream(&serde_json::json!({"model": "gpt-4o-mini", "input": "Say hi"}), None).await?;
/// while let Some(text) = s.next_text().await? { print!("{text}") }
/// let done = s.final_response().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ResponseStream(EventStream);

impl EventStream {
    pub(crate) fn new(served: Served, proto: Box<dyn StreamProtocol>, max_event_bytes: usize, secret: Option<String>) -> Result<Self, Error> {
        let Served { response, base_url, attempts, guard } = served;
        let body = response.body()?;
        Ok(EventStream {
            json_body: response.is_json(),
            request_id: response.header("x-request-id"),
            status: response.status(),
            guard,
            base_url,
            attempts,
            body,
            decoder: EventStreamDecoder::with_max_event_bytes(proto, max_event_bytes),
            buf: Vec::new(),
            failed: None,
            finished: false,
            secret,
        })
    }

    /// The base URL that served this stream.
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

    /// Reads until there is output of the requested kind; `Ok(None)` once the stream is complete.
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
                let mut err = err;
                if let Some(key) = &self.secret {
                    err.redact(key);
                }
                self.failed = Some(err);
            }
            if self.finished || self.failed.is_some() {
                self.guard.release();
            }
        }
    }

    async fn step(&mut self, mode: Output) -> Result<(), Error> {
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

    /// The next text, as it arrives.
    pub async fn next_text(&mut self) -> Result<Option<String>, Error> {
        self.next_output(Output::Text).await
    }

    /// The items (chunks or events) of the next network read, as one JSON array text.
    pub async fn next_items_json(&mut self) -> Result<Option<String>, Error> {
        self.next_output(Output::Chunks).await
    }

    /// Reads to the end and returns the final result as JSON text.
    pub async fn final_json(&mut self) -> Result<String, Error> {
        while self.next_output(Output::None).await?.is_some() {}
        Ok(self.decoder.to_json())
    }

    /// The result accumulated so far (the partial result after an error), as JSON text.
    pub fn snapshot_json(&self) -> String {
        self.decoder.to_json()
    }

    /// Stops reading and closes the connection; later reads return [`Error::Aborted`] unless the
    /// stream had already ended.
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

macro_rules! stream_newtype {
    ($name:ident, $proto:ident) => {
        impl $name {
            pub(crate) fn new(served: Served, max_event_bytes: usize, secret: Option<String>) -> Result<Self, Error> {
                EventStream::new(served, Box::new($proto::default()), max_event_bytes, secret).map($name)
            }

            /// The untyped stream, for callers that only move JSON text.
            pub fn into_inner(self) -> EventStream {
                self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = EventStream;
            fn deref(&self) -> &EventStream {
                &self.0
            }
        }

        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut EventStream {
                &mut self.0
            }
        }
    };
}

stream_newtype!(CompletionStream, CompletionsProtocol);
stream_newtype!(ResponseStream, ResponsesProtocol);

impl CompletionStream {
    /// Reads to the end and returns the accumulated completion.
    pub async fn final_completion(&mut self) -> Result<Completion, Error> {
        let json = self.final_json().await?;
        super::request::typed(&json, "a text completion")
    }
}

impl ResponseStream {
    /// Reads to the end and returns the final response (with `output_text`).
    pub async fn final_response(&mut self) -> Result<Response, Error> {
        let json = self.final_json().await?;
        super::request::typed(&json, "a response")
    }
}
