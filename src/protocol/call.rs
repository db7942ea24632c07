//! One request's policy, sans I/O: when it may start (client-side limits and the deadline), which
//! base URL it goes to, how long each wait on it may take, and what to do after a failed attempt.
//! The Rust client and the npm package's JavaScript driver both run their `fetch` loop on it; they
//! only send, read and sleep.
//!
//! ```
//! use llmwire::protocol::call::{Call, Gateway, Next, Phase};
//! use llmwire::protocol::error::{ApiError, Error};
//! use llmwire::protocol::request::ClientConfig;
//! use llmwire::protocol::retry::RetryHints;
//!
//! let config = ClientConfig::new("https://a/v1").with_backup_base_url("https://b/v1");
//! let mut gateway = Gateway::new(&config);
//! let mut call = Call::new(&config, None, 0);
//! assert_eq!(call.admit(&mut gateway, 0), Ok(Next::Go));
//! assert_eq!(call.target(&mut gateway, &config, 0, "/models"), "https://a/v1/models");
//! assert_eq!(call.limit(Phase::Headers, 0).map(|l| l.ms), Some(600_000)); // the default total limit
//! let overloaded: Error = ApiError { status: Some(503), ..ApiError::default() }.into();
//! // A failed attempt moves on to the backup at once.
//! assert_eq!(call.failed(&mut gateway, &config, &overloaded, &RetryHints::default(), 0.0, 10), Some(0));
//! assert_eq!(call.target(&mut gateway, &config, 10, "/models"), "https://b/v1/models");
//! assert_eq!(call.attempts(), 2);
//! ```
use super::error::Error;
use super::limits::{estimate_tokens, Limiter};
use super::request::{join_url, ClientConfig, Timeouts};
use super::retry::{Decision, Failover, RetryHints, DEFAULT_COOLDOWN_MS};

/// What a client's requests share: which base URL is healthy, and the client-side limits.
#[derive(Debug, Clone)]
pub struct Gateway {
    /// Which base URL requests go to.
    pub failover: Failover,
    /// Concurrency, requests and tokens per minute, and the gateway's `x-ratelimit-*` answers.
    pub limiter: Limiter,
}

impl Gateway {
    /// Fresh state for a client with `config`.
    pub fn new(config: &ClientConfig) -> Self {
        Gateway { failover: Failover::new(config.base_urls().count(), DEFAULT_COOLDOWN_MS), limiter: Limiter::new(config.limits()) }
    }
}

/// Whether a request may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// A slot was taken: send now, and [`Call::release`] it when the response has been read.
    Go,
    /// Wait this many milliseconds, then ask again.
    Wait(u64),
}

/// The waits of a request, each with its own time limit on top of the total one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// From sending to the response headers (`headersTimeout`).
    Headers,
    /// Reading an error response's body (`headersTimeout`).
    ErrorBody,
    /// Reading a whole response body (only the total limit).
    Body,
    /// Waiting for the next piece of a streamed body (`idleTimeout`).
    Idle,
}

/// How much of an error response's body is read, in bytes.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// How much of an HTML page (where a stream was expected) is read for its snippet, in bytes.
pub const HTML_SNIPPET_LIMIT: usize = 64 * 1024;
/// The longest JSON body accepted where a stream was expected, in bytes.
pub const JSON_BODY_LIMIT: usize = 64 * 1024 * 1024;
/// The longest non-streamed response body read, in bytes (base64 images run to many MB).
pub const BODY_LIMIT: usize = 256 * 1024 * 1024;

/// How long a wait may take, and the timeout error if it takes longer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    /// Milliseconds from now.
    pub ms: u64,
    /// The [`Error::Timeout`] to report when the wait takes longer.
    pub error: Error,
}

/// The state of one request across its attempts.
#[derive(Debug, Clone)]
pub struct Call {
    timeouts: Timeouts,
    deadline_ms: Option<u64>,
    tokens: u64,
    attempt: u32,
    index: usize,
    holds_slot: bool,
}

/// Whether a request's body matters to the client-side limits: only a tokens-per-minute limit
/// reads it (to estimate the request's tokens).
pub fn counts_tokens(config: &ClientConfig) -> bool {
    config.limits().tokens_per_minute.is_some()
}

impl Call {
    /// A request starting at `now_ms` with a JSON `body`, whose tokens are estimated when the
    /// client limits tokens per minute ([`counts_tokens`]).
    pub fn new(config: &ClientConfig, body: Option<&str>, now_ms: u64) -> Self {
        Call::with_tokens(config, body.filter(|_| counts_tokens(config)).map_or(0, estimate_tokens), now_ms)
    }

    /// [`Call::new`] with the request's tokens already estimated (0 when they do not count).
    pub fn with_tokens(config: &ClientConfig, tokens: u64, now_ms: u64) -> Self {
        let timeouts = config.timeouts();
        Call {
            deadline_ms: timeouts.total_ms.map(|ms| now_ms.saturating_add(ms)),
            timeouts,
            tokens,
            attempt: 0,
            index: 0,
            holds_slot: false,
        }
    }

    /// Before each attempt: takes a slot from the client-side limits, or says how long to wait;
    /// fails with [`Error::Timeout`] when the wait would pass the deadline.
    pub fn admit(&mut self, gateway: &mut Gateway, now_ms: u64) -> Result<Next, Error> {
        let wait = match gateway.limiter.try_acquire(now_ms, self.tokens) {
            Ok(()) => {
                self.holds_slot = true;
                return Ok(Next::Go);
            }
            // Waiting for a request in flight to end: look again shortly.
            Err(0) => 10,
            Err(ms) => ms,
        };
        if self.deadline_ms.is_some_and(|d| now_ms.saturating_add(wait) >= d) {
            return Err(Error::Timeout { message: "the client-side rate limit would be exceeded before the request's deadline".into() });
        }
        Ok(Next::Wait(wait))
    }

    /// The URL of this attempt: `path` on the base URL that is healthy now.
    pub fn target(&mut self, gateway: &mut Gateway, config: &ClientConfig, now_ms: u64, path: &str) -> String {
        self.index = gateway.failover.current(now_ms);
        join_url(self.base_url(config), path)
    }

    /// The base URL of the current attempt.
    pub fn base_url<'c>(&self, config: &'c ClientConfig) -> &'c str {
        config.base_urls().nth(self.index).unwrap_or(config.base_url())
    }

    /// Gives back the slot taken by [`admit`](Self::admit); calling it again does nothing.
    pub fn release(&mut self, gateway: &mut Gateway) {
        if std::mem::take(&mut self.holds_slot) {
            gateway.limiter.release();
        }
    }

    /// Attempts made so far, the current one included.
    pub fn attempts(&self) -> u32 {
        self.attempt + 1
    }

    /// How long a wait in `phase` may take from `now_ms`; `None` when nothing limits it.
    pub fn limit(&self, phase: Phase, now_ms: u64) -> Option<Limit> {
        let (phase_ms, what) = match phase {
            Phase::Headers => (self.timeouts.headers_ms, "no response headers arrived"),
            Phase::ErrorBody => (self.timeouts.headers_ms, "the error body did not arrive"),
            Phase::Body => (None, "the body did not arrive"),
            Phase::Idle => (self.timeouts.idle_ms, "no data arrived"),
        };
        let remaining = self.deadline_ms.map(|d| d.saturating_sub(now_ms));
        let (ms, message) = match (phase_ms, remaining) {
            (Some(p), Some(r)) if p < r => (p, crate::cat!(what, " within ", p, " ms")),
            (Some(p), None) => (p, crate::cat!(what, " within ", p, " ms")),
            (_, Some(r)) => (r, crate::cat!("the request did not finish within ", self.timeouts.total_ms.unwrap_or(r), " ms")),
            (None, None) => return None,
        };
        Some(Limit { ms, error: Error::Timeout { message } })
    }

    /// After a failed attempt (before any byte of the body reached the caller; its slot released):
    /// the delay before the next attempt, or `None` to give up and report `err`. Moving to another base URL
    /// retries at once; no retry starts that could not finish before the deadline.
    pub fn failed(
        &mut self,
        gateway: &mut Gateway,
        config: &ClientConfig,
        err: &Error,
        hints: &RetryHints,
        jitter: f64,
        now_ms: u64,
    ) -> Option<u64> {
        let Decision::Retry { delay_ms } = config.retry_policy().decide(self.attempt, err, hints, jitter) else {
            return None;
        };
        gateway.failover.failed(self.index, now_ms);
        let delay_ms = if gateway.failover.current(now_ms) != self.index { 0 } else { delay_ms };
        if self.deadline_ms.is_some_and(|d| now_ms.saturating_add(delay_ms) >= d) {
            return None;
        }
        self.attempt += 1;
        Some(delay_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::error::ApiError;
    use crate::protocol::limits::Limits;

    /// `const NAME = a * b ...;` in JavaScript source, evaluated.
    fn js_const(source: &str, name: &str) -> Option<usize> {
        let line = source.lines().find(|l| l.starts_with(&format!("const {name} = ")))?;
        let expr = line.split_once(" = ")?.1.strip_suffix(';')?;
        expr.split('*').map(|n| n.trim().parse::<usize>().ok()).product()
    }

    #[test]
    fn the_packages_driver_reads_bodies_under_the_same_limits() {
        let driver = include_str!("../../pkg-template/transport.js");
        for (name, rust) in [
            ("ERROR_BODY_LIMIT", ERROR_BODY_LIMIT),
            ("HTML_SNIPPET_LIMIT", HTML_SNIPPET_LIMIT),
            ("JSON_BODY_LIMIT", JSON_BODY_LIMIT),
            ("BODY_LIMIT", BODY_LIMIT),
        ] {
            assert_eq!(js_const(driver, name), Some(rust), "transport.js {name}");
        }
        assert_eq!(js_const("const X = 2 * 3;", "X"), Some(6));
        assert_eq!(js_const("const X = 2 * y;", "X"), None);
    }

    fn status(code: u16) -> Error {
        ApiError { status: Some(code), ..ApiError::default() }.into()
    }

    #[test]
    fn retries_then_gives_up() {
        let config = ClientConfig::new("https://a/v1").with_max_retries(2);
        let mut gw = Gateway::new(&config);
        let mut call = Call::new(&config, Some("{}"), 0);
        let hints = RetryHints::default();
        assert_eq!(call.admit(&mut gw, 0), Ok(Next::Go));
        assert_eq!(call.failed(&mut gw, &config, &status(500), &hints, 0.0, 0), Some(500));
        assert_eq!(call.failed(&mut gw, &config, &status(500), &hints, 0.0, 0), Some(1000));
        assert_eq!(call.failed(&mut gw, &config, &status(500), &hints, 0.0, 0), None);
        assert_eq!(call.attempts(), 3);
        assert_eq!(call.failed(&mut gw, &config, &status(400), &hints, 0.0, 0), None);
    }

    #[test]
    fn no_retry_past_the_deadline() {
        let config = ClientConfig::new("https://a/v1").with_timeouts(Timeouts { total_ms: Some(1000), headers_ms: None, idle_ms: None });
        let mut gw = Gateway::new(&config);
        let mut call = Call::new(&config, None, 0);
        let hints = RetryHints { retry_after_ms: Some(2000), ..RetryHints::default() };
        assert_eq!(call.failed(&mut gw, &config, &status(429), &hints, 0.0, 0), None);
    }

    #[test]
    fn limits_name_the_phase_or_the_deadline() {
        let config =
            ClientConfig::new("https://a/v1").with_timeouts(Timeouts { total_ms: Some(1000), headers_ms: Some(200), idle_ms: None });
        let call = Call::new(&config, None, 0);
        let headers = call.limit(Phase::Headers, 0).unwrap();
        assert_eq!(headers.ms, 200);
        assert_eq!(headers.error.to_string(), Error::Timeout { message: "no response headers arrived within 200 ms".into() }.to_string());
        let idle = call.limit(Phase::Idle, 900).unwrap();
        assert_eq!(idle.ms, 100);
        assert!(idle.error.to_string().contains("did not finish within 1000 ms"));
        let unlimited = ClientConfig::new("https://a/v1").with_timeouts(Timeouts { total_ms: None, headers_ms: None, idle_ms: None });
        assert_eq!(Call::new(&unlimited, None, 0).limit(Phase::Body, 0), None);
    }

    #[test]
    fn slots_are_released_once() {
        let config =
            ClientConfig::new("https://a/v1").with_limits(Limits { max_concurrent: 1, requests_per_minute: None, tokens_per_minute: None });
        let mut gw = Gateway::new(&config);
        let mut first = Call::new(&config, None, 0);
        let mut second = Call::new(&config, None, 0);
        assert_eq!(first.admit(&mut gw, 0), Ok(Next::Go));
        assert_eq!(second.admit(&mut gw, 0), Ok(Next::Wait(10)));
        first.release(&mut gw);
        first.release(&mut gw);
        assert_eq!(gw.limiter.in_flight(), 0);
        assert_eq!(second.admit(&mut gw, 1), Ok(Next::Go));
    }

    #[test]
    fn bodies_count_only_against_a_token_limit() {
        let body = r#"{"model":"m","max_tokens":600}"#; // 600 + 8 estimated tokens
        let limited = ClientConfig::new("https://a/v1").with_limits(Limits { tokens_per_minute: Some(1000), ..Limits::default() });
        assert!(counts_tokens(&limited));
        let mut gw = Gateway::new(&limited);
        let mut first = Call::new(&limited, Some(body), 0);
        assert_eq!(first.admit(&mut gw, 0), Ok(Next::Go));
        first.release(&mut gw);
        assert_eq!(
            Call::new(&limited, Some(body), 1_000).admit(&mut gw, 1_000),
            Ok(Next::Wait(59_000)),
            "608 + 608 > 1000 within the minute"
        );

        let unlimited = ClientConfig::new("https://a/v1");
        assert!(!counts_tokens(&unlimited));
        let mut gw = Gateway::new(&unlimited);
        for now in 0..3 {
            let mut call = Call::new(&unlimited, Some(body), now);
            assert_eq!(call.admit(&mut gw, now), Ok(Next::Go));
            call.release(&mut gw);
        }
    }
}
