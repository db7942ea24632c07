//! `WasmClient`: the facade's `Client` delegates every request here.
use super::errors;
use super::stream::WasmChatStream;
use crate::client::{Client, RawResponse};
use crate::protocol::json::ObjectWriter;
use crate::protocol::request::ClientConfig;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

#[wasm_bindgen]
pub struct WasmClient {
    pub(super) inner: Client,
}

#[wasm_bindgen]
impl WasmClient {
    /// `options` is the JS options object as JSON text (see `ClientConfig::from_options_json`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: String, fetch: Option<Function>) -> Result<WasmClient, JsValue> {
        let config = ClientConfig::from_options_json(&options).map_err(|e| errors::to_js(&e, None))?;
        let mut inner = Client::new(config).map_err(|e| errors::to_js(&e, None))?;
        if let Some(f) = fetch {
            inner = inner.with_fetch(f);
        }
        Ok(WasmClient { inner })
    }

    /// POST /chat/completions without streaming; resolves to JSON text
    /// `{"body": <the response>, "baseURL", "attempts", "requestId"}`.
    #[wasm_bindgen(js_name = chatCreate)]
    pub fn chat_create(&self, body: String, signal: Option<AbortSignal>) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            match client.chat().create_raw(&body, signal.as_ref()).await {
                Ok(raw) => Ok(JsValue::from_str(&with_meta(&raw))),
                Err(e) => Err(errors::to_js(&e, None)),
            }
        })
    }

    /// POST /chat/completions with `stream: true`; resolves to a `WasmChatStream` once headers arrive.
    #[wasm_bindgen(js_name = chatStream)]
    pub fn chat_stream(&self, body: String, signal: Option<AbortSignal>) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            match client.chat().stream_raw(&body, signal.as_ref()).await {
                Ok(stream) => Ok(WasmChatStream::wrap(stream).into()),
                Err(e) => Err(errors::to_js(&e, None)),
            }
        })
    }
}

/// Wraps a response body (already checked to be a JSON object) with where it came from.
pub(super) fn with_meta(raw: &RawResponse) -> String {
    let mut out = String::with_capacity(raw.body.len() + 128);
    let mut w = ObjectWriter::new(&mut out);
    w.str("baseURL", &raw.base_url)
        .uint("attempts", u64::from(raw.attempts))
        .opt_str("requestId", raw.request_id.as_deref())
        .raw("body", &raw.body);
    w.finish();
    out
}
