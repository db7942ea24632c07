//! Retry and failover policy, pure: it is given the error, the response's hints, the attempt
//! number, the time and a random number, and returns a decision. The transport only sleeps and
//! fetches.
//!
//! ```
//! use llmwire::protocol::retry::{Decision, RetryHints, RetryPolicy};
//! use llmwire::protocol::error::{ApiError, Error};
//! let policy = RetryPolicy::default(); // 2 retries, 0.5 s doubling up to 8 s, 25 % jitter
//! let busy = Error::from(ApiError { status: Some(529), ..ApiError::default() });
//! let hints = RetryHints { retry_after_ms: Some(1200), ..RetryHints::default() };
//! assert_eq!(policy.decide(0, &busy, &hints, 0.0), Decision::Retry { delay_ms: 1200 });
//! assert_eq!(policy.decide(2, &busy, &hints, 0.0), Decision::Stop);
//! ```

use crate::protocol::error::Error;

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// The first backoff delay (default 500 ms); it doubles each retry.
    pub base_delay_ms: u64,
    /// The longest backoff delay (default 8 s).
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 2, base_delay_ms: 500, max_delay_ms: 8_000 }
    }
}

/// Longest server-requested delay that is honoured; longer ones fall back to the backoff.
pub const MAX_RETRY_AFTER_MS: u64 = 60_000;

/// What a failed response said about retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetryHints {
    /// `x-should-retry: true|false`, which overrides the status-based rule.
    pub should_retry: Option<bool>,
    /// `retry-after-ms`, or `retry-after` in seconds or as an HTTP date.
    pub retry_after_ms: Option<u64>,
}

impl RetryHints {
    /// Reads the hints from response headers; `now_ms` is the current Unix time in ms (for
    /// `retry-after` given as an HTTP date).
    pub fn from_headers(header: impl Fn(&str) -> Option<String>, now_ms: u64) -> Self {
        let should_retry = match header("x-should-retry").as_deref().map(str::trim) {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        };
        let retry_after_ms = header("retry-after-ms").and_then(|v| scaled_decimal(&v, 1)).or_else(|| {
            let v = header("retry-after")?;
            scaled_decimal(&v, 1000).or_else(|| Some(parse_http_date(&v)?.saturating_sub(now_ms)))
        });
        RetryHints { should_retry, retry_after_ms }
    }
}

/// A non-negative decimal number (`"2"`, `"1.5"`) times `scale`, rounded down; no float parsing
/// (it would add kilobytes to the wasm).
pub fn scaled_decimal(v: &str, scale: u64) -> Option<u64> {
    let (int, frac) = v.trim().split_once('.').unwrap_or((v.trim(), ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let mut value = if int.is_empty() { 0 } else { int.parse::<u64>().ok()?.checked_mul(scale)? };
    let mut unit = scale;
    for d in frac.bytes() {
        unit /= 10;
        if unit == 0 {
            break;
        }
        value = value.checked_add(u64::from(d - b'0') * unit)?;
    }
    Some(value)
}

/// Parses an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`) into Unix ms.
pub fn parse_http_date(v: &str) -> Option<u64> {
    let mut parts = v.trim().split_ascii_whitespace();
    let _weekday = parts.next()?;
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: u64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || !(1970..=9999).contains(&year) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), all in unsigned arithmetic.
    let (y, mo) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(((days * 86_400) + h * 3600 + m * 60 + s) * 1000)
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again (on the next base URL when there are several).
    Retry { delay_ms: u64 },
    /// Give up and report the error.
    Stop,
}

impl RetryPolicy {
    /// Decides after failed attempt number `attempt` (0 for the first). `jitter` in `[0, 1)`
    /// shortens the backoff by up to 25 %. Only failures before any byte of the body reached the
    /// caller may be passed here.
    pub fn decide(&self, attempt: u32, err: &Error, hints: &RetryHints, jitter: f64) -> Decision {
        if attempt >= self.max_retries || !self.retryable(err, hints) {
            return Decision::Stop;
        }
        let delay_ms = match hints.retry_after_ms {
            Some(ms) if ms <= MAX_RETRY_AFTER_MS => ms,
            _ => {
                let doubled = self.base_delay_ms.saturating_mul(1u64 << attempt.min(30));
                let capped = doubled.min(self.max_delay_ms) as f64;
                (capped * (1.0 - 0.25 * jitter.clamp(0.0, 1.0))) as u64
            }
        };
        Decision::Retry { delay_ms }
    }

    fn retryable(&self, err: &Error, hints: &RetryHints) -> bool {
        match err {
            Error::Api(api) if api.code.as_deref() == Some("insufficient_quota") => false,
            Error::Api(_) => hints.should_retry.unwrap_or_else(|| err.is_retryable()),
            Error::Connection { .. } | Error::Timeout { .. } => hints.should_retry != Some(false),
            _ => false,
        }
    }
}

/// Which base URL to use: the primary, or a backup after the primary failed, going back to the
/// primary once `cooldown_ms` has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failover {
    count: usize,
    active: usize,
    switched_at_ms: u64,
    cooldown_ms: u64,
}

/// How long a client stays on a backup before trying the primary again: 60 s.
pub const DEFAULT_COOLDOWN_MS: u64 = 60_000;

impl Failover {
    /// Failover across `count` base URLs (index 0 is the primary).
    pub fn new(count: usize, cooldown_ms: u64) -> Self {
        Failover { count: count.max(1), active: 0, switched_at_ms: 0, cooldown_ms }
    }

    /// The index of the base URL to use now.
    pub fn current(&mut self, now_ms: u64) -> usize {
        if self.active != 0 && now_ms.saturating_sub(self.switched_at_ms) >= self.cooldown_ms {
            self.active = 0;
        }
        self.active
    }

    /// Records that base URL `index` failed; the next request moves to the following one.
    pub fn failed(&mut self, index: usize, now_ms: u64) {
        if index == self.active && self.count > 1 {
            self.active = (index + 1) % self.count;
            self.switched_at_ms = now_ms;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::error::ApiError;

    fn api(status: u16, code: Option<&str>) -> Error {
        ApiError { status: Some(status), code: code.map(str::to_string), ..ApiError::default() }.into()
    }

    #[test]
    fn retries_the_right_statuses_only() {
        let p = RetryPolicy::default();
        let none = RetryHints::default();
        for s in [408, 409, 429, 500, 502, 503, 529] {
            assert!(matches!(p.decide(0, &api(s, None), &none, 0.0), Decision::Retry { .. }), "{s}");
        }
        for s in [400, 401, 403, 404, 422] {
            assert_eq!(p.decide(0, &api(s, None), &none, 0.0), Decision::Stop, "{s}");
        }
        assert_eq!(p.decide(0, &api(429, Some("insufficient_quota")), &none, 0.0), Decision::Stop);
        let conn = Error::Connection { message: "reset".into() };
        assert!(matches!(p.decide(0, &conn, &none, 0.0), Decision::Retry { .. }));
        assert_eq!(p.decide(0, &Error::Aborted, &none, 0.0), Decision::Stop);
        assert_eq!(p.decide(0, &Error::Truncated { message: String::new() }, &none, 0.0), Decision::Stop);
    }

    #[test]
    fn x_should_retry_overrides() {
        let p = RetryPolicy::default();
        let no = RetryHints { should_retry: Some(false), ..RetryHints::default() };
        let yes = RetryHints { should_retry: Some(true), ..RetryHints::default() };
        assert_eq!(p.decide(0, &api(500, None), &no, 0.0), Decision::Stop);
        assert!(matches!(p.decide(0, &api(400, None), &yes, 0.0), Decision::Retry { .. }));
        assert_eq!(p.decide(0, &api(429, Some("insufficient_quota")), &yes, 0.0), Decision::Stop);
    }

    #[test]
    fn backoff_doubles_caps_and_jitters() {
        let p = RetryPolicy { max_retries: 10, ..RetryPolicy::default() };
        let e = api(500, None);
        let h = RetryHints::default();
        let delays: Vec<_> = (0..6).map(|a| p.decide(a, &e, &h, 0.0)).collect();
        let want = [500, 1000, 2000, 4000, 8000, 8000].map(|delay_ms| Decision::Retry { delay_ms });
        assert_eq!(delays, want);
        assert_eq!(p.decide(0, &e, &h, 0.999_999), Decision::Retry { delay_ms: 375 });
        assert_eq!(p.decide(10, &e, &h, 0.0), Decision::Stop);
    }

    #[test]
    fn retry_after_in_ms_seconds_and_dates() {
        let now = parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(now, 1_445_412_480_000);
        let headers = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        assert_eq!(RetryHints::from_headers(headers(&[("retry-after-ms", "250")]), now).retry_after_ms, Some(250));
        assert_eq!(RetryHints::from_headers(headers(&[("retry-after", "2")]), now).retry_after_ms, Some(2000));
        assert_eq!(RetryHints::from_headers(headers(&[("retry-after", "1.5")]), now).retry_after_ms, Some(1500));
        let date = headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:03 GMT")]);
        assert_eq!(RetryHints::from_headers(date, now).retry_after_ms, Some(3000));
        assert_eq!(RetryHints::from_headers(headers(&[("retry-after", "soon")]), now).retry_after_ms, None);
        assert_eq!(RetryHints::from_headers(headers(&[("retry-after", "-1")]), now).retry_after_ms, None);
        let h = RetryHints::from_headers(headers(&[("x-should-retry", "false")]), now);
        assert_eq!(h.should_retry, Some(false));
        // Too long a wait falls back to the backoff.
        let long = RetryHints { retry_after_ms: Some(120_000), ..RetryHints::default() };
        assert_eq!(RetryPolicy::default().decide(0, &api(429, None), &long, 0.0), Decision::Retry { delay_ms: 500 });
    }

    #[test]
    fn decimals_scale_without_floats() {
        assert_eq!(scaled_decimal("1.5", 1000), Some(1500));
        assert_eq!(scaled_decimal(" 2 ", 1000), Some(2000));
        assert_eq!(scaled_decimal(".25", 1000), Some(250));
        assert_eq!(scaled_decimal("1.23456", 1000), Some(1234));
        assert_eq!(scaled_decimal("250", 1), Some(250));
        for bad in ["", ".", "-1", "1e3", "1.2.3", "x", "99999999999999999999"] {
            assert_eq!(scaled_decimal(bad, 1000), None, "{bad}");
        }
    }

    #[test]
    fn bad_dates_are_none() {
        for d in [
            "",
            "Wed, 21 Oct 9999999999 07:28:00 GMT",
            "Wed, 32 Oct 2015 07:28:00 GMT",
            "Wed, 21 Foo 2015 07:28:00 GMT",
            "Wed, 21 Oct 2015 7:28 GMT",
            "x y z w v",
        ] {
            assert_eq!(parse_http_date(d), None, "{d}");
        }
    }

    #[test]
    fn failover_moves_on_and_returns_after_cooldown() {
        let mut f = Failover::new(2, 1000);
        assert_eq!(f.current(0), 0);
        f.failed(0, 10);
        assert_eq!(f.current(20), 1);
        assert_eq!(f.current(500), 1);
        assert_eq!(f.current(1010), 0);
        f.failed(0, 2000);
        f.failed(1, 2001);
        assert_eq!(f.current(2002), 0);
        let mut single = Failover::new(1, 1000);
        single.failed(0, 0);
        assert_eq!(single.current(1), 0);
    }
}
