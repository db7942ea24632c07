//! Request building: client configuration, URLs and headers. Pure, so it is tested on the host.
//!
//! ```
//! use llmwire::protocol::request::ClientConfig;
//! let cfg = ClientConfig::new("https://api.apiyi.com/v1/").with_api_key("sk-test");
//! assert_eq!(cfg.url("/chat/completions"), "https://api.apiyi.com/v1/chat/completions");
//! assert!(!format!("{cfg:?}").contains("sk-test"));
//! ```

use crate::protocol::error::Error;
use std::fmt;

/// Where requests go and what they carry. The API key is never printed by `Debug`.
#[derive(Clone, Default)]
pub struct ClientConfig {
    base_url: String,
    api_key: Option<String>,
    default_headers: Vec<(String, String)>,
    dangerously_allow_browser: bool,
    max_event_bytes: Option<usize>,
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
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://")) {
            return Err(Error::InvalidArgument {
                message: format!("baseURL must start with https:// or http://, got {:?}", crate::protocol::error::bounded(&self.base_url, 80)),
            });
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
                return Err(Error::InvalidArgument { message: format!("invalid header name {name:?}") });
            }
        }
        Ok(())
    }

    /// The full URL of an endpoint path such as `/chat/completions`.
    pub fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.base_url.len() + path.len() + 1);
        url.push_str(&self.base_url);
        if !path.starts_with('/') {
            url.push('/');
        }
        url.push_str(path);
        url
    }

    /// The headers of a JSON request. Only what is needed: extra headers make gateways' CORS
    /// preflights fail.
    pub fn json_headers(&self, stream: bool) -> Vec<(String, String)> {
        let mut headers = Vec::with_capacity(3 + self.default_headers.len());
        headers.push(("Content-Type".to_string(), "application/json".to_string()));
        if stream {
            headers.push(("Accept".to_string(), "text/event-stream".to_string()));
        }
        if let Some(key) = &self.api_key {
            headers.push(("Authorization".to_string(), format!("Bearer {key}")));
        }
        for (name, value) in &self.default_headers {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value.clone()));
        }
        headers
    }
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
        let h = c.json_headers(true);
        assert!(h.contains(&("Authorization".into(), "Bearer sk".into())));
        assert!(h.contains(&("Accept".into(), "text/event-stream".into())));
        assert_eq!(h.iter().filter(|(k, _)| k.eq_ignore_ascii_case("content-type")).count(), 1);
        assert!(ClientConfig::new("https://x").json_headers(false).iter().all(|(k, _)| k != "Authorization"));
        assert!(ClientConfig::new("https://x").with_api_key("").api_key().is_none());
    }
}
