//! [`StreamDecode`]: what every streamed body's decoder does, so one read loop serves them all (the
//! Rust client's `BodyStream`, the npm package's `transport.js`): chat completions, legacy
//! completions, Responses, and [`SseEvents`] for any event stream.
//!
//! ```
//! use llmwire::protocol::decode::{SseEvents, StreamDecode};
//! use llmwire::protocol::chat::Output;
//! let mut events = SseEvents::default();
//! events.push(b"event: ping\ndata: {}\n\nda", Output::Chunks).unwrap();
//! assert_eq!(events.take_output().as_deref(), Some(r#"[{"event":"ping","data":"{}","id":""}]"#));
//! events.push(b"ta: 2\n\n", Output::Chunks).unwrap();
//! assert_eq!(events.take_output().as_deref(), Some(r#"[{"event":"message","data":"2","id":""}]"#));
//! ```
use super::chat::{ChatStreamDecoder, Output};
use super::error::{snippet_of, Error};
use super::event_stream::{EventStreamDecoder, StreamProtocol};
use super::json::ObjectWriter;
use super::sse::{SseDecoder, SseEvent};

/// Decodes one streamed body, a network chunk at a time, collecting output in a [`Output`] mode.
pub trait StreamDecode {
    /// Feeds one network chunk. Output of the events before an error stays available through
    /// [`take_output`](Self::take_output).
    fn push(&mut self, bytes: &[u8], mode: Output) -> Result<(), Error>;
    /// Accepts a whole JSON body where a stream was expected (a gateway that ignored `stream`).
    fn push_json_body(&mut self, body: &[u8], status: u16, mode: Output) -> Result<(), Error>;
    /// Takes what the pushes since the last take collected, if anything.
    fn take_output(&mut self) -> Option<String>;
    /// Ends the stream: an incomplete result is an error.
    fn finish(&mut self) -> Result<(), Error>;
    /// Whether the stream said it is over (later bytes are not needed).
    fn is_done(&self) -> bool;
    /// The result so far as JSON text (`None` for a plain event stream, which accumulates nothing).
    fn to_json(&self) -> Option<String>;
    /// [`to_json`](Self::to_json) with long texts written as `""`, each to be moved out with
    /// [`take_text`](Self::take_text) (chat messages' texts; the others write the whole result).
    fn to_json_apart(&self) -> Option<String> {
        self.to_json()
    }
    /// Moves member `key` of choice `choice`'s message out of the result, a text that
    /// [`to_json_apart`](Self::to_json_apart) wrote as `""`; `None` when there is none.
    fn take_text(&mut self, _choice: usize, _key: &str) -> Option<String> {
        None
    }
    /// With `on`, text events carry the JSON answer so far (chat only).
    fn set_partial_json(&mut self, _on: bool) {}
    /// The JSON answer so far, completed to valid JSON text (chat only).
    fn partial_json(&self) -> Option<String> {
        None
    }
}

impl StreamDecode for ChatStreamDecoder {
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn push(&mut self, bytes: &[u8], mode: Output) -> Result<(), Error> {
        ChatStreamDecoder::push(self, bytes, mode)
    }
    fn push_json_body(&mut self, body: &[u8], status: u16, mode: Output) -> Result<(), Error> {
        ChatStreamDecoder::push_json_body(self, body, status, mode)
    }
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn take_output(&mut self) -> Option<String> {
        ChatStreamDecoder::take_output(self)
    }
    fn finish(&mut self) -> Result<(), Error> {
        ChatStreamDecoder::finish(self)
    }
    fn is_done(&self) -> bool {
        ChatStreamDecoder::is_done(self)
    }
    fn to_json(&self) -> Option<String> {
        Some(ChatStreamDecoder::to_json(self))
    }
    fn to_json_apart(&self) -> Option<String> {
        Some(ChatStreamDecoder::to_json_apart(self))
    }
    fn take_text(&mut self, choice: usize, key: &str) -> Option<String> {
        ChatStreamDecoder::take_text(self, choice, key)
    }
    fn set_partial_json(&mut self, on: bool) {
        ChatStreamDecoder::set_partial_json(self, on);
    }
    fn partial_json(&self) -> Option<String> {
        ChatStreamDecoder::partial_json(self)
    }
}

impl<P: StreamProtocol> StreamDecode for EventStreamDecoder<P> {
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn push(&mut self, bytes: &[u8], mode: Output) -> Result<(), Error> {
        EventStreamDecoder::push(self, bytes, mode)
    }
    fn push_json_body(&mut self, body: &[u8], status: u16, mode: Output) -> Result<(), Error> {
        EventStreamDecoder::push_json_body(self, body, status, mode)
    }
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn take_output(&mut self) -> Option<String> {
        EventStreamDecoder::take_output(self)
    }
    fn finish(&mut self) -> Result<(), Error> {
        EventStreamDecoder::finish(self)
    }
    fn is_done(&self) -> bool {
        EventStreamDecoder::is_done(self)
    }
    fn to_json(&self) -> Option<String> {
        Some(EventStreamDecoder::to_json(self))
    }
}

/// Any event stream as batches of `{"event", "data", "id"}` objects (a JSON array per push).
#[derive(Debug, Default)]
pub struct SseEvents {
    decoder: SseDecoder,
    out: String,
}

#[cfg_attr(llmwire_oz, optimize(speed))]
fn push_event(out: &mut String, event: &SseEvent<'_>) {
    out.push(if out.is_empty() { '[' } else { ',' });
    let mut w = ObjectWriter::new(out);
    w.str("event", event.event).str("data", event.data).str("id", event.id);
    w.finish();
}

impl StreamDecode for SseEvents {
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn push(&mut self, bytes: &[u8], _mode: Output) -> Result<(), Error> {
        let out = &mut self.out;
        self.decoder.push::<Error, _>(bytes, |e| {
            push_event(out, &e);
            Ok(())
        })
    }
    fn push_json_body(&mut self, body: &[u8], _status: u16, _mode: Output) -> Result<(), Error> {
        Err(Error::InvalidResponse { message: "expected an event stream, got JSON".into(), snippet: snippet_of(body) })
    }
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn take_output(&mut self) -> Option<String> {
        if self.out.is_empty() {
            return None;
        }
        self.out.push(']');
        Some(std::mem::take(&mut self.out))
    }
    fn finish(&mut self) -> Result<(), Error> {
        self.decoder.finish();
        Ok(())
    }
    fn is_done(&self) -> bool {
        false
    }
    fn to_json(&self) -> Option<String> {
        None
    }
}
