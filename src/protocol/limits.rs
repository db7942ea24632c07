//! Client-side rate limits, pure: concurrent requests, requests and tokens per minute, and the
//! gateway's own `x-ratelimit-*` headers. The client asks before each attempt and waits as told.
//!
//! ```
//! use llmwire::protocol::limits::{Limiter, Limits};
//! let mut l = Limiter::new(Limits { max_concurrent: 1, requests_per_minute: Some(2), tokens_per_minute: None });
//! assert_eq!(l.try_acquire(0, 10), Ok(()));
//! assert_eq!(l.try_acquire(0, 10), Err(0)); // one in flight: wait for a release
//! l.release();
//! assert_eq!(l.try_acquire(1_000, 10), Ok(()));
//! l.release();
//! assert_eq!(l.try_acquire(2_000, 10), Err(58_000)); // two this minute: wait for the first to age out
//! ```

use crate::protocol::json::Reader;
use std::collections::VecDeque;

/// The limits a client keeps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Requests in flight at once, streams included until they end (default 100, APIYI's limit).
    pub max_concurrent: u32,
    /// Requests started in any 60 s window.
    pub requests_per_minute: Option<u32>,
    /// Estimated tokens (see [`estimate_tokens`]) in any 60 s window.
    pub tokens_per_minute: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_concurrent: 100, requests_per_minute: None, tokens_per_minute: None }
    }
}

const WINDOW_MS: u64 = 60_000;

/// The running state of the limits.
#[derive(Debug, Clone)]
pub struct Limiter {
    limits: Limits,
    in_flight: u32,
    /// Start time and estimated tokens of the requests of the last minute.
    window: VecDeque<(u64, u64)>,
    /// The gateway said it has no capacity left until then.
    blocked_until: u64,
}

impl Limiter {
    /// A limiter with nothing in flight.
    pub fn new(limits: Limits) -> Self {
        Limiter { limits, in_flight: 0, window: VecDeque::new(), blocked_until: 0 }
    }

    /// Takes a slot for a request of `tokens` at time `now_ms`, or says how long to wait before
    /// asking again (`Err(0)`: until a request in flight ends).
    pub fn try_acquire(&mut self, now_ms: u64, tokens: u64) -> Result<(), u64> {
        while self.window.front().is_some_and(|&(t, _)| t + WINDOW_MS <= now_ms) {
            self.window.pop_front();
        }
        if now_ms < self.blocked_until {
            return Err(self.blocked_until - now_ms);
        }
        if self.in_flight >= self.limits.max_concurrent.max(1) {
            return Err(0);
        }
        if let Some(rpm) = self.limits.requests_per_minute {
            if self.window.len() >= rpm.max(1) as usize {
                let oldest = self.window.front().map_or(now_ms, |&(t, _)| t);
                return Err(oldest + WINDOW_MS - now_ms);
            }
        }
        if let Some(tpm) = self.limits.tokens_per_minute {
            let used: u64 = self.window.iter().map(|&(_, n)| n).sum();
            // A request bigger than the whole budget goes alone rather than never.
            if used > 0 && used.saturating_add(tokens) > tpm {
                let mut freed = 0;
                for &(t, n) in &self.window {
                    freed += n;
                    if used - freed + tokens <= tpm {
                        return Err(t + WINDOW_MS - now_ms);
                    }
                }
                let last = self.window.back().map_or(now_ms, |&(t, _)| t);
                return Err(last + WINDOW_MS - now_ms);
            }
        }
        self.in_flight += 1;
        // The window serves only the per-minute limits: without them, a busy client would keep a
        // minute of requests for nothing (60,000 entries at 1,000 requests a second).
        if self.limits.requests_per_minute.is_some() || self.limits.tokens_per_minute.is_some() {
            self.window.push_back((now_ms, tokens));
        }
        Ok(())
    }

    /// Ends a request taken with [`try_acquire`](Self::try_acquire).
    pub fn release(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// Requests in flight.
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// Reads `x-ratelimit-remaining-requests` / `-tokens` and their `x-ratelimit-reset-*`: when
    /// the gateway has nothing left, no request starts before the reset.
    pub fn observe(&mut self, header: impl Fn(&str) -> Option<String>, now_ms: u64) {
        for kind in ["requests", "tokens"] {
            let remaining = header(&crate::cat!("x-ratelimit-remaining-", kind));
            if remaining.as_deref().map(str::trim) != Some("0") {
                continue;
            }
            let reset = header(&crate::cat!("x-ratelimit-reset-", kind)).and_then(|v| parse_reset(&v)).unwrap_or(1_000);
            self.blocked_until = self.blocked_until.max(now_ms.saturating_add(reset.min(WINDOW_MS)));
        }
    }
}

/// Parses a reset duration as gateways send it: `"1s"`, `"6m0s"`, `"20ms"`, `"1h2m3.5s"`, or a
/// bare number of seconds. Returns milliseconds.
pub fn parse_reset(v: &str) -> Option<u64> {
    let v = v.trim();
    if let Some(ms) = crate::protocol::retry::scaled_decimal(v, 1000) {
        return Some(ms);
    }
    let mut total: u64 = 0;
    let mut rest = v;
    while !rest.is_empty() {
        let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).filter(|&e| e > 0)?;
        let (number, tail) = rest.split_at(end);
        let (scale, tail) = if let Some(t) = tail.strip_prefix("ms") {
            (1, t)
        } else if let Some(t) = tail.strip_prefix('h') {
            (3_600_000, t)
        } else if let Some(t) = tail.strip_prefix('m') {
            (60_000, t)
        } else if let Some(t) = tail.strip_prefix('s') {
            (1_000, t)
        } else {
            return None;
        };
        total = total.checked_add(crate::protocol::retry::scaled_decimal(number, scale)?)?;
        rest = tail;
    }
    (!v.is_empty()).then_some(total)
}

/// The members of a request that [`estimate_tokens`] reads besides its length: the completion
/// budget (transport.js has the same list; a test here checks it).
pub const BUDGET_MEMBERS: [&str; 2] = ["max_tokens", "max_completion_tokens"];

/// Estimates a request's tokens: about four bytes of request per token, plus the completion
/// budget it asks for (`max_tokens` or `max_completion_tokens`, the larger when both are given).
///
/// ```
/// use llmwire::protocol::limits::estimate_tokens;
/// assert_eq!(estimate_tokens(r#"{"model":"m","max_tokens":100}"#), 8 + 100);
/// ```
pub fn estimate_tokens(body: &str) -> u64 {
    estimate_tokens_of(body, body.len())
}

/// [`estimate_tokens`] of a request `len` bytes long, its budget read from `budget`: the request
/// itself, or an object of its [`BUDGET_MEMBERS`] (JSON text), so a long request need not be at hand.
///
/// ```
/// use llmwire::protocol::limits::{estimate_tokens, estimate_tokens_of};
/// let body = r#"{"model":"m","messages":[],"max_completion_tokens":50}"#;
/// assert_eq!(estimate_tokens_of(r#"{"max_completion_tokens":50}"#, body.len()), estimate_tokens(body));
/// ```
pub fn estimate_tokens_of(budget: &str, len: usize) -> u64 {
    let [tokens, completion_tokens] = BUDGET_MEMBERS;
    let mut most = 0;
    let mut r = Reader::new(budget);
    let _ = r.object(|key, r| {
        if key == tokens || key == completion_tokens {
            if let Ok(Some(n)) = r.index() {
                most = most.max(n);
            }
            return Ok(());
        }
        r.skip()
    });
    (len as u64).div_ceil(4).saturating_add(most)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_estimated_the_same_from_its_budget_members_and_its_length() {
        // Each request beside the object of its BUDGET_MEMBERS, as transport.js's `view` writes it.
        for (body, view) in [
            (r#"{"model":"m","messages":[{"role":"user","content":"东京 😀"}],"max_tokens":64}"#, r#"{"max_tokens":64}"#),
            (r#"{"max_completion_tokens":7,"model":"m","max_tokens":300}"#, r#"{"max_tokens":300,"max_completion_tokens":7}"#),
            (r#"{"model":"m","max_tokens":-1,"nested":{"max_tokens":5000}}"#, r#"{"max_tokens":-1}"#),
            (r#"{"model":"m"}"#, "{}"),
        ] {
            assert_eq!(estimate_tokens_of(view, body.len()), estimate_tokens(body), "{body} as {view}");
        }
        assert_eq!(estimate_tokens(r#"{"max_completion_tokens":7,"max_tokens":300}"#), 11 + 300, "the larger budget");
        assert_eq!(estimate_tokens("not json"), 2);
        assert_eq!(estimate_tokens_of("{}", usize::MAX), (usize::MAX as u64).div_ceil(4));
        let driver = include_str!("../../pkg-template/transport.js");
        let names = BUDGET_MEMBERS.map(|n| crate::cat!("\"", n, "\"")).join(", ");
        assert!(driver.contains(&crate::cat!("const BUDGET_MEMBERS = [", names, "];")), "transport.js BUDGET_MEMBERS");
    }

    #[test]
    fn concurrency_waits_for_release() {
        let mut l = Limiter::new(Limits { max_concurrent: 2, ..Limits::default() });
        assert!(l.try_acquire(0, 1).is_ok() && l.try_acquire(0, 1).is_ok());
        assert_eq!(l.try_acquire(0, 1), Err(0));
        l.release();
        assert!(l.try_acquire(0, 1).is_ok());
        assert_eq!(l.in_flight(), 2);
    }

    #[test]
    fn without_per_minute_limits_nothing_is_kept() {
        let mut l = Limiter::new(Limits::default());
        for t in 0..1_000 {
            assert!(l.try_acquire(t, 50).is_ok());
            l.release();
        }
        assert!(l.window.is_empty());
        let mut l = Limiter::new(Limits { tokens_per_minute: Some(1_000_000), ..Limits::default() });
        assert!(l.try_acquire(0, 50).is_ok());
        assert_eq!(l.window.len(), 1);
    }

    #[test]
    fn requests_per_minute_slide() {
        let mut l = Limiter::new(Limits { requests_per_minute: Some(3), ..Limits::default() });
        for t in [0, 10_000, 20_000] {
            assert!(l.try_acquire(t, 1).is_ok());
            l.release();
        }
        assert_eq!(l.try_acquire(30_000, 1), Err(30_000));
        assert!(l.try_acquire(60_000, 1).is_ok());
    }

    #[test]
    fn tokens_per_minute_wait_until_enough_expire() {
        let mut l = Limiter::new(Limits { tokens_per_minute: Some(1000), ..Limits::default() });
        assert!(l.try_acquire(0, 600).is_ok());
        assert!(l.try_acquire(5_000, 300).is_ok());
        assert_eq!(l.try_acquire(6_000, 400), Err(54_000));
        assert!(l.try_acquire(60_000, 400).is_ok());
        // A request bigger than the budget still runs when the window is empty.
        let mut big = Limiter::new(Limits { tokens_per_minute: Some(10), ..Limits::default() });
        assert!(big.try_acquire(0, 50).is_ok());
    }

    #[test]
    fn gateway_headers_block_until_reset() {
        let mut l = Limiter::new(Limits::default());
        let headers = |name: &str| match name {
            "x-ratelimit-remaining-requests" => Some("0".to_string()),
            "x-ratelimit-reset-requests" => Some("1.5s".to_string()),
            _ => None,
        };
        l.observe(headers, 1_000);
        assert_eq!(l.try_acquire(1_000, 1), Err(1_500));
        assert!(l.try_acquire(2_500, 1).is_ok());
    }

    #[test]
    fn reset_formats() {
        for (v, ms) in [("1s", 1_000), ("6m0s", 360_000), ("20ms", 20), ("1h2m3.5s", 3_723_500), ("12", 12_000), ("0.5", 500)] {
            assert_eq!(parse_reset(v), Some(ms), "{v}");
        }
        for bad in ["", "s", "1x", "-1s", "1.2.3s"] {
            assert_eq!(parse_reset(bad), None, "{bad}");
        }
    }

    #[test]
    fn token_estimate_counts_body_and_budget() {
        assert_eq!(estimate_tokens(r#"{"max_tokens":100,"messages":[]}"#), 8 + 100);
        assert_eq!(estimate_tokens("{}"), 1);
        assert_eq!(estimate_tokens("not json"), 2);
    }
}
