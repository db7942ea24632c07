//! EventStreamDecoder for `/responses` and `/completions` on arbitrary bytes in arbitrary chunks,
//! in every output mode: no panic; the chunking changes neither the output, nor the error, nor the
//! result; the mode changes nothing but what is handed out; `to_json()` and every Chunks batch
//! are valid JSON, one item per event at most. Also `push_json_body` on the same bytes.
//!
//! Flags: bit 0 set = `/completions`, else `/responses`; bit 1 set = also feed the body to
//! `push_json_body`; bit 2 set = a small event bound (`16 + 16 * (flags >> 4)` bytes).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use llmwire::protocol::chat::Output;
use llmwire::protocol::completions::CompletionsProtocol;
use llmwire::protocol::event_stream::{EventStreamDecoder, StreamProtocol};
use llmwire::protocol::json::is_valid;
use llmwire::protocol::responses::ResponsesProtocol;
use llmwire::protocol::sse::decode_all;

const MODES: [Output; 4] = [Output::Text, Output::Chunks, Output::Events, Output::None];

#[derive(Debug, PartialEq)]
struct Outcome {
    /// Text: the concatenated text. Chunks, Events: the batches' elements joined with commas.
    output: String,
    items: usize,
    /// The first error of a push, or of finish() when every push succeeded.
    error: Option<String>,
    json: String,
    done: bool,
}

fn decoder<P: StreamProtocol>(proto: P, flags: u8) -> EventStreamDecoder<P> {
    if flags & 4 == 4 {
        EventStreamDecoder::with_max_event_bytes(proto, 16 + 16 * usize::from(flags >> 4))
    } else {
        EventStreamDecoder::new(proto)
    }
}

/// Checks one `take_output()` batch and appends it to `output`; returns its item count.
fn collect(batch: Option<String>, mode: Output, output: &mut String) -> usize {
    let Some(batch) = batch else { return 0 };
    assert!(!batch.is_empty(), "take_output gave Some(\"\")");
    match mode {
        Output::None => panic!("Output::None produced output: {batch:?}"),
        Output::Text => {
            output.push_str(&batch);
            0
        }
        Output::Chunks | Output::Events => common::append_items(&batch, output),
    }
}

fn finish<P: StreamProtocol>(mut dec: EventStreamDecoder<P>, mut out: Outcome, mode: Output, typed: fn(&str) -> bool) -> Outcome {
    if out.error.is_none() {
        out.error = dec.finish().err().map(|e| format!("{e:?}"));
    } else {
        // Finishing a failed stream is allowed and must not panic either.
        let _ = dec.finish();
    }
    out.items += collect(dec.take_output(), mode, &mut out.output);
    assert_eq!(dec.take_output(), None, "a second take_output() gave more");
    out.json = dec.to_json();
    assert!(is_valid(&out.json), "to_json() is not valid JSON: {:?}", out.json);
    #[cfg(feature = "strict")]
    assert!(typed(&out.json), "snapshot() silently empty: typed::from_str rejects to_json(): {}", out.json);
    let _ = typed;
    out.done = dec.is_done();
    out
}

fn run<P: StreamProtocol>(proto: impl Fn() -> P, flags: u8, chunks: &[&[u8]], mode: Output, typed: fn(&str) -> bool) -> Outcome {
    let mut dec = decoder(proto(), flags);
    let mut out = Outcome { output: String::new(), items: 0, error: None, json: String::new(), done: false };
    for chunk in chunks {
        let r = dec.push(chunk, mode);
        out.items += collect(dec.take_output(), mode, &mut out.output);
        if let Err(e) = r {
            out.error = Some(format!("{e:?}"));
            break;
        }
    }
    finish(dec, out, mode, typed)
}

fn run_json_body<P: StreamProtocol>(proto: P, flags: u8, body: &[u8], mode: Output, typed: fn(&str) -> bool) {
    let mut dec = decoder(proto, flags);
    let mut out = Outcome { output: String::new(), items: 0, error: None, json: String::new(), done: false };
    out.error = dec.push_json_body(body, 200, mode).err().map(|e| format!("{e:?}"));
    out.items += collect(dec.take_output(), mode, &mut out.output);
    if out.error.is_none() {
        // A whole body ends the stream: later bytes are ignored.
        assert!(dec.is_done());
        assert!(dec.push(b"data: {\"type\":\"response.output_text.delta\",\"delta\":\"x\"}\n\n", mode).is_ok());
        assert_eq!(dec.take_output(), None, "bytes after a whole JSON body produced output");
    }
    let _ = finish(dec, out, mode, typed);
}

fn check<P: StreamProtocol>(proto: impl Fn() -> P + Copy, input: &common::Input<'_>, typed: fn(&str) -> bool) {
    let chunks = input.chunks();
    let events = decode_all(input.body).map(|e| e.len()).unwrap_or(usize::MAX);
    let mut first: Option<Outcome> = None;
    for mode in MODES {
        let whole = run(proto, input.flags, &[input.body], mode, typed);
        let chunked = run(proto, input.flags, &chunks, mode, typed);
        assert_eq!(whole, chunked, "chunking changed the result ({mode:?})");
        assert!(whole.items <= events, "{} items handed out for {events} events", whole.items);
        match &first {
            None => first = Some(whole),
            Some(f) => assert_eq!(
                (&f.error, &f.json, f.done),
                (&whole.error, &whole.json, whole.done),
                "{mode:?} differs from Text"
            ),
        }
    }
    if input.flags & 2 == 2 {
        for mode in MODES {
            run_json_body(proto(), input.flags, input.body, mode, typed);
        }
    }
}

fn typed_response(json: &str) -> bool {
    llmwire::protocol::typed::from_str::<llmwire::protocol::responses::Response>(json).is_ok()
}

fn typed_completion(json: &str) -> bool {
    llmwire::protocol::typed::from_str::<llmwire::protocol::completions::Completion>(json).is_ok()
}

fuzz_target!(|data: &[u8]| {
    let input = common::Input::parse(data);
    if input.flags & 1 == 1 {
        check(CompletionsProtocol::default, &input, typed_completion);
    } else {
        check(ResponsesProtocol::default, &input, typed_response);
    }
});
