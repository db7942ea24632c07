//! What is read whole rather than streamed, on arbitrary text: every JSON endpoint's check of a
//! request and of a 2xx body, embeddings (base64 vectors), transcriptions in each format, image
//! items, base64, media types and data URLs, structured answers and partial JSON, conversation
//! history, and the tool-calling loop over a request and a completion. No panic; what claims to
//! be JSON is valid JSON; base64 decodes what it encodes; the partial JSON of a whole valid text
//! is that text's value; a tool run's history stays valid JSON whatever the model answered.
//!
//! Layout: byte 0 flags (a window size, a status, a response format), then the text (invalid
//! UTF-8 replaced, as a JavaScript string reaches wasm). Functions of two texts get the text cut
//! at its first NUL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use llmwire::protocol::audio::{transcription_result, ResponseFormat};
use llmwire::protocol::conversation::{estimate_tokens, keep, Conversation, Window};
use llmwire::protocol::embeddings::{decode_embeddings, decode_one, EmbeddingResponse};
use llmwire::protocol::endpoint::Endpoint;
use llmwire::protocol::json::is_valid;
use llmwire::protocol::structured::{json_answer, parsed_choices, partial_json};
use llmwire::protocol::tools::{Answer, ToolLoop};
use llmwire::protocol::{base64, images, media, multimodal, responses};
use serde_json::Value;
use std::borrow::Cow;

fn json(what: &str, text: &str) {
    assert!(is_valid(text), "{what} gave invalid JSON: {text:?}");
}

fn endpoints(text: &str, status: u16) {
    for id in 0..=7 {
        let endpoint = Endpoint::from_id(id).expect("ids 0..=7 are endpoints");
        match endpoint.prepare(text) {
            Ok(Cow::Borrowed(sent)) => assert_eq!(sent, text, "{endpoint:?}: prepare changed a borrowed body"),
            Ok(Cow::Owned(path)) if endpoint == Endpoint::Model => {
                let id = path.strip_prefix("/models/").expect("a model path");
                assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)), "{path:?} is not one segment");
            }
            Ok(Cow::Owned(body)) => json("prepare", &body),
            Err(_) => {}
        }
        if let Ok(out) = endpoint.finish(text, status) {
            json("finish", &out);
        }
    }
}

fn embeddings(text: &str) {
    if let Ok(decoded) = decode_embeddings(text) {
        json("decode_embeddings", &decoded.json);
        assert_eq!(decoded.lengths.iter().sum::<usize>(), decoded.vectors.len(), "vector lengths");
        assert!(decoded.vectors.iter().all(|v| v.is_finite()), "a non-finite value was kept");
        let _ = EmbeddingResponse::from_decoded(&decoded);
    }
    if let Ok(Some(vector)) = decode_one(text, 0, None) {
        assert!(vector.iter().all(|v| v.is_finite()), "a non-finite value was kept");
    }
}

fn transcriptions(text: &str, flags: u8) {
    let declared = flags & 1 == 1;
    for name in ["json", "verbose_json", "text", "srt", "vtt"] {
        let format = ResponseFormat::parse(Some(name)).expect("a format");
        if let Ok(out) = transcription_result(format, text, declared) {
            json("transcription_result", &out);
            let first = if format.is_json() { '{' } else { '"' };
            assert!(out.trim_start().starts_with(first), "{name}: {out:?}");
        }
    }
}

fn images_and_media(text: &str, a: &str, b: &str, bytes: &[u8]) {
    let _ = images::item_src(Some(a), Some(b));
    let _ = images::item_src(None, Some(text));
    if let Ok(Some((_, mime))) = images::item_bytes(Some(a), Some(b)) {
        assert!(!mime.is_empty(), "an image without a media type");
    }
    let _ = images::item_bytes(None, Some(text));
    if let Ok(body) = images::via_chat_request(text) {
        json("via_chat_request", &body);
    }
    let _ = images::via_chat_result(text);
    let _ = (media::sniff(bytes), media::sniff_base64(text), media::mime_from_filename(text), media::extension(text));
    let _ = media::resolve(Some(a), bytes, Some(b));
    let _ = media::split_data_url(text);
    let _ = media::describe_upload(a, Some(b), bytes, Some(text));
    let _ = multimodal::image_url(text);
    if let Ok(part) = multimodal::image_part(a, Some(b)) {
        json("image_part", &part);
    }
    if let Ok(url) = multimodal::bytes_data_url(bytes, Some(a)) {
        assert!(url.starts_with("data:"), "{url:?}");
    }
    let _ = responses::output_text_of(text);
}

fn base64_round_trip(text: &str, bytes: &[u8], max: usize) {
    assert_eq!(base64::decode(&base64::encode(bytes)).as_deref(), Ok(bytes), "decode(encode(x)) is not x");
    let decoded = base64::decode(text);
    assert_eq!(base64::validate(text).is_ok(), decoded.is_ok(), "validate and decode disagree");
    if let Ok(all) = decoded {
        assert_eq!(base64::decoded_len(text), all.len(), "decoded_len");
        let head = base64::decode_prefix(text, max).expect("a prefix of valid base64");
        assert!(head.len() <= max && all.starts_with(&head), "decode_prefix is not a prefix");
    }
}

fn structured(text: &str) {
    if let Ok(answer) = json_answer(text) {
        json("json_answer", answer);
    }
    if let Ok(parsed) = parsed_choices(text) {
        json("parsed_choices", &parsed);
    }
    if let Some(partial) = partial_json(text) {
        json("partial_json", &partial);
        // The whole of a valid text is its own value (when serde can hold its numbers).
        if let Ok(whole) = serde_json::from_str::<Value>(text) {
            let completed: Value = serde_json::from_str(&partial).expect("serde reads what is_valid accepts");
            assert_eq!(completed, whole, "partial_json of a whole text changed its value");
        }
    }
}

fn conversation(text: &str, flags: u8) {
    let window = Window { max_messages: Some(usize::from(flags & 3)), max_tokens: Some(u64::from(flags >> 2) * 8) };
    let _ = estimate_tokens(text);
    let mut chat = Conversation::new(Some(text), window);
    let _ = chat.push(text);
    chat.push_user(text);
    let _ = chat.push_answer(text);
    json("messages_json", &chat.messages_json());
    let kept = keep(chat.messages(), window);
    assert!(kept.windows(2).all(|w| w[0] < w[1]) && kept.iter().all(|&i| i < chat.messages().len()), "keep: {kept:?}");
}

fn tools(text: &str, request: &str, completion: &str) {
    if let Ok(answer) = Answer::read(text, 1) {
        json("Answer::read", &answer.message);
        for call in answer.calls.iter().filter(|c| c.runnable()) {
            json("a runnable call's arguments", &call.arguments);
        }
    }
    let Ok(mut run) = ToolLoop::new(request, &["f", "g"], 2) else { return };
    json("request_body", &run.request_body(true, true));
    json("request_params", &run.request_params(false));
    for _ in 0..2 {
        let Ok(plan) = run.on_completion(completion) else { break };
        let results: Vec<(&str, Result<&str, &str>)> =
            plan.calls.iter().filter(|c| c.runnable()).map(|c| (c.id.as_str(), Ok("{}"))).collect();
        if plan.stop.is_some() || run.on_results(&results).is_err() {
            break;
        }
    }
    json("messages_json", &run.messages_json());
    for message in run.new_messages() {
        json("a new message", message);
    }
}

fuzz_target!(|data: &[u8]| {
    let flags = data.first().copied().unwrap_or(0);
    let bytes = data.get(1..).unwrap_or_default();
    let text = String::from_utf8_lossy(bytes);
    let text = text.as_ref();
    let (a, b) = text.split_once('\0').unwrap_or((text, ""));
    endpoints(text, 200 + u16::from(flags % 8));
    embeddings(text);
    transcriptions(text, flags);
    images_and_media(text, a, b, bytes);
    base64_round_trip(text, bytes, usize::from(flags));
    structured(text);
    conversation(text, flags);
    tools(text, a, b);
});
