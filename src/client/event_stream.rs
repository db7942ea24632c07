//! Streams of endpoints other than chat (legacy completions, Responses) over a live body.
use super::body_stream::BodyStream;
use super::Served;
use crate::protocol::completions::{Completion, CompletionsProtocol};
use crate::protocol::error::Error;
use crate::protocol::event_stream::{EventStreamDecoder, Output, StreamProtocol};
use crate::protocol::responses::{Response, ResponsesProtocol};

/// A streamed result: pull items or text as they arrive, or wait for the end. An error ends the
/// stream and is returned again by every later call; [`snapshot_json`](Self::snapshot_json) keeps
/// the partial result. The endpoint's meaning comes from a [`StreamProtocol`] behind a `Box`, so
/// the reading code exists once in the wasm module whatever the endpoint.
pub type EventStream = BodyStream<EventStreamDecoder<Box<dyn StreamProtocol>>>;

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
    pub(crate) fn new(
        served: Served,
        proto: Box<dyn StreamProtocol>,
        max_event_bytes: usize,
        secret: Option<String>,
    ) -> Result<Self, Error> {
        BodyStream::with_decoder(served, EventStreamDecoder::with_max_event_bytes(proto, max_event_bytes), secret)
    }

    /// The next text, as it arrives.
    pub async fn next_text(&mut self) -> Result<Option<String>, Error> {
        self.next_output(Output::Text).await
    }

    /// The items (chunks or events) of the next network read, as one JSON array text (in ASCII:
    /// non-ASCII characters as `\u` escapes, the same values).
    pub async fn next_items_json(&mut self) -> Result<Option<String>, Error> {
        self.next_output(Output::Chunks).await
    }

    /// Reads to the end and returns the final result as JSON text.
    pub async fn final_json(&mut self) -> Result<String, Error> {
        self.read_to_end(Output::None).await?;
        Ok(self.decoder.to_json())
    }

    /// The result accumulated so far (the partial result after an error), as JSON text.
    pub fn snapshot_json(&self) -> String {
        self.decoder.to_json()
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
