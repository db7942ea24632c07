//! Checks of documented parameter ranges, before a request is sent.
//!
//! APIYI and 01.AI document ranges for the sampling parameters (temperature 0–2, top_p 0–1,
//! n ≥ 1, max_tokens ≥ 1, penalties −2…2, up to 4 stop sequences). A value outside them costs a
//! round trip and comes back as a 400 that not every gateway words clearly; checking first gives
//! an [`Error::InvalidArgument`] naming the parameter. `null` means "default" and passes; unknown
//! parameters are never looked at, so gateway-specific ones pass through.
//!
//! ```
//! use llmwire::protocol::params::Checked;
//! assert!(Checked::Chat.check(r#"{"model":"m","messages":[],"temperature":0.7,"x_vendor":{"a":1}}"#).is_ok());
//! let err = Checked::Chat.check(r#"{"model":"m","temperature":3}"#).unwrap_err();
//! assert_eq!(err.to_string(), "invalid argument: temperature must be a number from 0 to 2, got 3");
//! ```

use crate::protocol::error::{bounded, Error};
use crate::protocol::json::{self, Kind, Reader};

/// One documented constraint.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// A number in `[min, max]`, the bounds also as text (float formatting costs wasm size).
    Range(f64, f64, &'static str),
    /// An integer ≥ the bound.
    IntAtLeast(u64),
    /// A string, or an array of at most this many strings.
    Stop(usize),
}

const CHAT: &[(&str, Rule)] = &[
    ("temperature", Rule::Range(0.0, 2.0, "from 0 to 2")),
    ("top_p", Rule::Range(0.0, 1.0, "from 0 to 1")),
    ("n", Rule::IntAtLeast(1)),
    ("max_tokens", Rule::IntAtLeast(1)),
    ("max_completion_tokens", Rule::IntAtLeast(1)),
    ("presence_penalty", Rule::Range(-2.0, 2.0, "from -2 to 2")),
    ("frequency_penalty", Rule::Range(-2.0, 2.0, "from -2 to 2")),
    ("stop", Rule::Stop(4)),
];

const RESPONSES: &[(&str, Rule)] = &[
    ("temperature", Rule::Range(0.0, 2.0, "from 0 to 2")),
    ("top_p", Rule::Range(0.0, 1.0, "from 0 to 1")),
    ("max_output_tokens", Rule::IntAtLeast(1)),
];

const IMAGES: &[(&str, Rule)] = &[("n", Rule::IntAtLeast(1))];

const EMBEDDINGS: &[(&str, Rule)] = &[("dimensions", Rule::IntAtLeast(1))];

/// The requests whose parameters are checked: each has its documented ranges, and
/// [`members`](Checked::members) names what [`check`](Checked::check) reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Chat completions and legacy completions.
    Chat,
    /// Responses.
    Responses,
    /// Image generations.
    Images,
    /// Embeddings.
    Embeddings,
}

impl Checked {
    // `rules` and `check` are inlined, so code that checks one kind (the npm package's core
    // module: chat) links only that kind's rules.
    #[inline(always)]
    fn rules(self) -> &'static [(&'static str, Rule)] {
        match self {
            Checked::Chat => CHAT,
            Checked::Responses => RESPONSES,
            Checked::Images => IMAGES,
            Checked::Embeddings => EMBEDDINGS,
        }
    }

    /// Checks a request body (JSON text) against the documented ranges.
    #[inline(always)]
    pub fn check(self, body: &str) -> Result<(), Error> {
        check(body, self.rules())
    }

    /// The members [`check`](Self::check) reads: a request with only these is checked the
    /// same, so the npm package hands wasm these and not a long conversation or input.
    ///
    /// ```
    /// use llmwire::protocol::params::Checked;
    /// assert!(Checked::Chat.members().any(|name| name == "temperature"));
    /// assert_eq!(Checked::Embeddings.members().collect::<Vec<_>>(), ["dimensions"]);
    /// ```
    pub fn members(self) -> impl Iterator<Item = &'static str> {
        self.rules().iter().map(|(name, _)| *name)
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidArgument { message }
}

fn check(body: &str, rules: &[(&str, Rule)]) -> Result<(), Error> {
    let members = json::members(body).map_err(|e| invalid(crate::cat!("the request must be a JSON object: ", e)))?;
    for (key, raw) in &members {
        if *raw == "null" {
            continue;
        }
        if let Some((name, rule)) = rules.iter().find(|(name, _)| *name == key.as_ref()) {
            check_one(name, *rule, raw)?;
        }
    }
    Ok(())
}

fn check_one(name: &str, rule: Rule, raw: &str) -> Result<(), Error> {
    let shown = bounded(raw, 40);
    let number = || decimal(raw).filter(|_| Reader::new(raw).peek().ok() == Some(Kind::Number));
    match rule {
        Rule::Range(min, max, range) => match number() {
            Some(v) if (min..=max).contains(&v) => Ok(()),
            _ => Err(invalid(crate::cat!(name, " must be a number ", range, ", got ", shown))),
        },
        Rule::IntAtLeast(min) => match number() {
            Some(v) if v.fract() == 0.0 && v >= min as f64 => Ok(()),
            _ => Err(invalid(crate::cat!(name, " must be an integer of at least ", min, ", got ", shown))),
        },
        Rule::Stop(max) => {
            if json::raw_str(raw).is_some() {
                return Ok(());
            }
            let mut count = 0usize;
            let mut strings = true;
            let parsed = Reader::new(raw).array(|r| {
                count += 1;
                strings &= r.peek()? == Kind::String;
                r.skip()
            });
            match parsed {
                Ok(()) if strings && count <= max => Ok(()),
                Ok(()) if strings => Err(invalid(crate::cat!(name, " takes at most ", max, " sequences, got ", count))),
                _ => Err(invalid(crate::cat!(name, " must be a string or an array of up to ", max, " strings, got ", shown))),
            }
        }
    }
}

/// The value of a JSON number text, near enough for range checks (within an ULP or so), without
/// the standard float parser, which would cost the wasm module several KiB.
fn decimal(text: &str) -> Option<f64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (rest.get(..i)?, rest.get(i + 1..)?.trim_start_matches('+').parse::<i32>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let (mut digits, mut scale) = (0u64, i64::from(exponent));
    for (i, b) in int.bytes().chain(frac.bytes()).enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        let in_fraction = i >= int.len();
        if digits < 100_000_000_000_000_000 {
            digits = digits * 10 + u64::from(b - b'0');
            scale -= i64::from(in_fraction);
        } else if !in_fraction {
            scale += 1;
        }
    }
    let mut power = 1.0f64;
    for _ in 0..scale.unsigned_abs().min(400) {
        power *= 10.0;
    }
    let value = if scale < 0 { digits as f64 / power } else { digits as f64 * power };
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str) -> String {
        match Checked::Chat.check(body) {
            Err(Error::InvalidArgument { message }) => message,
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn documented_bounds_are_inclusive() {
        for ok in [
            r#"{"temperature":0,"top_p":1,"n":1,"max_tokens":1,"presence_penalty":-2,"frequency_penalty":2}"#,
            r#"{"temperature":2.0,"top_p":0.0,"n":3,"max_tokens":4096,"max_completion_tokens":1e3}"#,
            r#"{"stop":"\n","temperature":null,"n":null}"#,
            r#"{"stop":["a","b","c","d"]}"#,
            r#"{"stop":[]}"#,
            r#"{}"#,
        ] {
            assert!(Checked::Chat.check(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn out_of_range_values_name_the_parameter() {
        assert_eq!(err(r#"{"temperature":2.5}"#), "temperature must be a number from 0 to 2, got 2.5");
        assert_eq!(err(r#"{"temperature":-0.1}"#), "temperature must be a number from 0 to 2, got -0.1");
        assert_eq!(err(r#"{"temperature":"hot"}"#), "temperature must be a number from 0 to 2, got \"hot\"");
        assert_eq!(err(r#"{"top_p":1.01}"#), "top_p must be a number from 0 to 1, got 1.01");
        assert_eq!(err(r#"{"n":0}"#), "n must be an integer of at least 1, got 0");
        assert_eq!(err(r#"{"n":1.5}"#), "n must be an integer of at least 1, got 1.5");
        assert_eq!(err(r#"{"max_tokens":0}"#), "max_tokens must be an integer of at least 1, got 0");
        assert_eq!(err(r#"{"max_tokens":true}"#), "max_tokens must be an integer of at least 1, got true");
        assert_eq!(err(r#"{"presence_penalty":-2.01}"#), "presence_penalty must be a number from -2 to 2, got -2.01");
        assert_eq!(err(r#"{"frequency_penalty":3}"#), "frequency_penalty must be a number from -2 to 2, got 3");
        assert_eq!(err(r#"{"stop":["a","b","c","d","e"]}"#), "stop takes at most 4 sequences, got 5");
        assert_eq!(err(r#"{"stop":[1]}"#), "stop must be a string or an array of up to 4 strings, got [1]");
        assert_eq!(err(r#"{"stop":5}"#), "stop must be a string or an array of up to 4 strings, got 5");
        assert!(err("[1]").contains("JSON object"));
    }

    #[test]
    fn unknown_and_provider_params_pass() {
        assert!(Checked::Chat.check(r#"{"size":"2048x1152","lastOne":true,"top_k":-5,"temperature_x":99,"seed":-1}"#).is_ok());
    }

    #[test]
    fn decimals_are_exact_enough_at_the_bounds() {
        for (text, want) in
            [("2", 2.0), ("2.0", 2.0), ("-2", -2.0), ("0.5", 0.5), ("1e3", 1000.0), ("1E-2", 0.01), ("20e-1", 2.0), ("0", 0.0), ("-0", 0.0)]
        {
            assert_eq!(decimal(text), Some(want), "{text}");
        }
        assert!(decimal("2.0000001").unwrap() > 2.0);
        assert!(decimal("1.9999999").unwrap() < 2.0);
        assert!(decimal("123456789012345678901234567890").unwrap() > 1e29);
        assert_eq!(decimal("1e999").map(f64::is_infinite), Some(true));
        assert_eq!(decimal("x"), None);
    }

    #[test]
    fn other_endpoints() {
        assert!(Checked::Responses.check(r#"{"temperature":1,"max_output_tokens":16,"n":0}"#).is_ok(), "n is not a Responses parameter");
        assert!(Checked::Responses.check(r#"{"max_output_tokens":0}"#).is_err());
        assert!(Checked::Images.check(r#"{"n":0}"#).is_err());
        assert!(Checked::Embeddings.check(r#"{"dimensions":-1}"#).is_err());
        assert!(Checked::Embeddings.check(r#"{"dimensions":256}"#).is_ok());
    }
}
