//! Legacy text completions (`/completions`): the response type, and the stream accumulated like
//! chat's (each choice's `text` pieces concatenated, the finish reason, usage, logprobs).
//!
//! ```
//! use llmwire::protocol::completions::CompletionsAccumulator;
//! let mut acc = CompletionsAccumulator::default();
//! acc.apply_json(r#"{"id":"cmpl-1","object":"text_completion","model":"m","choices":[{"index":0,"text":"Hel"}]}"#).unwrap();
//! acc.apply_json(r#"{"id":"cmpl-1","choices":[{"index":0,"text":"lo","finish_reason":"stop"}]}"#).unwrap();
//! assert_eq!(acc.text(), "Hello");
//! assert!(acc.to_json().contains(r#""text":"Hello","finish_reason":"stop""#));
//! ```

use crate::protocol::chat::accumulator::{EVENT_SNIPPET_CHARS, MAX_PARTS};
use crate::protocol::chat::blocks::Text;
use crate::protocol::error::{bounded, ApiError, Error};
use crate::protocol::event_stream::{error_event, Batch, StreamProtocol};
use crate::protocol::json::{self, Halves, Kind, ObjectWriter, Reader};
use crate::protocol::sse::SseEvent;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A text completion: the non-streamed response, or a stream accumulated to its end.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Completion {
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub object: String,
    #[serde(default)]
    pub created: Value,
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub model: String,
    #[serde(default)]
    pub choices: Vec<CompletionChoice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Completion {
    /// The first choice's text.
    pub fn text(&self) -> Option<&str> {
        self.choices.first().map(|c| c.text.as_str())
    }
}

/// One choice of a text completion.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CompletionChoice {
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub index: u32,
    #[serde(default)]
    pub text: String,
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub finish_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Default, Clone)]
struct ChoiceState {
    index: u64,
    /// The text, joining the halves of a character two pieces carry ([`Text::push_piece`]).
    text: Text,
    finish_reason: Option<String>,
    /// `{key: array}` members of the legacy `logprobs`, arrays concatenated across chunks.
    logprobs: Option<Vec<(String, String)>>,
    extra: Vec<(String, String)>,
}

/// The running state of a streamed text completion.
#[derive(Debug, Default, Clone)]
pub struct CompletionsAccumulator {
    id: String,
    created: Option<String>,
    model: String,
    system_fingerprint: Option<String>,
    usage: Option<String>,
    extra: Vec<(String, String)>,
    choices: Vec<ChoiceState>,
    chunks: u64,
}

fn malformed(message: String, data: &str) -> Error {
    Error::MalformedEvent { message, snippet: bounded(data, EVENT_SNIPPET_CHARS) }
}

#[cfg_attr(llmwire_oz, optimize(speed))]
fn set_raw(dst: &mut Vec<(String, String)>, key: &str, raw: &str) {
    match dst.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => *v = raw.to_string(),
        None => dst.push((key.to_string(), raw.to_string())),
    }
}

/// One parsed choice of a chunk.
struct ChoiceDelta<'a> {
    index: Option<u64>,
    text: Option<std::borrow::Cow<'a, str>>,
    halves: Halves,
    finish_reason: Option<std::borrow::Cow<'a, str>>,
    logprobs: Option<&'a str>,
    extra: Vec<(std::borrow::Cow<'a, str>, &'a str)>,
}

#[cfg_attr(llmwire_oz, optimize(speed))]
fn parse_choices(raw: &str) -> Result<Vec<ChoiceDelta<'_>>, json::JsonError> {
    let mut out = Vec::new();
    let mut r = Reader::new(raw);
    if r.null()? {
        return Ok(out);
    }
    r.array(|r| {
        let mut c =
            ChoiceDelta { index: None, text: None, halves: Halves::default(), finish_reason: None, logprobs: None, extra: Vec::new() };
        r.object(|key, r| {
            match key.as_ref() {
                "index" => {
                    c.index =
                        if r.null()? { None } else { Some(r.index()?.ok_or_else(|| r.error("an index must be a non-negative integer"))?) }
                }
                "text" => (c.text, c.halves) = r.opt_string_halves()?,
                "finish_reason" => c.finish_reason = r.opt_string()?,
                "logprobs" => c.logprobs = Some(r.raw()?).filter(|raw| *raw != "null"),
                _ => c.extra.push((key, r.raw()?)),
            }
            Ok(())
        })?;
        out.push(c);
        Ok(())
    })?;
    r.end()?;
    Ok(out)
}

impl CompletionsAccumulator {
    /// How many chunks have been applied.
    pub fn chunks_applied(&self) -> u64 {
        self.chunks
    }

    /// The text of the choice with index 0 so far (borrowed while it is short, see [`Text`]).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        self.choices.iter().find(|c| c.index == 0).map_or(std::borrow::Cow::Borrowed(""), |c| c.text.as_str())
    }

    /// Whether every choice seen has a finish reason (and at least one was seen).
    pub fn all_choices_finished(&self) -> bool {
        !self.choices.is_empty() && self.choices.iter().all(|c| c.finish_reason.is_some())
    }

    /// Parses one chunk and applies it; returns the text it added to choice 0. An `error` member
    /// is [`Error::Api`], invalid JSON [`Error::MalformedEvent`]; on error nothing is applied.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn apply_json(&mut self, data: &str) -> Result<String, Error> {
        let members = json::members(data).map_err(|e| malformed(e.to_string(), data))?;
        if let Some((_, raw)) = members.iter().find(|(k, raw)| k == "error" && *raw != "null") {
            return Err(ApiError::from_error_value(raw).into());
        }
        let mut choices = Vec::new();
        if let Some((_, raw)) = members.iter().find(|(k, _)| k == "choices") {
            choices = parse_choices(raw).map_err(|e| malformed(e.to_string(), data))?;
        }
        for c in &choices {
            let known = match c.index {
                Some(i) => self.choices.iter().any(|s| s.index == i),
                None => true,
            };
            if !known && self.choices.len() >= MAX_PARTS {
                return Err(Error::InvalidResponse {
                    message: format!("stream created more than {MAX_PARTS} choices"),
                    snippet: String::new(),
                });
            }
        }
        self.chunks += 1;
        for (key, raw) in &members {
            match key.as_ref() {
                "choices" | "error" | "object" => {}
                "id" | "model" => {
                    if let Some(s) = json::raw_str(raw).filter(|s| !s.is_empty()) {
                        if key == "id" {
                            self.id = s.into_owned();
                        } else {
                            self.model = s.into_owned();
                        }
                    }
                }
                "created" => self.created = Some(raw.to_string()),
                "usage" if *raw != "null" => self.usage = Some(raw.to_string()),
                "system_fingerprint" => self.system_fingerprint = json::raw_str(raw).map(|s| s.into_owned()),
                "usage" => {}
                _ => set_raw(&mut self.extra, key, raw),
            }
        }
        let mut added = String::new();
        for (position, c) in choices.into_iter().enumerate() {
            let index = c.index.unwrap_or(position as u64);
            // Kept ordered by index, so writing needs no sort (sorting code is large in wasm).
            let slot = match self.choices.iter().position(|s| s.index >= index) {
                Some(i) if self.choices.get(i).is_some_and(|s| s.index == index) => i,
                at => {
                    let i = at.unwrap_or(self.choices.len());
                    self.choices.insert(i, ChoiceState { index, ..ChoiceState::default() });
                    i
                }
            };
            let Some(state) = self.choices.get_mut(slot) else { continue };
            if let Some(text) = &c.text {
                // A gateway that cuts UTF-16 text between the two halves of a character.
                let piece = state.text.push_piece(text, c.halves);
                if index == 0 {
                    added.push_str(&piece);
                }
            }
            if let Some(reason) = c.finish_reason {
                state.finish_reason = Some(reason.into_owned());
            }
            if let Some(lp) = c.logprobs {
                merge_logprobs(&mut state.logprobs, lp);
            }
            for (key, raw) in &c.extra {
                set_raw(&mut state.extra, key, raw);
            }
        }
        Ok(added)
    }

    /// The completion so far as JSON text, in the `text_completion` shape.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(192 + self.choices.iter().map(|c| c.text.len() + 64).sum::<usize>());
        let mut w = ObjectWriter::new(&mut out);
        w.str("id", &self.id).str("object", "text_completion");
        w.raw("created", self.created.as_deref().unwrap_or("null"));
        w.str("model", &self.model);
        let buf = w.key("choices");
        buf.push('[');
        for (i, c) in self.choices.iter().enumerate() {
            if i > 0 {
                buf.push(',');
            }
            let mut cw = ObjectWriter::new(buf);
            cw.uint("index", c.index).str("text", &c.text.as_str()).opt_str("finish_reason", c.finish_reason.as_deref());
            match &c.logprobs {
                Some(members) => {
                    let mut lw = ObjectWriter::new(cw.key("logprobs"));
                    for (k, v) in members {
                        lw.raw(k, v);
                    }
                    lw.finish();
                }
                None => {
                    cw.raw("logprobs", "null");
                }
            }
            for (k, v) in &c.extra {
                cw.raw(k, v);
            }
            cw.finish();
        }
        buf.push(']');
        if let Some(usage) = &self.usage {
            w.raw("usage", usage);
        }
        if let Some(fp) = &self.system_fingerprint {
            w.str("system_fingerprint", fp);
        }
        for (k, v) in &self.extra {
            w.raw(k, v);
        }
        w.finish();
        out
    }

    /// The stream ended: a half character still held back is U+FFFD. Returns the text that
    /// adds to choice 0.
    fn end(&mut self) -> Option<char> {
        let mut added = None;
        for state in &mut self.choices {
            if let Some(lone) = state.text.finish() {
                added = added.or(Some(lone).filter(|_| state.index == 0));
            }
        }
        added
    }

    /// The completion so far, typed.
    pub fn snapshot(&self) -> Completion {
        crate::protocol::typed::from_str(&self.to_json()).unwrap_or_default()
    }
}

/// Concatenates the arrays of a legacy `logprobs` object (`tokens`, `token_logprobs`,
/// `top_logprobs`, `text_offset`); other members are replaced.
fn merge_logprobs(dst: &mut Option<Vec<(String, String)>>, raw: &str) {
    let Ok(incoming) = json::members(raw) else { return };
    let acc = dst.get_or_insert_with(Vec::new);
    for (key, value) in incoming {
        match acc.iter_mut().find(|(k, _)| k.as_str() == key.as_ref()) {
            Some((_, existing)) if existing.ends_with(']') && value.starts_with('[') => {
                let inner = value.get(1..value.len() - 1).unwrap_or_default().trim();
                if !inner.is_empty() {
                    existing.pop();
                    if !existing.trim_end().ends_with('[') {
                        existing.push(',');
                    }
                    existing.push_str(inner);
                    existing.push(']');
                }
            }
            Some((_, existing)) => *existing = value.to_string(),
            None => acc.push((key.into_owned(), value.to_string())),
        }
    }
}

/// The stream protocol of `/completions`: chunks until `data: [DONE]`.
#[derive(Debug, Default, Clone)]
pub struct CompletionsProtocol {
    acc: CompletionsAccumulator,
    saw_done: bool,
}

impl CompletionsProtocol {
    /// The accumulator.
    pub fn accumulator(&self) -> &CompletionsAccumulator {
        &self.acc
    }
}

impl StreamProtocol for CompletionsProtocol {
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn event(&mut self, event: &SseEvent<'_>, batch: &mut Batch<'_>) -> Result<bool, Error> {
        if event.event == "error" {
            return Err(error_event(event.data));
        }
        if event.event != "message" {
            return Ok(false);
        }
        if event.data.trim_end() == "[DONE]" {
            self.saw_done = true;
            return Ok(true);
        }
        let added = self.acc.apply_json(event.data)?;
        batch.item(event.data);
        batch.text(&added);
        Ok(false)
    }

    fn json_body(&mut self, body: &str, batch: &mut Batch<'_>) -> Result<(), Error> {
        if Reader::new(body).peek().ok() != Some(Kind::Object) {
            return Err(Error::InvalidResponse {
                message: "expected a text completion".into(),
                snippet: crate::protocol::error::snippet_of(body.as_bytes()),
            });
        }
        let added = self.acc.apply_json(body).map_err(|e| match e {
            Error::MalformedEvent { message, snippet } => Error::InvalidResponse { message, snippet },
            other => other,
        })?;
        batch.item(body);
        batch.text(&added);
        self.saw_done = true;
        Ok(())
    }

    fn is_complete(&self) -> bool {
        self.saw_done || self.acc.all_choices_finished()
    }

    fn is_empty(&self) -> bool {
        self.acc.chunks_applied() == 0
    }

    fn to_json(&self) -> String {
        self.acc.to_json()
    }

    fn end(&mut self, batch: &mut Batch<'_>) {
        if let Some(lone) = self.acc.end() {
            batch.text(lone.encode_utf8(&mut [0; 4]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::chat::Output;
    use crate::protocol::event_stream::EventStreamDecoder;

    const STREAM: &str = concat!(
        "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":5,\"model\":\"gpt-3.5-turbo-instruct\",\"choices\":[{\"text\":\"Hel\",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":5,\"model\":\"gpt-3.5-turbo-instruct\",\"choices\":[{\"text\":\"B\",\"index\":1,\"logprobs\":null,\"finish_reason\":null}]}\n\n",
        ": ping\n\n",
        "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":5,\"model\":\"gpt-3.5-turbo-instruct\",\"choices\":[{\"text\":\"lo 👋\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"length\"}]}\n\n",
        "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":5,\"model\":\"gpt-3.5-turbo-instruct\",\"choices\":[{\"text\":\"\",\"index\":1,\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n",
        "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":5,\"model\":\"gpt-3.5-turbo-instruct\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":3,\"total_tokens\":4}}\n\n",
        "data: [DONE]\n\n",
    );

    fn run(body: &[u8], cut: usize, mode: Output) -> (String, Result<(), Error>, EventStreamDecoder<CompletionsProtocol>) {
        let (batches, res, dec) = run_batches(body, cut, mode);
        (batches.concat(), res, dec)
    }

    fn run_batches(body: &[u8], cut: usize, mode: Output) -> (Vec<String>, Result<(), Error>, EventStreamDecoder<CompletionsProtocol>) {
        crate::protocol::event_stream::push_in_two(CompletionsProtocol::default(), body, cut, mode)
    }

    #[test]
    fn text_at_every_split() {
        let body = STREAM.as_bytes();
        for cut in 0..=body.len() {
            let (text, res, dec) = run(body, cut, Output::Text);
            assert!(res.is_ok(), "cut {cut}");
            assert_eq!(text, "Hello 👋", "cut {cut}");
            let c = dec.protocol().accumulator().snapshot();
            assert_eq!(c.choices.len(), 2);
            assert_eq!(c.choices[0].finish_reason.as_deref(), Some("length"));
            assert_eq!(c.choices[1].text, "B");
            assert_eq!(c.usage.as_ref().unwrap()["total_tokens"], 4);
            assert_eq!(c.object, "text_completion");
            assert_eq!(c.created, 5);
        }
    }

    #[test]
    fn chunks_are_handed_out_as_sent() {
        let (batches, res, _) = run_batches(STREAM.as_bytes(), 300, Output::Chunks);
        assert!(res.is_ok());
        assert_eq!(batches.len(), 2);
        let all: Vec<Value> = batches.iter().flat_map(|b| serde_json::from_str::<Vec<Value>>(b).unwrap()).collect();
        assert_eq!(all.len(), 5);
        assert_eq!(all[0]["choices"][0]["text"], "Hel");
    }

    #[test]
    fn a_character_cut_between_two_chunks_is_joined() {
        // A gateway that slices UTF-16 text sends the two halves of 🚀 as lone escapes.
        let chunk = |text: &str| format!("data: {{\"choices\":[{{\"index\":0,\"text\":\"{text}\"}}]}}\n\n");
        let body = [chunk("a\\ud83d"), chunk("\\ude80b"), chunk("c\\ud83d"), "data: [DONE]\n\n".into()].concat();
        for cut in 0..=body.len() {
            let (text, res, dec) = run(body.as_bytes(), cut, Output::Text);
            assert!(res.is_ok(), "cut {cut}: {res:?}");
            assert_eq!(text, "a🚀bc\u{fffd}", "cut {cut}");
            assert_eq!(dec.protocol().accumulator().snapshot().text(), Some("a🚀bc\u{fffd}"), "cut {cut}");
        }
        // Cut while a half is held: the partial text shows it as U+FFFD.
        let (_, res, dec) = run(&body.as_bytes()[..chunk("a\\ud83d").len()], 0, Output::None);
        assert!(matches!(res, Err(Error::Truncated { .. })));
        assert_eq!(dec.protocol().accumulator().snapshot().text(), Some("a\u{fffd}"));
    }

    #[test]
    fn cut_error_and_malformed_streams() {
        let cut = "data: {\"choices\":[{\"index\":0,\"text\":\"part\"}]}\n\n";
        let (text, res, dec) = run(cut.as_bytes(), 0, Output::Text);
        assert_eq!(text, "part");
        assert!(matches!(res, Err(Error::Truncated { .. })));
        assert!(dec.to_json().contains("\"text\":\"part\""));

        let err = "data: {\"choices\":[{\"index\":0,\"text\":\"a\"}]}\n\ndata: {\"error\":{\"message\":\"overloaded\",\"code\":\"x\"}}\n\n";
        let (text, res, _) = run(err.as_bytes(), 0, Output::Text);
        assert_eq!(text, "a");
        assert!(matches!(res, Err(Error::Api(a)) if a.message == "overloaded"));

        let event = "event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n";
        assert!(matches!(run(event.as_bytes(), 0, Output::None).1, Err(Error::Api(a)) if a.message == "boom"));

        let bad = "data: {\"choices\":[{\"text\":\"x\"\n\n";
        assert!(matches!(run(bad.as_bytes(), 0, Output::Text).1, Err(Error::MalformedEvent { .. })));
        assert!(matches!(run(b"", 0, Output::Text).1, Err(Error::Truncated { message }) if message.contains("before any event")));
    }

    #[test]
    fn json_body_instead_of_stream() {
        let body = br#"{"id":"cmpl-2","object":"text_completion","created":1,"model":"m","choices":[{"text":"whole","index":0,"logprobs":null,"finish_reason":"stop"}],"usage":{"total_tokens":2}}"#;
        let mut dec = EventStreamDecoder::new(CompletionsProtocol::default());
        dec.push_json_body(body, 200, Output::Text).unwrap();
        assert_eq!(dec.take_output().as_deref(), Some("whole"));
        dec.finish().unwrap();
        let mut dec = EventStreamDecoder::new(CompletionsProtocol::default());
        assert!(
            matches!(dec.push_json_body(br#"{"error":{"message":"no"}}"#, 200, Output::Text), Err(Error::Api(a)) if a.status == Some(200))
        );
        let mut dec = EventStreamDecoder::new(CompletionsProtocol::default());
        assert!(matches!(dec.push_json_body(b"[1]", 200, Output::Text), Err(Error::InvalidResponse { .. })));
    }

    #[test]
    fn choices_are_written_in_index_order() {
        let mut acc = CompletionsAccumulator::default();
        for (i, t) in [(2, "c"), (0, "a"), (1, "b"), (0, "A")] {
            acc.apply_json(&format!(r#"{{"choices":[{{"index":{i},"text":"{t}"}}]}}"#)).unwrap();
        }
        let c = acc.snapshot();
        let got: Vec<(u32, &str)> = c.choices.iter().map(|c| (c.index, c.text.as_str())).collect();
        assert_eq!(got, [(0, "aA"), (1, "b"), (2, "c")]);
    }

    #[test]
    fn logprobs_concatenate() {
        let mut acc = CompletionsAccumulator::default();
        acc.apply_json(r#"{"choices":[{"index":0,"text":"a","logprobs":{"tokens":["a"],"token_logprobs":[-0.1],"text_offset":[0]}}]}"#)
            .unwrap();
        acc.apply_json(r#"{"choices":[{"index":0,"text":"b","logprobs":{"tokens":["b"],"token_logprobs":[-0.2],"text_offset":[1]}}]}"#)
            .unwrap();
        let c = acc.snapshot();
        assert_eq!(c.choices[0].logprobs.as_ref().unwrap()["tokens"], serde_json::json!(["a", "b"]));
        assert_eq!(c.text(), Some("ab"));
    }

    #[test]
    fn hostile_indexes_are_bounded() {
        let mut acc = CompletionsAccumulator::default();
        assert!(acc.apply_json(r#"{"choices":[{"index":-1,"text":"x"}]}"#).is_err());
        for i in 0..MAX_PARTS {
            acc.apply_json(&format!(r#"{{"choices":[{{"index":{i},"text":"x"}}]}}"#)).unwrap();
        }
        assert!(acc.apply_json(r#"{"choices":[{"index":999999,"text":"x"}]}"#).is_err());
        assert_eq!(acc.chunks_applied(), MAX_PARTS as u64);
    }
}
