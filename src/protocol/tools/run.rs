//! Drives a [`ToolLoop`] to its end with Rust closures as the tools. Generic over how a request
//! is sent, so the same driver serves the wasm client (`Chat::run_tools`) and host tests.
//!
//! ```
//! use llmwire::protocol::tools::{run, ToolErrors, ToolLoop, ToolSet};
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     struct Noop;
//! #     impl std::task::Wake for Noop { fn wake(self: std::sync::Arc<Self>) {} }
//! #     let waker = std::task::Waker::from(std::sync::Arc::new(Noop));
//! #     let mut f = std::pin::pin!(f);
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut std::task::Context::from_waker(&waker)) { return v; } }
//! # }
//! let mut tools = ToolSet::new();
//! tools.add(r#"{"name":"double","parameters":{"type":"object"}}"#, |args| async move { Ok(format!("{}", args.len() * 2)) })?;
//! let request = format!(r#"{{"model":"m","messages":[{{"role":"user","content":"hi"}}],"tools":{}}}"#, tools.definitions_json());
//! let mut state = ToolLoop::new(&request, &tools.names(), 5)?;
//! let answers = [
//!     r#"{"choices":[{"index":0,"finish_reason":"tool_calls","message":{"tool_calls":[{"id":"a","function":{"name":"double","arguments":"{}"}}]}}]}"#,
//!     r#"{"choices":[{"index":0,"finish_reason":"stop","message":{"content":"4"}}]}"#,
//! ];
//! let mut next = answers.iter();
//! let send = |_body: String| { let answer = next.next().map(|a| a.to_string()); async move { Ok(answer.unwrap_or_default()) } };
//! let outcome = block_on(run(&mut state, &tools, ToolErrors::Report, false, send, std::future::pending(), &mut |_| {})).unwrap();
//! assert_eq!(outcome.stop.as_str(), "stop");
//! assert!(state.messages_json().contains(r#""tool_call_id":"a","content":"4""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::{Stop, ToolLoop, ToolResult};
use crate::protocol::error::Error;
use crate::protocol::json::{self, ObjectWriter};
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::Poll;

/// What a tool returns: its result text, or the text of its error.
pub type ToolFuture = Pin<Box<dyn Future<Output = Result<String, String>>>>;

type ToolFn = Box<dyn Fn(String) -> ToolFuture>;

/// What a failing tool does to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToolErrors {
    /// Its error text goes back to the model as the call's result (`Error: …`).
    #[default]
    Report,
    /// The run ends with [`RunError::Tool`].
    Abort,
}

/// Tools with their definitions and the async functions that run them. Each function gets the
/// call's arguments (a JSON object text) and returns the result text.
#[derive(Default)]
pub struct ToolSet {
    tools: Vec<(String, String, ToolFn)>,
}

impl fmt::Debug for ToolSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.tools.iter().map(|(name, _, _)| name)).finish()
    }
}

impl ToolSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a tool. `definition` is its `function` object (`{"name", "description",
    /// "parameters"}`) or the whole `{"type": "function", "function": {…}}`, as JSON text.
    pub fn add<F, Fut>(&mut self, definition: &str, run: F) -> Result<&mut Self, Error>
    where
        F: Fn(String) -> Fut + 'static,
        Fut: Future<Output = Result<String, String>> + 'static,
    {
        let invalid = |message: String| Error::InvalidArgument { message };
        let members = json::members(definition).map_err(|e| invalid(format!("a tool definition must be a JSON object: {e}")))?;
        let function = match members.iter().find(|(k, _)| k == "function") {
            Some((_, raw)) => raw.to_string(),
            None => definition.to_string(),
        };
        let name = json::members(&function)
            .ok()
            .and_then(|m| m.into_iter().find(|(k, _)| k == "name").and_then(|(_, raw)| json::raw_str(raw).map(|n| n.into_owned())))
            .filter(|n| !n.is_empty())
            .ok_or_else(|| invalid("a tool definition needs a function name".into()))?;
        if self.tools.iter().any(|(n, _, _)| *n == name) {
            return Err(invalid(format!("two tools are named \"{name}\"")));
        }
        let mut tool = String::with_capacity(function.len() + 32);
        let mut w = ObjectWriter::new(&mut tool);
        w.str("type", "function").raw("function", &function);
        w.finish();
        self.tools.push((name, tool, Box::new(move |args| Box::pin(run(args)))));
        Ok(self)
    }

    /// The tools' names.
    pub fn names(&self) -> Vec<&str> {
        self.tools.iter().map(|(n, _, _)| n.as_str()).collect()
    }

    /// The `tools` request parameter, as a JSON array text.
    pub fn definitions_json(&self) -> String {
        let items: Vec<String> = self.tools.iter().map(|(_, d, _)| d.clone()).collect();
        let mut out = String::new();
        super::write_array(&mut out, &items);
        out
    }

    fn call(&self, name: &str, arguments: String) -> ToolFuture {
        match self.tools.iter().find(|(n, _, _)| n == name) {
            Some((_, _, run)) => run(arguments),
            None => {
                let message = format!("there is no tool named \"{name}\"");
                Box::pin(async move { Err(message) })
            }
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Why it ended.
    pub stop: Stop,
    /// The last round's chat completion, as JSON text.
    pub completion: String,
}

/// Why a run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// A request failed, or the run was aborted.
    Request(Error),
    /// A tool failed under [`ToolErrors::Abort`].
    Tool {
        /// The call's id.
        id: String,
        /// The tool's name.
        name: String,
        /// The tool's error text.
        message: String,
    },
}

impl From<Error> for RunError {
    fn from(e: Error) -> Self {
        RunError::Request(e)
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Request(e) => e.fmt(f),
            RunError::Tool { name, message, .. } => write!(f, "the tool \"{name}\" failed: {message}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Runs `state` to its end: `send(body)` sends a request (streamed when `stream`) and resolves
/// to the chat completion's JSON text; each round's runnable calls run concurrently;
/// `on_message` sees each message the run adds. When `cancel` resolves while tools run, the
/// run ends with [`Error::Aborted`].
pub async fn run<S, F, C>(
    state: &mut ToolLoop,
    tools: &ToolSet,
    errors: ToolErrors,
    stream: bool,
    mut send: S,
    cancel: C,
    on_message: &mut dyn FnMut(&str),
) -> Result<Outcome, RunError>
where
    S: FnMut(String) -> F,
    F: Future<Output = Result<String, Error>>,
    C: Future<Output = ()>,
{
    let mut cancel = pin!(cancel);
    loop {
        let completion = send(state.request_body(stream, false)).await?;
        let plan = state.on_completion(&completion)?;
        announce(state, plan.added, on_message);
        if let Some(stop) = plan.stop {
            return Ok(Outcome { stop, completion });
        }
        let runnable: Vec<_> = plan.calls.iter().filter(|c| c.runnable()).collect();
        let mut running: Vec<Option<ToolFuture>> = runnable.iter().map(|c| Some(tools.call(&c.name, c.arguments.clone()))).collect();
        let mut done: Vec<Option<Result<String, String>>> = runnable.iter().map(|_| None).collect();
        poll_fn(|cx| {
            if cancel.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Err(RunError::Request(Error::Aborted)));
            }
            for (i, (slot, result)) in running.iter_mut().zip(done.iter_mut()).enumerate() {
                let Some(fut) = slot else { continue };
                if let Poll::Ready(r) = fut.as_mut().poll(cx) {
                    *slot = None;
                    if let (Err(message), ToolErrors::Abort, Some(call)) = (&r, errors, runnable.get(i)) {
                        return Poll::Ready(Err(RunError::Tool { id: call.id.clone(), name: call.name.clone(), message: message.clone() }));
                    }
                    *result = Some(r);
                }
            }
            if running.iter().all(Option::is_none) {
                Poll::Ready(Ok(()))
            } else {
                Poll::Pending
            }
        })
        .await?;
        let results: Vec<(&str, ToolResult<'_>)> = runnable
            .iter()
            .zip(&done)
            .map(|(call, r)| {
                let r = match r {
                    Some(Ok(text)) => Ok(text.as_str()),
                    Some(Err(text)) => Err(text.as_str()),
                    None => Err("the tool did not finish"),
                };
                (call.id.as_str(), r)
            })
            .collect();
        let added = state.on_results(&results)?;
        announce(state, added, on_message);
    }
}

fn announce(state: &ToolLoop, added: usize, on_message: &mut dyn FnMut(&str)) {
    let new = state.new_messages();
    for message in new.get(new.len().saturating_sub(added)..).unwrap_or_default() {
        on_message(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::sync::Arc;
    use std::task::{Context, Wake, Waker};

    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        let waker = Waker::from(Arc::new(Noop));
        let mut f = pin!(f);
        for _ in 0..10_000 {
            if let Poll::Ready(v) = f.as_mut().poll(&mut Context::from_waker(&waker)) {
                return v;
            }
        }
        panic!("the future never finished");
    }

    /// Pending on its first poll, so concurrently started tools interleave.
    async fn yield_once() {
        let mut first = true;
        poll_fn(|_| if std::mem::take(&mut first) { Poll::Pending } else { Poll::Ready(()) }).await
    }

    fn answer_calls(calls: &[(&str, &str, &str)]) -> String {
        let calls: Vec<String> = calls
            .iter()
            .map(|(id, name, args)| {
                format!(
                    r#"{{"id":"{id}","type":"function","function":{{"name":"{name}","arguments":{}}}}}"#,
                    serde_json::to_string(args).unwrap()
                )
            })
            .collect();
        format!(
            r#"{{"choices":[{{"index":0,"finish_reason":"tool_calls","message":{{"role":"assistant","content":null,"tool_calls":[{}]}}}}]}}"#,
            calls.join(",")
        )
    }

    fn answer_text(text: &str) -> String {
        format!(
            r#"{{"choices":[{{"index":0,"finish_reason":"stop","message":{{"role":"assistant","content":{}}}}}]}}"#,
            serde_json::to_string(text).unwrap()
        )
    }

    /// A tool set that logs when each call starts and ends.
    fn logged_tools(log: &Rc<RefCell<Vec<String>>>) -> ToolSet {
        let mut tools = ToolSet::new();
        for name in ["calculator", "fails"] {
            let log = log.clone();
            tools
                .add(&format!(r#"{{"type":"function","function":{{"name":"{name}","parameters":{{"type":"object"}}}}}}"#), move |args| {
                    let log = log.clone();
                    async move {
                        log.borrow_mut().push(format!("start {name} {args}"));
                        yield_once().await;
                        log.borrow_mut().push(format!("end {name}"));
                        if name == "fails" {
                            Err("division by zero".to_string())
                        } else {
                            Ok("0.80%".to_string())
                        }
                    }
                })
                .unwrap();
        }
        tools
    }

    fn start(tools: &ToolSet, max_rounds: u32) -> ToolLoop {
        let request = format!(r#"{{"model":"m","messages":[{{"role":"user","content":"go"}}],"tools":{}}}"#, tools.definitions_json());
        ToolLoop::new(&request, &tools.names(), max_rounds).unwrap()
    }

    #[test]
    fn parallel_calls_run_concurrently_and_errors_are_reported() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let tools = logged_tools(&log);
        let mut state = start(&tools, 10);
        let mut answers = vec![answer_text("MoM 0.80%"), answer_calls(&[("a", "calculator", r#"{"type":"MoM"}"#), ("b", "fails", "{}")])];
        let sent = Rc::new(RefCell::new(Vec::new()));
        let send = |body: String| {
            sent.borrow_mut().push(body);
            let next = answers.pop().unwrap_or_default();
            async move { Ok(next) }
        };
        let mut seen = Vec::new();
        let outcome =
            block_on(run(&mut state, &tools, ToolErrors::Report, true, send, std::future::pending(), &mut |m| seen.push(m.to_string())))
                .unwrap();
        assert_eq!(outcome.stop, Stop::Finished("stop".into()));
        assert_eq!(log.borrow()[..2], [r#"start calculator {"type":"MoM"}"#.to_string(), "start fails {}".to_string()]);
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert!(seen[2].contains(r#""content":"Error: division by zero""#), "{}", seen[2]);
        let second: serde_json::Value = serde_json::from_str(&sent.borrow()[1]).unwrap();
        assert_eq!(second["stream"], true);
        assert_eq!(second["messages"][2]["content"], "0.80%");
    }

    #[test]
    fn abort_mode_ends_the_run_with_the_tool_error() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let tools = logged_tools(&log);
        let mut state = start(&tools, 10);
        let calls = answer_calls(&[("b", "fails", "{}")]);
        let send = |_| {
            let c = calls.clone();
            async move { Ok(c) }
        };
        let err = block_on(run(&mut state, &tools, ToolErrors::Abort, false, send, std::future::pending(), &mut |_| {})).unwrap_err();
        assert_eq!(err, RunError::Tool { id: "b".into(), name: "fails".into(), message: "division by zero".into() });
        assert_eq!(err.to_string(), "the tool \"fails\" failed: division by zero");
    }

    #[test]
    fn a_loop_stops_at_max_rounds() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let tools = logged_tools(&log);
        let mut state = start(&tools, 3);
        let calls = answer_calls(&[("a", "calculator", "{}")]);
        let count = Rc::new(RefCell::new(0));
        let send = |_| {
            *count.borrow_mut() += 1;
            let c = calls.clone();
            async move { Ok(c) }
        };
        let outcome = block_on(run(&mut state, &tools, ToolErrors::Report, false, send, std::future::pending(), &mut |_| {})).unwrap();
        assert_eq!(outcome.stop, Stop::MaxRounds);
        assert_eq!(*count.borrow(), 3);
        assert_eq!(log.borrow().iter().filter(|l| l.starts_with("start")).count(), 2);
    }

    #[test]
    fn cancel_while_tools_run_aborts() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let tools = logged_tools(&log);
        let mut state = start(&tools, 10);
        let calls = answer_calls(&[("a", "calculator", "{}")]);
        let send = |_| {
            let c = calls.clone();
            async move { Ok(c) }
        };
        let err = block_on(run(&mut state, &tools, ToolErrors::Report, false, send, std::future::ready(()), &mut |_| {})).unwrap_err();
        assert_eq!(err, RunError::Request(Error::Aborted));
    }

    #[test]
    fn request_errors_end_the_run() {
        let tools = logged_tools(&Rc::new(RefCell::new(Vec::new())));
        let mut state = start(&tools, 10);
        let send = |_| async { Err(Error::Timeout { message: "slow".into() }) };
        let err = block_on(run(&mut state, &tools, ToolErrors::Report, false, send, std::future::pending(), &mut |_| {})).unwrap_err();
        assert!(matches!(err, RunError::Request(Error::Timeout { .. })));
    }

    #[test]
    fn tool_definitions() {
        let mut tools = ToolSet::new();
        assert!(tools.add("[]", |_| async { Ok(String::new()) }).is_err());
        assert!(tools.add(r#"{"description":"no name"}"#, |_| async { Ok(String::new()) }).is_err());
        tools.add(r#"{"name":"a"}"#, |_| async { Ok(String::new()) }).unwrap();
        assert!(tools.add(r#"{"type":"function","function":{"name":"a"}}"#, |_| async { Ok(String::new()) }).is_err());
        assert_eq!(tools.definitions_json(), r#"[{"type":"function","function":{"name":"a"}}]"#);
        assert_eq!(format!("{tools:?}"), r#"["a"]"#);
    }
}
