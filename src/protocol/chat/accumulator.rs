//! Applies `chat.completion.chunk`s, one after another, into the chat completion they add up to.
//!
//! ```
//! use llmwire::protocol::chat::ChatAccumulator;
//! let mut acc = ChatAccumulator::new();
//! acc.apply_json(r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}"#).unwrap();
//! acc.apply_json(r#"{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}"#).unwrap();
//! let done = acc.snapshot();
//! assert_eq!(done.text(), Some("Hello"));
//! assert_eq!(done.choices[0].finish_reason.as_deref(), Some("stop"));
//! ```

use super::blocks::Text;
use super::chunk::{ChoiceDelta, ChunkView, RawField, ToolCallDelta};
use super::events::{self, DoneCall};
use super::types::ChatCompletion;
use crate::protocol::error::{bounded, ApiError, Error};
use crate::protocol::json::{str_len, ObjectWriter, Reader};
use std::borrow::Cow;

/// Most distinct choice indexes, and tool calls per choice, one stream may create.
/// Real streams have a handful; the cap stops a hostile stream from making merging quadratic.
pub const MAX_PARTS: usize = 1024;

/// Longest snippet of a malformed event kept in the error, in characters.
pub const EVENT_SNIPPET_CHARS: usize = 200;

/// The running state of a streamed chat completion.
#[derive(Debug, Default, Clone)]
pub struct ChatAccumulator {
    id: String,
    /// Raw JSON values (`created`, `usage`, unknown members) are kept as their text.
    created: Option<String>,
    model: String,
    system_fingerprint: Option<String>,
    choices: Vec<ChoiceState>,
    usage: Option<String>,
    extra: Vec<(String, String)>,
    chunks: u64,
    /// Where the last `content.delta` event of choice 0 ends in the event batch being written.
    text_event_end: Option<usize>,
    /// The header of the last chunk applied, as sent: a chunk that starts with it is read from
    /// after it (`ChunkView::parse_after`).
    header: String,
}

/// Where [`ChatAccumulator::apply_to`] hands a chunk's progress on.
enum Progress<'o> {
    None,
    /// Progress events, appended to a JSON array batch ([`events`]).
    Events(&'o mut String),
    /// The text choice 0's content gained, as a stream hands it on.
    Text(&'o mut String),
}

impl Progress<'_> {
    fn events(&mut self) -> Option<&mut String> {
        match self {
            Progress::Events(out) => Some(out),
            _ => None,
        }
    }
}

#[derive(Debug, Default, Clone)]
struct ChoiceState {
    index: u32,
    role: Option<String>,
    content: Option<Text>,
    refusal: Option<Text>,
    tool_calls: Vec<ToolCallState>,
    finish_reason: Option<String>,
    /// `{key: array}` members of `logprobs`, arrays concatenated across chunks.
    logprobs: Option<Vec<(String, String)>>,
    /// Unknown delta members: strings are concatenated, other values replaced.
    delta_extra: Vec<(String, ExtraValue)>,
    extra: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
enum ExtraValue {
    Text(Text),
    Raw(String),
}

#[derive(Debug, Default, Clone)]
struct ToolCallState {
    index: Option<u64>,
    id: String,
    call_type: Option<String>,
    name: String,
    arguments: Text,
    extra: Vec<(String, String)>,
    /// Whether a `tool_call.start` event was written for it.
    announced: bool,
}

impl ChatAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many chunks have been applied.
    pub fn chunks_applied(&self) -> u64 {
        self.chunks
    }

    /// Parses one event's data and applies it. An `error` member becomes [`Error::Api`]; invalid
    /// JSON becomes [`Error::MalformedEvent`] with a bounded snippet. On error nothing is applied.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn apply_json(&mut self, data: &str) -> Result<(), Error> {
        let view = self.parse(data)?;
        self.apply(&view)
    }

    /// Parses one event's data for [`apply`](Self::apply), leaving out a header that the last
    /// chunk applied had too (see [`ChunkView::parse_after`]). Invalid JSON becomes
    /// [`Error::MalformedEvent`] with a bounded snippet.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn parse<'a>(&self, data: &'a str) -> Result<ChunkView<'a>, Error> {
        ChunkView::parse_after(data, &self.header)
            .map_err(|e| Error::MalformedEvent { message: crate::cat!(e), snippet: bounded(data, EVENT_SNIPPET_CHARS) })
    }

    /// Applies a parsed chunk.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn apply(&mut self, chunk: &ChunkView<'_>) -> Result<(), Error> {
        self.apply_to(chunk, Progress::None)
    }

    /// Applies a parsed chunk and, with `events`, appends its progress events to that JSON array
    /// batch (see [`events`]).
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn apply_with_events(&mut self, chunk: &ChunkView<'_>, events: Option<&mut String>) -> Result<(), Error> {
        self.apply_to(chunk, events.map_or(Progress::None, Progress::Events))
    }

    /// Applies a parsed chunk and appends to `text` what it added to the content of choice 0, as
    /// a stream of text hands it on: without the half of a character held back for the next piece
    /// ([`Text::push_piece`]; [`finish_first`](Self::finish_first) gives one still held at the end).
    ///
    /// ```
    /// use llmwire::protocol::chat::accumulator::ChatAccumulator;
    /// let mut acc = ChatAccumulator::default();
    /// let mut text = String::new();
    /// for data in [r#"{"choices":[{"index":0,"delta":{"content":"a\ud83d"}}]}"#, r#"{"choices":[{"index":0,"delta":{"content":"\ude80b\ud83d"}}]}"#] {
    ///     let chunk = acc.parse(data).unwrap();
    ///     acc.apply_with_text(&chunk, &mut text).unwrap();
    /// }
    /// assert_eq!(text, "a🚀b");
    /// text.extend(acc.finish_first());
    /// assert_eq!((text.as_str(), acc.finish_first()), ("a🚀b\u{fffd}", None));
    /// ```
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn apply_with_text(&mut self, chunk: &ChunkView<'_>, text: &mut String) -> Result<(), Error> {
        self.apply_to(chunk, Progress::Text(text))
    }

    /// Ends the content of choice 0 ([`Text::finish`]): a high half still held back stays the
    /// U+FFFD it reads as, which is returned for a stream of text to hand on; once.
    pub fn finish_first(&mut self) -> Option<char> {
        self.choices.iter_mut().find(|c| c.index == 0)?.content.as_mut()?.finish()
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn apply_to(&mut self, chunk: &ChunkView<'_>, mut progress: Progress<'_>) -> Result<(), Error> {
        if let Some(err) = chunk.error {
            return Err(ApiError::from_error_value(err).into());
        }
        self.chunks += 1;
        if let Some(id) = chunk.id.as_deref().filter(|s| !s.is_empty()) {
            set_string(&mut self.id, id);
        }
        if let Some(model) = chunk.model.as_deref().filter(|s| !s.is_empty()) {
            set_string(&mut self.model, model);
        }
        if let Some(created) = chunk.created {
            set_string(self.created.get_or_insert_with(String::new), created);
        }
        if let Some(fp) = &chunk.system_fingerprint {
            set_string(self.system_fingerprint.get_or_insert_with(String::new), fp);
        }
        if let Some(header) = chunk.header {
            set_string(&mut self.header, header);
        }
        if let Some(usage) = chunk.usage {
            self.usage = Some(usage.to_owned());
        }
        set_raw_fields(&mut self.extra, &chunk.extra);
        for (position, choice) in chunk.choices().enumerate() {
            self.apply_choice(position, choice, &mut progress)?;
        }
        Ok(())
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn apply_choice(&mut self, position: usize, delta: &ChoiceDelta<'_>, progress: &mut Progress<'_>) -> Result<(), Error> {
        let index = index_u32(delta.index.unwrap_or(position as u64))?;
        // Kept ordered by index, so writing needs no sort (sorting code is large in wasm).
        let slot = match self.choices.iter().position(|c| c.index >= index) {
            Some(i) if self.choices.get(i).is_some_and(|c| c.index == index) => i,
            at => {
                if self.choices.len() >= MAX_PARTS {
                    return Err(too_many("choices"));
                }
                let i = at.unwrap_or(self.choices.len());
                self.choices.insert(i, ChoiceState { index, ..ChoiceState::default() });
                i
            }
        };
        let Some(state) = self.choices.get_mut(slot) else {
            return Ok(());
        };
        let d = &delta.delta;
        if let Some(role) = d.role.as_deref().filter(|r| !r.is_empty()) {
            state.role = Some(role.to_string());
        }
        // Empty pieces (LiteLLM sends `content: ""` with every tool-call delta) add nothing, so a
        // tool-call-only message ends with `content: null`, as the non-streamed answer has it.
        if let Some(text) = d.content.as_deref().filter(|t| !t.is_empty()) {
            let text = state.content.get_or_insert_with(Text::default).push_piece(text, d.content_halves);
            match progress {
                Progress::Events(out) if !text.is_empty() => {
                    let end = events::text_delta(out, "content.delta", index, &text);
                    if index == 0 {
                        self.text_event_end = Some(end);
                    }
                }
                Progress::Text(out) if index == 0 => out.push_str(&text),
                _ => {}
            }
        }
        if let Some(text) = &d.refusal {
            let text = state.refusal.get_or_insert_with(Text::default).push_piece(text, d.refusal_halves);
            if let Some(out) = progress.events().filter(|_| !text.is_empty()) {
                events::text_delta(out, "refusal.delta", index, &text);
            }
        }
        for call in &d.tool_calls {
            merge_tool_call(&mut state.tool_calls, call, index, progress.events())?;
        }
        for (key, raw) in &d.extra {
            merge_delta_extra(&mut state.delta_extra, key, raw);
        }
        if let Some(reason) = &delta.finish_reason {
            state.finish_reason = Some(reason.to_string());
        }
        if let Some(lp) = delta.logprobs {
            merge_logprobs(&mut state.logprobs, lp);
        }
        set_raw_fields(&mut state.extra, &delta.extra);
        Ok(())
    }

    /// Where the last `content.delta` event of choice 0 written since the previous call ends (the
    /// offset of its closing brace in the batch).
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn take_text_event_end(&mut self) -> Option<usize> {
        self.text_event_end.take()
    }

    /// Appends the events of the stream's end, by choice index: the U+FFFD of a half character
    /// still held back ([`SurrogateJoin`](super::blocks::SurrogateJoin)), then a `tool_call.done`
    /// for every call: the stream has ended, so each call is final and is checked now
    /// ([`check_call`](super::tool_calls::check_call)).
    pub fn write_done_events(&self, out: &mut String) {
        for choice in &self.choices {
            for (kind, text) in [("content.delta", &choice.content), ("refusal.delta", &choice.refusal)] {
                if text.as_ref().is_some_and(Text::holds_half) {
                    events::text_delta(out, kind, choice.index, "\u{fffd}");
                }
            }
            for (index, call) in choice.tool_calls.iter().enumerate() {
                let done = DoneCall {
                    choice: choice.index,
                    index,
                    id: &call.id,
                    name: &call.name,
                    arguments: &call.arguments.as_str(),
                    finish_reason: choice.finish_reason.as_deref(),
                };
                events::call_done(out, &done);
            }
        }
    }

    /// Whether every choice seen so far has a finish reason (and at least one was seen).
    pub fn all_choices_finished(&self) -> bool {
        !self.choices.is_empty() && self.choices.iter().all(|c| c.finish_reason.is_some())
    }

    /// The text of the choice with index 0 so far (borrowed while it is short, see [`Text`]).
    pub fn text(&self) -> Cow<'_, str> {
        self.content_of_first().map_or(Cow::Borrowed(""), Text::as_str)
    }

    /// The JSON answer of choice 0 so far: its text completed to a JSON value
    /// ([`partial_json`](crate::protocol::structured::partial_json)).
    pub fn partial_json(&self) -> Option<String> {
        self.content_of_first()?.partial_json()
    }

    /// The accumulated content of the choice with index 0, if it has any.
    fn content_of_first(&self) -> Option<&Text> {
        self.choices.iter().find(|c| c.index == 0).and_then(|c| c.content.as_ref())
    }

    /// The completion so far as JSON text in the `chat.completion` shape: the final result once
    /// the stream ended, the partial output when it failed. Choices are ordered by index; unknown
    /// members of the chunks (the last value of each) are kept.
    pub fn to_json(&self) -> String {
        self.write_json(false)
    }

    /// [`to_json`](Self::to_json) with the messages' texts (`content`, `refusal`, and streamed
    /// extras such as `reasoning_content`) written as `""`, for a caller that then moves each out
    /// with [`take_text`](Self::take_text): a long answer is handed over once instead of being
    /// copied into the JSON text and out of it again.
    ///
    /// ```
    /// use llmwire::protocol::chat::ChatAccumulator;
    /// let mut acc = ChatAccumulator::new();
    /// acc.apply_json(r#"{"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":"stop"}]}"#).unwrap();
    /// assert!(acc.to_json_apart().contains(r#""content":"""#));
    /// assert_eq!(acc.take_text(0, "content").as_deref(), Some("Hello"));
    /// assert_eq!(acc.take_text(0, "content"), None);
    /// ```
    pub fn to_json_apart(&self) -> String {
        self.write_json(true)
    }

    /// Moves member `key` of the message of the `choice`th choice (in the order of
    /// [`to_json`](Self::to_json)) out of the accumulator: a text that
    /// [`to_json_apart`](Self::to_json_apart) wrote as `""`. `None` when it has none (or it was taken).
    pub fn take_text(&mut self, choice: usize, key: &str) -> Option<String> {
        let c = self.choices.get_mut(choice)?;
        match key {
            "content" => c.content.take().map(Text::into_string),
            "refusal" => c.refusal.take().map(Text::into_string),
            _ => {
                let at = c.delta_extra.iter().position(|(k, v)| k == key && matches!(v, ExtraValue::Text(_)))?;
                match c.delta_extra.remove(at).1 {
                    ExtraValue::Text(t) => Some(t.into_string()),
                    ExtraValue::Raw(_) => None,
                }
            }
        }
    }

    fn write_json(&self, apart: bool) -> String {
        // Sized up front: a long answer's text doubling its buffer would hold two copies at once.
        let mut out = String::with_capacity(self.json_len_hint(apart));
        let mut w = ObjectWriter::new(&mut out);
        w.str("id", &self.id).str("object", "chat.completion");
        w.raw("created", self.created.as_deref().unwrap_or("null"));
        w.str("model", &self.model);
        let buf = w.key("choices");
        buf.push('[');
        for (i, choice) in self.choices.iter().enumerate() {
            if i > 0 {
                buf.push(',');
            }
            choice.write(buf, apart);
        }
        buf.push(']');
        if let Some(usage) = &self.usage {
            w.raw("usage", usage);
        }
        if let Some(fp) = &self.system_fingerprint {
            w.str("system_fingerprint", fp);
        }
        write_raw_fields(&mut w, &self.extra);
        w.finish();
        out
    }

    /// At least the length of [`to_json`](Self::to_json)'s text.
    fn json_len_hint(&self, apart: bool) -> usize {
        let mut n = 256 + str_len(&self.id) + str_len(&self.model) + fields_len(&self.extra);
        n += opt_len(&self.created) + opt_len(&self.usage) + opt_len(&self.system_fingerprint);
        for choice in &self.choices {
            n += choice.json_len_hint(apart);
        }
        n
    }

    /// The completion so far, typed: see [`to_json`](Self::to_json).
    pub fn snapshot(&self) -> ChatCompletion {
        crate::protocol::typed::from_str(&self.to_json()).unwrap_or_default()
    }
}

impl ChoiceState {
    /// At least the length of what [`write`](Self::write) writes.
    fn json_len_hint(&self, apart: bool) -> usize {
        let mut n = 256 + fields_len(&self.extra) + self.logprobs.as_deref().map_or(0, fields_len);
        n += opt_len(&self.role) + opt_len(&self.finish_reason);
        if !apart {
            n += text_len(&self.content) + text_len(&self.refusal);
        }
        for c in &self.tool_calls {
            n += 128 + str_len(&c.id) + str_len(&c.name) + c.arguments.json_len() + opt_len(&c.call_type) + fields_len(&c.extra);
        }
        for (key, value) in &self.delta_extra {
            n += 4
                + str_len(key)
                + match value {
                    ExtraValue::Text(_) if apart => 2,
                    ExtraValue::Text(t) => t.json_len(),
                    ExtraValue::Raw(r) => r.len(),
                };
        }
        n
    }

    /// `apart`: the texts are written as `""` (see [`ChatAccumulator::to_json_apart`]).
    fn write(&self, out: &mut String, apart: bool) {
        let mut w = ObjectWriter::new(out);
        w.uint("index", u64::from(self.index));
        {
            let mut m = ObjectWriter::new(w.key("message"));
            m.str("role", self.role.as_deref().unwrap_or("assistant"));
            match &self.content {
                // A message of no text is `""`; beside tool calls or a refusal it is `null`, as
                // in the non-streamed answer.
                None if self.tool_calls.is_empty() && self.refusal.is_none() => {
                    m.str("content", "");
                }
                content => write_text(&mut m, "content", content.as_ref(), apart),
            }
            write_text(&mut m, "refusal", self.refusal.as_ref(), apart);
            if !self.tool_calls.is_empty() {
                let buf = m.key("tool_calls");
                buf.push('[');
                for (i, call) in self.tool_calls.iter().enumerate() {
                    if i > 0 {
                        buf.push(',');
                    }
                    call.write(buf);
                }
                buf.push(']');
            }
            for (key, value) in &self.delta_extra {
                match value {
                    ExtraValue::Text(t) => write_text(&mut m, key, Some(t), apart),
                    ExtraValue::Raw(r) => {
                        m.raw(key, r);
                    }
                }
            }
            m.finish();
        }
        w.opt_str("finish_reason", self.finish_reason.as_deref());
        match &self.logprobs {
            Some(members) => write_raw_object(w.key("logprobs"), members),
            None => {
                w.raw("logprobs", "null");
            }
        }
        // A gateway's own `message` member must not duplicate the accumulated one.
        for (key, raw) in self.extra.iter().filter(|(k, _)| k != "message") {
            w.raw(key, raw);
        }
        w.finish();
    }
}

impl ToolCallState {
    fn write(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        w.str("id", &self.id).str("type", self.call_type.as_deref().unwrap_or("function"));
        {
            let mut f = ObjectWriter::new(w.key("function"));
            f.str("name", &self.name);
            self.arguments.write_json(f.key("arguments"));
            f.finish();
        }
        write_raw_fields(&mut w, &self.extra);
        w.finish();
    }
}

/// A text member, `null` when absent, `""` when `apart` (see [`ChatAccumulator::to_json_apart`]).
fn write_text(w: &mut ObjectWriter<'_>, key: &str, text: Option<&Text>, apart: bool) {
    match text {
        Some(_) if apart => {
            w.str(key, "");
        }
        Some(t) => t.write_json(w.key(key)),
        None => {
            w.raw(key, "null");
        }
    }
}

/// At least the length of an accumulated text written as a JSON value (0 when absent).
fn text_len(t: &Option<Text>) -> usize {
    t.as_ref().map_or(0, Text::json_len)
}

/// At least the length of `s` written as a JSON value (0 when absent).
fn opt_len(s: &Option<String>) -> usize {
    s.as_deref().map_or(0, str_len)
}

/// At least the length of `fields` written as object members.
fn fields_len(fields: &[(String, String)]) -> usize {
    let mut n = 0;
    for (key, raw) in fields {
        n += 2 + str_len(key) + raw.len();
    }
    n
}

fn write_raw_fields(w: &mut ObjectWriter<'_>, fields: &[(String, String)]) {
    for (key, raw) in fields {
        w.raw(key, raw);
    }
}

fn write_raw_object(out: &mut String, fields: &[(String, String)]) {
    let mut w = ObjectWriter::new(out);
    write_raw_fields(&mut w, fields);
    w.finish();
}

fn index_u32(index: u64) -> Result<u32, Error> {
    u32::try_from(index).map_err(|_| Error::InvalidResponse {
        message: crate::cat!("choice or tool call index ", index, " is out of range"),
        snippet: String::new(),
    })
}

fn too_many(what: &str) -> Error {
    Error::InvalidResponse { message: crate::cat!("stream created more than ", MAX_PARTS, " ", what), snippet: String::new() }
}

#[cfg_attr(llmwire_oz, optimize(speed))]
fn set_string(dst: &mut String, src: &str) {
    if dst != src {
        dst.clear();
        dst.push_str(src);
    }
}

#[cfg_attr(llmwire_oz, optimize(speed))]
fn set_raw_fields(dst: &mut Vec<(String, String)>, fields: &[RawField<'_>]) {
    for (key, raw) in fields {
        match dst.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => set_string(v, raw),
            None => dst.push((key.to_string(), raw.to_string())),
        }
    }
}

/// Merges a delta member without a field of its own: strings (`reasoning_content`) are joined
/// across chunks, other values (null aside) replace the last.
#[inline(never)]
fn merge_delta_extra(dst: &mut Vec<(String, ExtraValue)>, key: &str, raw: &str) {
    let (text, halves) = Reader::new(raw).opt_string_halves().unwrap_or_default();
    let existing = dst.iter_mut().find(|(k, _)| k == key);
    let first = |s: &str| {
        let mut text = Text::default();
        text.push_piece(s, halves);
        ExtraValue::Text(text)
    };
    match (existing, text) {
        (Some((_, ExtraValue::Text(acc))), Some(s)) => {
            acc.push_piece(&s, halves);
        }
        (Some((_, slot)), Some(s)) => *slot = first(&s),
        (Some((_, slot)), None) => {
            if raw != "null" {
                *slot = ExtraValue::Raw(raw.to_string());
            }
        }
        (None, Some(s)) => dst.push((key.to_string(), first(&s))),
        (None, None) => {
            if raw != "null" {
                dst.push((key.to_string(), ExtraValue::Raw(raw.to_string())));
            }
        }
    }
}

/// Logprobs arrive per chunk as `{content:[...], refusal:[...]}`; the arrays are concatenated,
/// other members replaced. A value that is not an object is ignored.
fn merge_logprobs(dst: &mut Option<Vec<(String, String)>>, raw: &str) {
    let mut incoming = Vec::new();
    let parsed = Reader::new(raw).object(|key, r| {
        incoming.push((key, r.raw()?));
        Ok(())
    });
    if parsed.is_err() {
        return;
    }
    let acc = dst.get_or_insert_with(Vec::new);
    for (key, value) in incoming {
        match acc.iter_mut().find(|(k, _)| k.as_str() == key.as_ref()) {
            Some((_, existing)) => concat_or_replace(existing, value),
            None => acc.push((key.into_owned(), value.to_string())),
        }
    }
}

/// Appends the elements of the JSON array `more` to the JSON array `existing`; replaces
/// `existing` when either is not an array.
#[cfg_attr(llmwire_oz, optimize(speed))]
fn concat_or_replace(existing: &mut String, more: &str) {
    let more = more.trim();
    let (Some(inner), true) = (more.strip_prefix('[').and_then(|m| m.strip_suffix(']')), existing.ends_with(']')) else {
        *existing = more.to_string();
        return;
    };
    if inner.trim().is_empty() {
        return;
    }
    existing.pop();
    if !existing.trim_end().ends_with('[') {
        existing.push(',');
    }
    existing.push_str(inner);
    existing.push(']');
}

/// Merges one tool-call delta: by `index`; without one, by `id`; without either, by position.
/// With `events`, announces the call once it has a name, then reports each argument fragment.
#[cfg_attr(llmwire_oz, optimize(speed))]
fn merge_tool_call(calls: &mut Vec<ToolCallState>, d: &ToolCallDelta<'_>, choice: u32, events: Option<&mut String>) -> Result<(), Error> {
    let id = d.id.as_deref().filter(|s| !s.is_empty());
    let name = d.name.as_deref().filter(|s| !s.is_empty());
    let found = match (d.index, id) {
        (Some(i), _) => calls.iter().position(|c| c.index == Some(i)),
        (None, Some(id)) => calls.iter().position(|c| c.id == id),
        // A name on an index-less, id-less delta whose last call is already named starts a new call.
        (None, None) => match calls.last() {
            Some(last) if name.is_some() && !last.name.is_empty() => None,
            Some(_) => Some(calls.len() - 1),
            None => None,
        },
    };
    let slot = match found {
        Some(i) => i,
        None => {
            if calls.len() >= MAX_PARTS {
                return Err(too_many("tool calls"));
            }
            calls.push(ToolCallState { index: d.index, ..ToolCallState::default() });
            calls.len() - 1
        }
    };
    let Some(call) = calls.get_mut(slot) else {
        return Ok(());
    };
    if let Some(id) = id {
        set_string(&mut call.id, id);
    }
    if let Some(t) = d.call_type.as_deref().filter(|s| !s.is_empty()) {
        call.call_type = Some(t.to_string());
    }
    if let Some(name) = name {
        if call.name.is_empty() {
            call.name.push_str(name);
        }
    }
    let args = d.arguments.as_deref().map(|args| call.arguments.push_piece(args, d.arguments_halves));
    set_raw_fields(&mut call.extra, &d.extra);
    if let Some(out) = events {
        if !call.announced && !call.name.is_empty() {
            call.announced = true;
            events::call_start(out, choice, slot, &call.id, &call.name, &call.arguments.as_str());
        } else if let Some(args) = args.filter(|a| call.announced && !a.is_empty()) {
            events::call_delta(out, choice, slot, &args);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&str]) -> ChatCompletion {
        let mut acc = ChatAccumulator::new();
        for c in chunks {
            acc.apply_json(c).unwrap();
        }
        acc.snapshot()
    }

    /// Chunks with every part the accumulator keeps.
    const EVERY_PART: [&str; 3] = [
        r#"{"id":"i","created":9,"model":"m","system_fingerprint":"fp","x_top":{"a":[1]},"choices":[{"index":0,"delta":{"role":"assistant","content":"q\"\n\u0001","reasoning_content":"r","meta":{"k":1}},"logprobs":{"content":[{"t":1}]},"x_choice":"c"}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":"{\"a"}}],"reasoning_content":"s"},"logprobs":{"content":[{"t":2}],"refusal":[]}}]}"#,
        r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"total_tokens":3}}"#,
    ];

    /// Everything the accumulator keeps, written by `to_json`, reads back as the same JSON.
    #[test]
    fn to_json_is_valid_json_with_every_part() {
        let mut acc = ChatAccumulator::new();
        for c in EVERY_PART {
            acc.apply_json(c).unwrap();
        }
        let v: serde_json::Value = serde_json::from_str(&acc.to_json()).unwrap();
        let m = &v["choices"][0]["message"];
        assert_eq!(m["content"], "q\"\n\u{1}");
        assert_eq!(m["reasoning_content"], "rs");
        assert_eq!(m["meta"]["k"], 1);
        assert_eq!(m["refusal"], serde_json::Value::Null);
        assert_eq!(m["tool_calls"][0]["function"]["arguments"], r#"{"a":1}"#);
        assert_eq!(m["tool_calls"][0]["type"], "function");
        assert_eq!(v["choices"][0]["logprobs"]["content"], serde_json::json!([{"t":1},{"t":2}]));
        assert_eq!(v["choices"][0]["x_choice"], "c");
        assert_eq!((v["created"].clone(), v["system_fingerprint"].clone()), (serde_json::json!(9), serde_json::json!("fp")));
        assert_eq!(v["x_top"], serde_json::json!({"a":[1]}));
        assert_eq!(v["usage"]["total_tokens"], 3);
        assert_eq!(acc.snapshot().choices[0].message.tool_calls[0].id, "t");
    }

    /// `to_json` allocates its text once: the hint covers every part and every escape, and a
    /// long text is not over-reserved.
    #[test]
    fn to_json_length_hint_covers_every_part() {
        let mut acc = ChatAccumulator::new();
        for c in EVERY_PART {
            acc.apply_json(c).unwrap();
        }
        let escapes = r#"\u0001\"\\\n\t\u001f"#.repeat(5000);
        let long = format!(r#"{{"choices":[{{"index":1,"delta":{{"content":"{escapes}","refusal":"{escapes}","x":"{escapes}"}}}}]}}"#);
        for c in [long.as_str(), r#"{"choices":[{"index":1,"delta":{"content":"文字😀"}}]}"#] {
            acc.apply_json(c).unwrap();
            for apart in [false, true] {
                let (hint, len) = (acc.json_len_hint(apart), acc.write_json(apart).len());
                assert!(hint >= len && hint <= len + 2048, "hint {hint} for {len} bytes");
            }
        }
    }

    /// The texts taken out of `to_json_apart`'s result, put back where it left `""`, give
    /// `to_json`'s result; what is not a text (a raw extra, a tool call) stays in the JSON.
    #[test]
    fn texts_taken_apart_rebuild_the_completion() {
        let mut acc = ChatAccumulator::new();
        for c in EVERY_PART {
            acc.apply_json(c).unwrap();
        }
        acc.apply_json(r#"{"choices":[{"index":2,"delta":{"refusal":"no","content":""}},{"index":3,"delta":{"x_n":5}}]}"#).unwrap();
        use serde_json::Value;
        let whole: Value = serde_json::from_str(&acc.to_json()).unwrap();
        let mut apart: Value = serde_json::from_str(&acc.to_json_apart()).unwrap();
        let mut taken = 0;
        for (i, choice) in apart["choices"].as_array_mut().unwrap().iter_mut().enumerate() {
            for (key, value) in choice["message"].as_object_mut().unwrap() {
                if value == "" {
                    if let Some(text) = acc.take_text(i, key) {
                        *value = Value::String(text);
                        taken += 1;
                    }
                }
            }
        }
        assert_eq!(apart, whole);
        // Choice 3's content is the `""` written for a message without text: nothing to take.
        assert_eq!(taken, 3, "content and reasoning_content of choice 0, refusal of choice 2");
        assert_eq!((acc.take_text(0, "content"), acc.take_text(0, "meta"), acc.take_text(9, "content")), (None, None, None));
    }

    #[test]
    fn halves_of_a_character_cut_between_chunks_are_joined() {
        // A gateway that cuts UTF-16 text writes each half of 🚀 (\ud83d\ude80) as a lone escape.
        let mut acc = ChatAccumulator::new();
        let mut events = String::new();
        for c in [
            r#"{"choices":[{"index":0,"delta":{"content":"a\ud83d","reasoning_content":"r\ud83d","refusal":"\ud83d"}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"\ude80b","reasoning_content":"\ude80","refusal":"x"}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"\ude80","tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":"\"\ud83d"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"c\ud83d","tool_calls":[{"index":0,"function":{"arguments":"\ude80\""}}]},"finish_reason":"stop"}]}"#,
        ] {
            let view = acc.parse(c).unwrap();
            acc.apply_with_events(&view, Some(&mut events)).unwrap();
        }
        let c = acc.snapshot();
        let m = &c.choices[0].message;
        // A low half with no high half before it, and a high half that ends the text, stay U+FFFD.
        assert_eq!(m.content.as_deref(), Some("a🚀b\u{fffd}c\u{fffd}"));
        assert_eq!(m.extra["reasoning_content"], "r🚀");
        assert_eq!(m.refusal.as_deref(), Some("\u{fffd}x"));
        assert_eq!(m.tool_calls[0].function.arguments, "\"🚀\"");
        // The events hand the halves on joined, and the high half still held at the end (after
        // `c`) as U+FFFD when the stream ends.
        acc.write_done_events(&mut events);
        events.push(']');
        let events: serde_json::Value = serde_json::from_str(&events).unwrap();
        let deltas = |kind: &str| {
            events
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["type"] == kind)
                .map(|e| e["delta"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(deltas("content.delta").concat(), "a🚀b\u{fffd}c\u{fffd}");
        assert_eq!(deltas("refusal.delta").concat(), "\u{fffd}x");
    }

    #[test]
    fn empty_content_beside_tool_calls_or_a_refusal_is_null() {
        let c = run(&[
            r#"{"choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":""}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"","tool_calls":[{"index":0,"function":{"arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"#,
        ]);
        assert_eq!(c.choices[0].message.content, None);
        let refused = run(&[
            r#"{"choices":[{"index":0,"delta":{"role":"assistant","refusal":"I can"}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"","refusal":"not"},"finish_reason":"stop"}]}"#,
        ]);
        let m = &refused.choices[0].message;
        assert_eq!((m.content.as_deref(), m.refusal.as_deref()), (None, Some("I cannot")));
        let text_only = run(&[r#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}"#]);
        assert_eq!(text_only.choices[0].message.content.as_deref(), Some(""));
    }

    #[test]
    fn odd_members_never_break_the_result() {
        let mut acc = ChatAccumulator::new();
        acc.apply_json(r#"{"choices":[{"index":0,"message":{"content":"theirs"},"delta":{"content":"ours"}}],"usage":{"total_tokens":-1,"prompt_tokens":1.3e27}}"#).unwrap();
        let v: serde_json::Value = serde_json::from_str(&acc.to_json()).unwrap();
        assert_eq!(v["choices"][0]["message"]["content"], "ours");
        let c = acc.snapshot();
        assert_eq!(c.text(), Some("ours"));
        let usage = c.usage.unwrap();
        assert_eq!((usage.total_tokens, usage.prompt_tokens), (None, None));
        assert_eq!(usage.extra["total_tokens"], -1);
        // A usage that is not an object stays in the JSON; the typed result leaves it out.
        for odd in [r#""n/a""#, "[1]", "7"] {
            let mut acc = ChatAccumulator::new();
            acc.apply_json(&format!(r#"{{"choices":[{{"index":0,"delta":{{"content":"x"}}}}],"usage":{odd}}}"#)).unwrap();
            assert!(acc.to_json().contains(&format!(r#""usage":{odd}"#)));
            let c = acc.snapshot();
            assert_eq!((c.text(), c.usage.as_ref()), (Some("x"), None), "usage {odd}");
        }
        // What serde_json refuses and JSON.parse reads, anywhere a member passes through: the
        // JSON keeps it as sent, the typed result reads it as null and U+FFFD.
        let mut acc = ChatAccumulator::new();
        acc.apply_json(r#"{"created":1e400,"choices":[{"index":0,"delta":{"content":"x","score":-7e2855400},"logprobs":{"tag":"\ud83d"}}],"extra":["\ude80"]}"#).unwrap();
        let json = acc.to_json();
        assert!(json.contains(r#""created":1e400"#) && json.contains(r#""\ud83d""#), "{json}");
        assert!(serde_json::from_str::<ChatCompletion>(&json).is_err());
        let c = acc.snapshot();
        assert_eq!(c.text(), Some("x"));
        assert_eq!((&c.created, &c.choices[0].message.extra["score"]), (&serde_json::Value::Null, &serde_json::Value::Null));
        assert_eq!(
            (&c.choices[0].logprobs.as_ref().unwrap()["tag"], &c.extra["extra"][0]),
            (&serde_json::json!("\u{fffd}"), &serde_json::json!("\u{fffd}"))
        );
    }

    #[test]
    fn interleaved_choices() {
        let c = run(&[
            r#"{"id":"x","model":"m","created":5,"choices":[{"index":1,"delta":{"role":"assistant","content":"B"}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"role":"assistant","content":"A"}}]}"#,
            r#"{"choices":[{"index":1,"delta":{"content":"b"},"finish_reason":"stop"},{"index":0,"delta":{"content":"a"},"finish_reason":"length"}]}"#,
        ]);
        assert_eq!(c.choices.len(), 2);
        assert_eq!(c.choices[0].message.content.as_deref(), Some("Aa"));
        assert_eq!(c.choices[1].message.content.as_deref(), Some("Bb"));
        assert_eq!(c.choices[0].finish_reason.as_deref(), Some("length"));
        assert_eq!(c.created, serde_json::json!(5));
        assert_eq!(c.id, "x");
    }

    #[test]
    fn usage_only_chunk_and_yi_extras() {
        let c = run(&[
            r#"{"id":"y","choices":[{"delta":{"role":"assistant"},"index":0}],"content":"","lastOne":false}"#,
            r#"{"id":"y","choices":[{"delta":{"content":"Hello"},"index":0}],"content":"Hello","lastOne":false}"#,
            r#"{"id":"y","choices":[{"delta":{},"index":0,"finish_reason":"stop"}],"content":"Hello","lastOne":true}"#,
            r#"{"id":"y","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#,
        ]);
        assert_eq!(c.text(), Some("Hello"));
        assert_eq!(c.extra["lastOne"], true);
        assert_eq!(c.extra["content"], "Hello");
        assert_eq!(c.usage.as_ref().and_then(|u| u.total_tokens), Some(4));
    }

    #[test]
    fn a_null_usage_never_erases_one_that_came() {
        // Gateways that write `usage: null` in every chunk, one of them after the usage.
        let c = run(&[
            r#"{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":null}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"total_tokens":4}}"#,
            r#"{"choices":[],"usage":null}"#,
        ]);
        assert_eq!(c.usage.as_ref().and_then(|u| u.total_tokens), Some(4));
        // Only ever null: no usage, as the member is optional.
        let c = run(&[r#"{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}],"usage":null}"#]);
        assert!(c.usage.is_none());
    }

    #[test]
    fn refusal_and_reasoning_concatenate() {
        let c = run(&[
            r#"{"choices":[{"index":0,"delta":{"reasoning_content":"th","refusal":"I can"}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"reasoning_content":"ink","refusal":"not"}}]}"#,
        ]);
        let m = &c.choices[0].message;
        assert_eq!(m.refusal.as_deref(), Some("I cannot"));
        assert_eq!(m.extra["reasoning_content"], "think");
    }

    #[test]
    fn tool_calls_by_index_with_late_fields() {
        let c = run(&[
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"add"}},{"index":1,"id":"call_2","function":{"name":"mul","arguments":"{}"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":"tool_calls"}]}"#,
        ]);
        let calls = &c.choices[0].message.tool_calls;
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].id, "call_1");
        assert_eq!(calls[0].function.name, "add");
        assert_eq!(calls[0].function.arguments, "{\"a\":1}");
        assert_eq!(calls[1].call_type, "function");
        assert_eq!(c.choices[0].message.content, None);
    }

    #[test]
    fn tool_calls_without_index() {
        let c = run(&[
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{\"x\""}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":":1}"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"name":"g","arguments":"{}"}}]}}]}"#,
        ]);
        let calls = &c.choices[0].message.tool_calls;
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].function.arguments, "{\"x\":1}");
        assert_eq!(calls[1].function.name, "g");
    }

    #[test]
    fn error_member_is_api_error_and_nothing_applied() {
        let mut acc = ChatAccumulator::new();
        acc.apply_json(r#"{"choices":[{"index":0,"delta":{"content":"ok"}}]}"#).unwrap();
        let err = acc.apply_json(r#"{"error":{"message":"overloaded","type":"server_error","code":"overloaded"}}"#).unwrap_err();
        match err {
            Error::Api(api) => {
                assert_eq!(api.message, "overloaded");
                assert_eq!(api.status, None);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(acc.text(), "ok");
    }

    #[test]
    fn malformed_event_keeps_state_and_snippet() {
        let mut acc = ChatAccumulator::new();
        acc.apply_json(r#"{"choices":[{"index":0,"delta":{"content":"ok"}}]}"#).unwrap();
        let long = format!(r#"{{"choices":[{{"delta":{{"content":"The"}}}},"index":0}}],"pad":"{}"}}"#, "x".repeat(1000));
        match acc.apply_json(&long).unwrap_err() {
            Error::MalformedEvent { snippet, .. } => assert!(snippet.chars().count() <= EVENT_SNIPPET_CHARS + 1),
            other => panic!("{other:?}"),
        }
        assert_eq!(acc.text(), "ok");
        assert_eq!(acc.chunks_applied(), 1);
    }

    #[test]
    fn huge_index_is_an_error_not_an_allocation() {
        let mut acc = ChatAccumulator::new();
        assert!(acc.apply_json(r#"{"choices":[{"index":99999999999,"delta":{}}]}"#).is_err());
        let c = run(&[r#"{"choices":[{"index":4000000000,"delta":{"content":"x"}}]}"#]);
        assert_eq!(c.choices.len(), 1);
    }

    #[test]
    fn logprobs_arrays_concatenate() {
        let c = run(&[
            r#"{"choices":[{"index":0,"delta":{"content":"a"},"logprobs":{"content":[{"token":"a"}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"b"},"logprobs":{"content":[{"token":"b"}]}}]}"#,
        ]);
        assert_eq!(c.choices[0].logprobs.as_ref().unwrap()["content"].as_array().unwrap().len(), 2);
    }

    /// A stream's chunks applied as the decoder applies them (a header seen before is skipped)
    /// and each read whole: the same completion and the same errors after every chunk.
    fn assert_skipping_changes_nothing(chunks: &[&str]) {
        let (mut skipping, mut whole) = (ChatAccumulator::new(), ChatAccumulator::new());
        for (at, data) in chunks.iter().enumerate() {
            let a = skipping.parse(data).and_then(|view| skipping.apply(&view));
            let b = ChatAccumulator::new().parse(data).and_then(|view| whole.apply(&view));
            assert_eq!(a.map_err(|e| crate::cat!(e)), b.map_err(|e| crate::cat!(e)), "chunk {at} of {chunks:?}");
            assert_eq!(skipping.to_json(), whole.to_json(), "after chunk {at} of {chunks:?}");
        }
    }

    #[test]
    fn a_repeated_header_is_read_once() {
        let h = r#"{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","system_fingerprint":"fp""#;
        let acc = &mut ChatAccumulator::new();
        let data = format!(r#"{h},"choices":[{{"index":0,"delta":{{"content":"a"}}}}]}}"#);
        let first = acc.parse(&data).unwrap();
        assert_eq!((first.id.as_deref(), first.header), (Some("c1"), Some(h)));
        acc.apply(&first).unwrap();
        let data = format!(r#"{h} ,"choices":[{{"index":0,"delta":{{"content":"b"}}}}]}}"#);
        let next = acc.parse(&data).unwrap();
        assert!(next.id.is_none() && next.model.is_none() && next.created.is_none() && next.header.is_none());
        acc.apply(&next).unwrap();
        let done = acc.snapshot();
        assert_eq!((done.id.as_str(), done.model.as_str(), done.text()), ("c1", "m", Some("ab")));
    }

    #[test]
    fn a_header_is_skipped_only_where_its_last_value_ends() {
        let acc = &mut ChatAccumulator::new();
        acc.apply_json(r#"{"id":"c","created":1,"choices":[]}"#).unwrap();
        acc.apply_json(r#"{"id":"c","created":12,"choices":[]}"#).unwrap();
        assert_eq!(acc.snapshot().created, 12);
        let next = acc.parse(r#"{"id":"c","created":12 ,"choices":[]}"#).unwrap();
        assert!(next.created.is_none(), "a value followed by whitespace has ended: skipped");
    }

    #[test]
    fn skipping_headers_changes_nothing() {
        let h = r#"{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","system_fingerprint":"fp""#;
        let chunk = |rest: &str| format!(r#"{h}{rest}"#);
        let plain = chunk(r#","choices":[{"index":0,"delta":{"content":"x"}}]}"#);
        let cases: [Vec<String>; 8] = [
            // The same header, then one that differs in a value, then the first again.
            vec![plain.clone(), plain.clone(), r#"{"id":"c2","choices":[]}"#.into(), plain.clone()],
            // A header member repeated after `choices` wins for its chunk; the next is read whole.
            vec![plain.clone(), chunk(r#","choices":[],"id":"late"}"#), plain.clone()],
            vec![chunk(r#","choices":[],"model":"late"}"#), plain.clone()],
            // An `error` member: its chunk applies nothing, its header included.
            vec![chunk(r#","error":{"message":"busy"}}"#), plain.clone()],
            // A chunk that fails after its header: nothing applied, the next one still complete.
            vec![chunk(r#","choices":[{"index":0,"delta":{"content":5}}]}"#), plain.clone()],
            // Members other than the header's before `choices` are read every time; nulls.
            vec![
                r#"{"id":"c","provider":"p","model":"m","choices":[{"delta":{"content":"a"}}]}"#.into(),
                r#"{"id":"c","provider":"q","model":"m2","choices":[{"delta":{"content":"b"}}]}"#.into(),
                r#"{"id":"c","system_fingerprint":null,"choices":[]}"#.into(),
                r#"{"id":"c","system_fingerprint":null,"choices":[],"usage":{"total_tokens":1}}"#.into(),
            ],
            // A header that ends in a number, then a chunk whose number goes on (fuzz/artifacts).
            vec![
                r#"{"id":"c","created":1,"choices":[]}"#.into(),
                r#"{"id":"c","created":12,"choices":[{"delta":{"content":"x"}}]}"#.into(),
                r#"{"id":"c","created":12 ,"choices":[]}"#.into(),
                r#"{"id":"c","created":12.,"choices":[]}"#.into(),
                r#"{"id":"c","created":12}"#.into(),
            ],
            // A chunk that starts with another's header but goes on differently.
            vec![
                r#"{"id":"c","model":"m","choices":[]}"#.into(),
                r#"{"id":"c","model":"m2","choices":[]}"#.into(),
                r#"{"id":"c","model":"m"}"#.into(),
            ],
        ];
        for chunks in cases {
            assert_skipping_changes_nothing(&chunks.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }

    #[test]
    fn skipping_headers_changes_nothing_in_random_streams() {
        // Chunks made of a few headers (one a prefix of another), bodies and trailing members,
        // in random orders, some malformed: every step must agree with reading each chunk whole.
        let heads = [
            r#"{"id":"a","model":"m""#,
            r#"{"id":"a","model":"m","created":1"#,
            r#"{"id":"a","model":"m","created":12"#,
            r#"{"id":"b""#,
            r#"{ "id":"a""#,
            "{",
        ];
        let bodies = [
            r#","choices":[{"index":0,"delta":{"content":"t"}}]"#,
            r#","choices":[{"index":1,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{"}}]}}]"#,
            r#","choices":[]"#,
            r#","choices":[{"delta":{"content":7}}]"#,
            r#","error":{"message":"e"}"#,
            "",
        ];
        let tails = ["}", r#","id":"z"}"#, r#","created":2}"#, r#","usage":{"n":1}}"#, "", r#","model":"q"}"#];
        let mut seed: u64 = 11;
        let mut pick = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as usize % n
        };
        for _ in 0..2000 {
            let chunks: Vec<String> = (0..1 + pick(8))
                .map(|_| {
                    let head = heads[pick(heads.len())];
                    let body = bodies[pick(bodies.len())];
                    // `{` then `,...` is malformed: kept, as a server could send it.
                    crate::cat!(head, body, tails[pick(tails.len())])
                })
                .collect();
            assert_skipping_changes_nothing(&chunks.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
}
