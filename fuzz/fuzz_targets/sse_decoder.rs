//! SseDecoder on arbitrary bytes in arbitrary chunks: no panic, and the chunking never changes
//! the events, the error, the pending flag, `retry` or the last event ID. The events and `retry`
//! are also those of `reference`, the WHATWG interpretation written out line by line over the
//! whole body.
//!
//! Flags: bit 0 set = a small event bound (`1 + flags >> 1`, 1..=128 bytes) instead of 16 MiB.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use llmwire::protocol::sse::{decode_all, OwnedSseEvent, SseDecoder, SseError, DEFAULT_MAX_EVENT_BYTES};

#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<OwnedSseEvent>,
    error: Option<SseError>,
    /// `finish()`'s answer; not asked after an error.
    pending: Option<bool>,
    retry: Option<u64>,
    last_event_id: String,
}

fn run(limit: usize, chunks: &[&[u8]]) -> Outcome {
    let mut dec = SseDecoder::with_max_event_bytes(limit);
    let mut events = Vec::new();
    let mut error = None;
    for chunk in chunks {
        let r = dec.push::<SseError, _>(chunk, |e| {
            events.push(OwnedSseEvent::from(e));
            Ok(())
        });
        if let Err(e) = r {
            error = Some(e);
            break;
        }
    }
    let retry = dec.retry();
    let last_event_id = dec.last_event_id().to_string();
    let pending = dec.finish();
    let pending = error.is_none().then_some(pending);
    // The decoder is reusable after finish() (also after an error): a blank line yields nothing.
    let mut again = 0;
    dec.push::<SseError, _>(b"\n\n", |_| {
        again += 1;
        Ok(())
    })
    .ok();
    assert_eq!(again, 0, "an empty stream after finish() dispatched an event");
    Outcome {
        events,
        error,
        pending,
        retry,
        last_event_id,
    }
}

/// The WHATWG event-stream interpretation, step by step, over a whole body: drop one leading
/// BOM, decode UTF-8 with replacement, split lines at CRLF, LF or CR (an unterminated last line
/// is discarded), then process each line's field and dispatch at blank lines.
fn reference(body: &[u8]) -> (Vec<OwnedSseEvent>, Option<u64>) {
    let body = body.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(body);
    let text = String::from_utf8_lossy(body);
    let (mut events, mut retry) = (Vec::new(), None);
    let (mut data, mut event, mut id) = (String::new(), String::new(), String::new());
    let mut rest = &text[..];
    while let Some(end) = rest.find(['\r', '\n']) {
        let line = &rest[..end];
        rest = &rest[end + if rest[end..].starts_with("\r\n") { 2 } else { 1 }..];
        if line.is_empty() {
            if !data.is_empty() {
                data.pop();
                let event = if event.is_empty() { "message".to_string() } else { event.clone() };
                events.push(OwnedSseEvent { event, data: std::mem::take(&mut data), id: id.clone() });
            }
            event.clear();
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            "event" => event = value.to_string(),
            "id" if !value.contains('\0') => id = value.to_string(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Beyond u64 the spec says nothing useful; the decoder keeps the last that fit.
                if let Ok(ms) = value.parse() {
                    retry = Some(ms);
                }
            }
            _ => {}
        }
    }
    (events, retry)
}

fuzz_target!(|data: &[u8]| {
    let input = common::Input::parse(data);
    let limit = if input.flags & 1 == 1 {
        1 + usize::from(input.flags >> 1)
    } else {
        DEFAULT_MAX_EVENT_BYTES
    };

    let whole = run(limit, &[input.body]);
    let chunked = run(limit, &input.chunks());
    assert_eq!(whole, chunked, "chunking changed the result");
    if input.body.len() <= 512 {
        assert_eq!(
            whole,
            run(limit, &common::bytewise(input.body)),
            "byte-by-byte changed the result"
        );
    }
    if limit == DEFAULT_MAX_EVENT_BYTES {
        assert_eq!(
            reference(input.body),
            (whole.events.clone(), whole.retry),
            "the WHATWG interpretation disagrees"
        );
        assert_eq!(
            decode_all(input.body).ok(),
            Some(whole.events.clone()),
            "decode_all disagrees"
        );
    }

    for e in &whole.events {
        // Field values come from single lines: they never hold a line break.
        assert!(!e.event.is_empty(), "empty event type");
        assert!(
            !e.event.contains(['\r', '\n']) && !e.id.contains(['\r', '\n', '\0']),
            "{e:?}"
        );
        assert!(!e.data.contains('\r'), "CR in data: {e:?}");
        assert!(e.data.len() <= limit, "event data over the bound: {e:?}");
    }
});
