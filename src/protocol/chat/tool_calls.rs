//! When a tool call is final, and whether it may be run.
//!
//! A streamed call is final only when its stream has ended: arguments that happen to parse
//! half-way are not a finished call (the Vercel AI SDK once ran tools on such prefixes). At the
//! end, a call is runnable when it has a name, its choice did not stop at `max_tokens`, and its
//! arguments are one JSON object. Empty arguments (some models send `""` for a tool without
//! parameters) count as `{}`.
//!
//! ```
//! use llmwire::protocol::chat::tool_calls::{check_call, Incomplete};
//! assert_eq!(check_call("add", r#"{"a":1}"#, Some("tool_calls")), Ok(r#"{"a":1}"#));
//! assert_eq!(check_call("now", "", Some("tool_calls")), Ok("{}"));
//! assert_eq!(check_call("add", r#"{"a":1}"#, Some("length")), Err(Incomplete::Length));
//! assert!(matches!(check_call("add", r#"{"a":"#, None), Err(Incomplete::InvalidJson { .. })));
//! ```

use crate::protocol::json::{Kind, Reader};
use std::fmt;

/// Why a finished tool call must not be run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incomplete {
    /// The choice ended with `finish_reason: "length"`: the arguments may be cut off.
    Length,
    /// The call never got a function name.
    NoName,
    /// The arguments are not valid JSON.
    InvalidJson {
        /// What the JSON reader reported, with the byte offset.
        message: String,
    },
    /// The arguments are valid JSON but not an object.
    NotAnObject,
}

impl Incomplete {
    /// A short machine-readable code: `length`, `no_name`, `invalid_json` or `not_an_object`.
    pub fn code(&self) -> &'static str {
        match self {
            Incomplete::Length => "length",
            Incomplete::NoName => "no_name",
            Incomplete::InvalidJson { .. } => "invalid_json",
            Incomplete::NotAnObject => "not_an_object",
        }
    }
}

impl crate::protocol::text::Piece for Incomplete {
    fn push_to(&self, out: &mut String) {
        match self {
            Incomplete::Length => out.push_str("the answer was cut off at max_tokens (finish_reason \"length\")"),
            Incomplete::NoName => out.push_str("the call has no function name"),
            Incomplete::InvalidJson { message } => {
                out.push_str("the arguments are not valid JSON (");
                out.push_str(message);
                out.push(')');
            }
            Incomplete::NotAnObject => out.push_str("the arguments are not a JSON object"),
        }
    }
}

impl fmt::Display for Incomplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::cat!(self))
    }
}

/// Checks a finished call. Returns its arguments as they should be passed (`""` becomes `{}`),
/// or why it must not be run.
pub fn check_call<'a>(name: &str, arguments: &'a str, finish_reason: Option<&str>) -> Result<&'a str, Incomplete> {
    if finish_reason == Some("length") {
        return Err(Incomplete::Length);
    }
    if name.is_empty() {
        return Err(Incomplete::NoName);
    }
    if arguments.trim().is_empty() {
        return Ok("{}");
    }
    let mut r = Reader::new(arguments);
    let kind = r.peek();
    match r.skip().and_then(|_| r.end()) {
        Err(e) => Err(Incomplete::InvalidJson { message: crate::cat!(e) }),
        Ok(()) if kind != Ok(Kind::Object) => Err(Incomplete::NotAnObject),
        Ok(()) => Ok(arguments),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_objects_of_named_calls_run() {
        let ok = Some("tool_calls");
        assert_eq!(check_call("f", " {\"a\": [1, {\"b\": null}]} ", ok), Ok(" {\"a\": [1, {\"b\": null}]} "));
        assert_eq!(check_call("f", "  \n", None), Ok("{}"));
        assert_eq!(check_call("", "{}", ok), Err(Incomplete::NoName));
        assert_eq!(check_call("f", "[1]", ok), Err(Incomplete::NotAnObject));
        assert_eq!(check_call("f", "\"{}\"", ok), Err(Incomplete::NotAnObject));
        assert_eq!(check_call("f", "{} {}", ok).map_err(|e| e.code()), Err("invalid_json"));
        assert_eq!(check_call("f", "{\"a\":1}", Some("length")), Err(Incomplete::Length));
        assert_eq!(check_call("", "", Some("length")), Err(Incomplete::Length));
    }

    /// Every strict prefix of an object's text is refused: a call is never run on part of its input.
    #[test]
    fn no_prefix_of_an_object_passes() {
        let whole = r#"{"city":"東京","q":"\u00e9\"\\","n":[1,2.5e3,{"x":true}]}"#;
        assert!(check_call("f", whole, None).is_ok());
        for (end, _) in whole.char_indices().skip(1) {
            let prefix = &whole[..end];
            assert!(check_call("f", prefix, None).is_err(), "{prefix:?}");
        }
    }

    #[test]
    fn messages_name_the_reason() {
        let e = check_call("f", "{\"a\":", None).unwrap_err();
        assert!(e.to_string().starts_with("the arguments are not valid JSON"), "{e}");
        assert!(Incomplete::Length.to_string().contains("max_tokens"));
    }
}
