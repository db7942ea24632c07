//! SseDecoder on arbitrary bytes in arbitrary chunks: no panic, and the chunking never changes
//! the events, the error, the pending flag, `retry` or the last event ID.
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
