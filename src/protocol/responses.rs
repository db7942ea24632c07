//! The Responses API (`/responses`): the `output_text` convenience, and the stream of typed
//! events (`response.created`, `response.output_text.delta`, `response.completed`, `error`, ...)
//! accumulated into the response they add up to.
//!
//! The final response is the one `response.completed` (or `response.incomplete`) carries. If the
//! stream stops before that, the partial response is rebuilt from what arrived, as openai-node's
//! `ResponseStream` builds it: the items, their content parts and text, refusals, reasoning
//! summaries and reasoning text, the arguments, input or code of tool calls, and the status of
//! hosted tool calls (`response.web_search_call.searching`). `response.failed` and `error` events
//! are [`Error::Api`] errors.
//!
//! ```
//! use llmwire::protocol::responses::with_output_text;
//! let body = r#"{"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hi","annotations":[]}]}]}"#;
//! assert!(with_output_text(body).unwrap().ends_with(r#","output_text":"Hi"}"#));
//! ```

use crate::protocol::chat::accumulator::{EVENT_SNIPPET_CHARS, MAX_PARTS};
use crate::protocol::chat::blocks::Text;
use crate::protocol::error::{bounded, snippet_of, ApiError, Error};
use crate::protocol::event_stream::{error_event, Batch, StreamProtocol};
use crate::protocol::json::{self, Halves, Kind, ObjectWriter, Reader};
use crate::protocol::sse::SseEvent;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// A response, typed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Response {
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub model: String,
    #[serde(default)]
    pub output: Vec<Value>,
    /// The text of every `output_text` part of every message, concatenated.
    #[serde(default)]
    pub output_text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn invalid(message: String, body: &str) -> Error {
    Error::InvalidResponse { message, snippet: snippet_of(body.as_bytes()) }
}

/// The text of every `output_text` part of every `message` item of an `output` array.
pub fn output_text_of(output: &str) -> String {
    let mut text = String::new();
    let _ = Reader::new(output).array(|r| {
        if r.peek()? != Kind::Object {
            return r.skip();
        }
        let item = json::members(r.raw()?).unwrap_or_default();
        let is_message = item.iter().any(|(k, raw)| k == "type" && json::raw_str(raw).as_deref() == Some("message"));
        let content = item.iter().find(|(k, _)| k == "content").map(|(_, raw)| *raw);
        if let (true, Some(content)) = (is_message, content) {
            let _ = Reader::new(content).array(|r| {
                let part = json::members(r.raw()?).unwrap_or_default();
                let field = |name: &str| part.iter().find(|(k, _)| k == name).and_then(|(_, raw)| json::raw_str(raw));
                if field("type").as_deref() == Some("output_text") {
                    text.push_str(&field("text").unwrap_or_default());
                }
                Ok(())
            });
        }
        Ok(())
    });
    text
}

/// A Responses object with `output_text` set from its `output` (as openai-node adds it).
pub fn with_output_text(body: &str) -> Result<String, Error> {
    let members = json::members(body).map_err(|e| invalid(format!("expected a response object: {e}"), body))?;
    let output = members
        .iter()
        .find(|(k, raw)| k == "output" && raw.starts_with('['))
        .map(|(_, raw)| *raw)
        .ok_or_else(|| invalid("expected a response object with an output array".into(), body))?;
    let text = output_text_of(output);
    let mut out = String::with_capacity(body.len() + text.len() + 32);
    let mut w = ObjectWriter::new(&mut out);
    for (key, raw) in &members {
        if key != "output_text" {
            w.raw(key, raw);
        }
    }
    w.str("output_text", &text);
    w.finish();
    Ok(out)
}

#[derive(Debug, Default, Clone)]
struct PartState {
    /// `content_index`, or for a summary part `summary_index`.
    index: u64,
    /// The part as added (`content_part.added`) or finished (`content_part.done`).
    raw: Option<String>,
    done: bool,
    /// The text, joining the halves of a character two deltas carry ([`Text::push_piece`]).
    text: Text,
    /// Whether the text is output text (its deltas are handed on as text).
    output_text: bool,
    refusal: Text,
}

#[derive(Debug, Default, Clone)]
struct ItemState {
    output_index: u64,
    /// The item as added (`output_item.added`) or finished (`output_item.done`).
    raw: Option<String>,
    done: bool,
    /// Content parts, by `content_index`.
    parts: Vec<PartState>,
    /// Reasoning summary parts, by `summary_index`.
    summary: Vec<PartState>,
    /// A member streamed in pieces (a tool call's `arguments`, `input` or `code`).
    field: Option<Field>,
    /// The status a `response.<item type>.<status>` event set.
    status: Option<String>,
}

/// A member of an item that arrives in pieces, and the item type its events imply.
#[derive(Debug, Clone)]
struct Field {
    name: &'static str,
    item_type: &'static str,
    text: Text,
}

/// The item member an event streams (`…delta`) or sets whole (`…done`): the member's name, the
/// item type the event implies, and whether it is the whole value.
fn streamed_field(kind: &str) -> Option<(&'static str, &'static str, bool)> {
    let (stem, done) = match kind.strip_suffix(".delta") {
        Some(stem) => (stem, false),
        None => (kind.strip_suffix(".done")?, true),
    };
    let (name, item_type) = match stem {
        "response.function_call_arguments" => ("arguments", "function_call"),
        "response.mcp_call_arguments" => ("arguments", "mcp_call"),
        "response.custom_tool_call_input" => ("input", "custom_tool_call"),
        "response.code_interpreter_call_code" => ("code", "code_interpreter_call"),
        _ => return None,
    };
    Some((name, item_type, done))
}

/// The status a hosted tool call's event sets: `response.web_search_call.searching` → `searching`.
fn call_status(kind: &str) -> Option<&str> {
    let rest = kind.strip_prefix("response.")?;
    // A byte search: str's pattern searchers would add 2 KB to the module.
    let dot = rest.bytes().rposition(|b| b == b'.')?;
    let (item_type, status) = (rest.get(..dot)?, rest.get(dot + 1..)?);
    let known = ["in_progress", "searching", "interpreting", "generating", "completed", "failed"];
    (item_type.ends_with("_call") && known.contains(&status)).then_some(status)
}

/// How the stream ended, when it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Terminal {
    Completed,
    Failed,
}

/// The running state of a streamed response.
#[derive(Debug, Default, Clone)]
pub struct ResponsesAccumulator {
    /// The latest whole response object an event carried.
    response: Option<String>,
    terminal: Option<Terminal>,
    items: Vec<ItemState>,
    events: u64,
}

/// The members of one event that the accumulator reads.
#[derive(Default)]
struct EventView<'a> {
    kind: Option<Cow<'a, str>>,
    response: Option<&'a str>,
    output_index: Option<u64>,
    content_index: Option<u64>,
    summary_index: Option<u64>,
    item: Option<&'a str>,
    part: Option<&'a str>,
    delta: Option<Cow<'a, str>>,
    delta_halves: Halves,
    text: Option<Cow<'a, str>>,
    refusal: Option<Cow<'a, str>>,
    arguments: Option<Cow<'a, str>>,
    input: Option<Cow<'a, str>>,
    code: Option<Cow<'a, str>>,
    error: Option<&'a str>,
}

/// An object's members: keys and raw JSON values.
type Members<'a> = Vec<(Cow<'a, str>, &'a str)>;

#[cfg_attr(llmwire_oz, optimize(speed))]
fn parse_event(data: &str) -> Result<(EventView<'_>, Members<'_>), Error> {
    let members =
        json::members(data).map_err(|e| Error::MalformedEvent { message: e.to_string(), snippet: bounded(data, EVENT_SNIPPET_CHARS) })?;
    let mut v = EventView::default();
    for (key, raw) in &members {
        let object = || Some(*raw).filter(|r| r.starts_with('{'));
        match key.as_ref() {
            "type" => v.kind = json::raw_str(raw),
            "response" => v.response = object(),
            "item" => v.item = object(),
            "part" => v.part = object(),
            "error" => v.error = Some(*raw).filter(|r| *r != "null"),
            "output_index" => v.output_index = raw.parse().ok(),
            "content_index" => v.content_index = raw.parse().ok(),
            "summary_index" => v.summary_index = raw.parse().ok(),
            "delta" => (v.delta, v.delta_halves) = Reader::new(raw).opt_string_halves().unwrap_or_default(),
            "text" => v.text = json::raw_str(raw),
            "refusal" => v.refusal = json::raw_str(raw),
            "arguments" => v.arguments = json::raw_str(raw),
            "input" => v.input = json::raw_str(raw),
            "code" => v.code = json::raw_str(raw),
            _ => {}
        }
    }
    Ok((v, members))
}

fn too_many() -> Error {
    Error::InvalidResponse { message: format!("stream created more than {MAX_PARTS} output items or parts"), snippet: String::new() }
}

impl ResponsesAccumulator {
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn item(&mut self, output_index: u64) -> Result<&mut ItemState, Error> {
        // Kept ordered by index, so writing needs no sort (sorting code is large in wasm).
        let slot = match self.items.iter().position(|i| i.output_index >= output_index) {
            Some(i) if self.items.get(i).is_some_and(|it| it.output_index == output_index) => i,
            at => {
                if self.items.len() >= MAX_PARTS {
                    return Err(too_many());
                }
                let i = at.unwrap_or(self.items.len());
                self.items.insert(i, ItemState { output_index, ..ItemState::default() });
                i
            }
        };
        self.items.get_mut(slot).ok_or_else(too_many)
    }

    /// Content part `content_index` of item `output_index`, or with `summary`, its summary part.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn part(&mut self, output_index: u64, index: u64, summary: bool) -> Result<&mut PartState, Error> {
        let item = self.item(output_index)?;
        let parts = if summary { &mut item.summary } else { &mut item.parts };
        let slot = match parts.iter().position(|p| p.index >= index) {
            Some(i) if parts.get(i).is_some_and(|p| p.index == index) => i,
            at => {
                if parts.len() >= MAX_PARTS {
                    return Err(too_many());
                }
                let i = at.unwrap_or(parts.len());
                parts.insert(i, PartState { index, ..PartState::default() });
                i
            }
        };
        parts.get_mut(slot).ok_or_else(too_many)
    }

    /// The part a text event of type `kind` is about: for `response.reasoning_summary_*` the
    /// summary part at `summary_index`, else the content part at `content_index`.
    fn part_of(&mut self, kind: &str, v: &EventView<'_>) -> Result<&mut PartState, Error> {
        let summary = kind.starts_with("response.reasoning_summary");
        let index = if summary { v.summary_index } else { v.content_index };
        self.part(v.output_index.unwrap_or(0), index.unwrap_or(0), summary)
    }

    /// Applies one event of type `kind`; returns the output text it added.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn apply(&mut self, kind: &str, v: &EventView<'_>) -> Result<String, Error> {
        self.events += 1;
        let oi = v.output_index.unwrap_or(0);
        match kind {
            "response.created" | "response.in_progress" | "response.queued" => {
                if let Some(r) = v.response {
                    self.response = Some(r.to_string());
                }
            }
            "response.completed" | "response.incomplete" | "response.failed" => {
                if let Some(r) = v.response {
                    self.response = Some(r.to_string());
                }
                self.terminal = Some(if kind == "response.failed" { Terminal::Failed } else { Terminal::Completed });
            }
            "response.output_item.added" | "response.output_item.done" => {
                let done = kind.ends_with("done");
                let item = self.item(oi)?;
                if let Some(raw) = v.item {
                    item.raw = Some(raw.to_string());
                }
                item.done |= done;
            }
            "response.content_part.added"
            | "response.content_part.done"
            | "response.reasoning_summary_part.added"
            | "response.reasoning_summary_part.done" => {
                let part = self.part_of(kind, v)?;
                if let Some(raw) = v.part {
                    part.raw = Some(raw.to_string());
                }
                part.done |= kind.ends_with("done");
            }
            "response.output_text.delta" => {
                // A gateway that cuts UTF-16 text between the two halves of a character.
                let part = self.part_of(kind, v)?;
                let piece = part.text.push_piece(v.delta.as_deref().unwrap_or_default(), v.delta_halves);
                part.output_text = true;
                return Ok(piece.into_owned());
            }
            "response.reasoning_text.delta" | "response.reasoning_summary_text.delta" => {
                let part = self.part_of(kind, v)?;
                part.text.push_piece(v.delta.as_deref().unwrap_or_default(), v.delta_halves);
            }
            "response.output_text.done" | "response.reasoning_text.done" | "response.reasoning_summary_text.done" => {
                if let Some(text) = &v.text {
                    let part = self.part_of(kind, v)?;
                    // The streamed text ends here: a half held back goes on as U+FFFD.
                    let held = part.text.finish().filter(|_| part.output_text);
                    part.text = Text::from(text.to_string());
                    return Ok(held.map(String::from).unwrap_or_default());
                }
            }
            "response.refusal.delta" => {
                let part = self.part_of(kind, v)?;
                part.refusal.push_piece(v.delta.as_deref().unwrap_or_default(), v.delta_halves);
            }
            "response.refusal.done" => {
                if let Some(refusal) = &v.refusal {
                    let part = self.part_of(kind, v)?;
                    part.refusal = Text::from(refusal.to_string());
                }
            }
            _ => self.apply_call_event(kind, v)?,
        }
        Ok(String::new())
    }

    /// A tool call's streamed member or a hosted tool call's status; other events change nothing.
    /// Out of line: these are rare, and the per-event path stays small.
    #[inline(never)]
    fn apply_call_event(&mut self, kind: &str, v: &EventView<'_>) -> Result<(), Error> {
        let oi = v.output_index.unwrap_or(0);
        if let Some((name, item_type, whole)) = streamed_field(kind) {
            let value = match (whole, name) {
                (false, _) => v.delta.as_deref(),
                (true, "arguments") => v.arguments.as_deref(),
                (true, "input") => v.input.as_deref(),
                (true, _) => v.code.as_deref(),
            };
            let item = self.item(oi)?;
            let field = item.field.get_or_insert_with(|| Field { name, item_type, text: Text::default() });
            match value {
                Some(value) if whole => field.text = Text::from(value.to_string()),
                Some(piece) => {
                    field.text.push_piece(piece, v.delta_halves);
                }
                None => {}
            }
        } else if let Some(status) = call_status(kind) {
            self.item(oi)?.status = Some(status.to_string());
        }
        Ok(())
    }

    /// The error a `response.failed` event reports.
    fn failure(&self) -> Error {
        let members = self.response.as_deref().and_then(|r| json::members(r).ok()).unwrap_or_default();
        let api = members
            .iter()
            .find(|(k, raw)| k == "error" && *raw != "null")
            .map(|(_, raw)| ApiError::from_error_value(raw))
            .unwrap_or_else(|| ApiError { message: "the response failed".into(), ..ApiError::default() });
        api.into()
    }

    /// The output items as rebuilt from the events, as a JSON array text.
    fn output_json(&self) -> String {
        let mut out = String::from("[");
        for (n, item) in self.items.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            match (&item.raw, item.done) {
                (Some(raw), true) => out.push_str(raw),
                (raw, _) => write_partial_item(raw.as_deref(), item, &mut out),
            }
        }
        out.push(']');
        out
    }

    /// The response so far as JSON text: the final one when the stream completed, else rebuilt
    /// from what arrived (status `in_progress` unless an event said otherwise).
    pub fn to_json(&self) -> String {
        let base = self.response.as_deref().and_then(|r| json::members(r).ok()).unwrap_or_default();
        let sent_output = base.iter().rev().find(|(k, raw)| k == "output" && raw.starts_with('[') && raw.len() > 2).map(|(_, raw)| *raw);
        let rebuilt;
        let output = match (self.terminal.is_some(), sent_output) {
            (true, Some(sent)) => sent,
            _ if self.items.is_empty() => sent_output.unwrap_or("[]"),
            _ => {
                rebuilt = self.output_json();
                &rebuilt
            }
        };
        let mut out = String::with_capacity(256 + output.len() * 2);
        let mut w = ObjectWriter::new(&mut out);
        if !base.iter().any(|(k, _)| k == "object") {
            w.str("object", "response");
        }
        if !base.iter().any(|(k, _)| k == "status") {
            w.str("status", "in_progress");
        }
        for (n, (key, raw)) in base.iter().enumerate() {
            // A member sent twice is written once, the last one, as JSON.parse keeps it (serde
            // refuses a duplicate field, which would empty the typed snapshot).
            let again = base.iter().skip(n + 1).any(|(k, _)| k == key);
            if key != "output" && key != "output_text" && !again {
                w.raw(key, raw);
            }
        }
        w.raw("output", output);
        w.str("output_text", &output_text_of(output));
        w.finish();
        out
    }

    /// The response so far, typed.
    pub fn snapshot(&self) -> Response {
        crate::protocol::typed::from_str(&self.to_json()).unwrap_or_default()
    }

    /// The text of the output so far.
    pub fn output_text(&self) -> String {
        output_text_of(&self.output_json())
    }
}

/// An item that has not finished: its members as added, with the parts, summary, streamed member
/// and status so far.
fn write_partial_item(raw: Option<&str>, item: &ItemState, out: &mut String) {
    let members = raw.and_then(|r| json::members(r).ok()).unwrap_or_default();
    let mut w = ObjectWriter::new(out);
    if !members.iter().any(|(k, _)| k == "type") {
        let guess = match &item.field {
            Some(field) => field.item_type,
            None if !item.summary.is_empty() => "reasoning",
            None => "message",
        };
        w.str("type", guess);
    }
    let replaced = |key: &str| match key {
        "content" => !item.parts.is_empty(),
        "summary" => !item.summary.is_empty(),
        "status" => item.status.is_some(),
        _ => item.field.as_ref().is_some_and(|f| f.name == key),
    };
    for (key, raw) in &members {
        if !replaced(key) {
            w.raw(key, raw);
        }
    }
    if !item.parts.is_empty() {
        write_parts(w.key("content"), &item.parts, false);
    }
    if !item.summary.is_empty() {
        write_parts(w.key("summary"), &item.summary, true);
    }
    if let Some(field) = &item.field {
        w.str(field.name, &field.text.as_str());
    }
    if let Some(status) = &item.status {
        w.str("status", status);
    }
    w.finish();
}

/// Content or summary parts as a JSON array: each finished one as it came, the others as added
/// with their text (or refusal) so far.
fn write_parts(buf: &mut String, parts: &[PartState], summary: bool) {
    buf.push('[');
    for (n, part) in parts.iter().enumerate() {
        if n > 0 {
            buf.push(',');
        }
        if let (Some(raw), true) = (&part.raw, part.done) {
            buf.push_str(raw);
            continue;
        }
        let members = part.raw.as_deref().and_then(|r| json::members(r).ok()).unwrap_or_default();
        let mut pw = ObjectWriter::new(buf);
        let typed_refusal = members.iter().any(|(k, raw)| k == "type" && json::raw_str(raw).as_deref() == Some("refusal"));
        let is_refusal = !summary && (typed_refusal || (part.text.is_empty() && !part.refusal.is_empty()));
        if !members.iter().any(|(k, _)| k == "type") {
            pw.str(
                "type",
                if summary {
                    "summary_text"
                } else if is_refusal {
                    "refusal"
                } else {
                    "output_text"
                },
            );
        }
        for (key, raw) in &members {
            if key != "text" && key != "refusal" {
                pw.raw(key, raw);
            }
        }
        let (key, text) = if is_refusal { ("refusal", &part.refusal) } else { ("text", &part.text) };
        pw.str(key, &text.as_str());
        pw.finish();
    }
    buf.push(']');
}

/// The stream protocol of `/responses`.
#[derive(Debug, Default, Clone)]
pub struct ResponsesProtocol {
    acc: ResponsesAccumulator,
}

impl ResponsesProtocol {
    /// The accumulator.
    pub fn accumulator(&self) -> &ResponsesAccumulator {
        &self.acc
    }
}

impl StreamProtocol for ResponsesProtocol {
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn event(&mut self, event: &SseEvent<'_>, batch: &mut Batch<'_>) -> Result<bool, Error> {
        let data = event.data;
        if data.trim_end() == "[DONE]" {
            return Ok(true);
        }
        if event.event == "error" && Reader::new(data).peek().ok() != Some(Kind::Object) {
            return Err(error_event(data));
        }
        let (view, members) = parse_event(data)?;
        let named = Some(event.event).filter(|e| *e != "message");
        let kind = match (view.kind.as_deref(), named) {
            (Some(k), _) => k.to_string(),
            (None, Some(name)) => name.to_string(),
            (None, None) => {
                return Err(Error::MalformedEvent {
                    message: "a Responses event without a type".into(),
                    snippet: bounded(data, EVENT_SNIPPET_CHARS),
                })
            }
        };
        if kind == "error" || event.event == "error" {
            return Err(match view.error {
                Some(raw) => ApiError::from_error_value(raw).into(),
                None => ApiError::from_error_value(data).into(),
            });
        }
        let added = self.acc.apply(&kind, &view)?;
        if view.kind.is_some() {
            batch.item(data);
        } else {
            let mut item = String::with_capacity(data.len() + kind.len() + 12);
            let mut w = ObjectWriter::new(&mut item);
            w.str("type", &kind);
            for (key, raw) in &members {
                w.raw(key, raw);
            }
            w.finish();
            batch.item(&item);
        }
        batch.text(&added);
        match self.acc.terminal {
            Some(Terminal::Failed) => Err(self.acc.failure()),
            Some(Terminal::Completed) => Ok(true),
            None => Ok(false),
        }
    }

    fn json_body(&mut self, body: &str, batch: &mut Batch<'_>) -> Result<(), Error> {
        let whole = with_output_text(body)?;
        let mut event = String::with_capacity(whole.len() + 40);
        let mut w = ObjectWriter::new(&mut event);
        w.str("type", "response.completed").raw("response", &whole);
        w.finish();
        let members = json::members(&whole).unwrap_or_default();
        let text = members.iter().find(|(k, _)| k == "output_text").and_then(|(_, raw)| json::raw_str(raw)).unwrap_or_default();
        batch.item(&event);
        batch.text(&text);
        self.acc.response = Some(whole.clone());
        self.acc.terminal = Some(Terminal::Completed);
        self.acc.events += 1;
        Ok(())
    }

    fn is_complete(&self) -> bool {
        self.acc.terminal.is_some()
    }

    fn is_empty(&self) -> bool {
        self.acc.events == 0
    }

    fn to_json(&self) -> String {
        self.acc.to_json()
    }

    fn end(&mut self, batch: &mut Batch<'_>) {
        // A half held back at the end is U+FFFD; output text hands it on.
        for item in &mut self.acc.items {
            for part in item.parts.iter_mut().chain(&mut item.summary) {
                if part.text.finish().is_some() && part.output_text {
                    batch.text("\u{fffd}");
                }
                part.refusal.finish();
            }
            if let Some(field) = &mut item.field {
                field.text.finish();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::chat::Output;
    use crate::protocol::event_stream::EventStreamDecoder;

    fn ev(kind: &str, rest: &str) -> String {
        format!("event: {kind}\ndata: {{\"type\":\"{kind}\"{rest}}}\n\n")
    }

    fn stream() -> String {
        let resp = |status: &str, output: &str| {
            format!(
                r#","response":{{"id":"resp_1","object":"response","created_at":1,"status":"{status}","model":"gpt-4o-mini","output":{output},"usage":null}}"#
            )
        };
        let item = r#"{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}"#;
        let done_item = r#"{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello 👋","annotations":[]}]}"#;
        [
            ev("response.created", &resp("in_progress", "[]")),
            ev("response.in_progress", &resp("in_progress", "[]")),
            ev("response.output_item.added", &format!(r#","output_index":0,"item":{item}"#)),
            ev(
                "response.content_part.added",
                r#","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}"#,
            ),
            ev("response.output_text.delta", r#","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel""#),
            ": keep-alive\n\n".to_string(),
            ev("response.output_text.delta", r#","item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo 👋""#),
            ev("response.output_text.done", r#","item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello 👋""#),
            ev(
                "response.content_part.done",
                r#","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"Hello 👋","annotations":[]}"#,
            ),
            ev("response.output_item.done", &format!(r#","output_index":0,"item":{done_item}"#)),
            ev("response.completed", &resp("completed", &format!("[{done_item}]"))),
        ]
        .concat()
    }

    fn run(body: &[u8], cut: usize, mode: Output) -> (Vec<String>, Result<(), Error>, EventStreamDecoder<ResponsesProtocol>) {
        crate::protocol::event_stream::push_in_two(ResponsesProtocol::default(), body, cut, mode)
    }

    fn final_of(dec: &EventStreamDecoder<ResponsesProtocol>) -> Value {
        serde_json::from_str(&dec.to_json()).unwrap()
    }

    #[test]
    fn a_character_cut_between_two_deltas_is_joined() {
        let delta = |d: &str| ev("response.output_text.delta", &format!(r#","output_index":0,"content_index":0,"delta":"{d}""#));
        let body = [delta(r"a\ud83d"), delta(r"\ude80b"), delta(r"c\ud83d")].concat();
        for cut in 0..=body.len() {
            let (text, res, dec) = run(body.as_bytes(), cut, Output::Text);
            assert!(matches!(res, Err(Error::Truncated { .. })), "cut {cut}: {res:?}");
            assert_eq!(text.concat(), "a🚀bc\u{fffd}", "cut {cut}");
            assert_eq!(final_of(&dec)["output_text"], "a🚀bc\u{fffd}", "cut {cut}");
        }
        // The done event's text is the part's; a half held back before it goes out as U+FFFD.
        let done = ev("response.output_text.done", r#","output_index":0,"content_index":0,"text":"a🚀bc!""#);
        let (text, _, dec) = run(format!("{body}{done}").as_bytes(), 0, Output::Text);
        assert_eq!((text.concat(), &final_of(&dec)["output_text"]), ("a🚀bc\u{fffd}".to_string(), &serde_json::json!("a🚀bc!")));
    }

    #[test]
    fn text_and_final_response_at_every_split() {
        let body = stream();
        let bytes = body.as_bytes();
        for cut in 0..=bytes.len() {
            let (text, res, dec) = run(bytes, cut, Output::Text);
            assert!(res.is_ok(), "cut {cut}: {res:?}");
            assert_eq!(text.concat(), "Hello 👋", "cut {cut}");
            let v = final_of(&dec);
            assert_eq!(v["status"], "completed");
            assert_eq!(v["output_text"], "Hello 👋");
            assert_eq!(v["output"][0]["content"][0]["text"], "Hello 👋");
        }
    }

    #[test]
    fn events_are_handed_out_typed() {
        let (batches, res, _) = run(stream().as_bytes(), 0, Output::Chunks);
        assert!(res.is_ok());
        let events: Vec<Value> = batches.iter().flat_map(|b| serde_json::from_str::<Vec<Value>>(b).unwrap()).collect();
        let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(kinds.first(), Some(&"response.created"));
        assert_eq!(kinds.last(), Some(&"response.completed"));
        assert_eq!(kinds.iter().filter(|k| **k == "response.output_text.delta").count(), 2);
        // An event whose type is only in the `event:` line gets it in the object.
        let untyped = "event: response.output_text.delta\ndata: {\"output_index\":0,\"content_index\":0,\"delta\":\"x\"}\n\n";
        let (batches, _, _) = run(untyped.as_bytes(), 0, Output::Chunks);
        assert!(batches[0].contains(r#""type":"response.output_text.delta""#));
    }

    #[test]
    fn a_member_sent_twice_is_the_last_one_as_in_javascript() {
        let body =
            ev("response.failed", r#","response":{"id":"r","status":"in_progress","model":"a","status":"failed","model":"b","output":[]}"#);
        let (_, res, dec) = run(body.as_bytes(), 0, Output::None);
        assert!(matches!(res, Err(Error::Api(_))), "{res:?}");
        let json = dec.to_json();
        assert_eq!(json.matches("\"status\"").count(), 1, "{json}");
        let typed = dec.protocol().accumulator().snapshot();
        assert_eq!((typed.id.as_str(), typed.status.as_deref(), typed.model.as_str()), ("r", Some("failed"), "b"));
    }

    #[test]
    fn a_cut_stream_keeps_the_partial_response() {
        let body = stream();
        let cut_at = body.find("event: response.output_text.done").unwrap();
        let (text, res, dec) = run(&body.as_bytes()[..cut_at], 0, Output::Text);
        assert_eq!(text.concat(), "Hello 👋");
        assert!(matches!(res, Err(Error::Truncated { .. })));
        let v = final_of(&dec);
        assert_eq!(v["status"], "in_progress");
        assert_eq!(v["id"], "resp_1");
        assert_eq!(v["output_text"], "Hello 👋");
        assert_eq!(v["output"][0]["id"], "msg_1");
        assert_eq!(v["output"][0]["content"][0], serde_json::json!({"type":"output_text","annotations":[],"text":"Hello 👋"}));
        assert_eq!(dec.protocol().accumulator().output_text(), "Hello 👋");
    }

    #[test]
    fn deltas_without_added_events_still_accumulate() {
        let body = [
            ev("response.function_call_arguments.delta", r#","output_index":2,"delta":"{\"x\":""#),
            ev("response.output_text.delta", r#","output_index":1,"content_index":0,"delta":"b""#),
            ev("response.output_text.delta", r#","output_index":0,"content_index":0,"delta":"a""#),
            ev("response.function_call_arguments.delta", r#","output_index":2,"delta":"1}""#),
        ]
        .concat();
        let (_, res, dec) = run(body.as_bytes(), 0, Output::None);
        assert!(matches!(res, Err(Error::Truncated { .. })));
        let v = final_of(&dec);
        assert_eq!(v["output_text"], "ab");
        let ordered: Vec<&str> = v["output"].as_array().unwrap().iter().map(|i| i["type"].as_str().unwrap()).collect();
        assert_eq!(ordered, ["message", "message", "function_call"]);
        assert_eq!(v["output"][2], serde_json::json!({"type":"function_call","arguments":"{\"x\":1}"}));
        assert_eq!(v["object"], "response");
    }

    #[test]
    fn a_cut_stream_keeps_reasoning_tool_input_and_hosted_status() {
        let at = |i: u64, rest: &str| format!(r#","output_index":{i}{rest}"#);
        let body = [
            ev("response.output_item.added", &at(0, r#","item":{"id":"rs_1","type":"reasoning","summary":[]}"#)),
            ev("response.reasoning_summary_part.added", &at(0, r#","summary_index":0,"part":{"type":"summary_text","text":""}"#)),
            ev("response.reasoning_summary_text.delta", &at(0, r#","summary_index":0,"delta":"Weigh""#)),
            ev("response.reasoning_summary_text.delta", &at(0, r#","summary_index":0,"delta":"ing 🤔""#)),
            ev("response.reasoning_summary_part.added", &at(0, r#","summary_index":1,"part":{"type":"summary_text","text":""}"#)),
            ev("response.reasoning_summary_text.done", &at(0, r#","summary_index":1,"text":"Done.""#)),
            ev("response.content_part.added", &at(0, r#","content_index":0,"part":{"type":"reasoning_text","text":""}"#)),
            ev("response.reasoning_text.delta", &at(0, r#","content_index":0,"delta":"step 1""#)),
            ev(
                "response.output_item.added",
                &at(1, r#","item":{"id":"ct_1","type":"custom_tool_call","call_id":"c","name":"shell","input":""}"#),
            ),
            ev("response.custom_tool_call_input.delta", &at(1, r#","delta":"ls ""#)),
            ev("response.custom_tool_call_input.delta", &at(1, r#","delta":"-la""#)),
            ev(
                "response.output_item.added",
                &at(2, r#","item":{"id":"ci_1","type":"code_interpreter_call","status":"in_progress","code":""}"#),
            ),
            ev("response.code_interpreter_call_code.delta", &at(2, r#","delta":"print(1)""#)),
            ev("response.code_interpreter_call.interpreting", &at(2, "")),
            ev("response.output_item.added", &at(3, r#","item":{"id":"mcp_1","type":"mcp_call","status":"in_progress","arguments":""}"#)),
            ev("response.mcp_call_arguments.delta", &at(3, r#","delta":"{\"q\"""#)),
            ev("response.mcp_call_arguments.done", &at(3, r#","arguments":"{\"q\":1}""#)),
            ev("response.web_search_call.searching", &at(4, "")),
        ]
        .concat();
        let (_, res, dec) = run(body.as_bytes(), 0, Output::None);
        assert!(matches!(res, Err(Error::Truncated { .. })), "{res:?}");
        let out = &final_of(&dec)["output"];
        use serde_json::json;
        assert_eq!(out[0]["summary"], json!([{"type":"summary_text","text":"Weighing 🤔"},{"type":"summary_text","text":"Done."}]));
        assert_eq!(out[0]["content"], json!([{"type":"reasoning_text","text":"step 1"}]));
        assert_eq!((&out[1]["input"], &out[1]["name"]), (&json!("ls -la"), &json!("shell")));
        assert_eq!((&out[2]["code"], &out[2]["status"]), (&json!("print(1)"), &json!("interpreting")));
        assert_eq!((&out[3]["arguments"], &out[3]["type"]), (&json!("{\"q\":1}"), &json!("mcp_call")));
        assert_eq!(out[4], json!({"type":"message","status":"searching"}), "no item was added: only the status is known");
        assert_eq!(final_of(&dec)["output_text"], "", "reasoning is not output text");
    }

    #[test]
    fn error_events_and_failed_responses_are_api_errors() {
        let prefix = ev("response.output_text.delta", r#","output_index":0,"content_index":0,"delta":"par""#);
        let error = format!("{prefix}event: error\ndata: {{\"type\":\"error\",\"code\":\"server_error\",\"message\":\"The server had an error\",\"param\":null,\"sequence_number\":3}}\n\n");
        let (text, res, dec) = run(error.as_bytes(), 0, Output::Text);
        assert_eq!(text.concat(), "par");
        match res {
            Err(Error::Api(api)) => {
                assert_eq!((api.message.as_str(), api.code.as_deref(), api.status), ("The server had an error", Some("server_error"), None))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(final_of(&dec)["output_text"], "par");

        let plain = "event: error\ndata: upstream exploded\n\n";
        assert!(matches!(run(plain.as_bytes(), 0, Output::Text).1, Err(Error::Api(a)) if a.message == "upstream exploded"));

        let failed = format!(
            "{prefix}{}",
            ev(
                "response.failed",
                r#","response":{"id":"r","status":"failed","error":{"code":"rate_limit_exceeded","message":"slow down"},"output":[]}"#
            )
        );
        let (_, res, dec) = run(failed.as_bytes(), 0, Output::Chunks);
        assert!(matches!(res, Err(Error::Api(a)) if a.code.as_deref() == Some("rate_limit_exceeded")));
        let v = final_of(&dec);
        assert_eq!(v["status"], "failed");
        assert_eq!(v["output_text"], "par", "the failed response keeps the text that arrived");
    }

    #[test]
    fn incomplete_is_a_result_and_done_marker_stops() {
        let body = format!(
            "{}data: [DONE]\n\n",
            ev(
                "response.incomplete",
                r#","response":{"id":"r","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[]}"#
            )
        );
        let (_, res, dec) = run(body.as_bytes(), 0, Output::None);
        assert!(res.is_ok());
        assert_eq!(final_of(&dec)["incomplete_details"]["reason"], "max_output_tokens");
        let (_, res, _) = run(b"data: [DONE]\n\n", 0, Output::None);
        assert!(matches!(res, Err(Error::Truncated { .. })), "[DONE] alone is not a response");
    }

    #[test]
    fn malformed_and_untyped_events() {
        assert!(matches!(run(b"data: {\"type\":\n\n", 0, Output::Text).1, Err(Error::MalformedEvent { .. })));
        assert!(
            matches!(run(b"data: {\"delta\":\"x\"}\n\n", 0, Output::Text).1, Err(Error::MalformedEvent { message, .. }) if message.contains("without a type"))
        );
    }

    #[test]
    fn json_body_and_non_stream_output_text() {
        let body = br#"{"id":"r","object":"response","status":"completed","output":[{"type":"reasoning","summary":[]},{"type":"message","content":[{"type":"output_text","text":"A"},{"type":"refusal","refusal":"no"},{"type":"output_text","text":"B"}]}]}"#;
        let mut dec = EventStreamDecoder::new(ResponsesProtocol::default());
        dec.push_json_body(body, 200, Output::Chunks).unwrap();
        let batch: Vec<Value> = serde_json::from_str(&dec.take_output().unwrap()).unwrap();
        assert_eq!(batch[0]["type"], "response.completed");
        assert_eq!(batch[0]["response"]["output_text"], "AB");
        dec.finish().unwrap();
        assert_eq!(final_of(&dec)["output_text"], "AB");
        assert!(with_output_text(r#"{"id":"r"}"#).is_err());
        assert!(with_output_text(r#"{"output":[],"output_text":"stale"}"#).unwrap().ends_with(r#""output_text":""}"#));
        let typed: Response = serde_json::from_str(&with_output_text(std::str::from_utf8(body).unwrap()).unwrap()).unwrap();
        assert_eq!(typed.output_text, "AB");
        assert_eq!(typed.output.len(), 2);
        // Only message items count: the package sends every other item as {}.
        let message = r#"{"type":"message","content":[{"type":"output_text","text":"A cat"}]}"#;
        let image = r#"{"type":"image_generation_call","result":"iVBORw0KGgo","content":[{"type":"output_text","text":"no"}]}"#;
        assert_eq!(output_text_of(&format!("[{image},{message}]")), output_text_of(&format!("[{{}},{message}]")));
        assert_eq!(output_text_of(&format!("[{image},{message}]")), "A cat");
    }
}
