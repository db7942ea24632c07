//! Request building: client configuration, URLs and headers. Pure, so it is tested on the host.
//!
//! ```
//! use llmwire::protocol::request::ClientConfig;
//! let cfg = ClientConfig::new("https://api.apiyi.com/v1/").with_api_key("sk-test");
//! assert_eq!(cfg.url("/chat/completions"), "https://api.apiyi.com/v1/chat/completions");
//! assert!(!format!("{cfg:?}").contains("sk-test"));
//! ```

use crate::protocol::error::Error;
use crate::protocol::json::{JsonError, Reader};
use crate::protocol::limits::Limits;
use crate::protocol::retry::RetryPolicy;
use std::fmt;

/// Where requests go and what they carry. The API key is never printed by `Debug`.
#[derive(Clone, Default)]
pub struct ClientConfig {
    base_url: String,
    api_key: Option<String>,
    default_headers: Vec<(String, String)>,
    dangerously_allow_browser: bool,
    max_event_bytes: Option<usize>,
    backup_base_urls: Vec<String>,
    retry: RetryPolicy,
    timeouts: Timeouts,
    stream_usage: bool,
    limits: Limits,
}

/// Time limits of one request, in milliseconds; `None` means no limit of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// The whole request, retries and stream included (default 10 minutes).
    pub total_ms: Option<u64>,
    /// Waiting for the response headers, per attempt (default: only the total applies).
    pub headers_ms: Option<u64>,
    /// Silence between two chunks of a streamed body (default: only the total applies).
    pub idle_ms: Option<u64>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { total_ms: Some(600_000), headers_ms: None, idle_ms: None }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("default_headers", &self.default_headers.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .field("dangerously_allow_browser", &self.dangerously_allow_browser)
            .finish()
    }
}

impl ClientConfig {
    /// A configuration for the gateway at `base_url` (e.g. `https://api.apiyi.com/v1`).
    pub fn new(base_url: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        ClientConfig { base_url, ..ClientConfig::default() }
    }

    /// Sends `Authorization: Bearer <key>`. Leave it out when a proxy adds the key.
    pub fn with_api_key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.api_key = if key.is_empty() { None } else { Some(key) };
        self
    }

    /// Adds a header to every request (a later value for the same name replaces an earlier one).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.default_headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
        self.default_headers.push((name, value.into()));
        self
    }

    /// Allows a raw API key in a browser page, where every visitor can read it.
    pub fn dangerously_allow_browser(mut self, allow: bool) -> Self {
        self.dangerously_allow_browser = allow;
        self
    }

    /// Caps one SSE line or event (default 16 MiB).
    pub fn with_max_event_bytes(mut self, limit: usize) -> Self {
        self.max_event_bytes = Some(limit);
        self
    }

    /// Adds a backup base URL, tried when a request to the current one fails before any byte of
    /// the response arrived (APIYI documents a primary and a backup).
    pub fn with_backup_base_url(mut self, url: impl Into<String>) -> Self {
        let mut url = url.into();
        while url.ends_with('/') {
            url.pop();
        }
        self.backup_base_urls.push(url);
        self
    }

    /// Retries after a failed first attempt (default 2; 0 disables retrying).
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// Sets the time limits (see [`Timeouts`]).
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Asks streams for usage (`stream_options.include_usage`) unless the request sets
    /// `stream_options` itself; a gateway that rejects the parameter gets the request once more
    /// without it.
    pub fn with_stream_usage(mut self, on: bool) -> Self {
        self.stream_usage = on;
        self
    }

    /// Whether streams ask for usage.
    pub fn stream_usage(&self) -> bool {
        self.stream_usage
    }

    /// Sets the client-side limits (see [`Limits`]).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The client-side limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The time limits in force.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Every base URL: the primary first, then the backups.
    pub fn base_urls(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.base_url.as_str()).chain(self.backup_base_urls.iter().map(String::as_str))
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API key, if one is set (for redaction and the Authorization header only).
    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }

    /// The SSE event cap in force.
    pub fn max_event_bytes(&self) -> usize {
        self.max_event_bytes.unwrap_or(crate::protocol::sse::DEFAULT_MAX_EVENT_BYTES)
    }

    /// Checks the configuration before the first request. `in_browser` says whether this runs in
    /// a page, where a raw key is readable by anyone unless explicitly allowed.
    pub fn validate(&self, in_browser: bool) -> Result<(), Error> {
        for url in self.base_urls() {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(Error::InvalidArgument {
                    message: crate::cat!(
                        "baseURL must start with https:// or http://, got \"",
                        crate::protocol::error::bounded(url, 80),
                        "\""
                    ),
                });
            }
        }
        if in_browser && self.api_key.is_some() && !self.dangerously_allow_browser {
            return Err(Error::InvalidArgument {
                message: "an API key in a browser page is readable by every visitor; call the gateway through a \
                          server-side proxy (see the Workers proxy example), or pass dangerouslyAllowBrowser: true \
                          if you accept that risk"
                    .to_string(),
            });
        }
        for (name, _) in &self.default_headers {
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) {
                return Err(Error::InvalidArgument {
                    message: crate::cat!("invalid header name \"", crate::protocol::error::bounded(name, 80), "\""),
                });
            }
        }
        Ok(())
    }

    /// The full URL of an endpoint path such as `/chat/completions` on the primary base URL.
    pub fn url(&self, path: &str) -> String {
        join_url(&self.base_url, path)
    }

    /// The headers of a request with a body of `kind`. Only what is needed: extra headers make
    /// gateways' CORS preflights fail.
    ///
    /// ```
    /// use llmwire::protocol::request::{BodyKind, ClientConfig};
    /// let c = ClientConfig::new("https://a/v1").with_api_key("sk-1");
    /// let names = |k| c.request_headers(k).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
    /// assert_eq!(names(BodyKind::JsonStream), ["Content-Type", "Accept", "Authorization"]);
    /// assert_eq!(names(BodyKind::Form), ["Authorization"]); // fetch writes the multipart type
    /// ```
    pub fn request_headers(&self, kind: BodyKind) -> Vec<(String, String)> {
        let json = matches!(kind, BodyKind::Json | BodyKind::JsonStream);
        let mut headers = Vec::with_capacity(3 + self.default_headers.len());
        if json {
            headers.push(("Content-Type".to_string(), "application/json".to_string()));
        }
        if kind == BodyKind::JsonStream {
            headers.push(("Accept".to_string(), "text/event-stream".to_string()));
        }
        if let Some(key) = &self.api_key {
            headers.push(("Authorization".to_string(), crate::cat!("Bearer ", key)));
        }
        for (name, value) in &self.default_headers {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value.clone()));
        }
        if !json {
            // Not even a default one: there is no body to describe, or fetch writes the boundary.
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
        }
        headers
    }
}

impl ClientConfig {
    /// Builds a configuration from the JS client's options object, given as JSON text:
    /// `baseURL`, `apiKey`, `defaultHeaders`, `dangerouslyAllowBrowser`, `backupBaseURLs`,
    /// `maxRetries`, `timeout`, `headersTimeout`, `idleTimeout` in ms (`null` for none),
    /// `streamUsage`, `maxConcurrent`, `requestsPerMinute`, `tokensPerMinute` and `maxEventBytes`.
    /// Other keys are ignored; a key of the wrong type is an [`Error::InvalidArgument`] naming it.
    ///
    /// ```
    /// use llmwire::protocol::request::ClientConfig;
    /// let c = ClientConfig::from_options_json(r#"{"baseURL":"https://a/v1","backupBaseURLs":["https://b/v1"],"maxRetries":0,"idleTimeout":5000}"#).unwrap();
    /// assert_eq!(c.base_urls().collect::<Vec<_>>(), ["https://a/v1", "https://b/v1"]);
    /// assert_eq!((c.retry_policy().max_retries, c.timeouts().idle_ms), (0, Some(5000)));
    /// ```
    pub fn from_options_json(json: &str) -> Result<Self, Error> {
        let mut config = ClientConfig::new("https://api.openai.com/v1");
        let mut reader = Reader::new(json);
        let mut bad: Option<&'static str> = None;
        let parsed = reader.object(|key, r| {
            let name = option_name(&key);
            let ok = match name {
                Some("baseURL") => r.string().map(|v| config.base_url = trim_slashes(v.into_owned())).is_ok(),
                Some("apiKey") => r.opt_string().map(|v| config.api_key = v.map(String::from).filter(|k| !k.is_empty())).is_ok(),
                Some("dangerouslyAllowBrowser") => {
                    r.null().and_then(|n| if n { Ok(false) } else { r.bool() }).map(|b| config.dangerously_allow_browser = b).is_ok()
                }
                Some("defaultHeaders") => read_headers(r, &mut config).is_ok(),
                Some("backupBaseURLs") => r
                    .array(|r| {
                        let url = r.string()?;
                        config.backup_base_urls.push(trim_slashes(url.into_owned()));
                        Ok(())
                    })
                    .is_ok(),
                Some("maxRetries") => match r.index() {
                    Ok(Some(n)) if n <= 100 => {
                        config.retry.max_retries = n as u32;
                        true
                    }
                    _ => false,
                },
                Some("timeout") => read_ms(r).map(|v| config.timeouts.total_ms = v).is_ok(),
                Some("headersTimeout") => read_ms(r).map(|v| config.timeouts.headers_ms = v).is_ok(),
                Some("idleTimeout") => read_ms(r).map(|v| config.timeouts.idle_ms = v).is_ok(),
                Some("streamUsage") => r.bool().map(|b| config.stream_usage = b).is_ok(),
                Some("maxEventBytes") => match r.index() {
                    Ok(Some(n)) if (1..=1 << 30).contains(&n) => {
                        config.max_event_bytes = Some(n as usize);
                        true
                    }
                    _ => false,
                },
                Some("maxConcurrent") => match r.index() {
                    Ok(Some(n)) if (1..=100_000).contains(&n) => {
                        config.limits.max_concurrent = n as u32;
                        true
                    }
                    _ => false,
                },
                Some("requestsPerMinute") => read_count(r).map(|v| config.limits.requests_per_minute = v.map(|n| n as u32)).is_ok(),
                Some("tokensPerMinute") => read_count(r).map(|v| config.limits.tokens_per_minute = v).is_ok(),
                _ => r.skip().is_ok(),
            };
            if !ok {
                bad = name;
                return Err(r.error("bad option"));
            }
            Ok(())
        });
        if let Some(name) = bad {
            let want = match name {
                "maxRetries" => "an integer from 0 to 100",
                "maxConcurrent" => "an integer from 1 to 100000",
                "maxEventBytes" => "an integer from 1 to 1073741824",
                "requestsPerMinute" | "tokensPerMinute" => "a positive integer, or null",
                "timeout" | "headersTimeout" | "idleTimeout" => "a non-negative number of milliseconds, or null",
                "defaultHeaders" => "an object of string values",
                "backupBaseURLs" => "an array of URL strings",
                "dangerouslyAllowBrowser" | "streamUsage" => "a boolean",
                _ => "a string",
            };
            return Err(Error::InvalidArgument { message: crate::cat!("option ", name, " must be ", want) });
        }
        parsed.and_then(|_| reader.end()).map_err(|e| Error::InvalidArgument { message: crate::cat!("client options: ", e) })?;
        Ok(config)
    }
}

const OPTION_NAMES: [&str; 14] = [
    "baseURL",
    "apiKey",
    "dangerouslyAllowBrowser",
    "defaultHeaders",
    "backupBaseURLs",
    "maxRetries",
    "timeout",
    "headersTimeout",
    "idleTimeout",
    "streamUsage",
    "maxConcurrent",
    "requestsPerMinute",
    "tokensPerMinute",
    "maxEventBytes",
];

fn option_name(key: &str) -> Option<&'static str> {
    OPTION_NAMES.iter().copied().find(|n| *n == key)
}

fn trim_slashes(mut url: String) -> String {
    while url.ends_with('/') {
        url.pop();
    }
    url
}

fn read_headers(r: &mut Reader<'_>, config: &mut ClientConfig) -> Result<(), JsonError> {
    if r.null()? {
        return Ok(());
    }
    r.object(|name, r| {
        if let Some(value) = r.opt_string()? {
            config.default_headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
            config.default_headers.push((name.into_owned(), value.into_owned()));
        }
        Ok(())
    })
}

/// A positive count below 2^32, or null for none.
fn read_count(r: &mut Reader<'_>) -> Result<Option<u64>, JsonError> {
    if r.null()? {
        return Ok(None);
    }
    match r.index()? {
        Some(n) if (1..=u64::from(u32::MAX)).contains(&n) => Ok(Some(n)),
        _ => Err(r.error("not a positive count")),
    }
}

/// A duration in ms: a non-negative finite number, or null for none.
fn read_ms(r: &mut Reader<'_>) -> Result<Option<u64>, JsonError> {
    if r.null()? {
        return Ok(None);
    }
    match crate::protocol::retry::scaled_decimal(r.number()?, 1) {
        Some(ms) => Ok(Some(ms)),
        None => Err(r.error("not a duration")),
    }
}

/// What a request's body is, which decides its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body (`GET /models`).
    Empty,
    /// A JSON document.
    Json,
    /// A JSON document answered with an event stream (`Accept: text/event-stream`).
    JsonStream,
    /// A `multipart/form-data` form (`fetch` writes its content type with the boundary).
    Form,
}

impl BodyKind {
    /// The kind the npm package's facade numbers `id` (0 empty, 1 JSON, 2 streamed, 3 form).
    pub fn from_id(id: u8) -> BodyKind {
        match id {
            1 => BodyKind::Json,
            2 => BodyKind::JsonStream,
            3 => BodyKind::Form,
            _ => BodyKind::Empty,
        }
    }
}

/// Adds `"stream_options":{"include_usage":true}` to a JSON object request that has no
/// `stream_options`; `None` when it has one or is not an object.
///
/// ```
/// use llmwire::protocol::request::with_stream_usage;
/// assert_eq!(with_stream_usage(r#"{"model":"m"}"#).as_deref(), Some(r#"{"stream_options":{"include_usage":true},"model":"m"}"#));
/// assert_eq!(with_stream_usage(r#"{"stream_options":null}"#), None);
/// ```
pub fn with_stream_usage(body: &str) -> Option<String> {
    if names_stream_options(body)? {
        return None;
    }
    let rest = body.trim_start().strip_prefix('{')?;
    let sep = if rest.trim_start().starts_with('}') { "" } else { "," };
    Some(crate::cat!("{\"stream_options\":{\"include_usage\":true}", sep, rest))
}

/// Whether a JSON object request has a `stream_options` member (`null` included); `None` when
/// it is not an object.
///
/// ```
/// use llmwire::protocol::request::names_stream_options;
/// assert_eq!(names_stream_options(r#"{"stream_options":null}"#), Some(true));
/// assert_eq!(names_stream_options(r#"{"model":"m"}"#), Some(false));
/// assert_eq!(names_stream_options("[]"), None);
/// ```
pub fn names_stream_options(body: &str) -> Option<bool> {
    let mut has = false;
    let mut r = Reader::new(body);
    r.object(|key, r| {
        has |= key == "stream_options";
        r.skip()
    })
    .and_then(|_| r.end())
    .ok()?;
    Some(has)
}

/// Whether a 400 error is a gateway rejecting `stream_options`.
pub fn rejects_stream_options(err: &Error) -> bool {
    match err {
        Error::Api(api) => {
            api.status == Some(400) && (api.param.as_deref() == Some("stream_options") || api.message.contains("stream_options"))
        }
        _ => false,
    }
}

/// Joins a base URL (without a trailing slash) and an endpoint path.
pub fn join_url(base: &str, path: &str) -> String {
    let mut url = String::with_capacity(base.len() + path.len() + 1);
    url.push_str(base);
    if !path.starts_with('/') {
        url.push('/');
    }
    url.push_str(path);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_cleanly() {
        let c = ClientConfig::new("http://127.0.0.1:1/v1///");
        assert_eq!(c.url("/models"), "http://127.0.0.1:1/v1/models");
        assert_eq!(c.url("models"), "http://127.0.0.1:1/v1/models");
    }

    #[test]
    fn browser_key_needs_opt_in() {
        let c = ClientConfig::new("https://x/v1").with_api_key("k");
        assert!(c.validate(false).is_ok());
        let err = c.validate(true).unwrap_err();
        assert!(err.to_string().contains("dangerouslyAllowBrowser"));
        assert!(!err.to_string().contains(" k "));
        assert!(c.clone().dangerously_allow_browser(true).validate(true).is_ok());
        assert!(ClientConfig::new("https://x/v1").validate(true).is_ok(), "no key, no risk");
    }

    #[test]
    fn bad_base_url_and_header_names() {
        assert!(ClientConfig::new("api.apiyi.com/v1").validate(false).is_err());
        assert!(ClientConfig::new("https://x").with_header("bad name", "v").validate(false).is_err());
    }

    #[test]
    fn headers_include_key_and_overrides() {
        let c = ClientConfig::new("https://x").with_api_key("sk").with_header("content-type", "application/json; charset=utf-8");
        let h = c.request_headers(BodyKind::JsonStream);
        assert!(h.contains(&("Authorization".into(), "Bearer sk".into())));
        assert!(h.contains(&("Accept".into(), "text/event-stream".into())));
        assert_eq!(h.iter().filter(|(k, _)| k.eq_ignore_ascii_case("content-type")).count(), 1);
        assert!(ClientConfig::new("https://x").request_headers(BodyKind::Json).iter().all(|(k, _)| k != "Authorization"));
        assert!(ClientConfig::new("https://x").with_api_key("").api_key().is_none());
    }

    #[test]
    fn options_json_reads_every_option_and_names_bad_ones() {
        let c = ClientConfig::from_options_json(
            r#"{"baseURL":"http://h/v1/","apiKey":"sk-1","defaultHeaders":{"X-A":"1","X-B":null},"dangerouslyAllowBrowser":true,
               "backupBaseURLs":["http://b/v1/"],"maxRetries":5,"timeout":1000,"headersTimeout":200.5,"idleTimeout":null,"organization":"o"}"#,
        )
        .unwrap();
        assert_eq!(c.base_urls().collect::<Vec<_>>(), ["http://h/v1", "http://b/v1"]);
        assert_eq!(c.api_key(), Some("sk-1"));
        assert!(c.request_headers(BodyKind::Json).iter().any(|(k, v)| k == "X-A" && v == "1"));
        assert!(c.validate(true).is_ok());
        assert_eq!(c.retry_policy().max_retries, 5);
        assert_eq!(c.timeouts(), Timeouts { total_ms: Some(1000), headers_ms: Some(200), idle_ms: None });
        for (json, name) in [
            (r#"{"maxRetries":-1}"#, "maxRetries"),
            (r#"{"timeout":"5s"}"#, "timeout"),
            (r#"{"backupBaseURLs":"http://x"}"#, "backupBaseURLs"),
            (r#"{"defaultHeaders":{"a":1}}"#, "defaultHeaders"),
            (r#"{"apiKey":42}"#, "apiKey"),
        ] {
            let err = ClientConfig::from_options_json(json).unwrap_err().to_string();
            assert!(err.contains(name), "{json}: {err}");
        }
        let secret = ClientConfig::from_options_json(r#"{"apiKey":"sk-zz","maxRetries":"x"}"#).unwrap_err();
        assert!(!secret.to_string().contains("sk-zz"));
        assert_eq!(ClientConfig::from_options_json("{}").unwrap().base_url(), "https://api.openai.com/v1");
    }

    #[test]
    fn stream_usage_is_added_once_and_its_rejection_recognised() {
        assert_eq!(with_stream_usage("{}").as_deref(), Some(r#"{"stream_options":{"include_usage":true}}"#));
        assert_eq!(with_stream_usage(r#"{"stream_options":{"include_usage":false}}"#), None);
        assert_eq!(with_stream_usage("[1]"), None);
        let added = with_stream_usage(r#" {"model":"m","stream":true}"#).unwrap();
        assert!(crate::protocol::json::is_valid(&added));
        assert_eq!(with_stream_usage(&added), None, "added once");
        let rejected = Error::from(crate::protocol::error::ApiError {
            status: Some(400),
            message: "Unrecognized request argument supplied: stream_options".into(),
            ..Default::default()
        });
        assert!(rejects_stream_options(&rejected));
        assert!(!rejects_stream_options(&Error::Aborted));
        assert!(ClientConfig::from_options_json(r#"{"streamUsage":true}"#).unwrap().stream_usage());
        let limits =
            ClientConfig::from_options_json(r#"{"maxConcurrent":3,"requestsPerMinute":60,"tokensPerMinute":null}"#).unwrap().limits();
        assert_eq!(limits, Limits { max_concurrent: 3, requests_per_minute: Some(60), tokens_per_minute: None });
        assert!(ClientConfig::from_options_json(r#"{"maxConcurrent":0}"#).unwrap_err().to_string().contains("maxConcurrent"));
        assert_eq!(ClientConfig::from_options_json(r#"{"maxEventBytes":4096}"#).unwrap().max_event_bytes(), 4096);
        assert!(ClientConfig::from_options_json(r#"{"maxEventBytes":0}"#).is_err());
    }
}
