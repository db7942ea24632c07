//! Conversation memory (APIYI's "context management"): the history of a chat, trimmed to the
//! last N messages or to an approximate token budget.
//!
//! Trimming never separates a tool call from its result: an assistant message and the
//! `role: "tool"` messages after it are kept or dropped together. System (and `developer`)
//! messages are always kept and do not count toward `max_messages`. The newest turn is always
//! kept, even when it alone is over the limits.
//!
//! ```
//! use llmwire::protocol::conversation::{keep, Window};
//! let history = [
//!     r#"{"role":"system","content":"Be brief."}"#,
//!     r#"{"role":"user","content":"2+2?"}"#,
//!     r#"{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"add","arguments":"{}"}}]}"#,
//!     r#"{"role":"tool","tool_call_id":"a","content":"4"}"#,
//!     r#"{"role":"assistant","content":"4"}"#,
//!     r#"{"role":"user","content":"And 3+3?"}"#,
//! ];
//! // The last 3: the tool result cannot come without its call, so the window is the last 2.
//! assert_eq!(keep(&history, Window { max_messages: Some(3), max_tokens: None }), [0, 4, 5]);
//! assert_eq!(keep(&history, Window { max_messages: Some(4), max_tokens: None }), [0, 2, 3, 4, 5]);
//! ```

use crate::protocol::error::Error;
use crate::protocol::json::{self, JsonError, Kind, Reader};
use crate::protocol::tools::Answer;

/// Tokens counted for each message besides its text (role, separators).
pub const MESSAGE_OVERHEAD_TOKENS: u64 = 4;

/// Tokens counted for each image part (a 1024×1024 image in high detail on OpenAI's models).
pub const IMAGE_TOKENS: u64 = 765;

/// How much history to keep; `None` is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// Messages kept besides the system messages.
    pub max_messages: Option<usize>,
    /// Estimated tokens of the kept messages, system messages included ([`estimate_tokens`]).
    pub max_tokens: Option<u64>,
}

/// An estimate of a text's tokens without a tokenizer: a token per 4 ASCII bytes and one per
/// other character (CJK characters are about one token each).
///
/// ```
/// assert_eq!(llmwire::protocol::conversation::text_tokens("Hello, world"), 3);
/// assert_eq!(llmwire::protocol::conversation::text_tokens("你好，世界"), 5);
/// ```
pub fn text_tokens(text: &str) -> u64 {
    let ascii = text.bytes().filter(u8::is_ascii).count() as u64;
    let other = text.chars().filter(|c| !c.is_ascii()).count() as u64;
    ascii.div_ceil(4) + other
}

/// An estimate of one message's tokens (a JSON object text): its string values by
/// [`text_tokens`], [`IMAGE_TOKENS`] per `image_url` part, plus [`MESSAGE_OVERHEAD_TOKENS`].
pub fn estimate_tokens(message: &str) -> u64 {
    read(message).1
}

/// A message's role and [`estimate_tokens`], in one pass.
fn read(message: &str) -> (Role, u64) {
    fn walk(r: &mut Reader<'_>, total: &mut u64, role: &mut Option<Role>) -> Result<(), JsonError> {
        match r.peek()? {
            Kind::Object => r.object(|key, r| match key.as_ref() {
                "image_url" => {
                    *total += IMAGE_TOKENS;
                    r.skip()
                }
                "role" if role.is_none() && r.peek()? == Kind::String => {
                    let text = r.string()?;
                    *total += text_tokens(&text);
                    *role = Some(role_named(&text));
                    Ok(())
                }
                _ => walk(r, total, &mut Some(Role::Other)),
            }),
            Kind::Array => r.array(|r| walk(r, total, &mut Some(Role::Other))),
            Kind::String => {
                *total += text_tokens(&r.string()?);
                Ok(())
            }
            _ => r.skip(),
        }
    }
    let (mut total, mut role) = (MESSAGE_OVERHEAD_TOKENS, None);
    if walk(&mut Reader::new(message), &mut total, &mut role).is_err() {
        total = MESSAGE_OVERHEAD_TOKENS + (message.len() as u64).div_ceil(4);
    }
    (role.unwrap_or(Role::Other), total)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    System,
    User,
    Assistant,
    Tool,
    Other,
}

fn role_named(role: &str) -> Role {
    match role {
        "system" | "developer" => Role::System,
        "user" => Role::User,
        "assistant" => Role::Assistant,
        "tool" | "function" => Role::Tool,
        _ => Role::Other,
    }
}

/// The indexes of the messages (JSON object texts) to keep within `window`, in order.
pub fn keep<S: AsRef<str>>(messages: &[S], window: Window) -> Vec<usize> {
    let (roles, costs): (Vec<Role>, Vec<u64>) = messages.iter().map(|m| read(m.as_ref())).unzip();
    let tokens = |i: usize| costs.get(i).copied().unwrap_or_default();
    // A turn is a message and the tool results after it: turns[t] is where turn t starts.
    let mut turns: Vec<usize> = Vec::new();
    let mut used_tokens = 0;
    for (i, role) in roles.iter().enumerate() {
        match role {
            Role::System => used_tokens += tokens(i),
            Role::Tool if !turns.is_empty() => {}
            _ => turns.push(i),
        }
    }
    let mut used_messages = 0;
    let mut first = turns.len();
    for t in (0..turns.len()).rev() {
        let start = turns.get(t).copied().unwrap_or_default();
        let end = turns.get(t + 1).copied().unwrap_or(messages.len());
        let members = (start..end).filter(|&i| roles.get(i) != Some(&Role::System));
        let (count, cost) = members.fold((0, 0), |(n, c), i| (n + 1, c + tokens(i)));
        let fits =
            window.max_messages.map_or(true, |m| used_messages + count <= m) && window.max_tokens.map_or(true, |b| used_tokens + cost <= b);
        if !fits && t + 1 < turns.len() {
            break;
        }
        used_messages += count;
        used_tokens += cost;
        first = t;
    }
    let from = turns.get(first).copied().unwrap_or(messages.len());
    (0..messages.len()).filter(|&i| i >= from || roles.get(i) == Some(&Role::System)).collect()
}

/// A chat history that keeps its system prompt and trims itself to a [`Window`] after every
/// message added.
///
/// ```
/// use llmwire::protocol::conversation::{Conversation, Window};
/// let mut chat = Conversation::new(Some("You are terse."), Window { max_messages: Some(2), max_tokens: None });
/// chat.push_user("Hi");
/// chat.push_answer(r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"Hello","refusal":null}}]}"#)?;
/// chat.push_user("Bye");
/// assert_eq!(chat.messages_json(), r#"[{"role":"system","content":"You are terse."},{"role":"assistant","content":"Hello"},{"role":"user","content":"Bye"}]"#);
/// # Ok::<(), llmwire::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Conversation {
    messages: Vec<String>,
    window: Window,
}

impl Conversation {
    /// A conversation, starting with a system message when `system` is given.
    pub fn new(system: Option<&str>, window: Window) -> Self {
        let mut chat = Conversation { messages: Vec::new(), window };
        if let Some(text) = system {
            chat.messages.push(text_message("system", text));
        }
        chat
    }

    /// Adds a message (a JSON object text with a `role`), then trims.
    pub fn push(&mut self, message: &str) -> Result<(), Error> {
        let is_object = json::members(message).is_ok_and(|m| m.iter().any(|(k, _)| k == "role"));
        if !is_object {
            return Err(Error::InvalidArgument { message: "a message must be a JSON object with a role".into() });
        }
        self.messages.push(message.to_string());
        self.trim();
        Ok(())
    }

    /// Adds a user message with this text.
    pub fn push_user(&mut self, text: &str) {
        self.messages.push(text_message("user", text));
        self.trim();
    }

    /// Adds the assistant message of a chat completion (choice 0, streamed or not), cleaned as
    /// [`Answer::read`] does.
    pub fn push_answer(&mut self, completion: &str) -> Result<(), Error> {
        let answer = Answer::read(completion, 0)?;
        self.messages.push(answer.message);
        self.trim();
        Ok(())
    }

    /// The messages, as JSON texts.
    pub fn messages(&self) -> &[String] {
        &self.messages
    }

    /// The messages as a JSON array text, for a request's `messages`.
    pub fn messages_json(&self) -> String {
        let mut out = String::from("[");
        for (i, m) in self.messages.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(m);
        }
        out.push(']');
        out
    }

    fn trim(&mut self) {
        let kept = keep(&self.messages, self.window);
        if kept.len() == self.messages.len() {
            return;
        }
        let mut i = 0;
        self.messages.retain(|_| {
            let keep = kept.binary_search(&i).is_ok();
            i += 1;
            keep
        });
    }
}

fn text_message(role: &str, text: &str) -> String {
    let mut out = String::new();
    let mut w = json::ObjectWriter::new(&mut out);
    w.str("role", role).str("content", text);
    w.finish();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(role: &str, content: &str) -> String {
        text_message(role, content)
    }

    fn calls(ids: &[&str]) -> String {
        let calls: Vec<String> =
            ids.iter().map(|id| format!(r#"{{"id":"{id}","type":"function","function":{{"name":"f","arguments":"{{}}"}}}}"#)).collect();
        format!(r#"{{"role":"assistant","content":null,"tool_calls":[{}]}}"#, calls.join(","))
    }

    fn result(id: &str) -> String {
        format!(r#"{{"role":"tool","tool_call_id":"{id}","content":"r"}}"#)
    }

    fn window(max_messages: Option<usize>, max_tokens: Option<u64>) -> Window {
        Window { max_messages, max_tokens }
    }

    /// A history with parallel tool calls, trimmed to every size: a kept tool result always has
    /// its call, a kept call always has all its results, and the system prompt stays.
    #[test]
    fn no_size_separates_a_call_from_its_results() {
        let history = vec![
            msg("system", "s"),
            msg("user", "q1"),
            calls(&["a", "b"]),
            result("a"),
            result("b"),
            msg("assistant", "a1"),
            msg("user", "q2"),
            calls(&["c"]),
            result("c"),
            msg("assistant", "a2"),
        ];
        for n in 0..=12 {
            for budget in [None, Some(10), Some(30), Some(60), Some(1000)] {
                let kept = keep(&history, window(Some(n), budget));
                assert_eq!(kept.first(), Some(&0), "n={n}");
                assert!(kept.contains(&9), "the newest turn stays (n={n})");
                for (call, results) in [(2, [3, 4].as_slice()), (7, [8].as_slice())] {
                    let with_call = kept.contains(&call);
                    for r in results {
                        assert_eq!(kept.contains(r), with_call, "n={n} budget={budget:?} kept={kept:?}");
                    }
                }
                if budget.is_none() {
                    assert!(kept.len() - 1 <= n.max(1), "n={n} kept={kept:?}");
                }
            }
        }
        assert_eq!(keep(&history, Window::default()).len(), history.len());
        assert_eq!(keep(&history, window(Some(3), None)), [0, 7, 8, 9]);
        assert_eq!(keep(&history, window(Some(0), None)), [0, 9]);
    }

    #[test]
    fn token_budget() {
        let long = "word ".repeat(100); // 500 ASCII bytes: 125 tokens
        let history = vec![msg("system", "sys"), msg("user", &long), msg("assistant", &long), msg("user", "short"), msg("assistant", "ok")];
        let each = estimate_tokens(&history[1]);
        assert!((125..140).contains(&each), "{each}");
        assert_eq!(keep(&history, window(None, Some(40))), [0, 3, 4]);
        assert_eq!(keep(&history, window(None, Some(40 + 2 * each))), [0, 1, 2, 3, 4]);
        // Over budget with the newest turn alone: it is kept anyway.
        assert_eq!(keep(&history, window(None, Some(1))), [0, 4]);
    }

    #[test]
    fn estimates() {
        assert_eq!(estimate_tokens(r#"{"role":"user","content":"abcd"}"#), MESSAGE_OVERHEAD_TOKENS + 1 + 1);
        let image = r#"{"role":"user","content":[{"type":"text","text":"what?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}"#;
        assert_eq!(estimate_tokens(image), MESSAGE_OVERHEAD_TOKENS + 1 + 1 + 2 + 3 + IMAGE_TOKENS);
        // An image counts the same whatever its URL: Conversation (tools.js) sends `image_url: null`.
        assert_eq!(estimate_tokens(&image.replace(r#"{"url":"data:image/png;base64,AAAA"}"#, "null")), estimate_tokens(image));
        assert_eq!(estimate_tokens("not json at all"), MESSAGE_OVERHEAD_TOKENS + 4);
    }

    #[test]
    fn conversation_keeps_system_and_answers() {
        let mut chat = Conversation::new(Some("sys"), window(Some(4), None));
        chat.push_user("q1");
        chat.push_answer(r#"{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"a","function":{"name":"f","arguments":""}}]},"finish_reason":"tool_calls"}]}"#).unwrap();
        chat.push(&result("a")).unwrap();
        chat.push_answer(r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"done"}}]}"#).unwrap();
        assert_eq!(chat.messages().len(), 5);
        chat.push_user("q2");
        // Five non-system messages do not fit in four: the first question goes, the call and
        // its result stay together.
        let roles: Vec<Role> = chat.messages().iter().map(|m| read(m).0).collect();
        assert_eq!(roles, [Role::System, Role::Assistant, Role::Tool, Role::Assistant, Role::User]);
        assert!(chat.push("[1]").is_err());
        assert!(chat.push_answer(r#"{"choices":[]}"#).is_err());
        assert!(chat.messages_json().starts_with(r#"[{"role":"system","content":"sys"}"#));
    }
}
