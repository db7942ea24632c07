//! A streamed result of any endpoint other than chat: bytes in, batches out, a final result.
//!
//! [`EventStreamDecoder`] decodes Server-Sent Events and hands each one to a [`StreamProtocol`]
//! (legacy completions, Responses) that accumulates it and says what the consumer gets: the items
//! as sent ([`Output::Chunks`]), their text ([`Output::Text`]) or nothing ([`Output::None`]).
//! Output is collected per network chunk, so a binding crosses into JavaScript once per read.
//!
//! ```
//! use llmwire::protocol::event_stream::EventStreamDecoder;
//! use llmwire::protocol::completions::CompletionsProtocol;
//! use llmwire::protocol::chat::Output;
//! let mut dec = EventStreamDecoder::new(CompletionsProtocol::default());
//! dec.push(b"data: {\"choices\":[{\"index\":0,\"text\":\"Hi\",\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", Output::Text).unwrap();
//! assert_eq!(dec.take_output().as_deref(), Some("Hi"));
//! dec.finish().unwrap();
//! ```

pub use crate::protocol::chat::Output;
use crate::protocol::error::{bounded, ApiError, Error};
use crate::protocol::sse::{SseDecoder, SseEvent};

/// Where a protocol puts what the consumer asked for.
#[derive(Debug)]
pub struct Batch<'a> {
    out: &'a mut String,
    mode: Output,
}

impl Batch<'_> {
    /// The kind of output being collected.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn mode(&self) -> Output {
        self.mode
    }

    /// An item (a chunk or an event) as JSON text; kept in [`Output::Chunks`] mode.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn item(&mut self, json: &str) {
        if self.mode == Output::Chunks {
            crate::protocol::json::push_item(self.out, json);
        }
    }

    /// A piece of text; kept in [`Output::Text`] mode.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn text(&mut self, text: &str) {
        if self.mode == Output::Text {
            self.out.push_str(text);
        }
    }
}

/// What one endpoint's stream means.
pub trait StreamProtocol {
    /// Handles one event. Returns `Ok(true)` when the stream is over (later events are ignored).
    fn event(&mut self, event: &SseEvent<'_>, batch: &mut Batch<'_>) -> Result<bool, Error>;
    /// Handles a whole JSON body where a stream was expected (a gateway that ignored `stream`).
    fn json_body(&mut self, body: &str, batch: &mut Batch<'_>) -> Result<(), Error>;
    /// Whether what arrived amounts to a complete result (checked when the body ends).
    fn is_complete(&self) -> bool;
    /// Whether anything was received at all.
    fn is_empty(&self) -> bool;
    /// The result so far, as JSON text: final when complete, partial otherwise.
    fn to_json(&self) -> String;
    /// The body ended: hands on what was held back (half a character a text ended with).
    fn end(&mut self, _batch: &mut Batch<'_>) {}
}

impl<T: StreamProtocol + ?Sized> StreamProtocol for Box<T> {
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn event(&mut self, event: &SseEvent<'_>, batch: &mut Batch<'_>) -> Result<bool, Error> {
        (**self).event(event, batch)
    }
    fn json_body(&mut self, body: &str, batch: &mut Batch<'_>) -> Result<(), Error> {
        (**self).json_body(body, batch)
    }
    fn is_complete(&self) -> bool {
        (**self).is_complete()
    }
    fn is_empty(&self) -> bool {
        (**self).is_empty()
    }
    fn to_json(&self) -> String {
        (**self).to_json()
    }
    fn end(&mut self, batch: &mut Batch<'_>) {
        (**self).end(batch)
    }
}

/// An `event: error` (or an error object) inside a 200 stream, as an [`Error::Api`].
pub fn error_event(data: &str) -> Error {
    Error::from(
        ApiError::from_json_body(data.as_bytes()).unwrap_or_else(|| ApiError { message: bounded(data, 200), ..ApiError::default() }),
    )
}

/// Decodes and accumulates one streamed result.
pub struct EventStreamDecoder<P> {
    sse: SseDecoder,
    proto: P,
    done: bool,
    out: String,
    mode: Output,
}

impl<P> std::fmt::Debug for EventStreamDecoder<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStreamDecoder").field("done", &self.done).field("mode", &self.mode).finish_non_exhaustive()
    }
}

impl<P: StreamProtocol> EventStreamDecoder<P> {
    /// A decoder with the default event size cap (16 MiB).
    pub fn new(proto: P) -> Self {
        Self::with_max_event_bytes(proto, crate::protocol::sse::DEFAULT_MAX_EVENT_BYTES)
    }

    /// A decoder whose SSE lines and events may not exceed `limit` bytes.
    pub fn with_max_event_bytes(proto: P, limit: usize) -> Self {
        EventStreamDecoder { sse: SseDecoder::with_max_event_bytes(limit), proto, done: false, out: String::new(), mode: Output::None }
    }

    /// Whether the stream said it is over; later bytes are ignored.
    pub fn is_done(&self) -> bool {
        self.done
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn set_mode(&mut self, mode: Output) -> Result<(), Error> {
        if self.mode != mode && !self.out.is_empty() {
            return Err(Error::InvalidArgument { message: "the stream is already being consumed another way".to_string() });
        }
        self.mode = mode;
        Ok(())
    }

    /// Feeds one network chunk. Output of the events before an error stays available through
    /// [`take_output`](Self::take_output).
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn push(&mut self, bytes: &[u8], mode: Output) -> Result<(), Error> {
        if self.done {
            return Ok(());
        }
        self.set_mode(mode)?;
        let EventStreamDecoder { sse, proto, done, out, .. } = self;
        let mut batch = Batch { out, mode };
        let pushed = sse.push(bytes, |event: SseEvent<'_>| {
            if !*done && proto.event(&event, &mut batch)? {
                *done = true;
            }
            Ok::<(), Error>(())
        });
        match pushed {
            // Bytes after the end are ignored, however the network split them.
            Err(Error::EventTooLarge { .. }) if *done => Ok(()),
            other => other,
        }
    }

    /// Accepts a whole JSON body where a stream was expected; an `error` member is [`Error::Api`].
    pub fn push_json_body(&mut self, body: &[u8], status: u16, mode: Output) -> Result<(), Error> {
        if let Some(mut api) = ApiError::from_error_member(body) {
            api.status = Some(status);
            return Err(api.into());
        }
        let text = std::str::from_utf8(body).map_err(|_| Error::InvalidResponse {
            message: "the JSON body is not UTF-8".into(),
            snippet: crate::protocol::error::snippet_of(body),
        })?;
        self.set_mode(mode)?;
        let mut batch = Batch { out: &mut self.out, mode };
        self.proto.json_body(text, &mut batch)?;
        self.done = true;
        Ok(())
    }

    /// Takes what the pushes since the last take collected, if anything.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn take_output(&mut self) -> Option<String> {
        if self.out.is_empty() {
            return None;
        }
        if self.mode == Output::Chunks {
            self.out.push(']');
        }
        Some(std::mem::take(&mut self.out))
    }

    /// Ends the stream: an incomplete result is [`Error::Truncated`].
    pub fn finish(&mut self) -> Result<(), Error> {
        let pending = self.sse.finish();
        self.proto.end(&mut Batch { out: &mut self.out, mode: self.mode });
        if self.proto.is_complete() {
            self.done = true;
            return Ok(());
        }
        let mut message = if self.proto.is_empty() {
            "the body ended before any event arrived".to_string()
        } else {
            "the body ended before the result was complete".to_string()
        };
        // Bytes after the stream's end (`[DONE]`) were ignored, however the network split them.
        if pending && !self.done {
            message.push_str("; an unterminated event was discarded");
        }
        Err(Error::Truncated { message })
    }

    /// The result so far as JSON text.
    pub fn to_json(&self) -> String {
        self.proto.to_json()
    }

    /// The protocol state.
    pub fn protocol(&self) -> &P {
        &self.proto
    }
}

/// Test support: feeds `body` to a fresh decoder for `proto` in two pieces split at `cut`, and
/// returns each push's batch (and `finish`'s), the first error (or `finish`'s result) and the decoder.
#[cfg(test)]
pub(crate) fn push_in_two<P: StreamProtocol>(
    proto: P,
    body: &[u8],
    cut: usize,
    mode: Output,
) -> (Vec<String>, Result<(), Error>, EventStreamDecoder<P>) {
    let mut dec = EventStreamDecoder::new(proto);
    let mut out = Vec::new();
    for part in [&body[..cut], &body[cut..]] {
        let res = dec.push(part, mode);
        out.extend(dec.take_output());
        if let Err(e) = res {
            return (out, Err(e), dec);
        }
    }
    let res = dec.finish();
    out.extend(dec.take_output());
    (out, res, dec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::completions::CompletionsProtocol;
    use crate::protocol::responses::ResponsesProtocol;
    use crate::protocol::{audio, base64, embeddings, images, models, multimodal, multipart, params, responses};

    /// Token soup for inputs: JSON and SSE pieces in random order.
    fn soup(seed: &mut u64, n: u64) -> String {
        const TOKENS: &[&str] = &[
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"",
            "\"type\"",
            "\"response.output_text.delta\"",
            "\"response.completed\"",
            "\"response\"",
            "\"output\"",
            "\"output_index\"",
            "\"content_index\"",
            "\"delta\"",
            "\"choices\"",
            "\"text\"",
            "\"index\"",
            "\"data\"",
            "\"embedding\"",
            "\"b64_json\"",
            "\"url\"",
            "\"AAAA\"",
            "\"ownedBy\"",
            "\"error\"",
            "0",
            "1",
            "-1",
            "99999999999999999999",
            "1.5e3",
            "null",
            "true",
            "data: ",
            "event: error\n",
            "event: x\n",
            "\n\n",
            "\n",
            "[DONE]",
            "\u{e9}",
            "\\u0041",
            "\"data:image/png;base64,iVBOR\"",
            "\"message\"",
            "\"content\"",
        ];
        let mut next = || {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed
        };
        (0..next() % n).map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize]).collect()
    }

    #[test]
    fn bytes_after_the_end_change_nothing_however_split() {
        // After [DONE]: an unterminated event, and a line over the event cap. Neither changes the
        // result or the error, at any split (the event_streams fuzz target found the first).
        let head = "data: {\"type\":\"response.created\",\"response\":{\"id\":\"r\",\"output\":[]}}\n\ndata: [DONE]\n\n";
        for tail in ["data: {\"unterminated".to_string(), format!("data: {}\n\n", "x".repeat(200))] {
            let body = format!("{head}{tail}");
            let mut results = Vec::new();
            for cut in 0..=body.len() {
                let mut dec = EventStreamDecoder::with_max_event_bytes(ResponsesProtocol::default(), 120);
                let res = dec.push(&body.as_bytes()[..cut], Output::Chunks).and_then(|_| dec.push(&body.as_bytes()[cut..], Output::Chunks));
                results.push((res.and_then(|_| dec.finish()).map_err(|e| e.to_string()), dec.to_json()));
            }
            assert!(results.iter().all(|r| r == &results[0]), "{tail:?}: {:?}", results[0]);
            assert_eq!(results[0].0, Err("stream truncated: the body ended before the result was complete".into()));
        }
    }

    #[test]
    fn random_input_never_panics() {
        let mut seed = 7u64;
        for _ in 0..3000 {
            let text = soup(&mut seed, 40);
            for mode in [Output::None, Output::Chunks, Output::Text] {
                let mut a = EventStreamDecoder::new(CompletionsProtocol::default());
                let mut b = EventStreamDecoder::new(ResponsesProtocol::default());
                let _ = a.push(text.as_bytes(), mode).and_then(|_| a.finish());
                let _ = b.push(text.as_bytes(), mode).and_then(|_| b.finish());
                let _ = (a.take_output(), b.take_output(), a.to_json(), b.to_json());
                let mut c = EventStreamDecoder::new(ResponsesProtocol::default());
                let _ = c.push_json_body(text.as_bytes(), 200, mode);
                let _ = c.to_json();
            }
            let _ = embeddings::decode_embeddings(&text);
            let _ = images::check_images_response(&text);
            let _ = images::via_chat_request(&text);
            let _ = images::item_src(Some(&text), Some(&text));
            let _ = images::item_src(None, Some(&text));
            let _ = images::item_bytes(None, Some(&text));
            let _ = images::mark_chat_body(&text);
            let _ = models::normalize_model_list(&text);
            let _ = responses::with_output_text(&text);
            let _ = audio::transcription_result(audio::ResponseFormat::Text, &text, true);
            let _ = audio::transcription_result(audio::ResponseFormat::Json, &text, false);
            let _ = multimodal::image_url(&text);
            let _ = multipart::text_fields(&text, &["file"]);
            let _ = params::Checked::Chat.check(&text);
            let _ = base64::decode_prefix(&text, 16);
        }
    }
}
