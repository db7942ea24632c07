//! One error model for every layer: what the server said, what the stream did, what the network did.
//!
//! Every failure llmwire reports is an [`Error`]. Errors that come from the server carry an
//! [`ApiError`] with the HTTP status, the OpenAI-style `type`, `code` and `param`, the request id
//! and, for bodies that were not JSON (an HTML 502 page from a proxy), a short text snippet.
//!
//! ```
//! use llmwire::protocol::error::{ApiError, Error};
//! let err = ApiError::from_response(429, br#"{"error":{"message":"slow down","type":"rate_limit_exceeded","code":"rate_limit_exceeded"}}"#, Some("req_1".into()));
//! assert_eq!(err.status, Some(429));
//! assert_eq!(err.code.as_deref(), Some("rate_limit_exceeded"));
//! assert_eq!(Error::from(err).class_name(), "RateLimitError");
//! ```

use crate::protocol::json::{Kind, Reader};
use crate::protocol::text::Piece;
use std::fmt;

/// Longest body snippet kept on an error, in characters.
pub const SNIPPET_CHARS: usize = 240;

/// An error reported by the server: a non-2xx response, or an error object inside a 200 stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiError {
    /// HTTP status; `None` for an error that arrived inside a successful stream.
    pub status: Option<u16>,
    /// Human-readable message (from the body's `error.message` when there is one).
    pub message: String,
    /// The OpenAI `error.type`, e.g. `invalid_request_error`.
    pub error_type: Option<String>,
    /// The OpenAI `error.code` (numbers are rendered as text, as 01.AI sends `"529"` or `529`).
    pub code: Option<String>,
    /// The OpenAI `error.param`, the request parameter at fault.
    pub param: Option<String>,
    /// The `x-request-id` response header, when present.
    pub request_id: Option<String>,
    /// A bounded snippet of a body that was not an OpenAI error object.
    pub body_snippet: Option<String>,
}

/// Everything that can go wrong between a request and its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The server answered with an error (see [`ApiError`]).
    Api(Box<ApiError>),
    /// A stream event could not be parsed as JSON; `snippet` is a bounded copy of its data.
    MalformedEvent { message: String, snippet: String },
    /// The body ended before the stream was complete (no `[DONE]`, a choice without a finish reason).
    Truncated { message: String },
    /// One SSE line or event exceeded the size cap.
    EventTooLarge { limit: usize },
    /// A successful response whose body is not what the endpoint promises.
    InvalidResponse { message: String, snippet: String },
    /// The request never got a response: DNS, TLS, connection refused or reset, CORS.
    Connection { message: String },
    /// A timeout fired: for the whole request, for the response headers, or between two chunks
    /// of a stream (`message` says which).
    Timeout { message: String },
    /// The caller aborted the request through its `AbortSignal`, or cancelled the stream.
    Aborted,
    /// The caller passed something unusable (a missing option, a bad parameter).
    InvalidArgument { message: String },
}

/// The text of a JSON scalar: strings as they are, numbers and booleans as written; `None` for
/// null, objects and arrays (which are skipped).
fn scalar_text(r: &mut Reader<'_>) -> Option<Option<String>> {
    let text = match r.peek().ok()? {
        Kind::String => r.string().ok()?.into_owned(),
        Kind::Number | Kind::Bool => r.raw().ok()?.to_string(),
        _ => {
            r.skip().ok()?;
            return Some(None);
        }
    };
    Some(Some(text))
}

/// The members of an error envelope, as raw JSON text.
#[derive(Default)]
struct Envelope<'a> {
    error: Option<&'a str>,
    message: Option<&'a str>,
    detail: Option<&'a str>,
}

impl<'a> Envelope<'a> {
    fn parse(body: &'a str) -> Option<Self> {
        let mut env = Envelope::default();
        let mut r = Reader::new(body);
        r.object(|key, r| {
            let raw = r.raw()?;
            match key.as_ref() {
                "error" => env.error = Some(raw),
                "message" => env.message = Some(raw),
                "detail" => env.detail = Some(raw),
                _ => {}
            }
            Ok(())
        })
        .ok()?;
        r.end().ok()?;
        Some(env)
    }
}

impl ApiError {
    /// Classifies a non-2xx response from its status and body. Accepts the OpenAI shape
    /// `{"error":{"message","type","code","param"}}`, `{"error":"text"}`, `{"message":...}` and
    /// FastAPI's `{"detail":...}`; anything else becomes a message with a bounded body snippet.
    pub fn from_response(status: u16, body: &[u8], request_id: Option<String>) -> ApiError {
        let mut err = Self::from_json_body(body).unwrap_or_else(|| {
            let snippet = snippet_of(body);
            ApiError {
                message: if snippet.is_empty() { status_text(status).to_string() } else { crate::cat!(status_text(status), ": ", snippet) },
                body_snippet: if snippet.is_empty() { None } else { Some(snippet) },
                ..ApiError::default()
            }
        });
        err.status = Some(status);
        err.request_id = request_id;
        err
    }

    /// Reads an OpenAI error object from a JSON body or stream event; `None` when the body has none.
    pub fn from_json_body(body: &[u8]) -> Option<ApiError> {
        let env = Envelope::parse(std::str::from_utf8(body).ok()?)?;
        if let Some(raw) = env.error.filter(|r| *r != "null") {
            return Some(Self::from_error_value(raw));
        }
        let text = env.message.or(env.detail)?;
        Some(ApiError { message: raw_to_message(text), ..ApiError::default() })
    }

    /// Reads the `error` member of a JSON object body (a 2xx body that is really an error);
    /// `None` when there is none or it is null.
    pub fn from_error_member(body: &[u8]) -> Option<ApiError> {
        let env = Envelope::parse(std::str::from_utf8(body).ok()?)?;
        env.error.filter(|r| *r != "null").map(Self::from_error_value)
    }

    /// Builds the error from the raw JSON of an `error` member (an object or a bare string).
    pub fn from_error_value(raw: &str) -> ApiError {
        let mut err = ApiError::default();
        let mut message = None;
        let mut r = Reader::new(raw);
        let parsed = r.object(|key, r| {
            let slot = match key.as_ref() {
                "message" => &mut message,
                "type" => &mut err.error_type,
                "code" => &mut err.code,
                "param" => &mut err.param,
                _ => return r.skip(),
            };
            *slot = scalar_text(r).ok_or_else(|| r.error("invalid value"))?;
            Ok(())
        });
        if parsed.is_err() {
            return ApiError { message: raw_to_message(raw), ..ApiError::default() };
        }
        err.message = message.unwrap_or_else(|| "unknown error".to_string());
        err
    }

    /// Whether retrying the same request may succeed (408, 409, 429 except `insufficient_quota`, 5xx).
    pub fn is_retryable(&self) -> bool {
        if self.code.as_deref() == Some("insufficient_quota") {
            return false;
        }
        matches!(self.status, Some(408 | 409 | 429) | Some(500..=599))
    }
}

fn raw_to_message(raw: &str) -> String {
    match Reader::new(raw).string() {
        Ok(s) => s.into_owned(),
        Err(_) => bounded(raw, SNIPPET_CHARS),
    }
}

/// The reason phrase for common statuses, used when the body says nothing useful.
pub fn status_text(status: u16) -> &'static str {
    match status {
        400 => "400 Bad Request",
        401 => "401 Unauthorized",
        403 => "403 Forbidden",
        404 => "404 Not Found",
        408 => "408 Request Timeout",
        409 => "409 Conflict",
        413 => "413 Payload Too Large",
        422 => "422 Unprocessable Entity",
        429 => "429 Too Many Requests",
        500 => "500 Internal Server Error",
        502 => "502 Bad Gateway",
        503 => "503 Service Unavailable",
        504 => "504 Gateway Timeout",
        529 => "529 System Busy",
        s if (400..500).contains(&s) => "client error",
        _ => "server error",
    }
}

/// Cuts `text` to at most `max` characters, adding `…` when it was cut.
pub fn bounded(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => {
            let mut s = text.get(..end).unwrap_or_default().to_string();
            s.push('…');
            s
        }
        None => text.to_string(),
    }
}

/// A short, readable snippet of an arbitrary body: for HTML the `<title>` or the visible text,
/// whitespace collapsed, at most [`SNIPPET_CHARS`] characters.
pub fn snippet_of(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    let looks_html = ["<html", "<!doctype", "<body"].iter().any(|tag| find(&lower, tag).is_some());
    let visible = if looks_html {
        let title = find(&lower, "<title>").and_then(|start| {
            let from = start + "<title>".len();
            let end = find(lower.get(from..)?, "</title>")? + from;
            text.get(from..end)
        });
        match title {
            Some(t) if !t.trim().is_empty() => t.to_string(),
            _ => strip_tags(&text),
        }
    } else {
        text.into_owned()
    };
    bounded(&collapse_whitespace(&visible), SNIPPET_CHARS)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(4096));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        if c.is_whitespace() {
            gap = !out.is_empty();
        } else {
            if gap {
                out.push(' ');
                gap = false;
            }
            out.push(c);
        }
    }
    out
}

/// The byte offset of `needle` in `hay`: a plain search, as these texts are bounded error bodies
/// (`str::find` with a string pattern brings a 2.6 KB searcher into the wasm).
fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes().windows(needle.len()).position(|w| w == needle.as_bytes())
}

/// Replaces every occurrence of `secret` (not empty) in `text` with `[redacted]`.
fn scrub(text: &mut String, secret: &str) {
    let Some(mut at) = find(text, secret) else { return };
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    loop {
        out.push_str(rest.get(..at).unwrap_or_default());
        out.push_str("[redacted]");
        rest = rest.get(at + secret.len()..).unwrap_or_default();
        match find(rest, secret) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.push_str(rest);
    *text = out;
}

impl Error {
    /// The JavaScript error class this maps to, mirroring openai-node's names.
    pub fn class_name(&self) -> &'static str {
        match self {
            Error::Api(api) => match api.status {
                Some(400) => "BadRequestError",
                Some(401) => "AuthenticationError",
                Some(403) => "PermissionDeniedError",
                Some(404) => "NotFoundError",
                Some(409) => "ConflictError",
                Some(422) => "UnprocessableEntityError",
                Some(429) => "RateLimitError",
                Some(s) if s >= 500 => "InternalServerError",
                _ => "APIError",
            },
            Error::MalformedEvent { .. } => "StreamParseError",
            Error::Truncated { .. } => "StreamTruncatedError",
            Error::EventTooLarge { .. } => "StreamParseError",
            Error::InvalidResponse { .. } => "InvalidResponseError",
            Error::Connection { .. } => "APIConnectionError",
            Error::Timeout { .. } => "APIConnectionTimeoutError",
            Error::Aborted => "APIUserAbortError",
            Error::InvalidArgument { .. } => "InvalidArgumentError",
        }
    }

    /// Whether the same request may succeed if sent again.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => api.is_retryable(),
            Error::Connection { .. } | Error::Timeout { .. } => true,
            _ => false,
        }
    }

    /// Replaces every occurrence of `secret` in the error's texts with `[redacted]`.
    /// Servers echo keys back ("Incorrect API key provided: sk-…"); the key must never travel further.
    pub fn redact(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let scrub = |s: &mut String| scrub(s, secret);
        match self {
            Error::Api(api) => {
                scrub(&mut api.message);
                for s in
                    [&mut api.error_type, &mut api.code, &mut api.param, &mut api.body_snippet, &mut api.request_id].into_iter().flatten()
                {
                    scrub(s);
                }
            }
            Error::MalformedEvent { message, snippet } | Error::InvalidResponse { message, snippet } => {
                scrub(message);
                scrub(snippet);
            }
            Error::Truncated { message }
            | Error::Connection { message }
            | Error::Timeout { message }
            | Error::InvalidArgument { message } => scrub(message),
            Error::EventTooLarge { .. } | Error::Aborted => {}
        }
    }
}

impl Piece for Error {
    fn push_to(&self, out: &mut String) {
        let mut put = |parts: &[&str]| parts.iter().for_each(|p| out.push_str(p));
        match self {
            Error::Api(api) => {
                let status = api.status.map(|s| crate::cat!(s)).unwrap_or_default();
                if status.is_empty() || api.message.starts_with(&status) {
                    put(&[&api.message]);
                } else {
                    put(&[&status, " ", &api.message]);
                }
            }
            Error::MalformedEvent { message, snippet } => put(&["malformed stream event (", message, "): ", snippet]),
            Error::Truncated { message } => put(&["stream truncated: ", message]),
            Error::EventTooLarge { limit } => put(&["a stream event exceeded the ", &crate::cat!(limit), "-byte limit"]),
            Error::InvalidResponse { message, snippet } if snippet.is_empty() => put(&["invalid response: ", message]),
            Error::InvalidResponse { message, snippet } => put(&["invalid response: ", message, ": ", snippet]),
            Error::Connection { message } => put(&["connection error: ", message]),
            Error::Timeout { message } => put(&["request timed out: ", message]),
            Error::Aborted => put(&["request was aborted"]),
            Error::InvalidArgument { message } => put(&["invalid argument: ", message]),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::cat!(self))
    }
}

impl std::error::Error for Error {}

impl From<ApiError> for Error {
    fn from(api: ApiError) -> Self {
        Error::Api(Box::new(api))
    }
}

impl From<crate::protocol::sse::SseError> for Error {
    fn from(e: crate::protocol::sse::SseError) -> Self {
        match e {
            crate::protocol::sse::SseError::EventTooLarge { limit } => Error::EventTooLarge { limit },
        }
    }
}

/// A 2xx body must be a JSON object; an `error` member inside it is the server's error.
pub fn check_json_object(text: &str, status: u16) -> Result<(), Error> {
    if let Some(mut api) = ApiError::from_error_member(text.as_bytes()) {
        api.status = Some(status);
        return Err(api.into());
    }
    let mut r = Reader::new(text);
    match r.object(|_, r| r.skip()).and_then(|_| r.end()) {
        Ok(()) => Ok(()),
        Err(e) => Err(Error::InvalidResponse { message: crate::cat!("expected a JSON object: ", e), snippet: snippet_of(text.as_bytes()) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_error_shape() {
        let e = ApiError::from_response(
            400,
            br#"{"error":{"message":"bad temp","type":"invalid_request_error","param":"temperature","code":null}}"#,
            None,
        );
        assert_eq!(e.message, "bad temp");
        assert_eq!(e.error_type.as_deref(), Some("invalid_request_error"));
        assert_eq!(e.param.as_deref(), Some("temperature"));
        assert_eq!(e.code, None);
        assert_eq!(Error::from(e.clone()).class_name(), "BadRequestError");
        assert_eq!(Error::from(e).to_string(), "400 bad temp");
    }

    #[test]
    fn numeric_code_and_529() {
        let e = ApiError::from_response(529, br#"{"error":{"message":"System busy","code":529}}"#, None);
        assert_eq!(e.code.as_deref(), Some("529"));
        assert!(e.is_retryable());
        assert_eq!(Error::from(e).class_name(), "InternalServerError");
    }

    #[test]
    fn string_error_and_detail() {
        assert_eq!(ApiError::from_response(500, br#"{"error":"boom"}"#, None).message, "boom");
        assert_eq!(ApiError::from_response(422, br#"{"detail":"nope"}"#, None).message, "nope");
        let e = ApiError::from_response(422, br#"{"detail":[{"loc":["body"],"msg":"x"}]}"#, None);
        assert!(e.message.contains("msg"));
    }

    #[test]
    fn html_body_gives_title_snippet() {
        let body = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
        let e = ApiError::from_response(502, body, Some("r1".into()));
        assert_eq!(e.body_snippet.as_deref(), Some("502 Bad Gateway"));
        assert!(e.message.contains("502"));
        assert_eq!(e.request_id.as_deref(), Some("r1"));
        assert_eq!(Error::from(e).class_name(), "InternalServerError");
    }

    #[test]
    fn html_without_title_strips_tags_and_bounds() {
        let mut body = b"<html><body><p>".to_vec();
        body.extend(std::iter::repeat_n(b'x', 5000));
        body.extend(b"</p></body></html>");
        let e = ApiError::from_response(503, &body, None);
        let snip = e.body_snippet.unwrap_or_default();
        assert!(snip.chars().count() <= SNIPPET_CHARS + 1);
        assert!(!snip.contains('<'));
    }

    #[test]
    fn empty_and_binary_bodies() {
        let e = ApiError::from_response(500, b"", None);
        assert_eq!(e.message, "500 Internal Server Error");
        let e = ApiError::from_response(500, &[0xff, 0xfe, 0x00, 0x80], None);
        assert!(e.body_snippet.is_some());
    }

    #[test]
    fn insufficient_quota_is_not_retryable() {
        let e = ApiError::from_response(429, br#"{"error":{"message":"no money","code":"insufficient_quota"}}"#, None);
        assert!(!e.is_retryable());
        let e = ApiError::from_response(429, br#"{"error":{"message":"slow"}}"#, None);
        assert!(e.is_retryable());
        assert!(!ApiError::from_response(401, b"{}", None).is_retryable());
    }

    #[test]
    fn redaction_removes_key_everywhere() {
        let key = "sk-canary-1234567890";
        let mut e = Error::from(ApiError::from_response(
            401,
            format!(r#"{{"error":{{"message":"Incorrect API key provided: {key}","param":"{key}"}}}}"#).as_bytes(),
            None,
        ));
        e.redact(key);
        let text = format!("{e} {e:?}");
        assert!(!text.contains(key), "{text}");
        assert!(text.contains("[redacted]"));
    }

    #[test]
    fn scrub_replaces_every_occurrence() {
        let mut text = String::from("kk: k, 你k");
        scrub(&mut text, "k");
        assert_eq!(text, "[redacted][redacted]: [redacted], 你[redacted]");
        let mut text = String::from("nothing here");
        scrub(&mut text, "sk-1");
        assert_eq!(text, "nothing here");
        assert_eq!(find("abc", ""), Some(0));
        assert_eq!(find("ab", "abc"), None);
    }

    #[test]
    fn snippets_collapse_whitespace() {
        assert_eq!(snippet_of("  upstream \n\t timed\u{3000}out  ".as_bytes()), "upstream timed out");
        assert_eq!(snippet_of(b"<!DOCTYPE html><title> 502 Bad\nGateway </title><body>x</body>"), "502 Bad Gateway");
        assert_eq!(snippet_of(b"<html><title> </title><body><h1>Down</h1> for   now</body></html>"), "Down for now");
    }

    #[test]
    fn messages_of_every_kind() {
        let api = |status, message: &str| Error::from(ApiError { status, message: message.into(), ..ApiError::default() });
        let text = |message: &str| message.to_string();
        let cases = [
            (api(Some(502), "bad gateway"), "502 bad gateway"),
            (api(Some(502), "502 Bad Gateway: down"), "502 Bad Gateway: down"),
            (api(None, "overloaded"), "overloaded"),
            (Error::MalformedEvent { message: text("bad"), snippet: text("{x") }, "malformed stream event (bad): {x"),
            (Error::Truncated { message: text("cut") }, "stream truncated: cut"),
            (Error::EventTooLarge { limit: 4096 }, "a stream event exceeded the 4096-byte limit"),
            (Error::InvalidResponse { message: text("odd"), snippet: String::new() }, "invalid response: odd"),
            (Error::InvalidResponse { message: text("odd"), snippet: text("<p>") }, "invalid response: odd: <p>"),
            (Error::Connection { message: text("refused") }, "connection error: refused"),
            (Error::Timeout { message: text("idle") }, "request timed out: idle"),
            (Error::Aborted, "request was aborted"),
            (Error::InvalidArgument { message: text("n") }, "invalid argument: n"),
        ];
        for (err, want) in cases {
            assert_eq!(crate::cat!(err), want);
            assert_eq!(err.to_string(), want);
        }
    }

    #[test]
    fn bounded_cuts_on_char_boundaries() {
        assert_eq!(bounded("你好世界", 2), "你好…");
        assert_eq!(bounded("ab", 5), "ab");
    }
}
