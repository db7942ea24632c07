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
