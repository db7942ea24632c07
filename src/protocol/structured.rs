//! Structured output: JSON answers (`response_format` `json_object` or `json_schema`), whole or
//! as they stream.
//!
//! [`partial_json`] completes a prefix of a JSON text to the valid JSON value it has so far, so a
//! UI can render an answer while it arrives; [`json_answer`] checks a finished answer, and
//! [`parsed_choices`] checks every choice of a completion, failing with an [`OutputError`] that
//! keeps the model's text. A Markdown code fence around the JSON (models add one) is tolerated.
//!
//! ```
//! use llmwire::protocol::structured::{json_answer, partial_json};
//! assert_eq!(partial_json(r#"{"name": "Ada", "langs": ["en", "fr"#).as_deref(), Some(r#"{"name":"Ada","langs":["en","fr"]}"#));
//! assert_eq!(partial_json(r#"{"name": "Ada", "ag"#).as_deref(), Some(r#"{"name":"Ada"}"#));
//! assert_eq!(json_answer("```json\n{\"ok\": true}\n```"), Ok("{\"ok\": true}"));
//! assert!(json_answer("Sure! {\"ok\": true}").is_err());
//! ```

use crate::protocol::json::{JsonError, Kind, Reader, MAX_DEPTH};
use std::fmt;

/// The JSON text inside an answer: surrounding whitespace and one Markdown code fence
/// (```` ```json ```` … ```` ``` ````) removed. A fence whose first line has not ended yet leaves
/// nothing.
pub fn strip_fence(text: &str) -> &str {
    let text = text.trim();
    let Some(fenced) = text.strip_prefix("```") else {
        return text;
    };
    let Some((_, body)) = fenced.split_once('\n') else {
        return "";
    };
    body.trim_end().strip_suffix("```").unwrap_or(body).trim()
}

/// Checks that a finished answer is one JSON value (inside an optional code fence) and returns
/// its text.
pub fn json_answer(content: &str) -> Result<&str, JsonError> {
    let text = strip_fence(content);
    let mut r = Reader::new(text);
    r.skip()?;
    r.end()?;
    Ok(text)
}

/// A choice whose answer is not the JSON that was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputError {
    /// The choice's index.
    pub choice: u32,
    /// What is wrong with it.
    pub message: String,
    /// The model's text as it came (its refusal, for a refusal).
    pub raw: String,
    /// The choice's finish reason.
    pub finish_reason: Option<String>,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OutputError {}

/// The parts of one choice that decide its parsed value.
#[derive(Default)]
struct ChoiceText {
    index: Option<u64>,
    content: Option<String>,
    refusal: Option<String>,
    finish_reason: Option<String>,
}

impl ChoiceText {
    fn read(r: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut c = ChoiceText::default();
        if r.peek()? != Kind::Object {
            r.skip()?;
            return Ok(c);
        }
        r.object(|key, r| {
            match key.as_ref() {
                "index" if r.peek()? == Kind::Number => c.index = r.index()?,
                "finish_reason" if r.peek()? == Kind::String => c.finish_reason = Some(r.string()?.into_owned()),
                "message" if r.peek()? == Kind::Object => r.object(|key, r| {
                    match key.as_ref() {
                        "content" if r.peek()? == Kind::String => c.content = Some(r.string()?.into_owned()),
                        "refusal" if r.peek()? == Kind::String => c.refusal = Some(r.string()?.into_owned()),
                        _ => r.skip()?,
                    }
                    Ok(())
                })?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(c)
    }

    /// The choice's JSON value as text (`null` without content), or why it has none.
    fn parsed(&self, position: usize) -> Result<&str, OutputError> {
        let choice = u32::try_from(self.index.unwrap_or(position as u64)).unwrap_or(u32::MAX);
        let fail =
            |message: String, raw: &str| OutputError { choice, message, raw: raw.to_string(), finish_reason: self.finish_reason.clone() };
        match (&self.content, &self.refusal) {
            (Some(content), _) => json_answer(content).map_err(|e| {
                let cut = if self.finish_reason.as_deref() == Some("length") {
                    " (the answer was cut off at max_tokens: finish_reason \"length\")"
                } else {
                    ""
                };
                fail(crate::cat!("choice ", choice, ": the answer is not valid JSON: ", e, cut), content)
            }),
            (None, Some(refusal)) => Err(fail(crate::cat!("choice ", choice, ": the model refused: ", refusal), refusal)),
            (None, None) => Ok("null"),
        }
    }
}

/// The parsed answer of every choice of a chat completion (JSON text), as a JSON array text in
/// choice order: `null` for a choice without content (tool calls only). The first choice whose
/// content is not valid JSON, or that refused, is an [`OutputError`].
///
/// ```
/// use llmwire::protocol::structured::parsed_choices;
/// let done = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"{\"a\": [1]}"},"finish_reason":"stop"}]}"#;
/// assert_eq!(parsed_choices(done).unwrap(), r#"[{"a": [1]}]"#);
/// let cut = r#"{"choices":[{"index":0,"message":{"content":"{\"a\": [1"},"finish_reason":"length"}]}"#;
/// let err = parsed_choices(cut).unwrap_err();
/// assert_eq!((err.raw.as_str(), err.finish_reason.as_deref()), ("{\"a\": [1", Some("length")));
/// ```
pub fn parsed_choices(completion: &str) -> Result<String, OutputError> {
    let mut choices = Vec::new();
    let mut r = Reader::new(completion);
    let read = r.object(|key, r| {
        if key == "choices" && r.peek()? == Kind::Array {
            r.array(|r| {
                choices.push(ChoiceText::read(r)?);
                Ok(())
            })
        } else {
            r.skip()
        }
    });
    if let Err(e) = read {
        return Err(OutputError {
            choice: 0,
            message: crate::cat!("expected a chat completion: ", e),
            raw: String::new(),
            finish_reason: None,
        });
    }
    let mut out = String::from("[");
    for (position, choice) in choices.iter().enumerate() {
        if position > 0 {
            out.push(',');
        }
        out.push_str(choice.parsed(position)?);
    }
    out.push(']');
    Ok(out)
}

/// What the completer expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A value (top level, after `:`, after `,` in an array).
    Value,
    /// After `[`.
    ValueOrClose,
    /// After `{`.
    KeyOrClose,
    /// After `,` in an object.
    Key,
    /// After a key.
    Colon,
    /// After a value inside a container.
    CommaOrClose,
    /// After the top-level value.
    Done,
}

/// Completes a prefix of a JSON text (in an optional code fence) to the JSON value it holds so
/// far, written compactly: open strings, arrays and objects are closed; a member without its
/// value, a partial number (`1.`), literal (`tru`) or escape, and a dangling comma are left out.
/// Text after the first invalid byte is ignored. `None` when there is no value yet.
///
/// Every prefix of a valid JSON text gives valid JSON, and the whole text gives the same value.
pub fn partial_json(text: &str) -> Option<String> {
    complete(text).0
}

/// [`partial_json`] of a text that begins with `head`, asking `whole` for all of it only when
/// `head` does not decide the value: prose stops the scan in its first bytes, so a long answer
/// kept in blocks (a chat [`Text`](crate::protocol::chat::blocks::Text)) is then not joined.
///
/// ```
/// use llmwire::protocol::structured::partial_json_from;
/// assert_eq!(partial_json_from("Hello, ", || unreachable!()), None);
/// assert_eq!(partial_json_from(r#"{"a": [1, 2"#, || r#"{"a": [1, 2, 3]}"#.to_string()).as_deref(), Some(r#"{"a":[1,2,3]}"#));
/// ```
pub fn partial_json_from(head: &str, whole: impl FnOnce() -> String) -> Option<String> {
    match complete(head) {
        (value, true) => value,
        (_, false) => partial_json(&whole()),
    }
}

/// [`partial_json`], and whether the bytes of `text` decided it: `false` when the scan reached
/// the end of `text` (more text could change the value).
fn complete(text: &str) -> (Option<String>, bool) {
    let src = partial_fence(text);
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len() + 8);
    let mut closers: Vec<u8> = Vec::new();
    // Where `out` plus the closers of the first `depth` containers is valid JSON.
    let mut checkpoint: Option<(usize, usize)> = None;
    let mut expect = Expect::Value;
    let mut i = 0;
    let mut decided = false;
    while let Some(&c) = b.get(i) {
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        let value = matches!(expect, Expect::Value | Expect::ValueOrClose);
        match c {
            b'{' | b'[' if value => {
                if closers.len() >= MAX_DEPTH as usize {
                    decided = true;
                    break;
                }
                closers.push(if c == b'{' { b'}' } else { b']' });
                out.push(char::from(c));
                expect = if c == b'{' { Expect::KeyOrClose } else { Expect::ValueOrClose };
                checkpoint = Some((out.len(), closers.len()));
                i += 1;
            }
            b'}' | b']'
                if closers.last() == Some(&c) && matches!(expect, Expect::CommaOrClose | Expect::KeyOrClose | Expect::ValueOrClose) =>
            {
                closers.pop();
                out.push(char::from(c));
                i += 1;
                expect = after_value(&out, &closers, &mut checkpoint);
            }
            b',' if expect == Expect::CommaOrClose => {
                out.push(',');
                expect = if closers.last() == Some(&b'}') { Expect::Key } else { Expect::Value };
                i += 1;
            }
            b':' if expect == Expect::Colon => {
                out.push(':');
                expect = Expect::Value;
                i += 1;
            }
            b'"' if value || matches!(expect, Expect::KeyOrClose | Expect::Key) => {
                let (end, closed) = scan_string(b, i);
                let piece = src.get(i..end).unwrap_or_default();
                if closed {
                    out.push_str(piece);
                    i = end;
                    expect = if value { after_value(&out, &closers, &mut checkpoint) } else { Expect::Colon };
                    continue;
                }
                if !value {
                    break;
                }
                // A string value still arriving: show what it has so far.
                out.push_str(piece);
                out.push('"');
                close(&mut out, &closers);
                return (Some(out), false);
            }
            b'-' | b'0'..=b'9' if value => {
                let end = i + b
                    .get(i..)
                    .map_or(0, |rest| rest.iter().take_while(|x| matches!(x, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')).count());
                let mut number = src.get(i..end).unwrap_or_default();
                if end == b.len() {
                    // Still arriving: its longest prefix that is a number (`-3.` shows as `-3`).
                    while !number.is_empty() && !is_number(number) {
                        number = number.get(..number.len() - 1).unwrap_or_default();
                    }
                }
                if number.is_empty() || !is_number(number) {
                    decided = end < b.len();
                    break;
                }
                out.push_str(number);
                i = end;
                expect = after_value(&out, &closers, &mut checkpoint);
            }
            b't' | b'f' | b'n' if value => {
                let word = match c {
                    b't' => "true",
                    b'f' => "false",
                    _ => "null",
                };
                if b.get(i..i + word.len()) != Some(word.as_bytes()) {
                    decided = b.len() >= i + word.len();
                    break;
                }
                out.push_str(word);
                i += word.len();
                expect = after_value(&out, &closers, &mut checkpoint);
            }
            _ => {
                decided = true;
                break;
            }
        }
    }
    let Some((len, depth)) = checkpoint else {
        return (None, decided);
    };
    out.truncate(len);
    close(&mut out, closers.get(..depth).unwrap_or_default());
    (Some(out), decided)
}

/// The text after an opening code fence's first line; nothing while that line is incomplete.
fn partial_fence(text: &str) -> &str {
    let text = text.trim_start();
    if !text.starts_with('`') {
        return text;
    }
    if "```".starts_with(text) {
        return "";
    }
    match text.strip_prefix("```").and_then(|t| t.split_once('\n')) {
        Some((_, body)) => body,
        None => "",
    }
}

/// Records a complete value and says what comes next.
fn after_value(out: &str, closers: &[u8], checkpoint: &mut Option<(usize, usize)>) -> Expect {
    *checkpoint = Some((out.len(), closers.len()));
    if closers.is_empty() {
        Expect::Done
    } else {
        Expect::CommaOrClose
    }
}

fn close(out: &mut String, closers: &[u8]) {
    for &c in closers.iter().rev() {
        out.push(char::from(c));
    }
}

/// Scans the string starting at the quote at `start`. Returns where it ends (after the closing
/// quote) and `true`, or, for a string the text ends inside, the end of its last whole
/// character or escape and `false`. Stops at the first byte a JSON string may not hold.
fn scan_string(b: &[u8], start: usize) -> (usize, bool) {
    let mut i = start + 1;
    loop {
        match b.get(i) {
            None => return (i, false),
            Some(b'"') => return (i + 1, true),
            Some(b'\\') => match b.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    let hex = b.get(i + 2..i + 6);
                    if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                        return (i, false);
                    }
                    // A high surrogate at the end waits for its pair.
                    let high = hex.is_some_and(|h| {
                        matches!(h.first(), Some(b'd' | b'D')) && matches!(h.get(1), Some(b'8'..=b'9' | b'a' | b'b' | b'A' | b'B'))
                    });
                    let rest = b.get(i + 6..).unwrap_or_default();
                    if high && rest.len() < 6 && rest.first().map_or(true, |&c| c == b'\\') {
                        return (i, false);
                    }
                    i += 6;
                }
                _ => return (i, false),
            },
            Some(0..=0x1f) => return (i, false),
            Some(_) => i += 1,
        }
    }
}

fn is_number(text: &str) -> bool {
    let mut r = Reader::new(text);
    r.number().is_ok() && r.end().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const DOCS: &[&str] = &[
        r#"{"name":"Ada Lovelace","born":1815,"langs":["en","fr"],"ok":true,"none":null,"pi":-3.14e0,"nested":{"a":[{"b":[]},{}]}}"#,
        r#"  { "text" : "a \"quoted\" \\ slash \/ tab\t nl\n \u00e9 \ud83d\ude80 東京 👋🏽" , "n" : [ 1 , 2 , 3 ] }  "#,
        r#"[1, "two", [3, [4, {"five": 5}]], false]"#,
        r#""just a string \u0041""#,
        "12.5",
        "```json\n{\"fenced\": [1, 2]}\n```",
    ];

    fn value(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    /// Every prefix of every document completes to valid JSON; the whole document to itself.
    #[test]
    fn every_prefix_is_valid_json() {
        for doc in DOCS {
            for (end, _) in doc.char_indices().chain(std::iter::once((doc.len(), ' '))) {
                if let Some(out) = partial_json(&doc[..end]) {
                    value(&out);
                }
            }
            let whole = partial_json(doc).unwrap();
            assert_eq!(value(&whole), value(strip_fence(doc)), "{doc}");
        }
    }

    /// A head that decides the value decides it for any text it begins: every split of every
    /// text (documents, their prefixes, prose, cut literals, numbers and keys) gives the same
    /// value as the whole, and prose is decided without the rest.
    #[test]
    fn a_head_gives_the_value_of_the_whole_text() {
        let mut texts: Vec<String> = DOCS.iter().map(|d| d.to_string()).collect();
        texts.extend(DOCS.iter().flat_map(|d| d.char_indices().map(|(end, _)| d[..end].to_string())));
        for extra in ["Sure! Here it is", "1. First, 2. second", "true story", "nullable", r#"{"long key": 1}"#, "[1e5, -0.5] and more"] {
            texts.push(extra.to_string());
        }
        for text in &texts {
            let want = partial_json(text);
            for (end, _) in text.char_indices().skip(1) {
                let got = partial_json_from(&text[..end], || text.clone());
                assert_eq!(got, want, "{text:?} split at {end}");
            }
        }
        assert_eq!(partial_json_from("Sure! Here", || unreachable!()), None);
        assert_eq!(partial_json_from("```json\n[1, 2] and", || unreachable!()).as_deref(), Some("[1,2]"));
    }

    /// Values only grow: a later prefix never loses a member an earlier one showed.
    #[test]
    fn members_appear_and_stay() {
        let doc = DOCS[0];
        let mut seen_keys = 0;
        for (end, _) in doc.char_indices() {
            if let Some(Value::Object(m)) = partial_json(&doc[..end]).map(|o| value(&o)) {
                assert!(m.len() >= seen_keys, "{}", &doc[..end]);
                seen_keys = m.len();
            }
        }
        assert_eq!(seen_keys, 7);
    }

    #[test]
    fn partial_pieces() {
        let cases = [
            ("", None),
            ("   ", None),
            ("Sure! Here it is", None),
            ("{", Some("{}")),
            ("[", Some("[]")),
            (r#"{"a"#, Some("{}")),
            (r#"{"a":"#, Some("{}")),
            (r#"{"a":1,"#, Some(r#"{"a":1}"#)),
            (r#"{"a":"x\"#, Some(r#"{"a":"x"}"#)),
            (r#"{"a":"x\u00"#, Some(r#"{"a":"x"}"#)),
            (r#"{"a":"\ud83d"#, Some(r#"{"a":""}"#)),
            (r#"{"a":"\ud83d\ude80"#, Some(r#"{"a":"\ud83d\ude80"}"#)),
            (r#"{"a":"\ud83d\ud"#, Some(r#"{"a":""}"#)),
            (r#"{"a":tr"#, Some("{}")),
            (r#"{"a":-"#, Some("{}")),
            (r#"{"a":1."#, Some(r#"{"a":1}"#)),
            (r#"{"a":1.5e"#, Some(r#"{"a":1.5}"#)),
            (r#"{"a":1.,"#, Some("{}")),
            (r#"{"a":12"#, Some(r#"{"a":12}"#)),
            (r#"[1,2,"#, Some("[1,2]")),
            (r#"[[["#, Some("[[[]]]")),
            (r#"{"a":[{"b":"c"#, Some(r#"{"a":[{"b":"c"}]}"#)),
            (r#"{"a":1} trailing"#, Some(r#"{"a":1}"#)),
            (r#"{"a":1,}"#, Some(r#"{"a":1}"#)),
            (r#"{"a" 1}"#, Some("{}")),
            ("```", None),
            ("```js", None),
            ("```json\n{\"a\":", Some("{}")),
            ("\"ab", Some("\"ab\"")),
        ];
        for (input, want) in cases {
            assert_eq!(partial_json(input).as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(500);
        let out = partial_json(&deep).unwrap();
        assert_eq!(out.len(), 2 * MAX_DEPTH as usize);
    }

    /// Random soups of JSON tokens: never a panic, and any output is valid JSON.
    #[test]
    fn random_inputs_give_valid_json_or_nothing() {
        let tokens =
            ["{", "}", "[", "]", ":", ",", "\"", "\"k\"", "1", "-", ".5", "e", "tru", "null", "\\", "\\u", "d83d", " ", "é", "\n", "```"];
        for text in crate::protocol::json::token_soup(&tokens, 7, 14, 20000) {
            // Lone surrogates (which JSON.parse accepts, and serde_json not) may pass through.
            if let Some(out) = partial_json(&text) {
                assert!(crate::protocol::json::is_valid(&out), "{text:?} -> {out:?}");
            }
        }
    }

    #[test]
    fn answers_and_fences() {
        assert_eq!(json_answer("  [1, 2] \n"), Ok("[1, 2]"));
        assert_eq!(json_answer("```\n{}\n```"), Ok("{}"));
        assert_eq!(json_answer("```json\n{}"), Ok("{}"));
        assert!(json_answer("").is_err());
        assert!(json_answer("{\"a\": 1").is_err());
        assert_eq!(strip_fence("```json"), "");
    }

    #[test]
    fn parsed_choices_of_completions() {
        let two = r#"{"choices":[{"index":0,"message":{"content":"{\"a\":1}"}},{"index":1,"message":{"content":null,"tool_calls":[]}}]}"#;
        assert_eq!(parsed_choices(two).unwrap(), r#"[{"a":1},null]"#);
        let refused = r#"{"choices":[{"index":0,"message":{"content":null,"refusal":"I can't"},"finish_reason":"stop"}]}"#;
        let e = parsed_choices(refused).unwrap_err();
        assert!(e.message.contains("refused") && e.raw == "I can't", "{e:?}");
        let prose = r#"{"choices":[{"index":0,"message":{"content":"Sure! {\"a\":1}"},"finish_reason":"stop"}]}"#;
        let e = parsed_choices(prose).unwrap_err();
        assert_eq!(e.raw, "Sure! {\"a\":1}");
        assert!(!e.message.contains("max_tokens"));
        assert_eq!(parsed_choices(r#"{"object":"image.generation","data":[],"choices":[]}"#).unwrap(), "[]");
        assert!(parsed_choices("[1]").is_err());
    }
}
