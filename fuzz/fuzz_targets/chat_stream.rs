//! ChatStreamDecoder on arbitrary bytes in arbitrary chunks, in every output mode: no panic; the
//! chunking changes neither the output, nor the error, nor the completion; `to_json()` and every
//! `Output::Chunks` and `Output::Events` batch are valid JSON. Also `push_json_body` on the same
//! bytes, and the events with partial JSON answers (`parsed`), which must stay valid JSON; the
//! completion's texts taken apart from its JSON (`to_json_apart`, `take_text`) rebuild it. The
//! Chunks output holds the values of the chunk events sent. The events' data applied one by one:
//! leaving out the header the last chunk repeated (`ChatAccumulator::parse`) changes no result, no
//! error and no completion against reading every chunk whole.
//!
//! Flags: bit 0 set = a small event bound (`16 + 16 * (flags >> 4)` bytes); bit 1 set = also feed
//! the body to `push_json_body`.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use llmwire::protocol::chat::{ChatAccumulator, ChatStreamDecoder, Output};
use llmwire::protocol::json::is_valid;
use llmwire::protocol::sse::decode_all;
use llmwire::protocol::typed::from_str;
use serde_json::Value;

const MODES: [Output; 4] = [Output::Text, Output::Chunks, Output::Events, Output::None];

#[derive(Debug, PartialEq)]
struct Outcome {
    /// Text: the concatenated text. Chunks, Events: the batches' elements joined with commas.
    output: String,
    /// The first error of a push, or of finish() when every push succeeded.
    error: Option<String>,
    json: String,
    done: bool,
    chunks_applied: u64,
    text: String,
    image: bool,
}

fn decoder(flags: u8) -> ChatStreamDecoder {
    if flags & 1 == 1 {
        ChatStreamDecoder::with_max_event_bytes(16 + 16 * usize::from(flags >> 4))
    } else {
        ChatStreamDecoder::new()
    }
}

/// Checks one `take_output()` batch and appends it to `output`.
fn collect(batch: Option<String>, mode: Output, output: &mut String) {
    let Some(batch) = batch else { return };
    assert!(!batch.is_empty(), "take_output gave Some(\"\")");
    match mode {
        Output::None => panic!("Output::None produced output: {batch:?}"),
        Output::Text => output.push_str(&batch),
        Output::Chunks | Output::Events => {
            common::append_items(&batch, output);
        }
    }
}

fn finish(mut dec: ChatStreamDecoder, mut output: String, mut error: Option<String>, mode: Output) -> Outcome {
    if error.is_none() {
        error = dec.finish().err().map(|e| format!("{e:?}"));
    } else {
        // Finishing a failed stream is allowed and must not panic either.
        let _ = dec.finish();
    }
    collect(dec.take_output(), mode, &mut output);
    assert_eq!(dec.take_output(), None, "a second take_output() gave more");
    let json = dec.to_json();
    assert!(is_valid(&json), "to_json() is not valid JSON: {json:?}");
    let snapshot = dec.snapshot();
    #[cfg(feature = "strict")]
    {
        // The typed snapshot falls back to an empty completion when serde rejects to_json().
        if let Err(e) = llmwire::protocol::typed::from_str::<llmwire::protocol::chat::ChatCompletion>(&json) {
            panic!("snapshot() silently empty: typed::from_str rejects to_json() ({e}): {json}");
        }
    }
    let _ = snapshot;
    let acc = dec.accumulator();
    let (done, chunks_applied, text) = (dec.is_done(), acc.chunks_applied(), acc.text().to_string());
    let image = dec.is_image_result();
    texts_apart_rebuild(&mut dec, &json);
    Outcome { output, error, json, done, chunks_applied, text, image }
}

/// `to_json_apart()` is valid JSON, and the texts `take_text` moves out, put where it wrote `""`,
/// give `to_json()`'s completion (finalChatCompletion builds it so). Spends the texts.
fn texts_apart_rebuild(dec: &mut ChatStreamDecoder, json: &str) {
    let apart = dec.to_json_apart();
    assert!(is_valid(&apart), "to_json_apart() is not valid JSON: {apart:?}");
    let (Ok(whole), Ok(mut rebuilt)) = (from_str::<Value>(json), from_str::<Value>(&apart)) else {
        panic!("typed::from_str rejects to_json() or to_json_apart(): {json} {apart}");
    };
    if let Some(choices) = rebuilt.get_mut("choices").and_then(Value::as_array_mut) {
        for (i, choice) in choices.iter_mut().enumerate() {
            let Some(message) = choice.get_mut("message").and_then(Value::as_object_mut) else { continue };
            for (key, value) in message.iter_mut() {
                if value == "" {
                    if let Some(text) = dec.take_text(i, key) {
                        *value = Value::String(text);
                    }
                }
            }
        }
    }
    assert_eq!(rebuilt, whole, "the texts taken apart do not rebuild to_json(): {apart}");
}

/// The Chunks output holds each chunk event's data (its non-ASCII characters escaped): the same
/// values, in order, up to `[DONE]`, all of them unless the stream failed. JavaScript parses it.
fn chunks_are_the_events(body: &[u8], chunks: &Outcome) {
    let Ok(events) = decode_all(body) else { return };
    if chunks.image {
        return;
    }
    let sent: Vec<&str> = events
        .iter()
        .filter(|e| e.event == "message")
        .map(|e| e.data.as_str())
        .take_while(|d| d.trim_end() != "[DONE]")
        .collect();
    let out = format!("[{}]", chunks.output);
    let Ok(Value::Array(items)) = from_str::<Value>(&out) else { panic!("typed::from_str rejects the Chunks output: {out}") };
    assert!(items.len() <= sent.len(), "more chunks handed out than sent: {out}");
    if chunks.error.is_none() {
        assert_eq!(items.len(), sent.len(), "a chunk sent was not handed out: {out}");
    }
    for (item, data) in items.iter().zip(&sent) {
        if let Ok(value) = from_str::<Value>(data) {
            assert_eq!(item, &value, "a chunk handed out differs from the one sent: {data:?}");
        }
    }
}

/// Applies each event's data to an accumulator that skips repeated headers and, read whole by a
/// fresh accumulator each time, to another: every step must agree, result and completion.
fn headers_skipped_change_nothing(body: &[u8]) {
    let Ok(events) = decode_all(body) else { return };
    let (mut skipping, mut whole) = (ChatAccumulator::new(), ChatAccumulator::new());
    for (at, event) in events.iter().filter(|e| e.data != "[DONE]").enumerate() {
        let a = skipping.parse(&event.data).and_then(|view| skipping.apply(&view));
        let b = ChatAccumulator::new().parse(&event.data).and_then(|view| whole.apply(&view));
        let (a, b) = (a.map_err(|e| format!("{e:?}")), b.map_err(|e| format!("{e:?}")));
        assert_eq!(a, b, "skipping the header changed event {at}'s result: {:?}", event.data);
        assert_eq!(skipping.to_json(), whole.to_json(), "skipping the header changed the completion after event {at}");
    }
}

fn run(flags: u8, chunks: &[&[u8]], mode: Output) -> Outcome {
    let mut dec = decoder(flags);
    let mut output = String::new();
    let mut error = None;
    for chunk in chunks {
        let r = dec.push(chunk, mode);
        collect(dec.take_output(), mode, &mut output);
        if let Err(e) = r {
            error = Some(format!("{e:?}"));
            break;
        }
    }
    finish(dec, output, error, mode)
}

fn run_json_body(flags: u8, body: &[u8], mode: Output) -> Outcome {
    let mut dec = decoder(flags);
    let mut output = String::new();
    let error = dec.push_json_body(body, 200, mode).err().map(|e| format!("{e:?}"));
    collect(dec.take_output(), mode, &mut output);
    if error.is_none() {
        // A whole body ends the stream: later bytes are ignored.
        assert!(dec.is_done());
        assert!(dec
            .push(b"data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n", mode)
            .is_ok());
        assert_eq!(dec.take_output(), None, "bytes after a whole JSON body produced output");
    }
    finish(dec, output, error, mode)
}

fuzz_target!(|data: &[u8]| {
    let input = common::Input::parse(data);
    let chunks = input.chunks();
    let mut first: Option<Outcome> = None;
    for mode in MODES {
        let whole = run(input.flags, &[input.body], mode);
        let chunked = run(input.flags, &chunks, mode);
        assert_eq!(whole, chunked, "chunking changed the result ({mode:?})");
        if mode == Output::Chunks && input.flags & 1 == 0 {
            chunks_are_the_events(input.body, &whole);
        }
        #[cfg(feature = "strict")]
        if mode == Output::Text && whole.error.is_none() {
            assert_eq!(
                whole.output, whole.text,
                "the streamed text differs from the completion's text"
            );
        }
        // The mode decides what is handed out, never what is accumulated or which error stops it.
        match &first {
            None => first = Some(whole),
            Some(f) => {
                assert_eq!(
                    (&f.error, &f.json, f.done),
                    (&whole.error, &whole.json, whole.done),
                    "{mode:?} differs from Text"
                );
            }
        }
    }
    // With partial JSON answers the events depend on the reads, so only their validity is checked.
    let mut dec = decoder(input.flags);
    dec.set_partial_json(true);
    let mut output = String::new();
    for chunk in &chunks {
        let r = dec.push(chunk, Output::Events);
        collect(dec.take_output(), Output::Events, &mut output);
        if r.is_err() {
            break;
        }
        if let Some(partial) = dec.partial_json() {
            assert!(is_valid(&partial), "partial_json() is not valid JSON: {partial:?}");
        }
    }
    let _ = finish(dec, output, None, Output::Events);
    headers_skipped_change_nothing(input.body);
    if input.flags & 2 == 2 {
        for mode in MODES {
            let o = run_json_body(input.flags, input.body, mode);
            #[cfg(feature = "strict")]
            if mode == Output::Text && o.error.is_none() {
                assert_eq!(
                    o.output, o.text,
                    "push_json_body: the Text output differs from the completion's text"
                );
            }
            let _ = o;
        }
    }
});
