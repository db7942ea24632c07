//! `WasmClient`: the facade's `Client` delegates every request here.
use super::errors;
use super::stream::WasmChatStream;
use crate::client::Client;
use crate::protocol::request::ClientConfig;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

#[wasm_bindgen]
pub struct WasmClient {
    inner: Client,
}

#[wasm_bindgen]
impl WasmClient {
    /// `headers` alternates names and values: `[name0, value0, name1, value1, …]`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        base_url: String,
        api_key: Option<String>,
        headers: Vec<String>,
        dangerously_allow_browser: bool,
        fetch: Option<Function>,
    ) -> Result<WasmClient, JsValue> {
        let mut config = ClientConfig::new(base_url).dangerously_allow_browser(dangerously_allow_browser);
        if let Some(key) = api_key {
            config = config.with_api_key(key);
        }
        for pair in headers.chunks(2) {
            if let [name, value] = pair {
                config = config.with_header(name.as_str(), value.as_str());
            }
        }
        let mut inner = Client::new(config).map_err(|e| errors::to_js(&e, None))?;
        if let Some(f) = fetch {
            inner = inner.with_fetch(f);
        }
        Ok(WasmClient { inner })
    }

    /// POST /chat/completions without streaming; resolves to the response's JSON text.
    #[wasm_bindgen(js_name = chatCreate)]
    pub fn chat_create(&self, body: String, signal: Option<AbortSignal>) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            match client.chat().create_raw(&body, signal.as_ref()).await {
                Ok(text) => Ok(JsValue::from_str(&text)),
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
