//! The example in headless Chromium against the mock gateway (`LLMWIRE_MOCK_URL`, baked in at
//! compile time by `node scripts/test-wasm-browser.mjs`).
#![cfg(target_arch = "wasm32")]

use llmwire::{ApiError, Error};
use llmwire_example_chat::{stream_into, ChatSession};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn base_url() -> String {
    let Some(url) = option_env!("LLMWIRE_MOCK_URL") else {
        panic!("build with LLMWIRE_MOCK_URL set to the mock gateway's URL (scripts/test-wasm-browser.mjs does)");
    };
    format!("{url}/v1")
}

#[wasm_bindgen_test]
async fn a_reply_streams_piece_by_piece_and_joins_the_history() {
    let mut session = ChatSession::new(&base_url(), "gpt-4o-mini").unwrap().with_system("Be brief.");
    let mut pieces = Vec::new();
    let reply = session.send("hello from Rust", |piece| pieces.push(piece.to_string())).await.unwrap();
    assert!(reply.starts_with("Echo: hello from Rust."), "{reply}");
    assert!(reply.contains("你好，世界 👋"), "{reply}");
    assert!(!pieces.is_empty());
    assert_eq!(pieces.concat(), reply);
    assert_eq!(session.messages().len(), 3);

    let second = session.send("and again", |_| {}).await.unwrap();
    assert!(second.starts_with("Echo: and again."), "{second}");
    assert_eq!(session.messages().len(), 5);
    assert_eq!(session.messages()[4]["role"], "assistant");
}

#[wasm_bindgen_test]
async fn errors_are_typed_and_leave_the_history_alone() {
    let mut session = ChatSession::new(&base_url(), "mock-scenario:http-404").unwrap();
    let err = session.send("anyone there?", |_| {}).await.unwrap_err();
    match &err {
        Error::Api(api) => {
            let api: &ApiError = api;
            assert_eq!(api.status, Some(404));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert!(session.messages().is_empty());
}

#[wasm_bindgen_test]
async fn a_page_without_a_framework_streams_into_an_element() {
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("p").unwrap();
    element.set_id("reply");
    document.body().unwrap().append_child(&element).unwrap();
    let reply = stream_into(base_url(), "gpt-4o-mini".into(), "render me".into(), "reply".into()).await.unwrap();
    assert!(reply.starts_with("Echo: render me."), "{reply}");
    assert_eq!(element.text_content().as_deref(), Some(reply.as_str()));
}
