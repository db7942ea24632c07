//! A small JSON reader and writer for the hot path and the wasm build.
//!
//! The reader validates as strictly as `JSON.parse` (RFC 8259), borrows strings that have no
//! escapes, and hands back unknown values as raw slices, so a chunk is read in one pass with no
//! tree. Nesting is bounded ([`MAX_DEPTH`]) so hostile input cannot exhaust the stack. The writer
//! escapes strings. Neither pulls in serde: the wasm module stays small.
//!
//! ```
//! use llmwire::protocol::json::Reader;
//! let mut r = Reader::new(r#"{"a": "x\ny", "b": [1, {"c": null}]}"#);
//! let (mut a, mut b) = (None, None);
//! r.object(|key, r| {
//!     match key.as_ref() {
//!         "a" => a = Some(r.string()?),
//!         _ => b = Some(r.raw()?),
//!     }
//!     Ok(())
//! }).unwrap();
//! r.end().unwrap();
//! assert_eq!(a.as_deref(), Some("x\ny"));
//! assert_eq!(b, Some(r#"[1, {"c": null}]"#));
//! ```

use crate::protocol::text::{push_uint, Piece};
use std::borrow::Cow;
use std::fmt;

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: u32 = 128;

/// Why a JSON text was rejected, and the byte offset where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// What was wrong.
    pub message: &'static str,
    /// Byte offset in the input.
    pub offset: usize,
}

impl Piece for JsonError {
    fn push_to(&self, out: &mut String) {
        out.push_str(self.message);
        out.push_str(" at byte ");
        push_uint(out, self.offset as u64);
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::cat!(self))
    }
}

impl std::error::Error for JsonError {}

/// A JSON value's kind, as seen from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

/// A cursor over one JSON text.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    src: &'a str,
    pos: usize,
    depth: u32,
    /// Set by strings read since [`opt_string_halves`](Self::opt_string_halves) cleared it.
    halves: Halves,
}

/// The lone halves of a surrogate pair that a JSON string starts and ends with, as escapes: a low
/// half (`"\ude80…"`) and a high half (`"…\ud83d"`). Each reads as U+FFFD; a gateway that cuts a
/// text between the two halves of a character writes them so (see
/// [`SurrogateJoin`](crate::protocol::chat::blocks::SurrogateJoin)).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Halves {
    /// A low half (`\udc00`–`\udfff`) that starts the string.
    pub low_first: Option<u16>,
    /// A high half (`\ud800`–`\udbff`) that ends the string.
    pub high_last: Option<u16>,
}

type Res<T> = Result<T, JsonError>;

impl<'a> Reader<'a> {
    /// A reader at the start of `src`.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn new(src: &'a str) -> Self {
        Reader { src, pos: 0, depth: 0, halves: Halves::default() }
    }

    fn err<T>(&self, message: &'static str) -> Res<T> {
        Err(self.error(message))
    }

    /// An error at the current position, for callers that reject a well-formed value.
    pub fn error(&self, message: &'static str) -> JsonError {
        JsonError { message, offset: self.pos }
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn byte(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.byte() {
            self.pos += 1;
        }
    }

    /// The kind of the next value (after whitespace), or an error at the end of input.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn peek(&mut self) -> Res<Kind> {
        self.skip_ws();
        match self.byte() {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            Some(_) => self.err("expected a value"),
            None => self.err("unexpected end of input"),
        }
    }

    /// Checks that only whitespace remains.
    pub fn end(&mut self) -> Res<()> {
        self.skip_ws();
        if self.pos == self.src.len() {
            Ok(())
        } else {
            self.err("trailing characters after the value")
        }
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn literal(&mut self, word: &'static str) -> Res<()> {
        if self.src.as_bytes().get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            self.err("invalid literal")
        }
    }

    /// Consumes `null` if it is next; returns whether it did.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn null(&mut self) -> Res<bool> {
        if self.peek()? == Kind::Null {
            self.literal("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads a string, borrowing it when it has no escapes.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn string(&mut self) -> Res<Cow<'a, str>> {
        if self.peek()? != Kind::String {
            return self.err("expected a string");
        }
        self.pos += 1;
        let start = self.pos;
        let bytes = self.src.as_bytes();
        // Fast path: no escapes.
        loop {
            self.pos += bytes
                .get(self.pos..)
                .and_then(crate::protocol::scan::find_string_special)
                .unwrap_or(bytes.len() - self.pos.min(bytes.len()));
            match bytes.get(self.pos) {
                Some(b'"') => {
                    let s = self.src.get(start..self.pos).unwrap_or_default();
                    self.pos += 1;
                    return Ok(Cow::Borrowed(s));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => return self.err("control character in a string"),
                Some(_) => self.pos += 1,
                None => return self.err("unterminated string"),
            }
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(self.src.get(start..self.pos).unwrap_or_default());
        loop {
            let run = self.pos;
            while let Some(&b) = bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.src.get(run..self.pos).unwrap_or_default());
            match bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return self.err("control character in a string"),
                None => return self.err("unterminated string"),
            }
        }
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn escape(&mut self, out: &mut String) -> Res<()> {
        let c = match self.byte() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let hi = self.hex4()?;
                let c = if (0xD800..0xDC00).contains(&hi) && self.src.get(self.pos..self.pos + 2) == Some("\\u") {
                    let save = self.pos;
                    self.pos += 2;
                    let lo = self.hex4()?;
                    if (0xDC00..0xE000).contains(&lo) {
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                    } else {
                        // A lone high surrogate followed by another escape: read that one again.
                        self.pos = save;
                        None
                    }
                } else {
                    char::from_u32(hi)
                };
                // Lone surrogates (which JSON.parse accepts) become U+FFFD; those that start or end
                // the string are noted.
                if c.is_none() {
                    let unit = hi as u16;
                    if out.is_empty() && (0xDC00..0xE000).contains(&hi) {
                        self.halves.low_first = Some(unit);
                    } else if self.byte() == Some(b'"') && (0xD800..0xDC00).contains(&hi) {
                        self.halves.high_last = Some(unit);
                    }
                }
                out.push(c.unwrap_or('\u{fffd}'));
                return Ok(());
            }
            _ => return self.err("invalid escape"),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn hex4(&mut self) -> Res<u32> {
        let digits = self.src.get(self.pos..self.pos + 4).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => self.err("invalid \\u escape"),
        }
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.byte() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Reads a number and returns its text.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn number(&mut self) -> Res<&'a str> {
        if self.peek()? != Kind::Number {
            return self.err("expected a number");
        }
        let start = self.pos;
        if self.byte() == Some(b'-') {
            self.pos += 1;
        }
        match self.byte() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.err("invalid number"),
        }
        if self.byte() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.byte() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.byte() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.err("invalid number");
            }
        }
        Ok(self.src.get(start..self.pos).unwrap_or_default())
    }

    /// Reads a non-negative integer; `None` for other numbers (negative, fractional, too large).
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn index(&mut self) -> Res<Option<u64>> {
        let text = self.number()?;
        Ok(text.parse().ok())
    }

    /// Reads `true` or `false`.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn bool(&mut self) -> Res<bool> {
        match self.peek()? {
            Kind::Bool if self.byte() == Some(b't') => self.literal("true").map(|_| true),
            Kind::Bool => self.literal("false").map(|_| false),
            _ => self.err("expected a boolean"),
        }
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn enter(&mut self) -> Res<()> {
        if self.depth >= MAX_DEPTH {
            return self.err("nesting too deep");
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Reads an object, calling `member(key, reader)` for each member; the callback must read
    /// exactly one value.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn object<F>(&mut self, mut member: F) -> Res<()>
    where
        F: FnMut(Cow<'a, str>, &mut Self) -> Res<()>,
    {
        // One non-generic body for every caller keeps the wasm small; the indirect call is cheap.
        self.object_dyn(false, &mut member)
    }

    /// Reads the rest of the top-level object of a reader made by [`Reader::resume`]: from just
    /// after one of its members' values, calling `member(key, reader)` for each further member.
    ///
    /// ```
    /// use llmwire::protocol::json::Reader;
    /// let text = r#"{"a":1, "b":2}"#;
    /// let mut keys = Vec::new();
    /// let mut r = Reader::resume(text, 6); // just after the value of "a"
    /// r.rest_of_object(|key, r| { keys.push(key); r.skip() }).unwrap();
    /// r.end().unwrap();
    /// assert_eq!(keys, ["b"]);
    /// ```
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn rest_of_object<F>(&mut self, mut member: F) -> Res<()>
    where
        F: FnMut(Cow<'a, str>, &mut Self) -> Res<()>,
    {
        self.depth += 1;
        self.object_dyn(true, &mut member)
    }

    /// A reader at `pos` of `src`, inside its top-level object, for [`Reader::rest_of_object`].
    pub fn resume(src: &'a str, pos: usize) -> Self {
        Reader { src, pos, depth: 0, halves: Halves::default() }
    }

    /// The byte offset of the next unread byte.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// `resumed`: the object was opened and one member read before (`rest_of_object`).
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn object_dyn(&mut self, resumed: bool, member: &mut dyn FnMut(Cow<'a, str>, &mut Self) -> Res<()>) -> Res<()> {
        let mut read = !resumed;
        if read {
            if self.peek()? != Kind::Object {
                return self.err("expected an object");
            }
            self.enter()?;
            self.skip_ws();
            if self.byte() == Some(b'}') {
                self.pos += 1;
                self.depth -= 1;
                return Ok(());
            }
        }
        loop {
            if read {
                let key = self.string()?;
                self.skip_ws();
                if self.byte() != Some(b':') {
                    return self.err("expected ':'");
                }
                self.pos += 1;
                member(key, self)?;
            }
            read = true;
            self.skip_ws();
            match self.byte() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return self.err("expected ',' or '}'"),
            }
        }
    }

    /// Reads an array, calling `element(reader)` for each element; the callback must read
    /// exactly one value.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn array<F>(&mut self, mut element: F) -> Res<()>
    where
        F: FnMut(&mut Self) -> Res<()>,
    {
        self.array_dyn(&mut element)
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn array_dyn(&mut self, element: &mut dyn FnMut(&mut Self) -> Res<()>) -> Res<()> {
        if self.peek()? != Kind::Array {
            return self.err("expected an array");
        }
        self.enter()?;
        self.skip_ws();
        if self.byte() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            element(self)?;
            self.skip_ws();
            match self.byte() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return self.err("expected ',' or ']'"),
            }
        }
    }

    /// Validates and skips one value of any kind.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn skip(&mut self) -> Res<()> {
        match self.peek()? {
            Kind::Object => self.object(|_, r| r.skip()),
            Kind::Array => self.array(|r| r.skip()),
            Kind::String => self.string().map(drop),
            Kind::Number => self.number().map(drop),
            Kind::Bool => self.bool().map(drop),
            Kind::Null => self.literal("null"),
        }
    }

    /// Validates one value of any kind and returns its JSON text.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn raw(&mut self) -> Res<&'a str> {
        self.skip_ws();
        let start = self.pos;
        self.skip()?;
        Ok(self.src.get(start..self.pos).unwrap_or_default())
    }

    /// A string, or `None` for `null`.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn opt_string(&mut self) -> Res<Option<Cow<'a, str>>> {
        if self.null()? {
            return Ok(None);
        }
        self.string().map(Some)
    }

    /// [`opt_string`](Self::opt_string), with the lone halves of a surrogate pair that the string
    /// starts and ends with.
    ///
    /// ```
    /// use llmwire::protocol::json::{Halves, Reader};
    /// let (text, halves) = Reader::new(r#""\ude80b\ud83d""#).opt_string_halves().unwrap();
    /// assert_eq!(text.as_deref(), Some("\u{fffd}b\u{fffd}"));
    /// assert_eq!(halves, Halves { low_first: Some(0xde80), high_last: Some(0xd83d) });
    /// ```
    pub fn opt_string_halves(&mut self) -> Res<(Option<Cow<'a, str>>, Halves)> {
        self.halves = Halves::default();
        let value = self.opt_string()?;
        Ok((value, self.halves))
    }
}

/// Whether `text` is one valid JSON value.
pub fn is_valid(text: &str) -> bool {
    let mut r = Reader::new(text);
    r.skip().and_then(|_| r.end()).is_ok()
}

/// The members of one JSON object text, as keys and raw JSON values, in order.
///
/// ```
/// let m = llmwire::protocol::json::members(r#"{"a": [1], "b": "x"}"#).unwrap();
/// assert_eq!(m, [("a".into(), "[1]"), ("b".into(), "\"x\"")]);
/// ```
pub fn members(text: &str) -> Result<Vec<(Cow<'_, str>, &str)>, JsonError> {
    let mut out = Vec::new();
    let mut r = Reader::new(text);
    r.object(|key, r| {
        out.push((key, r.raw()?));
        Ok(())
    })?;
    r.end()?;
    Ok(out)
}

/// The decoded string of a raw JSON value, or `None` when it is not a string.
pub fn raw_str(raw: &str) -> Option<Cow<'_, str>> {
    Reader::new(raw).string().ok()
}

/// Appends `pairs` to `out` as a JSON array of two-string arrays (headers, form fields).
///
/// ```
/// let mut out = String::new();
/// llmwire::protocol::json::write_pairs(&mut out, &[("a".to_string(), "1".to_string()), ("b\"".into(), "2".into())]);
/// assert_eq!(out, r#"[["a","1"],["b\"","2"]]"#);
/// ```
pub fn write_pairs(out: &mut String, pairs: &[(String, String)]) {
    out.push('[');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        write_str(out, k);
        out.push(',');
        write_str(out, v);
        out.push(']');
    }
    out.push(']');
}

/// The length of `s` as [`write_str`] writes it, quotes and escapes included: what to reserve
/// before writing a large text.
///
/// ```
/// assert_eq!(llmwire::protocol::json::str_len("a\"\n\u{1}"), 2 + 1 + 2 + 2 + 6);
/// ```
#[inline(never)]
#[cfg_attr(llmwire_oz, optimize(speed))]
pub fn str_len(s: &str) -> usize {
    let mut n = s.len() + 2;
    for b in s.bytes() {
        match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' => n += 1,
            0..=0x1f => n += 5,
            _ => {}
        }
    }
    n
}

/// Appends `s` to `out` as a JSON string literal.
#[cfg_attr(llmwire_oz, optimize(speed))]
pub fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    push_escaped(out, s);
    out.push('"');
}

/// Appends `s` to `out` escaped as the inside of a JSON string literal (a text written in parts).
///
/// ```
/// let mut out = String::from("\"");
/// llmwire::protocol::json::push_escaped(&mut out, "a\"\n");
/// assert_eq!(out, r#""a\"\n"#);
/// ```
#[cfg_attr(llmwire_oz, optimize(speed))]
pub fn push_escaped(out: &mut String, s: &str) {
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        if escaped.is_empty() {
            push_u_escape(out, u16::from(b));
        } else {
            out.push_str(escaped);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
}

/// Appends `\uXXXX` for one UTF-16 code unit.
#[cfg_attr(llmwire_oz, optimize(speed))]
fn push_u_escape(out: &mut String, unit: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[usize::from((unit >> shift) & 0xf)]));
    }
}

/// Appends one item to a batch, the JSON array text a stream read hands to JavaScript (`[` before
/// the first item, `,` between), with every non-ASCII character of `json` written as a `\u`
/// escape (a surrogate pair above U+FFFF). It is the same value, and in JavaScript an ASCII batch
/// decodes and `JSON.parse`s faster: TextDecoder's ASCII path and one-byte strings (over the
/// bench's corpora, 21–25 % less time for both in Node; chunk iteration as a whole 8–14 % faster
/// in Chromium). Outside strings JSON is ASCII already, so `json` needs no parsing here.
///
/// ```
/// let mut batch = String::new();
/// llmwire::protocol::json::push_item(&mut batch, r#"{"content":"東京 😀"}"#);
/// llmwire::protocol::json::push_item(&mut batch, "{}");
/// assert_eq!(batch, r#"[{"content":"\u6771\u4eac \ud83d\ude00"},{}"#);
/// ```
#[cfg_attr(llmwire_oz, optimize(speed))]
pub fn push_item(out: &mut String, json: &str) {
    out.push(if out.is_empty() { '[' } else { ',' });
    let mut rest = json;
    while let Some(at) = crate::protocol::scan::find_non_ascii(rest.as_bytes()) {
        // A non-ASCII byte of a `str` that follows ASCII starts a character: `at` is a boundary.
        out.push_str(rest.get(..at).unwrap_or_default());
        let mut chars = rest.get(at..).unwrap_or_default().chars();
        let c = chars.next().map_or(0, u32::from);
        if c > 0xffff {
            push_u_escape(out, (0xd7c0 + (c >> 10)) as u16);
            push_u_escape(out, (0xdc00 | (c & 0x3ff)) as u16);
        } else {
            push_u_escape(out, c as u16);
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
}

/// Builds one JSON object into a string, member by member.
#[derive(Debug)]
pub struct ObjectWriter<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> ObjectWriter<'o> {
    /// Opens an object at the end of `out`.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn new(out: &'o mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// Writes a key and returns the buffer for its value.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(self.out, key);
        self.out.push(':');
        self.out
    }

    /// A member whose value is already JSON text.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key).push_str(json);
        self
    }

    /// A string member.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        write_str(self.key(key), value);
        self
    }

    /// A string member, or `null`.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.str(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// An integer member.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn uint(&mut self, key: &str, value: u64) -> &mut Self {
        push_uint(self.key(key), value);
        self
    }

    /// A boolean member.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// Closes the object.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn finish(self) {
        self.out.push('}');
    }
}

/// Test inputs: `count` texts of up to `max_tokens - 1` tokens drawn from `tokens` by a seeded
/// xorshift, the same texts for the same seed.
#[cfg(test)]
pub(crate) fn token_soup(tokens: &[&str], seed: u64, max_tokens: u64, count: usize) -> Vec<String> {
    let mut seed = seed;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..count)
        .map(|_| {
            let n = next() % max_tokens;
            (0..n).map(|_| tokens[(next() % tokens.len() as u64) as usize]).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_like_serde(text: &str) -> bool {
        serde_json::from_str::<serde_json::Value>(text).is_ok()
    }

    #[test]
    fn validity_matches_serde_json_on_tricky_inputs() {
        let cases = [
            "null",
            "true",
            "false",
            "0",
            "-0",
            "1.5e3",
            "-1E-2",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "[]",
            "[1,]",
            "[,1]",
            "{}",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{1:2}"#,
            r#""\u00e9""#,
            r#""\uZZZZ""#,
            r#""\x""#,
            "\"a\u{1}\"",
            r#""tab	""#,
            "  [1 , 2 ]  ",
            "[1] 2",
            "nul",
            "tru",
            "[[[[]]]]",
            r#"{"a":[{"b":null}]}"#,
            "\"unterminated",
            "",
            "   ",
            r#""\/""#,
            r#"{"a":1}}"#,
            "[\"é🚀\"]",
            "123456789012345678901234567890",
        ];
        for c in cases {
            assert_eq!(is_valid(c), parse_like_serde(c), "{c:?}");
        }
    }

    #[test]
    fn strings_borrow_or_unescape() {
        let mut r = Reader::new(r#""plain""#);
        assert!(matches!(r.string().unwrap(), Cow::Borrowed("plain")));
        let mut r = Reader::new(r#""a\"b\\c\/d\n\u00e9\ud83d\ude80""#);
        assert_eq!(r.string().unwrap(), "a\"b\\c/d\né🚀");
        // Lone surrogates become U+FFFD, as JSON.parse keeps them and Rust strings cannot.
        let mut r = Reader::new(r#""\ud83d x \ude80 \ud83d\u0041""#);
        assert_eq!(r.string().unwrap(), "\u{fffd} x \u{fffd} \u{fffd}A");
    }

    #[test]
    fn strings_decode_like_serde() {
        for s in ["", "a", "é", "🚀", "\"\\\n\r\t\u{1}\u{1f}", "mixed \u{8} \u{c} / text"] {
            let mut json = String::new();
            write_str(&mut json, s);
            assert_eq!(serde_json::from_str::<String>(&json).unwrap(), s);
            assert_eq!(Reader::new(&json).string().unwrap(), s);
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(Reader::new(&deep).skip().unwrap_err().message, "nesting too deep");
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(is_valid(&ok));
    }

    #[test]
    fn raw_and_index() {
        let mut r = Reader::new(r#" { "i": 3, "f": 1.5, "n": -1, "big": 99999999999999999999, "v": [1, "x"] } "#);
        let mut got = Vec::new();
        r.object(|k, r| {
            match k.as_ref() {
                "v" => got.push(format!("{}={}", k, r.raw()?)),
                _ => got.push(format!("{}={:?}", k, r.index()?)),
            }
            Ok(())
        })
        .unwrap();
        r.end().unwrap();
        assert_eq!(got, ["i=Some(3)", "f=None", "n=None", "big=None", r#"v=[1, "x"]"#]);
    }

    #[test]
    fn batch_items_are_ascii_and_the_same_values() {
        let tokens = ["a", "\\\"", "東京", "😀", "👩\u{200d}💻", "é", "\u{2028}", "\u{ffff}", "\u{10000}", " ", "\\n", "\u{7f}", "\u{80}"];
        let texts = super::token_soup(&tokens, 7, 9, 3000);
        let mut batch = String::new();
        for text in &texts {
            push_item(&mut batch, &crate::cat!("{\"content\":\"", text.as_str(), "\",\"n\":1}"));
        }
        batch.push(']');
        assert!(batch.is_ascii());
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&batch).expect("a valid batch");
        assert_eq!(parsed.len(), texts.len());
        for (value, text) in parsed.iter().zip(&texts) {
            let expected: serde_json::Value = serde_json::from_str(&crate::cat!("\"", text.as_str(), "\"")).expect("a valid string");
            assert_eq!(value["content"], expected, "{text:?}");
        }
    }

    #[test]
    fn object_writer() {
        let mut out = String::new();
        let mut w = ObjectWriter::new(&mut out);
        w.str("a", "x\"y").uint("n", 1234567890123).opt_str("z", None).bool("b", true).raw("r", "[1]");
        w.finish();
        assert_eq!(out, r#"{"a":"x\"y","n":1234567890123,"z":null,"b":true,"r":[1]}"#);
        assert!(parse_like_serde(&out));
    }

    /// Random byte soup built from JSON-ish tokens: never a panic, and the same verdict as serde_json.
    #[test]
    fn random_inputs_agree_with_serde_json() {
        let tokens = [
            "{", "}", "[", "]", ":", ",", "\"", "\"k\"", "1", "-", "0", ".", "e", "null", "true", "\\", "\\u", "0041", " ", "\"\\n\"", "é",
            "[1,2]", "{\"a\":",
        ];
        for text in super::token_soup(&tokens, 42, 12, 20000) {
            assert_eq!(is_valid(&text), parse_like_serde(&text), "{text:?}");
        }
    }
}
