//! The JSON reader and the parsers built on it, on arbitrary input: no panic, and the reader's
//! answers agree with each other (`is_valid`, `skip`, `raw`, `members`). Also
//! `ApiError::from_response`, `snippet_of`, `RetryHints::from_headers`, `parse_http_date`,
//! `scaled_decimal` and `ClientConfig::from_options_json`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use llmwire::protocol::error::{snippet_of, ApiError, SNIPPET_CHARS};
use llmwire::protocol::json::{self, Reader};
use llmwire::protocol::request::{BodyKind, ClientConfig};
use llmwire::protocol::retry::{parse_http_date, scaled_decimal, RetryHints};

fn is_json_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn reader(text: &str) {
    let valid = json::is_valid(text);
    let mut r = Reader::new(text);
    let skipped = r.skip().is_ok() && r.end().is_ok();
    assert_eq!(valid, skipped, "is_valid and skip+end disagree");

    let mut r = Reader::new(text);
    if let Ok(raw) = r.raw() {
        assert!(json::is_valid(raw), "raw() returned invalid JSON: {raw:?}");
        if valid {
            assert_eq!(
                raw,
                text.trim_matches(is_json_ws),
                "raw() of a valid text is not the text"
            );
        }
    }
    if let Ok(members) = json::members(text) {
        assert!(valid, "members() accepted an invalid text");
        for (_, raw) in &members {
            assert!(json::is_valid(raw), "a member's raw value is invalid: {raw:?}");
        }
    }
    if let Some(s) = json::raw_str(text) {
        // A decoded string written back is valid JSON that decodes to the same string.
        let mut out = String::new();
        json::write_str(&mut out, &s);
        assert!(json::is_valid(&out), "write_str output is invalid: {out:?}");
        assert_eq!(
            json::raw_str(&out).as_deref(),
            Some(&*s),
            "write_str does not round-trip"
        );
    }
    #[cfg(feature = "strict")]
    {
        // serde_json refuses lone surrogates in \u escapes and numbers beyond f64, which JSON
        // allows and JSON.parse reads; typed::from_str reads them, and must agree exactly.
        let serde = llmwire::protocol::typed::from_str::<serde_json::Value>(text);
        if valid != serde.is_ok() {
            panic!("is_valid={valid} but serde_json says {serde:?} for {text:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let status = u16::from_le_bytes([data.first().copied().unwrap_or(0), data.get(1).copied().unwrap_or(0)]);
    let body = data.get(2..).unwrap_or_default();

    let err = ApiError::from_response(status, body, Some("req_1".into()));
    assert_eq!(err.status, Some(status));
    if let Some(snippet) = &err.body_snippet {
        assert!(snippet.chars().count() <= SNIPPET_CHARS + 1, "snippet too long");
    }
    assert!(
        snippet_of(body).chars().count() <= SNIPPET_CHARS + 1,
        "snippet_of too long"
    );
    let _ = ApiError::from_json_body(body);
    let _ = ApiError::from_error_member(body);

    let Ok(text) = std::str::from_utf8(body) else { return };
    reader(text);

    // Headers: the text's lines, in order, are x-should-retry, retry-after-ms and retry-after.
    let mut lines = text.split('\n');
    let (should, after_ms, after) = (lines.next(), lines.next(), lines.next());
    let now_ms = u64::from(status) * 86_400_000;
    let header = |name: &str| {
        match name {
            "x-should-retry" => should,
            "retry-after-ms" => after_ms,
            "retry-after" => after,
            _ => None,
        }
        .map(str::to_string)
    };
    let _ = RetryHints::from_headers(header, now_ms);
    for scale in [1, 1000, u64::MAX] {
        let _ = scaled_decimal(text, scale);
    }
    let _ = parse_http_date(text);

    if let Ok(config) = ClientConfig::from_options_json(text) {
        let _ = config.validate(true);
        let _ = config.validate(false);
        let _ = config.url("/chat/completions");
        for kind in [BodyKind::Empty, BodyKind::Json, BodyKind::JsonStream, BodyKind::Form] {
            let _ = config.request_headers(kind);
        }
        let _ = config.base_urls().count();
    }
});
