//! A streamed chat completion, from response bytes to chunks, text and the final completion.
//!
//! [`ChatStreamDecoder`] is fed the body's network chunks as they arrive. Each push decodes the
//! Server-Sent Events, validates and accumulates every `chat.completion.chunk`, and collects the
//! output the consumer asked for ([`Output`]) for the whole network chunk at once, so a binding
//! crosses into JavaScript once per network chunk, not once per event.
//!
//! ```
//! use llmwire::protocol::chat::{ChatStreamDecoder, Output};
//! let mut dec = ChatStreamDecoder::new();
//! dec.push(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{}", Output::Text).unwrap();
//! assert_eq!(dec.take_output().as_deref(), Some("Hi"));
//! dec.push(b",\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", Output::Text).unwrap();
//! assert!(dec.is_done());
//! dec.finish().unwrap();
//! assert_eq!(dec.snapshot().choices[0].finish_reason.as_deref(), Some("stop"));
//! ```

use super::accumulator::ChatAccumulator;
use super::types::ChatCompletion;
use crate::protocol::error::{snippet_of, ApiError, Error};
use crate::protocol::images;
use crate::protocol::json::{JsonError, Kind, ObjectWriter, Reader};
use crate::protocol::sse::{SseDecoder, SseEvent};

/// What a push collects for the consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Nothing: the consumer only wants the final completion.
    None,
    /// The chunks' JSON, as one JSON array text per push (`[chunk,chunk,…]`), in ASCII: non-ASCII
    /// characters as `\u` escapes ([`push_item`](crate::protocol::json::push_item)).
    Chunks,
    /// The content deltas of the choice with index 0, concatenated.
    Text,
    /// Progress events as one JSON array text per push (see [`events`](super::events)); the
    /// `tool_call.done` events come with [`finish`](ChatStreamDecoder::finish).
    Events,
}

/// Decodes and accumulates one streamed chat completion.
#[derive(Debug)]
pub struct ChatStreamDecoder {
    sse: SseDecoder,
    acc: ChatAccumulator,
    done: bool,
    out: String,
    out_mode: Output,
    /// An image model's answer (`{data, created, usage}`, no `choices`), marked with
    /// `object: "image.generation"`: the stream's one result.
    image: Option<String>,
    /// Whether `content.delta` events carry the partial JSON answer (`parsed`).
    partial_json: bool,
    /// Whether `tool_call.done` events were written.
    calls_done: bool,
}

impl Default for ChatStreamDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl ChatStreamDecoder {
    /// A decoder with the default event size cap (16 MiB).
    pub fn new() -> Self {
        Self::with_sse(SseDecoder::new())
    }

    /// A decoder whose SSE lines and events may not exceed `limit` bytes.
    pub fn with_max_event_bytes(limit: usize) -> Self {
        Self::with_sse(SseDecoder::with_max_event_bytes(limit))
    }

    fn with_sse(sse: SseDecoder) -> Self {
        ChatStreamDecoder {
            sse,
            acc: ChatAccumulator::new(),
            done: false,
            out: String::new(),
            out_mode: Output::None,
            image: None,
            partial_json: false,
            calls_done: false,
        }
    }

    /// With `on`, the last `content.delta` event of choice 0 in each [`Output::Events`] batch
    /// carries `parsed`: the JSON answer so far, completed by
    /// [`partial_json`](crate::protocol::structured::partial_json) (for `response_format`
    /// `json_object` or `json_schema`).
    pub fn set_partial_json(&mut self, on: bool) {
        self.partial_json = on;
    }

    /// The JSON answer of choice 0 so far, completed to a valid JSON text; `None` until it has
    /// a value (see [`partial_json`](crate::protocol::structured::partial_json)).
    pub fn partial_json(&self) -> Option<String> {
        self.acc.partial_json()
    }

    /// Whether `data: [DONE]` (or a whole JSON completion) has been seen; later bytes are ignored.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Feeds one network chunk. Output for the events before an error stays available through
    /// [`take_output`](Self::take_output); the error is returned after it was collected.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn push(&mut self, bytes: &[u8], mode: Output) -> Result<(), Error> {
        if self.done {
            return Ok(());
        }
        if self.out_mode != mode && !self.out.is_empty() {
            // A consumer switched mode between takes: nothing may be lost, so keep the old output
            // for the next take and start collecting the new kind after it.
            return Err(Error::InvalidArgument { message: "the stream is already being consumed another way".to_string() });
        }
        self.out_mode = mode;
        self.acc.take_text_event_end();
        let ChatStreamDecoder { sse, acc, done, out, image, .. } = self;
        let pushed = sse.push(bytes, |event: SseEvent<'_>| {
            if *done {
                return Ok(());
            }
            handle_event(acc, done, out, image, mode, event)
        });
        let done = *done;
        self.add_parsed();
        match pushed {
            // Bytes after [DONE] are ignored, however the network split them.
            Err(Error::EventTooLarge { .. }) if done => Ok(()),
            other => other,
        }
    }

    /// Adds `parsed` to the last `content.delta` event of choice 0 of this push, when asked.
    fn add_parsed(&mut self) {
        let Some(end) = self.acc.take_text_event_end() else {
            return;
        };
        if !self.partial_json || !self.out.is_char_boundary(end) {
            return;
        }
        if let Some(mut parsed) = self.acc.partial_json() {
            parsed.insert_str(0, ",\"parsed\":");
            self.out.insert_str(end, &parsed);
        }
    }

    /// Takes what the pushes since the last take collected, if anything.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn take_output(&mut self) -> Option<String> {
        if self.out.is_empty() {
            return None;
        }
        if matches!(self.out_mode, Output::Chunks | Output::Events) {
            self.out.push(']');
        }
        Some(std::mem::take(&mut self.out))
    }

    /// Ends the stream: checks that it was complete. A body that ended before `[DONE]` while a
    /// choice has no finish reason (or before any chunk) is [`Error::Truncated`].
    pub fn finish(&mut self) -> Result<(), Error> {
        let pending = self.sse.finish();
        // A half character still held back at the end goes on as U+FFFD.
        if self.out_mode == Output::Text {
            self.out.extend(self.acc.finish_first());
        }
        if self.done || self.image.is_some() || self.acc.all_choices_finished() {
            self.done = true;
            if self.out_mode == Output::Events && !std::mem::replace(&mut self.calls_done, true) {
                self.acc.write_done_events(&mut self.out);
            }
            return Ok(());
        }
        let mut message = if self.acc.chunks_applied() == 0 {
            "the body ended before any chunk arrived".to_string()
        } else {
            "the body ended before [DONE] while a choice had no finish_reason".to_string()
        };
        if pending {
            message.push_str("; an unterminated event was discarded");
        }
        Err(Error::Truncated { message })
    }

    /// Accepts a whole JSON body where a stream was expected (a gateway that ignored `stream:true`):
    /// an error object becomes [`Error::Api`]; a chat completion is taken as the whole stream, and
    /// for [`Output::Chunks`] it is handed out as one equivalent `chat.completion.chunk`. An image
    /// model's answer (`{data, created, usage}`, no `choices`) is the stream's one result, marked
    /// `object: "image.generation"` (see [`images::mark_image_result`]); asked for as text, it is an
    /// [`Error::InvalidResponse`], since it has none.
    pub fn push_json_body(&mut self, body: &[u8], status: u16, mode: Output) -> Result<(), Error> {
        if let Some(mut api) = ApiError::from_error_member(body) {
            api.status = Some(status);
            return Err(api.into());
        }
        let invalid = |message: String| Error::InvalidResponse { message, snippet: snippet_of(body) };
        let body_text = std::str::from_utf8(body).map_err(|_| invalid("the JSON body is not UTF-8".into()))?;
        if images::is_image_result(body_text) {
            let marked = images::mark_image_result(body_text).map_err(|e| invalid(crate::cat!("expected an image result: ", e)))?;
            self.out_mode = mode;
            self.done = true;
            return take_image(&mut self.image, &mut self.out, mode, marked);
        }
        let text = completion_as_chunk(body_text).map_err(|e| invalid(crate::cat!("expected a chat completion: ", e)))?;
        let chunk = self.acc.parse(&text)?;
        self.out_mode = mode;
        self.acc.take_text_event_end();
        match mode {
            Output::Events => self.acc.apply_with_events(&chunk, Some(&mut self.out))?,
            Output::Text => self.acc.apply_with_text(&chunk, &mut self.out)?,
            _ => self.acc.apply(&chunk)?,
        }
        match mode {
            Output::Chunks => crate::protocol::json::push_item(&mut self.out, &text),
            Output::Events => self.add_parsed(),
            Output::Text | Output::None => {}
        }
        self.done = true;
        Ok(())
    }

    /// The completion so far: final after [`finish`](Self::finish), partial after an error.
    pub fn snapshot(&self) -> ChatCompletion {
        match &self.image {
            Some(image) => crate::protocol::typed::from_str(image).unwrap_or_default(),
            None => self.acc.snapshot(),
        }
    }

    /// [`snapshot`](Self::snapshot) as JSON text, without going through serde.
    pub fn to_json(&self) -> String {
        match &self.image {
            Some(image) => image.clone(),
            None => self.acc.to_json(),
        }
    }

    /// [`to_json`](Self::to_json) with the messages' texts left for
    /// [`take_text`](Self::take_text): see [`ChatAccumulator::to_json_apart`].
    pub fn to_json_apart(&self) -> String {
        match &self.image {
            Some(image) => image.clone(),
            None => self.acc.to_json_apart(),
        }
    }

    /// Moves a text that [`to_json_apart`](Self::to_json_apart) left out: see
    /// [`ChatAccumulator::take_text`].
    pub fn take_text(&mut self, choice: usize, key: &str) -> Option<String> {
        match self.image {
            Some(_) => None,
            None => self.acc.take_text(choice, key),
        }
    }

    /// Whether the stream's result is an image model's answer rather than a chat completion.
    pub fn is_image_result(&self) -> bool {
        self.image.is_some()
    }

    /// The accumulator, for callers that want the running text without a snapshot.
    pub fn accumulator(&self) -> &ChatAccumulator {
        &self.acc
    }
}

/// Keeps an image result as the stream's one result and hands it out as the mode asks.
fn take_image(slot: &mut Option<String>, out: &mut String, mode: Output, marked: String) -> Result<(), Error> {
    let mut images = 0usize;
    if let Some((_, data)) = crate::protocol::json::members(&marked).ok().and_then(|m| m.into_iter().find(|(k, _)| k == "data")) {
        let _ = Reader::new(data).array(|r| {
            images += 1;
            r.skip()
        });
    }
    match mode {
        Output::Chunks => crate::protocol::json::push_item(out, &marked),
        Output::Text => {
            *slot = Some(marked);
            return Err(Error::InvalidResponse {
                message: crate::cat!(
                    "the model answered with an image result (",
                    images,
                    " image(s), object \"image.generation\"), not text; read it from this error's partial completion, \
                     or iterate the chunks or read the final completion instead of the text"
                ),
                snippet: String::new(),
            });
        }
        // The final completion is the image result; there is no progress to report.
        Output::None | Output::Events => {}
    }
    *slot = Some(marked);
    Ok(())
}

#[cfg_attr(llmwire_oz, optimize(speed))]
fn handle_event(
    acc: &mut ChatAccumulator,
    done: &mut bool,
    out: &mut String,
    image: &mut Option<String>,
    mode: Output,
    event: SseEvent<'_>,
) -> Result<(), Error> {
    let data = event.data;
    if event.event == "error" {
        return Err(Error::from(
            ApiError::from_json_body(data.as_bytes())
                .unwrap_or_else(|| ApiError { message: crate::protocol::error::bounded(data, 200), ..ApiError::default() }),
        ));
    }
    if event.event != "message" {
        // Other event types (pings, provider metadata) carry no chunk.
        return Ok(());
    }
    if data.trim_end() == "[DONE]" {
        *done = true;
        return Ok(());
    }
    let chunk = acc.parse(data)?;
    if chunk.first_choice.is_none() && chunk.extra.iter().any(|(k, _)| k == "data") && images::is_image_result(data) {
        let marked = images::mark_image_result(data)
            .map_err(|e| Error::InvalidResponse { message: crate::cat!(e), snippet: snippet_of(data.as_bytes()) })?;
        return take_image(image, out, mode, marked);
    }
    match mode {
        Output::Events => acc.apply_with_events(&chunk, Some(out)),
        Output::Text => acc.apply_with_text(&chunk, out),
        Output::Chunks => {
            acc.apply(&chunk)?;
            crate::protocol::json::push_item(out, data);
            Ok(())
        }
        Output::None => acc.apply(&chunk),
    }
}

/// Rewrites a `chat.completion` body as the one `chat.completion.chunk` it amounts to: each
/// choice's `message` becomes its `delta` and tool calls get their `index`. Other members are
/// copied as they are.
fn completion_as_chunk(body: &str) -> Result<String, JsonError> {
    let mut out = String::with_capacity(body.len() + 64);
    let mut r = Reader::new(body);
    let mut w = ObjectWriter::new(&mut out);
    w.str("object", "chat.completion.chunk");
    r.object(|key, r| {
        match key.as_ref() {
            "object" => r.skip()?,
            "choices" if r.peek()? == Kind::Array => {
                let buf = w.key("choices");
                buf.push('[');
                let mut first = true;
                r.array(|r| {
                    if !std::mem::take(&mut first) {
                        buf.push(',');
                    }
                    choice_as_delta(r, buf)
                })?;
                buf.push(']');
            }
            _ => {
                w.raw(&key, r.raw()?);
            }
        }
        Ok(())
    })?;
    r.end()?;
    w.finish();
    Ok(out)
}

fn choice_as_delta(r: &mut Reader<'_>, out: &mut String) -> Result<(), JsonError> {
    let mut w = ObjectWriter::new(out);
    r.object(|key, r| {
        if key != "message" || r.peek()? != Kind::Object {
            w.raw(&key, r.raw()?);
            return Ok(());
        }
        let mut delta = ObjectWriter::new(w.key("delta"));
        r.object(|key, r| {
            if key != "tool_calls" || r.peek()? != Kind::Array {
                delta.raw(&key, r.raw()?);
                return Ok(());
            }
            let buf = delta.key("tool_calls");
            buf.push('[');
            let mut index = 0u64;
            r.array(|r| {
                if index > 0 {
                    buf.push(',');
                }
                let mut call = ObjectWriter::new(buf);
                call.uint("index", index);
                index += 1;
                r.object(|key, r| {
                    let raw = r.raw()?;
                    if key != "index" {
                        call.raw(&key, raw);
                    }
                    Ok(())
                })?;
                call.finish();
                Ok(())
            })?;
            buf.push(']');
            Ok(())
        })?;
        delta.finish();
        Ok(())
    })?;
    w.finish();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = concat!(
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"你好\"},\"finish_reason\":null}]}\n\n",
        ": keep-alive\n\n",
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" 🚀\"},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}}\n\n",
        "data: [DONE]\n\n",
        "data: {\"ignored\":true\n\n",
    );

    /// Feeds `body` split at `cut`, collecting outputs per mode.
    fn feed(body: &[u8], cuts: &[usize], mode: Output) -> (String, Result<(), Error>, ChatStreamDecoder) {
        let mut dec = ChatStreamDecoder::new();
        let mut collected = String::new();
        let mut start = 0;
        let mut result = Ok(());
        for &end in cuts.iter().chain(std::iter::once(&body.len())) {
            let r = dec.push(&body[start..end], mode);
            if let Some(o) = dec.take_output() {
                collected.push_str(&o);
            }
            if r.is_err() {
                result = r;
                break;
            }
            start = end;
        }
        if result.is_ok() {
            result = dec.finish();
            if let Some(o) = dec.take_output() {
                collected.push_str(&o);
            }
        }
        (collected, result, dec)
    }

    #[test]
    fn text_hands_on_a_character_whose_halves_two_chunks_carry_joined() {
        // 🚀 is \ud83d\ude80; a gateway that cut it writes each half as a lone escape.
        let body = concat!(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\\ud83d\"}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\ude80b\"}}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\ud83d\"},\"finish_reason\":\"stop\"}]}\n\n",
        );
        for cut in 0..=body.len() {
            let (text, result, dec) = feed(body.as_bytes(), &[cut], Output::Text);
            assert!(result.is_ok(), "{result:?}");
            // The last half has no partner: U+FFFD, handed on when the stream ends.
            assert_eq!(text, "a🚀b\u{fffd}", "cut at {cut}");
            assert_eq!(dec.snapshot().text(), Some("a🚀b\u{fffd}"));
        }
    }

    #[test]
    fn a_json_body_whose_text_ends_with_half_a_character_hands_it_on_once() {
        let body = br#"{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"a\ud83d"},"finish_reason":"stop"}]}"#;
        let mut dec = ChatStreamDecoder::new();
        dec.push_json_body(body, 200, Output::Text).unwrap();
        let mut text = dec.take_output().unwrap_or_default();
        dec.finish().unwrap();
        text.push_str(&dec.take_output().unwrap_or_default());
        assert_eq!(text, "a\u{fffd}");
        assert_eq!(dec.snapshot().text(), Some("a\u{fffd}"));
        // Ending again hands nothing more on.
        dec.finish().unwrap();
        assert_eq!(dec.take_output(), None);
    }

    #[test]
    fn text_mode_at_every_split() {
        let body = STREAM.as_bytes();
        for cut in 0..=body.len() {
            let (text, res, dec) = feed(body, &[cut], Output::Text);
            assert!(res.is_ok(), "cut {cut}: {res:?}");
            assert_eq!(text, "你好 🚀", "cut {cut}");
            let c = dec.snapshot();
            assert_eq!(c.usage.and_then(|u| u.total_tokens), Some(5));
            assert_eq!(c.choices[0].message.content.as_deref(), Some("你好 🚀"));
        }
    }

    #[test]
    fn chunk_mode_gives_json_arrays_of_the_sent_chunks() {
        let body = STREAM.as_bytes();
        for cut in [0, 10, 200, 333, body.len()] {
            let mut dec = ChatStreamDecoder::new();
            let mut all = Vec::new();
            for part in [&body[..cut], &body[cut..]] {
                dec.push(part, Output::Chunks).unwrap();
                if let Some(batch) = dec.take_output() {
                    let v: Vec<serde_json::Value> = serde_json::from_str(&batch).unwrap();
                    all.extend(v);
                }
            }
            dec.finish().unwrap();
            assert_eq!(all.len(), 5, "cut {cut}");
            assert_eq!(all[1]["choices"][0]["delta"]["content"], "你好");
            assert_eq!(all[4]["usage"]["total_tokens"], 5);
        }
    }

    #[test]
    fn truncated_stream_is_an_error_with_partial_output() {
        let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"part\"}}]}\n\ndata: {\"choices\":[{\"ind";
        let (text, res, dec) = feed(body.as_bytes(), &[], Output::Text);
        assert_eq!(text, "part");
        match res {
            Err(Error::Truncated { message }) => assert!(message.contains("unterminated"), "{message}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(dec.snapshot().text(), Some("part"));
    }

    #[test]
    fn finished_choices_without_done_are_complete() {
        let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\n";
        let (_, res, _) = feed(body.as_bytes(), &[], Output::None);
        assert!(res.is_ok());
        let (_, res, _) = feed(b"", &[], Output::None);
        assert!(matches!(res, Err(Error::Truncated { .. })));
    }

    #[test]
    fn error_inside_stream_keeps_earlier_output() {
        let body = concat!(
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n",
            "data: {\"error\":{\"message\":\"upstream overloaded\",\"type\":\"server_error\",\"code\":\"overloaded\"}}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"never\"}}]}\n\n",
        );
        for mode in [Output::Text, Output::Chunks] {
            let (out, res, dec) = feed(body.as_bytes(), &[], mode);
            assert!(out.contains('a') && !out.contains("never"));
            match res {
                Err(Error::Api(api)) => assert_eq!(api.code.as_deref(), Some("overloaded")),
                other => panic!("{other:?}"),
            }
            assert_eq!(dec.snapshot().text(), Some("a"));
        }
    }

    #[test]
    fn error_event_type() {
        let body = "event: error\ndata: {\"error\":{\"message\":\"bad\",\"code\":529}}\n\n";
        let (_, res, _) = feed(body.as_bytes(), &[], Output::Chunks);
        match res {
            Err(Error::Api(api)) => assert_eq!((api.message.as_str(), api.code.as_deref()), ("bad", Some("529"))),
            other => panic!("{other:?}"),
        }
        let (_, res, _) = feed(b"event: error\ndata: plain words\n\n", &[], Output::Chunks);
        assert!(matches!(res, Err(Error::Api(api)) if api.message == "plain words"));
    }

    #[test]
    fn yi_vision_malformed_event() {
        let body = concat!(
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"yi-vision\",\"choices\":[{\"delta\":{\"content\":\"\"},\"index\":0}],\"content\":\"\",\"lastOne\":false}\n",
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"yi-vision\",\"choices\":[{\"delta\":{\"content\":\"The\"}},\"index\":0}],\"content\":\"The\",\"lastOne\":false}\n\n",
        );
        // Note the first event has no blank line after it: its data joins the second's, as SSE says.
        let (_, res, _) = feed(body.as_bytes(), &[], Output::Chunks);
        assert!(matches!(res, Err(Error::MalformedEvent { .. })), "{res:?}");

        let single = "data: {\"choices\":[{\"delta\":{\"content\":\"The\"}},\"index\":0}],\"lastOne\":false}\n\n";
        match feed(single.as_bytes(), &[], Output::Text).1 {
            Err(Error::MalformedEvent { snippet, message }) => {
                assert!(snippet.contains("\"The\""));
                assert!(!message.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn json_body_instead_of_stream() {
        let body = br#"{"id":"x","object":"chat.completion","created":3,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#;
        let mut dec = ChatStreamDecoder::new();
        dec.push_json_body(body, 200, Output::Chunks).unwrap();
        let batch: Vec<serde_json::Value> = serde_json::from_str(&dec.take_output().unwrap()).unwrap();
        assert_eq!(batch[0]["choices"][0]["delta"]["content"], "whole");
        assert_eq!(batch[0]["object"], "chat.completion.chunk");
        dec.finish().unwrap();
        assert_eq!(dec.snapshot().text(), Some("whole"));

        let mut dec = ChatStreamDecoder::new();
        let err = dec.push_json_body(br#"{"error":{"message":"nope","code":"x"}}"#, 200, Output::Text).unwrap_err();
        assert!(matches!(err, Error::Api(a) if a.message == "nope"));
        let mut dec = ChatStreamDecoder::new();
        assert!(matches!(dec.push_json_body(b"[1,2]", 200, Output::Text), Err(Error::InvalidResponse { .. })));
    }

    #[test]
    fn json_body_with_tool_calls_becomes_indexed_deltas() {
        let body = br#"{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"g","arguments":"{\"q\":1}"}}]},"finish_reason":"tool_calls"}],"lastOne":true}"#;
        let mut dec = ChatStreamDecoder::new();
        dec.push_json_body(body, 200, Output::None).unwrap();
        dec.finish().unwrap();
        let c = dec.snapshot();
        let calls = &c.choices[0].message.tool_calls;
        assert_eq!((calls[0].id.as_str(), calls[1].id.as_str()), ("a", "b"));
        assert_eq!(calls[1].function.arguments, r#"{"q":1}"#);
        assert_eq!(c.choices[0].message.content, None);
        assert_eq!(c.extra["lastOne"], true);
    }

    const IMAGE_BODY: &[u8] = br#"{"data":[{"url":"https://r2cdn.copilotbase.com/x.png"}],"created":1778037331,"usage":{"input_tokens":30,"output_tokens":2074,"total_tokens":2104}}"#;

    #[test]
    fn image_result_json_body_is_one_result_not_an_empty_stream() {
        let mut dec = ChatStreamDecoder::new();
        dec.push_json_body(IMAGE_BODY, 200, Output::Chunks).unwrap();
        let batch: Vec<serde_json::Value> = serde_json::from_str(&dec.take_output().unwrap()).unwrap();
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0]["object"], "image.generation");
        assert_eq!(batch[0]["data"][0]["url"], "https://r2cdn.copilotbase.com/x.png");
        assert_eq!(batch[0]["usage"]["total_tokens"], 2104);
        dec.finish().unwrap();
        assert!(dec.is_image_result());
        let final_: serde_json::Value = serde_json::from_str(&dec.to_json()).unwrap();
        assert_eq!(final_, batch[0]);
        let typed = dec.snapshot();
        assert_eq!((typed.object.as_str(), typed.choices.len()), ("image.generation", 0));
        assert_eq!(typed.extra["data"][0]["url"], "https://r2cdn.copilotbase.com/x.png");
    }

    #[test]
    fn image_result_asked_as_text_is_an_error_keeping_it() {
        let mut dec = ChatStreamDecoder::new();
        let err = dec.push_json_body(IMAGE_BODY, 200, Output::Text).unwrap_err();
        assert_eq!(err.class_name(), "InvalidResponseError");
        assert!(err.to_string().contains("1 image(s)"), "{err}");
        assert!(dec.to_json().contains("image.generation"));
        assert_eq!(dec.take_output(), None);
    }

    #[test]
    fn image_result_inside_an_sse_stream() {
        let body = format!("data: {}\n\ndata: [DONE]\n\n", std::str::from_utf8(IMAGE_BODY).unwrap());
        let (out, res, dec) = feed(body.as_bytes(), &[7], Output::Chunks);
        assert!(res.is_ok(), "{res:?}");
        let batch: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        assert_eq!(batch[0]["object"], "image.generation");
        assert!(dec.is_image_result());
        // Without [DONE] it is complete too.
        let body = format!("data: {}\n\n", std::str::from_utf8(IMAGE_BODY).unwrap());
        assert!(feed(body.as_bytes(), &[], Output::None).1.is_ok());
        // A usage-only chunk is not an image.
        let (_, _, dec) = feed(b"data: {\"choices\":[],\"usage\":{\"total_tokens\":1}}\n\n", &[], Output::None);
        assert!(!dec.is_image_result());
    }

    #[test]
    fn bytes_after_done_are_ignored_at_every_split() {
        let mut body = b"data: [DONE]\n\n".to_vec();
        body.extend_from_slice(&[b'x'; 40]);
        for cut in 0..=body.len() {
            let mut dec = ChatStreamDecoder::with_max_event_bytes(16);
            let (a, b) = body.split_at(cut);
            assert!(dec.push(a, Output::Text).is_ok() && dec.push(b, Output::Text).is_ok(), "cut {cut}");
        }
    }

    #[test]
    fn text_output_numbers_index_less_choices_by_position() {
        let mut dec = ChatStreamDecoder::new();
        dec.push(b"data: {\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{\"content\":\"b\"}}]}\n\n", Output::Text).unwrap();
        assert_eq!(dec.take_output().as_deref(), Some("a"));
        assert_eq!(dec.snapshot().text(), Some("a"));
    }

    #[test]
    fn mode_switch_with_pending_output_is_refused() {
        let mut dec = ChatStreamDecoder::new();
        dec.push(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n", Output::Text).unwrap();
        assert!(dec.push(b"", Output::Chunks).is_err());
        assert_eq!(dec.take_output().as_deref(), Some("a"));
        assert!(dec.push(b"", Output::Chunks).is_ok());
    }

    #[test]
    fn event_cap_applies() {
        let mut dec = ChatStreamDecoder::with_max_event_bytes(64);
        let line = format!("data: {}\n\n", "x".repeat(100));
        assert!(matches!(dec.push(line.as_bytes(), Output::Text), Err(Error::EventTooLarge { limit: 64 })));
    }
}
