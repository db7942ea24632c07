//! The tool-calling loop's decisions, without I/O: what to send each round, which calls to run,
//! what goes back to the model, and when to stop.
//!
//! [`ToolLoop`] holds the conversation of one run as JSON texts. Each round: send
//! [`request_body`](ToolLoop::request_body), hand the completion to
//! [`on_completion`](ToolLoop::on_completion), run the calls it marks runnable (in parallel), and
//! give their results to [`on_results`](ToolLoop::on_results). It stops when the model answers
//! without tools, when its answer was cut off at `max_tokens` (cut-off calls are never run), or
//! after `max_rounds` requests. A call that must not run (incomplete arguments, an unknown tool,
//! the round limit) still gets a `role: "tool"` message saying why, so the history stays valid to
//! send again. The JS `runTools` and the Rust [`run()`] driver both use it.
//!
//! ```
//! use llmwire::protocol::tools::{Stop, ToolLoop};
//! let request = r#"{"model":"yi-large-fc","messages":[{"role":"user","content":"12*7?"}],
//!   "tools":[{"type":"function","function":{"name":"calc","parameters":{"type":"object"}}}]}"#;
//! let mut run = ToolLoop::new(request, &["calc"], 10)?;
//! assert!(run.request_body(false, false).contains(r#""stream":false"#));
//! let plan = run.on_completion(r#"{"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
//!   "tool_calls":[{"id":"c1","type":"function","function":{"name":"calc","arguments":"{\"x\":\"12*7\"}"}}]}}]}"#)?;
//! assert_eq!((plan.stop, plan.calls[0].runnable()), (None, true));
//! run.on_results(&[("c1", Ok("84"))])?;
//! let plan = run.on_completion(r#"{"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"84"}}]}"#)?;
//! assert_eq!(plan.stop, Some(Stop::Finished("stop".into())));
//! assert_eq!(run.new_messages().len(), 3);
//! # Ok::<(), llmwire::Error>(())
//! ```

pub mod run;

use crate::protocol::chat::tool_calls::check_call;
use crate::protocol::error::{snippet_of, Error};
use crate::protocol::json::{self, Kind, ObjectWriter, Reader};
use std::borrow::Cow;

pub use run::{run, Outcome, RunError, ToolErrors, ToolFuture, ToolSet};

/// Requests a run makes at most unless told otherwise (openai-node's `maxChatCompletions`).
pub const DEFAULT_MAX_ROUNDS: u32 = 10;

/// Why a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The model's last answer ended with this finish reason (`stop`, or `length` when it was
    /// cut off) and asked for no tool that could run.
    Finished(String),
    /// The run made `max_rounds` requests; the last answer's calls were not run.
    MaxRounds,
}

impl Stop {
    /// The finish reason, or `max_rounds`.
    pub fn as_str(&self) -> &str {
        match self {
            Stop::Finished(reason) => reason,
            Stop::MaxRounds => "max_rounds",
        }
    }
}

/// One tool call of a round, as it will be run (or why it will not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The call's id, unique in the run (filled in when the model sent none, or one it had used).
    pub id: String,
    /// The function's name.
    pub name: String,
    /// The arguments, one JSON object text when the call is runnable.
    pub arguments: String,
    /// Why the call is not run; this text goes back to the model as its result.
    pub skip: Option<String>,
}

impl Call {
    /// Whether the call is to be run.
    pub fn runnable(&self) -> bool {
        self.skip.is_none()
    }
}

/// What a round's completion asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The calls of the answer, in order.
    pub calls: Vec<Call>,
    /// `Some` when the run is over (no call will be run).
    pub stop: Option<Stop>,
    /// How many messages the completion added: its assistant message, and, when the run stops,
    /// the results of the calls that were not run.
    pub added: usize,
}

/// A result the caller gives for a runnable call: its content, or the error text of a tool that
/// failed.
pub type ToolResult<'a> = Result<&'a str, &'a str>;

/// The state of one tool-calling run.
#[derive(Debug, Clone)]
pub struct ToolLoop {
    /// The request's members but `messages` and `stream`, as raw JSON.
    params: Vec<(String, String)>,
    messages: Vec<String>,
    initial: usize,
    tools: Vec<String>,
    max_rounds: u32,
    rounds: u32,
    /// Whether `tool_choice` forces a tool: it does so in the first round only.
    forced_choice: bool,
    pending: Vec<Call>,
    stop: Option<Stop>,
    /// Call ids of earlier rounds: a model that repeats one gets a fresh id.
    used_ids: Vec<String>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidArgument { message: message.into() }
}

impl ToolLoop {
    /// Starts a run of `request` (a chat request object with `messages` and `tools`), with a
    /// function for each tool named in `runnable`. Every declared tool must have one.
    pub fn new(request: &str, runnable: &[&str], max_rounds: u32) -> Result<Self, Error> {
        if max_rounds == 0 {
            return Err(invalid("maxRounds must be at least 1"));
        }
        let members = json::members(request).map_err(|_| invalid("runTools expects a params object"))?;
        let mut run = ToolLoop {
            params: Vec::new(),
            messages: Vec::new(),
            initial: 0,
            tools: Vec::new(),
            max_rounds,
            rounds: 0,
            forced_choice: false,
            pending: Vec::new(),
            stop: None,
            used_ids: Vec::new(),
        };
        let mut saw_messages = false;
        for (key, raw) in members {
            match key.as_ref() {
                "messages" => {
                    saw_messages = true;
                    Reader::new(raw)
                        .array(|r| {
                            run.messages.push(r.raw()?.to_string());
                            Ok(())
                        })
                        .map_err(|_| invalid("messages must be an array"))?;
                }
                "stream" => {}
                _ => {
                    if key == "tools" {
                        run.tools = tool_names(raw)?;
                    }
                    if key == "tool_choice" {
                        run.forced_choice = raw.trim() != "\"auto\"" && raw.trim() != "\"none\"" && raw.trim() != "null";
                    }
                    run.params.push((key.into_owned(), raw.to_string()));
                }
            }
        }
        if !saw_messages {
            return Err(invalid("runTools needs messages"));
        }
        if run.tools.is_empty() {
            return Err(invalid("runTools needs at least one tool"));
        }
        if let Some(name) = run.tools.iter().find(|t| !runnable.contains(&t.as_str())) {
            return Err(invalid(format!("the tool \"{name}\" has no function to run")));
        }
        run.initial = run.messages.len();
        Ok(run)
    }

    /// Requests sent so far.
    pub fn rounds(&self) -> u32 {
        self.rounds
    }

    /// Why the run ended, once it has.
    pub fn stop(&self) -> Option<&Stop> {
        self.stop.as_ref()
    }

    /// The next request: the original parameters with the messages so far and `stream` set;
    /// with `usage`, it asks for usage (`stream_options.include_usage`) unless the parameters
    /// have `stream_options`. After the first round a forcing `tool_choice` becomes `"auto"`, so
    /// the model can answer.
    pub fn request_body(&self, stream: bool, usage: bool) -> String {
        let mut out = String::with_capacity(256 + self.messages.iter().map(String::len).sum::<usize>());
        let mut w = ObjectWriter::new(&mut out);
        self.write_params(&mut w, usage);
        write_array(w.key("messages"), &self.messages);
        w.bool("stream", stream);
        w.finish();
        out
    }

    /// The next request's members but `messages` and `stream`, as a JSON object: what
    /// [`request_body`](Self::request_body) sends around the conversation, for a caller that
    /// keeps the conversation itself (see [`take_new_messages`](Self::take_new_messages)).
    ///
    /// ```
    /// # use llmwire::protocol::tools::ToolLoop;
    /// let request = r#"{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"f"}}],"stream":true}"#;
    /// let run = ToolLoop::new(request, &["f"], 3)?;
    /// assert_eq!(run.request_params(true), r#"{"model":"m","tools":[{"type":"function","function":{"name":"f"}}],"stream_options":{"include_usage":true}}"#);
    /// # Ok::<(), llmwire::Error>(())
    /// ```
    pub fn request_params(&self, usage: bool) -> String {
        let mut out = String::with_capacity(256);
        let mut w = ObjectWriter::new(&mut out);
        self.write_params(&mut w, usage);
        w.finish();
        out
    }

    fn write_params(&self, w: &mut ObjectWriter<'_>, usage: bool) {
        for (key, raw) in &self.params {
            let auto = key == "tool_choice" && self.forced_choice && self.rounds > 0;
            w.raw(key, if auto { "\"auto\"" } else { raw });
        }
        if usage && !self.params.iter().any(|(key, _)| key == "stream_options") {
            w.raw("stream_options", r#"{"include_usage":true}"#);
        }
    }

    /// Every message of the run, the caller's included, as a JSON array text.
    pub fn messages_json(&self) -> String {
        let mut out = String::new();
        write_array(&mut out, &self.messages);
        out
    }

    /// The messages the run added (assistant answers and tool results), as JSON texts; since the
    /// last [`take_new_messages`](Self::take_new_messages), if any.
    pub fn new_messages(&self) -> &[String] {
        self.messages.get(self.initial..).unwrap_or_default()
    }

    /// Moves out the messages the run added since it started or since the last take, for a
    /// caller that keeps the conversation itself and sends [`request_params`](Self::request_params)
    /// with it: the run then holds no message longer than a round (the package's `runTools`, whose
    /// wasm memory would otherwise grow with the conversation and never shrink).
    /// [`request_body`](Self::request_body) and [`messages_json`](Self::messages_json) leave the
    /// taken messages out.
    pub fn take_new_messages(&mut self) -> Vec<String> {
        self.messages.split_off(self.initial.min(self.messages.len()))
    }

    /// Takes a round's chat completion: appends its assistant message (choice 0) and decides
    /// which calls run. When it stops the run, the calls that were not run get their results at
    /// once.
    pub fn on_completion(&mut self, completion: &str) -> Result<Plan, Error> {
        if self.stop.is_some() {
            return Err(invalid("the run has ended"));
        }
        if !self.pending.is_empty() {
            return Err(invalid("the results of the last round are missing"));
        }
        self.rounds += 1;
        let answer = Answer::read_avoiding(completion, self.rounds, &self.used_ids)?;
        self.used_ids.extend(answer.calls.iter().map(|c| c.id.clone()));
        self.messages.push(answer.message);
        let finish = answer.finish_reason.unwrap_or_else(|| "stop".to_string());
        let mut calls = answer.calls;
        for call in &mut calls {
            if call.skip.is_none() && !self.tools.contains(&call.name) {
                call.skip = Some(format!("there is no tool named \"{}\"", call.name));
            }
        }
        let stop = if calls.is_empty() || finish == "length" {
            Some(Stop::Finished(finish))
        } else if self.rounds >= self.max_rounds {
            for call in calls.iter_mut().filter(|c| c.skip.is_none()) {
                call.skip = Some(format!("the run reached its limit of {} requests", self.max_rounds));
            }
            Some(Stop::MaxRounds)
        } else {
            None
        };
        let before = self.messages.len();
        if stop.is_some() {
            for call in &calls {
                self.messages.push(tool_message(&call.id, &not_run(call.skip.as_deref().unwrap_or_default())));
            }
            self.stop = stop.clone();
        } else {
            self.pending = calls.clone();
        }
        Ok(Plan { calls, stop, added: 1 + self.messages.len() - before })
    }

    /// Takes the results of the runnable calls of the last round (by call id, in any order) and
    /// appends one `role: "tool"` message per call, in the calls' order. A failed tool's text
    /// goes back as `Error: <text>`. Returns how many messages were added.
    pub fn on_results(&mut self, results: &[(&str, ToolResult<'_>)]) -> Result<usize, Error> {
        let mut contents = Vec::with_capacity(self.pending.len());
        for call in &self.pending {
            let content = match &call.skip {
                Some(why) => not_run(why),
                None => match results.iter().find(|(id, _)| *id == call.id) {
                    Some((_, Ok(text))) => Cow::Borrowed(*text),
                    Some((_, Err(text))) => Cow::Owned(format!("Error: {text}")),
                    None => return Err(invalid(format!("no result was given for the tool call {}", call.id))),
                },
            };
            contents.push(tool_message(&call.id, &content));
        }
        let added = contents.len();
        self.messages.extend(contents);
        self.pending.clear();
        Ok(added)
    }
}

/// A string or number member as text; other values are skipped.
fn opt_text<'a>(r: &mut Reader<'a>) -> Result<Option<Cow<'a, str>>, json::JsonError> {
    match r.peek()? {
        Kind::String => r.string().map(Some),
        Kind::Number => r.number().map(|n| Some(Cow::Borrowed(n))),
        _ => r.skip().map(|_| None),
    }
}

fn not_run(why: &str) -> Cow<'static, str> {
    Cow::Owned(format!("Error: the tool was not run: {why}"))
}

/// JSON texts as a JSON array.
pub(crate) fn write_array(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
}

/// A `role: "tool"` message answering `id`.
pub fn tool_message(id: &str, content: &str) -> String {
    let mut out = String::with_capacity(content.len() + id.len() + 48);
    let mut w = ObjectWriter::new(&mut out);
    w.str("role", "tool").str("tool_call_id", id).str("content", content);
    w.finish();
    out
}

/// The function names of a `tools` parameter; each must be a function tool with a unique name.
fn tool_names(raw: &str) -> Result<Vec<String>, Error> {
    let mut names = Vec::new();
    let mut position = 0;
    Reader::new(raw)
        .array(|r| {
            let mut name = None;
            let mut kind = None;
            r.object(|key, r| {
                match key.as_ref() {
                    "type" => kind = r.opt_string()?,
                    "function" if r.peek()? == Kind::Object => r.object(|key, r| {
                        match key.as_ref() {
                            "name" => name = r.opt_string()?,
                            _ => r.skip()?,
                        }
                        Ok(())
                    })?,
                    _ => r.skip()?,
                }
                Ok(())
            })?;
            names.push((position, kind, name));
            position += 1;
            Ok(())
        })
        .map_err(|_| invalid("tools must be an array of function tools"))?;
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for (position, kind, name) in names {
        if kind.as_deref().is_some_and(|k| k != "function") {
            return Err(invalid(format!("tools[{position}] is not a function tool")));
        }
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            return Err(invalid(format!("tools[{position}] has no function name")));
        };
        if out.iter().any(|n| *n == name) {
            return Err(invalid(format!("two tools are named \"{name}\"")));
        }
        out.push(name.into_owned());
    }
    Ok(out)
}

/// Choice 0 of a completion, made ready to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The assistant message as it goes into the history: `null` members left out (but
    /// `content`), an empty `tool_calls` left out, call ids filled in, empty arguments as `{}`.
    pub message: String,
    /// Its tool calls, checked ([`check_call`]).
    pub calls: Vec<Call>,
    /// The choice's finish reason.
    pub finish_reason: Option<String>,
}

/// A tool call as read from a message.
#[derive(Default)]
struct RawCall<'a> {
    id: Option<Cow<'a, str>>,
    call_type: Option<Cow<'a, str>>,
    name: Option<Cow<'a, str>>,
    arguments: Option<Cow<'a, str>>,
    function_extra: Vec<(Cow<'a, str>, &'a str)>,
    extra: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> RawCall<'a> {
    fn read(r: &mut Reader<'a>) -> Result<Self, json::JsonError> {
        let mut call = RawCall::default();
        r.object(|key, r| {
            match key.as_ref() {
                "id" => call.id = opt_text(r)?,
                "type" => call.call_type = r.opt_string()?,
                "function" if r.peek()? == Kind::Object => r.object(|key, r| {
                    match key.as_ref() {
                        "name" => call.name = r.opt_string()?,
                        // Some servers send the arguments as an object rather than its text.
                        "arguments" if r.peek()? == Kind::Object => call.arguments = Some(Cow::Borrowed(r.raw()?)),
                        "arguments" => call.arguments = r.opt_string()?,
                        _ => call.function_extra.push((key, r.raw()?)),
                    }
                    Ok(())
                })?,
                _ => call.extra.push((key, r.raw()?)),
            }
            Ok(())
        })?;
        Ok(call)
    }
}

impl Answer {
    /// Reads choice 0 (or the first choice) of `completion`; `round` numbers the ids it fills in.
    pub fn read(completion: &str, round: u32) -> Result<Answer, Error> {
        Self::read_avoiding(completion, round, &[])
    }

    /// [`read`](Self::read), also replacing call ids that are in `taken`.
    fn read_avoiding(completion: &str, round: u32, taken: &[String]) -> Result<Answer, Error> {
        let bad = |message: String| Error::InvalidResponse { message, snippet: snippet_of(completion.as_bytes()) };
        // (index, finish_reason, message) of the choice picked so far.
        type Choice<'a> = (Option<u64>, Option<Cow<'a, str>>, &'a str);
        let mut chosen: Option<Choice<'_>> = None;
        let mut r = Reader::new(completion);
        r.object(|key, r| {
            if key != "choices" || r.peek()? != Kind::Array {
                return r.skip();
            }
            r.array(|r| {
                let (mut index, mut finish, mut message) = (None, None, None);
                r.object(|key, r| {
                    match key.as_ref() {
                        "index" if r.peek()? == Kind::Number => index = r.index()?,
                        "finish_reason" => finish = opt_text(r)?,
                        "message" if r.peek()? == Kind::Object => message = Some(r.raw()?),
                        _ => r.skip()?,
                    }
                    Ok(())
                })?;
                let better = match &chosen {
                    None => true,
                    Some((i, _, _)) => *i != Some(0) && index == Some(0),
                };
                if better {
                    chosen = Some((index, finish, message.unwrap_or("{}")));
                }
                Ok(())
            })
        })
        .and_then(|_| r.end())
        .map_err(|e| bad(format!("expected a chat completion: {e}")))?;
        let Some((_, finish, message)) = chosen else {
            return Err(bad("the completion has no choices".into()));
        };
        let finish = finish.map(Cow::into_owned);
        let (message, calls) =
            clean_message(message, round, finish.as_deref(), taken).map_err(|e| bad(format!("unreadable assistant message: {e}")))?;
        Ok(Answer { message, calls, finish_reason: finish })
    }
}

/// Rewrites an assistant message for the history and checks its tool calls.
fn clean_message(raw: &str, round: u32, finish: Option<&str>, taken: &[String]) -> Result<(String, Vec<Call>), json::JsonError> {
    let mut out = String::with_capacity(raw.len() + 32);
    let mut calls = Vec::new();
    let mut w = ObjectWriter::new(&mut out);
    w.str("role", "assistant");
    let mut has_content = false;
    let mut r = Reader::new(raw);
    r.object(|key, r| {
        match key.as_ref() {
            "role" => r.skip()?,
            "content" => {
                has_content = true;
                w.raw("content", r.raw()?);
            }
            "tool_calls" if r.peek()? == Kind::Array => {
                let mut raw_calls = Vec::new();
                r.array(|r| {
                    if r.peek()? == Kind::Object {
                        raw_calls.push(RawCall::read(r)?);
                    } else {
                        r.skip()?;
                    }
                    Ok(())
                })?;
                if !raw_calls.is_empty() {
                    write_calls(w.key("tool_calls"), &raw_calls, round, taken, finish, &mut calls);
                }
            }
            _ => {
                let value = r.raw()?;
                if value != "null" {
                    w.raw(&key, value);
                }
            }
        }
        Ok(())
    })?;
    if !has_content {
        w.raw("content", "null");
    }
    w.finish();
    Ok((out, calls))
}

fn write_calls(out: &mut String, raw_calls: &[RawCall<'_>], round: u32, taken: &[String], finish: Option<&str>, calls: &mut Vec<Call>) {
    out.push('[');
    for (i, call) in raw_calls.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let name = call.name.as_deref().unwrap_or_default();
        let given = call.arguments.as_deref().unwrap_or_default();
        let checked = check_call(name, given, finish);
        let arguments = if given.trim().is_empty() { "{}" } else { given };
        let mut id = call.id.as_deref().unwrap_or_default().to_string();
        if id.is_empty() || calls.iter().any(|c: &Call| c.id == id) || taken.contains(&id) {
            id = format!("call_llmwire_{round}_{i}");
        }
        let mut w = ObjectWriter::new(out);
        w.str("id", &id).str("type", call.call_type.as_deref().filter(|t| !t.is_empty()).unwrap_or("function"));
        {
            let mut f = ObjectWriter::new(w.key("function"));
            f.str("name", name).str("arguments", arguments);
            for (key, raw) in &call.function_extra {
                f.raw(key, raw);
            }
            f.finish();
        }
        for (key, raw) in &call.extra {
            w.raw(key, raw);
        }
        w.finish();
        calls.push(Call { id, name: name.to_string(), arguments: arguments.to_string(), skip: checked.err().map(|why| why.to_string()) });
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const CALC: &str = r#"{"model":"yi-large-fc","temperature":0.1,"messages":[{"role":"system","content":"s"},{"role":"user","content":"u"}],"stream":true,
        "tools":[{"type":"function","function":{"name":"calculator"}},{"type":"function","function":{"name":"lookup"}}]}"#;

    fn v(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    fn completion(message: Value, finish: &str) -> String {
        json!({"id": "c", "choices": [{"index": 0, "message": message, "finish_reason": finish}]}).to_string()
    }

    fn call(id: &str, name: &str, args: &str) -> Value {
        json!({"id": id, "type": "function", "function": {"name": name, "arguments": args}})
    }

    #[test]
    fn a_run_with_parallel_calls() {
        let mut run = ToolLoop::new(CALC, &["calculator", "lookup"], 10).unwrap();
        let body = v(&run.request_body(true, false));
        assert_eq!((body["stream"].clone(), body["temperature"].clone()), (json!(true), json!(0.1)));
        assert_eq!(body["messages"].as_array().unwrap().len(), 2);
        assert_eq!(body.get("stream_options"), None);
        assert_eq!(v(&run.request_body(true, true))["stream_options"], json!({"include_usage": true}));
        let first = completion(
            json!({"role": "assistant", "content": null, "refusal": null,
            "tool_calls": [call("a", "calculator", r#"{"x":1}"#), call("b", "lookup", "")]}),
            "tool_calls",
        );
        let plan = run.on_completion(&first).unwrap();
        assert_eq!(plan.stop, None);
        assert_eq!(plan.added, 1);
        assert_eq!(
            plan.calls.iter().map(|c| (c.id.as_str(), c.arguments.as_str(), c.runnable())).collect::<Vec<_>>(),
            [("a", r#"{"x":1}"#, true), ("b", "{}", true)]
        );
        // Results in any order; messages in the calls' order.
        assert_eq!(run.on_results(&[("b", Err("no such key")), ("a", Ok("2"))]).unwrap(), 2);
        let msgs = v(&run.messages_json());
        assert_eq!(
            msgs[2],
            json!({"role": "assistant", "content": null, "tool_calls": [call("a", "calculator", r#"{"x":1}"#), call("b", "lookup", "{}")]})
        );
        assert_eq!(msgs[3], json!({"role": "tool", "tool_call_id": "a", "content": "2"}));
        assert_eq!(msgs[4], json!({"role": "tool", "tool_call_id": "b", "content": "Error: no such key"}));
        let plan = run.on_completion(&completion(json!({"role": "assistant", "content": "done"}), "stop")).unwrap();
        assert_eq!(plan.stop, Some(Stop::Finished("stop".into())));
        assert_eq!(run.new_messages().len(), 4);
        assert_eq!(v(&run.request_body(false, false))["messages"].as_array().unwrap().len(), 6);
        assert!(run.on_completion(&first).is_err(), "a finished run takes no more rounds");
    }

    #[test]
    fn cut_off_calls_stop_the_run_and_are_never_run() {
        let mut run = ToolLoop::new(CALC, &["calculator", "lookup"], 10).unwrap();
        let plan = run.on_completion(&completion(json!({"tool_calls": [call("a", "calculator", r#"{"x":"#)]}), "length")).unwrap();
        assert_eq!(plan.stop, Some(Stop::Finished("length".into())));
        assert!(!plan.calls[0].runnable());
        assert_eq!(plan.added, 2);
        let tool = v(&run.new_messages()[1]);
        assert_eq!(tool["tool_call_id"], "a");
        assert!(tool["content"].as_str().unwrap().starts_with("Error: the tool was not run: the answer was cut off"), "{tool}");
    }

    #[test]
    fn invalid_or_unknown_calls_are_reported_to_the_model() {
        let mut run = ToolLoop::new(CALC, &["calculator", "lookup"], 10).unwrap();
        let plan = run
            .on_completion(&completion(
                json!({"tool_calls": [call("a", "calculator", r#"{"x": 1"#), call("b", "search", "{}"), call("c", "lookup", "[1]")]}),
                "tool_calls",
            ))
            .unwrap();
        assert_eq!(plan.stop, None);
        assert!(plan.calls.iter().all(|c| !c.runnable()));
        run.on_results(&[]).unwrap();
        let msgs = run.new_messages();
        assert!(msgs[1].contains("not valid JSON"), "{}", msgs[1]);
        assert!(msgs[2].contains(r#"no tool named \"search\""#), "{}", msgs[2]);
        assert!(msgs[3].contains("not a JSON object"), "{}", msgs[3]);
    }

    #[test]
    fn max_rounds_stops_without_running_the_last_calls() {
        let mut run = ToolLoop::new(CALC, &["calculator", "lookup"], 2).unwrap();
        let asks = completion(json!({"tool_calls": [call("a", "calculator", "{}")]}), "tool_calls");
        assert_eq!(run.on_completion(&asks).unwrap().stop, None);
        run.on_results(&[("a", Ok("1"))]).unwrap();
        let plan = run.on_completion(&asks).unwrap();
        assert_eq!(plan.stop, Some(Stop::MaxRounds));
        assert_eq!(plan.stop.as_ref().map(Stop::as_str), Some("max_rounds"));
        assert!(!plan.calls[0].runnable());
        assert!(run.new_messages().last().unwrap().contains("limit of 2 requests"));
        assert_eq!(run.rounds(), 2);
    }

    #[test]
    fn ids_are_filled_and_made_unique() {
        let mut run = ToolLoop::new(CALC, &["calculator", "lookup"], 10).unwrap();
        let msg = json!({"tool_calls": [
            {"function": {"name": "calculator", "arguments": "{}"}},
            call("same", "lookup", "{}"),
            {"id": "same", "function": {"name": "lookup", "arguments": {"q": 1}}, "extra_content": {"google": {"thought_signature": "sig"}}},
        ]});
        let plan = run.on_completion(&completion(msg, "tool_calls")).unwrap();
        let ids: Vec<&str> = plan.calls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["call_llmwire_1_0", "same", "call_llmwire_1_2"]);
        assert_eq!(plan.calls[2].arguments, r#"{"q":1}"#);
        let sent = v(&run.new_messages()[0]);
        assert_eq!(sent["tool_calls"][0]["type"], "function");
        assert_eq!(sent["tool_calls"][2]["id"], "call_llmwire_1_2");
        // Provider extras on a call (Gemini's thought signature) go back with it.
        assert_eq!(sent["tool_calls"][2]["extra_content"]["google"]["thought_signature"], "sig");
        assert!(run.on_results(&[("call_llmwire_1_0", Ok("x"))]).is_err(), "every runnable call needs a result");
        run.on_results(&[("call_llmwire_1_0", Ok("x")), ("same", Ok("y")), ("call_llmwire_1_2", Ok("z"))]).unwrap();
        // An id repeated in a later round (LiteLLM's mock_tool_calls does that) is replaced too.
        let plan = run.on_completion(&completion(json!({"tool_calls": [call("same", "lookup", "{}")]}), "tool_calls")).unwrap();
        assert_eq!(plan.calls[0].id, "call_llmwire_2_0");
    }

    #[test]
    fn usage_is_asked_unless_the_parameters_say() {
        let own = ToolLoop::new(&CALC.replace(r#""stream":true"#, r#""stream_options":null"#), &["calculator", "lookup"], 10).unwrap();
        assert_eq!(v(&own.request_body(true, true))["stream_options"], Value::Null);
        assert_eq!(own.request_body(true, true).matches("stream_options").count(), 1);
    }

    #[test]
    fn a_forced_tool_choice_applies_to_the_first_round_only() {
        let request = CALC.replace(r#""temperature":0.1"#, r#""tool_choice":{"type":"function","function":{"name":"lookup"}}"#);
        let mut run = ToolLoop::new(&request, &["calculator", "lookup"], 10).unwrap();
        assert_eq!(v(&run.request_body(false, false))["tool_choice"]["function"]["name"], "lookup");
        run.on_completion(&completion(json!({"tool_calls": [call("a", "lookup", "{}")]}), "tool_calls")).unwrap();
        run.on_results(&[("a", Ok("r"))]).unwrap();
        assert_eq!(v(&run.request_body(false, false))["tool_choice"], "auto");
        let request = CALC.replace(r#""temperature":0.1"#, r#""tool_choice":"auto""#);
        let mut run = ToolLoop::new(&request, &["calculator", "lookup"], 10).unwrap();
        run.on_completion(&completion(json!({"tool_calls": [call("a", "lookup", "{}")]}), "tool_calls")).unwrap();
        assert_eq!(v(&run.request_body(false, false))["tool_choice"], "auto");
    }

    #[test]
    fn bad_requests_and_answers() {
        let without = |needle: &str, with: &str| CALC.replace(needle, with);
        assert!(ToolLoop::new(CALC, &["calculator"], 10).unwrap_err().to_string().contains("\"lookup\" has no function"));
        assert!(ToolLoop::new(CALC, &["calculator", "lookup"], 0).is_err());
        assert!(ToolLoop::new("[]", &[], 1).is_err());
        assert!(ToolLoop::new(&without(r#""name":"lookup""#, r#""name":"calculator""#), &["calculator"], 1)
            .unwrap_err()
            .to_string()
            .contains("two tools"));
        assert!(ToolLoop::new(&without(r#"{"name":"lookup"}"#, "{}"), &["calculator"], 1)
            .unwrap_err()
            .to_string()
            .contains("tools[1] has no function name"));
        assert!(ToolLoop::new(r#"{"messages":[],"tools":[]}"#, &[], 1).is_err());
        assert!(ToolLoop::new(r#"{"tools":[{"type":"function","function":{"name":"f"}}]}"#, &["f"], 1).is_err());
        let mut run = ToolLoop::new(CALC, &["calculator", "lookup"], 10).unwrap();
        assert_eq!(run.on_completion(r#"{"choices":[]}"#).unwrap_err().class_name(), "InvalidResponseError");
        assert!(run.on_completion("not json").is_err());
        // A choice without a message is an answer without content.
        let plan = run.on_completion(r#"{"choices":[{"index":0,"finish_reason":"stop"}]}"#).unwrap();
        assert_eq!(plan.stop, Some(Stop::Finished("stop".into())));
        assert_eq!(v(&run.new_messages()[0]), json!({"role": "assistant", "content": null}));
    }

    #[test]
    fn choice_zero_is_used_whatever_its_position() {
        let c = r#"{"choices":[{"index":1,"message":{"content":"one"},"finish_reason":"stop"},{"index":0,"message":{"content":"zero","tool_calls":[]},"finish_reason":"stop"}]}"#;
        let a = Answer::read(c, 1).unwrap();
        assert_eq!(v(&a.message), json!({"role": "assistant", "content": "zero"}));
        assert_eq!(a.finish_reason.as_deref(), Some("stop"));
    }
}
