//! `client.chat().run_tools(…)`: the tool-calling loop with Rust closures as tools, and
//! `client.chat().parse(…)`: a JSON answer as a typed value.
//!
//! ```no_run
//! # async fn demo(client: llmwire::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use llmwire::client::RunOptions;
//! use llmwire::protocol::tools::ToolSet;
//! let mut tools = ToolSet::new();
//! tools.add(r#"{"name":"calculator","parameters":{"type":"object","properties":{"pre_value":{"type":"string"},"current_value":{"type":"string"}}}}"#,
//!     |args| async move {
//!         let v: serde_json::Value = serde_json::from_str(&args).map_err(|e| e.to_string())?;
//!         let num = |k: &str| v[k].as_str().and_then(|s| s.parse::<f64>().ok()).ok_or(format!("{k} is not a number"));
//!         let (a, b) = (num("pre_value")?, num("current_value")?);
//!         Ok(format!("{:.2}%", (b - a) / a * 100.0))
//!     })?;
//! let run = client.chat().run_tools(&serde_json::json!({"model": "yi-large-fc",
//!     "messages": [{"role": "user", "content": "Revenue went from 28.89 to 29.12. By how much?"}]}),
//!     &tools, RunOptions::default(), None).await?;
//! println!("{}", run.final_content().unwrap_or_default());
//! # Ok(()) }
//! ```
use super::chat::Chat;
use super::request::{to_body, typed};
use crate::protocol::chat::ChatCompletion;
use crate::protocol::error::Error;
use crate::protocol::json::Reader;
use crate::protocol::structured::{json_answer, parsed_choices, OutputError};
use crate::protocol::tools::{self, RunError, Stop, ToolErrors, ToolLoop, ToolSet, DEFAULT_MAX_ROUNDS};
use crate::transport::timer::AbortWatch;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use std::fmt;
use web_sys::AbortSignal;

/// How [`Chat::run_tools`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Requests made at most (default 10).
    pub max_rounds: u32,
    /// Stream each round (its events go to the `on_event` of [`Chat::run_tools_with_events`]).
    pub stream: bool,
    /// What a failing tool does to the run (default: its error goes back to the model).
    pub tool_errors: ToolErrors,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { max_rounds: DEFAULT_MAX_ROUNDS, stream: false, tool_errors: ToolErrors::Report }
    }
}

/// A finished tool-calling run.
#[derive(Debug, Clone)]
pub struct ToolRun {
    /// Why it ended: the last answer's finish reason, or `max_rounds`.
    pub stop: Stop,
    /// Requests made.
    pub rounds: u32,
    /// The last round's chat completion.
    pub completion: ChatCompletion,
    /// Every message of the run (the request's included), as JSON texts.
    pub messages: Vec<String>,
}

impl ToolRun {
    /// The text of the model's last answer.
    pub fn final_content(&self) -> Option<&str> {
        self.completion.text()
    }
}

/// A JSON answer as a typed value, with its completion.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    /// Choice 0's answer.
    pub value: T,
    /// The whole completion.
    pub completion: ChatCompletion,
}

/// Why [`Chat::parse`] failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    /// The request failed.
    Request(Error),
    /// The answer is not valid JSON (or a refusal); the error keeps its text.
    Output(OutputError),
    /// The JSON does not have the type asked for.
    Type {
        /// What serde reported.
        message: String,
        /// The answer's JSON text.
        raw: String,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Request(e) => e.fmt(f),
            ParseError::Output(e) => e.fmt(f),
            ParseError::Type { message, .. } => write!(f, "the answer does not have the expected type: {message}"),
        }
    }
}

impl std::error::Error for ParseError {}

impl From<Error> for ParseError {
    fn from(e: Error) -> Self {
        ParseError::Request(e)
    }
}

impl Chat<'_> {
    /// Runs the tool-calling loop: sends `request` with `tools` added, runs the calls the model
    /// asks for (concurrently), sends their results back, until the model answers without tools
    /// or `max_rounds` requests were made. See [`crate::protocol::tools`] for every rule.
    pub async fn run_tools<R: Serialize>(
        &self,
        request: &R,
        tools: &ToolSet,
        options: RunOptions,
        signal: Option<&AbortSignal>,
    ) -> Result<ToolRun, RunError> {
        self.run_tools_with_events(request, tools, options, signal, &mut |_| {}).await
    }

    /// [`run_tools`](Self::run_tools), calling `on_event` with each event as JSON text: the
    /// stream events of streamed rounds ([`crate::protocol::chat::events`]) and
    /// `{"type":"message","message":…}` for each message the run adds.
    pub async fn run_tools_with_events<R: Serialize>(
        &self,
        request: &R,
        tools: &ToolSet,
        options: RunOptions,
        signal: Option<&AbortSignal>,
        on_event: &mut dyn FnMut(&str),
    ) -> Result<ToolRun, RunError> {
        let body = with_tools(request, tools)?;
        let mut state = ToolLoop::new(&body, &tools.names(), options.max_rounds)?;
        let events = RefCell::new(on_event);
        let chat = *self;
        let send = |body: String| {
            let events = &events;
            async move {
                if !options.stream {
                    return Ok(chat.create_raw(&body, signal).await?.body);
                }
                let mut stream = chat.stream_raw(&body, signal).await?;
                while let Some(batch) = stream.next_events_json().await? {
                    let _ = Reader::new(&batch).array(|r| {
                        (events.borrow_mut())(r.raw()?);
                        Ok(())
                    });
                }
                stream.final_json().await
            }
        };
        let cancel = async move {
            match signal {
                Some(s) => AbortWatch::new(s).await,
                None => std::future::pending().await,
            }
        };
        let mut on_message = |message: &str| (events.borrow_mut())(&format!(r#"{{"type":"message","message":{message}}}"#));
        let outcome = tools::run(&mut state, tools, options.tool_errors, options.stream, send, cancel, &mut on_message).await?;
        Ok(ToolRun {
            stop: outcome.stop,
            rounds: state.rounds(),
            completion: typed(&outcome.completion, "a chat completion")?,
            messages: state.new_messages().to_vec(),
        })
    }

    /// Sends a request whose answer is JSON (`response_format` `json_object` or `json_schema`)
    /// and reads choice 0's answer as a `T`. An answer that is not valid JSON is
    /// [`ParseError::Output`], which keeps its text.
    pub async fn parse<T: DeserializeOwned, R: Serialize>(
        &self,
        request: &R,
        signal: Option<&AbortSignal>,
    ) -> Result<Parsed<T>, ParseError> {
        let body = to_body(request, Some(false))?;
        let raw = self.create_raw(&body, signal).await?.body;
        parsed_choices(&raw).map_err(ParseError::Output)?;
        let completion: ChatCompletion = typed(&raw, "a chat completion")?;
        let text = json_answer(completion.text().unwrap_or("null")).unwrap_or("null");
        let value =
            crate::protocol::typed::from_str(text).map_err(|e| ParseError::Type { message: e.to_string(), raw: text.to_string() })?;
        Ok(Parsed { value, completion })
    }
}

/// The request as JSON text, with the tool set's definitions as `tools` unless it has its own.
fn with_tools<R: Serialize>(request: &R, tools: &ToolSet) -> Result<String, Error> {
    let mut value: serde_json::Value =
        serde_json::from_str(&to_body(request, None)?).map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
    if let Some(obj) = value.as_object_mut() {
        if !obj.contains_key("tools") {
            let definitions =
                serde_json::from_str(&tools.definitions_json()).map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
            obj.insert("tools".into(), definitions);
        }
    }
    Ok(value.to_string())
}
