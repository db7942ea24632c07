//! Typed results from a gateway's JSON: serde_json, reading every text that `JSON.parse` reads.
//!
//! serde_json refuses two things that `JSON.parse` takes and that a gateway can send in a field
//! llmwire passes through (an unknown member, `logprobs`, a tool call's arguments): a number
//! beyond f64 (`1e400`, which JavaScript reads as `Infinity`) and a lone half of a surrogate pair
//! (`"\ud83d"`, which JavaScript keeps as a lone UTF-16 unit). One such value would make the
//! whole completion fail to deserialize, and its text would be lost with it. [`from_str`] reads
//! the number as `null` (what `JSON.stringify` writes for `Infinity`) and the half as U+FFFD (what
//! a Rust string holds in its place), and leaves everything else as serde_json reads it.
//!
//! ```
//! use llmwire::protocol::chat::ChatCompletion;
//! let body = r#"{"id":"c1","object":"chat.completion","created":1,"model":"m",
//!   "choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
//!   "score":1e400,"tag":"\ud83d!"}"#;
//! assert!(serde_json::from_str::<ChatCompletion>(body).is_err());
//! let c: ChatCompletion = llmwire::protocol::typed::from_str(body).unwrap();
//! assert_eq!(c.choices[0].message.content.as_deref(), Some("hi"));
//! assert_eq!(c.extra["score"], serde_json::Value::Null);
//! assert_eq!(c.extra["tag"], "\u{fffd}!");
//! ```

use crate::protocol::json::Reader;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use std::borrow::Cow;

/// Deserializes `text` with serde_json; where serde_json refuses it, once more from
/// [`serde_compatible`]'s text. The error is the first attempt's when there was nothing to change.
pub fn from_str<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_str(text).or_else(|error| match serde_compatible(text) {
        Cow::Owned(changed) => serde_json::from_str(&changed),
        Cow::Borrowed(_) => Err(error),
    })
}

/// A JSON text with each number beyond f64 written as `null` and each lone surrogate escape as
/// `\ufffd`; borrowed when it has neither. Any text is scanned without panicking; a text that
/// is not JSON is not made JSON.
///
/// ```
/// use llmwire::protocol::typed::serde_compatible;
/// assert_eq!(serde_compatible(r#"[1e400,-2E+999,1e308]"#), "[null,null,1e308]");
/// assert_eq!(serde_compatible(r#"{"a":"\uD83D\uDE80 \ude80 \ud83d"}"#), r#"{"a":"\uD83D\uDE80 \ufffd \ufffd"}"#);
/// assert!(matches!(serde_compatible(r#"{"1e400":"\\ud83d"}"#), std::borrow::Cow::Borrowed(_)));
/// ```
pub fn serde_compatible(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0; // text[..copied] is in `out`
    let mut replace = |from: usize, to: usize, with: &str| {
        out.push_str(text.get(copied..from).unwrap_or_default());
        out.push_str(with);
        copied = to;
    };
    let mut changed = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => {
                i += 1;
                while let Some(&c) = b.get(i) {
                    match (c, b.get(i + 1)) {
                        (b'"', _) => break,
                        (b'\\', Some(b'u')) => match hex4(b, i + 2) {
                            Some(0xd800..=0xdbff)
                                if b.get(i + 6..i + 8) == Some(b"\\u") && matches!(hex4(b, i + 8), Some(0xdc00..=0xdfff)) =>
                            {
                                i += 12
                            }
                            Some(0xd800..=0xdfff) => {
                                replace(i, i + 6, "\\ufffd");
                                changed = true;
                                i += 6;
                            }
                            _ => i += 2,
                        },
                        (b'\\', _) => i += 2,
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = b.get(i) {
                    i += 1;
                }
                let token = text.get(start..i).unwrap_or_default();
                let is_number = Reader::new(token).number().is_ok_and(|n| n.len() == token.len());
                if is_number && token.parse::<f64>().is_ok_and(f64::is_infinite) {
                    replace(start, i, "null");
                    changed = true;
                }
            }
            _ => i += 1,
        }
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// For `#[serde(deserialize_with)]` on a result's incidental members (`id`, `model`, `status`,
/// `index`, `finish_reason`): a value of another type (`"model": null`, `"status": []`) reads as
/// the default instead of failing the whole result.
///
/// ```
/// use llmwire::protocol::chat::ChatCompletion;
/// let body = r#"{"id":7,"model":null,"choices":[{"index":"0","message":{"content":"hi"},"finish_reason":1}]}"#;
/// let c: ChatCompletion = llmwire::protocol::typed::from_str(body).unwrap();
/// assert_eq!((c.id.as_str(), c.model.as_str(), c.text()), ("", "", Some("hi")));
/// assert_eq!((c.choices[0].index, c.choices[0].finish_reason.as_deref()), (0, None));
/// ```
pub fn or_default<'de, D: Deserializer<'de>, T: DeserializeOwned + Default>(d: D) -> Result<T, D::Error> {
    Ok(T::deserialize(Value::deserialize(d)?).unwrap_or_default())
}

/// For `#[serde(deserialize_with)]` on a JSON text member (a tool call's `arguments`): a string is
/// the text; a gateway that sends the arguments as an object gets that object's JSON text; `null`
/// is `""`.
///
/// ```
/// use llmwire::protocol::chat::ChatCompletion;
/// let body = r#"{"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"f","arguments":{"city":"Paris"}}}]}}]}"#;
/// let c: ChatCompletion = llmwire::protocol::typed::from_str(body).unwrap();
/// assert_eq!(c.choices[0].message.tool_calls[0].function.arguments, r#"{"city":"Paris"}"#);
/// ```
pub fn json_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(text) => text,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// The value of the four hex digits at `at`.
fn hex4(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 4)?.iter().try_fold(0u16, |n, &d| Some(n << 4 | char::from(d).to_digit(16)? as u16))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn what_serde_refuses_is_read_as_javascript_writes_it_back() {
        for (text, expected) in [
            ("1e400", "null"),
            ("-1e400", "null"),
            ("[0e999999,1e-400,123456789012345678901234567890]", "[0e999999,1e-400,123456789012345678901234567890]"),
            (
                r#"{"n":10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}"#,
                r#"{"n":null}"#,
            ),
            (r#""\ud83d""#, r#""\ufffd""#),
            (r#""\ude80\ud83d\ude80""#, r#""\ufffd\ud83d\ude80""#),
            (r#""\ud83d\u0041""#, r#""\ufffd\u0041""#),
            (r#""\ud83d\\ude80""#, r#""\ufffd\\ude80""#),
            (r#""\\\ud83d""#, r#""\\\ufffd""#),
        ] {
            let changed = serde_compatible(text);
            assert_eq!(changed, expected, "{text}");
            assert!(serde_json::from_str::<Value>(&changed).is_ok(), "{text}");
        }
    }

    #[test]
    fn what_serde_reads_or_is_not_json_is_left_alone() {
        for text in [
            r#"{"a":[1,-2.5e3,true,null],"b":"\ud83d\ude80 \u00e9 \" \\"}"#,
            r#"{"1e400":"1e400 \\ud83d"}"#,
            "",
            "\"",
            "\"\\u",
            "\"\\ud8",
            "-",
            "1e",
            "\u{1F680}",
            // Not JSON numbers: left for serde to refuse, not made into `null`.
            "07999999999999E9968",
            "1e400.5",
            "--1e400",
            "1e+-400",
        ] {
            assert!(matches!(serde_compatible(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn from_str_keeps_serde_errors_that_are_not_these() {
        assert!(from_str::<Value>("[1e400]").unwrap()[0].is_null());
        let error = from_str::<Value>(r#"{"a":1e400,}"#).unwrap_err().to_string();
        assert!(error.contains("trailing comma"), "{error}");
        assert!(from_str::<u8>("300").is_err());
    }
}
