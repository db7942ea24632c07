//! The Rust API in headless Chromium, against the mock gateway the test run started
//! (`LLMWIRE_MOCK_URL`, baked in at compile time; `make test-browser` sets it).
#![cfg(target_arch = "wasm32")]

use llmwire::protocol::request::ClientConfig;
use llmwire::{Client, Error};
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn base_url() -> String {
    let Some(url) = option_env!("LLMWIRE_MOCK_URL") else {
        panic!("build with LLMWIRE_MOCK_URL set to the mock gateway's URL (make test-wasm-browser does)");
    };
    format!("{url}/v1")
}

fn client() -> Client {
    Client::new(ClientConfig::new(base_url())).expect("a client without a key is fine in a page")
}

fn request(model: &str) -> serde_json::Value {
    json!({ "model": model, "messages": [{ "role": "user", "content": "hi from Chromium" }] })
}

#[wasm_bindgen_test]
fn a_raw_key_in_a_page_needs_the_opt_in() {
    let refused = Client::new(ClientConfig::new(base_url()).with_api_key("sk-test-secret"));
    match refused {
        Err(e @ Error::InvalidArgument { .. }) => assert!(!e.to_string().contains("sk-test-secret"), "{e}"),
        other => panic!("expected InvalidArgument, got {:?}", other.map(|_| ())),
    }
    let allowed = ClientConfig::new(base_url()).with_api_key("sk-test-secret").dangerously_allow_browser(true);
    assert!(Client::new(allowed).is_ok());
}

#[wasm_bindgen_test]
async fn streamed_text_matches_the_non_streamed_reply() {
    let c = client();
    let whole = c.chat().create(&request("gpt-4o-mini"), None).await.unwrap();
    let mut stream = c.chat().stream(&request("gpt-4o-mini"), None).await.unwrap();
    let mut text = String::new();
    let mut pieces = 0;
    while let Some(piece) = stream.next_text().await.unwrap() {
        text.push_str(&piece);
        pieces += 1;
    }
    assert!(pieces >= 1);
    assert_eq!(Some(text.as_str()), whole.text());
    assert!(text.contains("你好"), "{text}");
    let fin = stream.final_completion().await.unwrap();
    assert_eq!(fin.choices[0].finish_reason.as_deref(), Some("stop"));
    assert!(stream.request_id().is_some());
}

#[wasm_bindgen_test]
async fn values_serde_refuses_do_not_lose_the_reply() {
    // The mock adds `"x_score":1e400,"x_tag":"\ud83d"` to the reply and to every chunk.
    let c = client();
    let whole = c.chat().create(&request("mock-scenario:js-only-values"), None).await.unwrap();
    assert!(whole.text().is_some_and(|t| t.contains("你好")), "{whole:?}");
    assert_eq!((&whole.extra["x_score"], &whole.extra["x_tag"]), (&json!(null), &json!("\u{fffd}")));
    let mut stream = c.chat().stream(&request("mock-scenario:js-only-values"), None).await.unwrap();
    while stream.next_text().await.unwrap().is_some() {}
    let fin = stream.final_completion().await.unwrap();
    assert_eq!(fin.text(), whole.text());
    assert_eq!((&fin.extra["x_score"], &fin.extra["x_tag"]), (&json!(null), &json!("\u{fffd}")));
}

#[wasm_bindgen_test]
async fn http_errors_are_typed() {
    let err = client().chat().create(&request("mock-scenario:http-429"), None).await.unwrap_err();
    match &err {
        Error::Api(api) => assert_eq!((api.status, api.code.as_deref()), (Some(429), Some("rate_limit_exceeded"))),
        other => panic!("{other:?}"),
    }
    assert_eq!(err.class_name(), "RateLimitError");
    let html = client().chat().create(&request("mock-scenario:html-502"), None).await.unwrap_err();
    assert!(html.to_string().contains("502"), "{html}");
    assert_eq!(html.class_name(), "InternalServerError");
}

#[wasm_bindgen_test]
async fn a_malformed_event_keeps_the_partial_text() {
    let mut stream = client().chat().stream(&request("mock-scenario:malformed-event"), None).await.unwrap();
    let err = loop {
        match stream.next_text().await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the malformed event was swallowed"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err, Error::MalformedEvent { .. }), "{err:?}");
    assert!(stream.snapshot().text().is_some_and(|t| !t.is_empty()));
}

#[wasm_bindgen_test]
async fn a_cut_stream_is_truncated_not_silent() {
    let mut stream = client().chat().stream(&request("mock-scenario:cut-stream"), None).await.unwrap();
    let err = stream.final_completion().await.unwrap_err();
    assert!(matches!(err, Error::Truncated { .. }), "{err:?}");
}

#[wasm_bindgen_test]
async fn abort_signal_stops_a_hanging_request() {
    let controller = web_sys::AbortController::new().unwrap();
    let signal = controller.signal();
    wasm_bindgen_futures::spawn_local(async move {
        sleep_ms(50).await;
        controller.abort();
    });
    let result = client().chat().create(&request("mock-scenario:hang"), Some(&signal)).await;
    assert!(matches!(result, Err(Error::Aborted)), "{:?}", result.map(|_| ()));
}

async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: js_sys::Function = js_sys::Reflect::get(&global, &"setTimeout".into()).unwrap().into();
        set_timeout.call2(&global, &resolve, &ms.into()).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

// ---------------------------------------------------------------- endpoints beyond chat (typed Rust API)

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\xdac\xfc\xcf\xc0\x50\x0f\0\x04\x85\x01\x80\x84\xa9\x8c!\0\0\0\0IEND\xaeB`\x82";

#[wasm_bindgen_test]
async fn images_three_ways_with_typed_items() {
    use llmwire::client::Upload;
    let c = client();
    let generated = c.images().generate(&json!({"model": "gpt-image-1", "prompt": "a kitten"}), None).await.unwrap();
    let (bytes, mime) = generated.data[0].bytes().unwrap().unwrap();
    assert_eq!((mime.as_str(), &bytes[..4]), ("image/png", &b"\x89PNG"[..]));
    assert!(generated.data[0].src().unwrap().starts_with("data:image/png;base64,"));
    let images = [Upload::bytes(PNG.to_vec(), "a.png"), Upload::bytes(PNG.to_vec(), "b.png")];
    let mask = Upload::bytes(PNG.to_vec(), "mask.png");
    let edited = c.images().edit(&images, Some(&mask), &json!({"prompt": "add a hat"}), None).await.unwrap();
    assert_eq!(edited.data.len(), 1);
    let not_an_image = c.images().edit(&[Upload::bytes(vec![1, 2, 3], "x")], None, &json!({"prompt": "p"}), None).await.unwrap_err();
    assert_eq!(not_an_image.class_name(), "InvalidArgumentError", "{not_an_image}");
    let via_chat = c
        .images()
        .generate_via_chat(&json!({"model": "gpt-image-2-vip", "prompt": "a lighthouse", "size": "2048x1152"}), None)
        .await
        .unwrap();
    assert!(via_chat.data[0].url.as_deref().unwrap_or_default().ends_with(".png"));
    let on_chat = c.chat().create(&request("gpt-image-2-vip"), None).await.unwrap();
    assert!(on_chat.is_image_generation() && on_chat.choices.is_empty());
    let mut stream = c.chat().stream(&request("gpt-image-2-vip"), None).await.unwrap();
    assert!(stream.final_completion().await.unwrap().is_image_generation());
}

#[wasm_bindgen_test]
async fn embeddings_models_and_audio_typed() {
    use llmwire::client::{Transcription, Upload};
    let c = client();
    let base64 =
        c.embeddings().create(&json!({"model": "e", "input": ["a"], "dimensions": 4, "encoding_format": "base64"}), None).await.unwrap();
    let floats = c.embeddings().create(&json!({"model": "e", "input": ["a"], "dimensions": 4}), None).await.unwrap();
    assert_eq!(base64.data[0].embedding, floats.data[0].embedding);
    assert_eq!(base64.data[0].embedding.len(), 4);
    let bad = c.embeddings().create(&json!({"model": "mock-scenario:embedding-bad-length", "input": "a"}), None).await.unwrap_err();
    assert_eq!(bad.class_name(), "InvalidResponseError");
    let models = c.models().list(None).await.unwrap();
    assert!(models.data.iter().any(|m| m.id == "yi-lightning" && m.owned_by.as_deref() == Some("01.ai")));
    assert_eq!(c.models().retrieve("yi-vision-v2", None).await.unwrap().owned_by.as_deref(), Some("01.ai"));
    let mut wav = b"RIFF\x24\0\0\0WAVEfmt ".to_vec();
    wav.resize(64, 0);
    let srt = c
        .audio()
        .transcriptions()
        .create(&Upload::bytes(wav.clone(), "a.wav"), &json!({"model": "whisper-1", "response_format": "srt"}), None)
        .await
        .unwrap();
    assert!(matches!(&srt, Transcription::Text(t) if t.starts_with("1\n00:00:00,000")), "{srt:?}");
    let json = c.audio().transcriptions().create(&Upload::bytes(wav, "a.wav"), &json!({"model": "whisper-1"}), None).await.unwrap();
    assert!(matches!(&json, Transcription::Json(v) if v["text"].as_str().unwrap_or_default().starts_with("Transcribed a.wav")), "{json:?}");
}

#[wasm_bindgen_test]
async fn completions_and_responses_stream_typed() {
    let c = client();
    let mut completion = c.completions().stream(&json!({"model": "m", "prompt": "hello"}), None).await.unwrap();
    let mut text = String::new();
    while let Some(piece) = completion.next_text().await.unwrap() {
        text.push_str(&piece);
    }
    assert_eq!(completion.final_completion().await.unwrap().text(), Some(text.as_str()));
    let mut response = c.responses().stream(&json!({"model": "m", "input": "hello"}), None).await.unwrap();
    let done = response.final_response().await.unwrap();
    assert!(done.output_text.starts_with("Echo: hello."), "{}", done.output_text);
    assert_eq!(c.responses().create(&json!({"model": "m", "input": "hello"}), None).await.unwrap().output_text, done.output_text);
    let range = c.chat().create(&json!({"model": "m", "messages": [], "temperature": 5}), None).await.unwrap_err();
    assert!(range.to_string().contains("temperature"), "{range}");
}
