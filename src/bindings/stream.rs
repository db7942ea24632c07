//! `WasmChatStream`: batches of chunks or text per network read, and the final completion.
use super::errors;
use crate::client::ChatStream;
use crate::protocol::chat::Output;
use crate::protocol::error::Error;
use crate::transport::body::cancel_reader;
use js_sys::Promise;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen]
pub struct WasmChatStream {
    /// Taken out while a pull is in flight, so no borrow is held across an await.
    state: Rc<RefCell<Option<ChatStream>>>,
    reader: Option<web_sys::ReadableStreamDefaultReader>,
}

impl WasmChatStream {
    pub(crate) fn wrap(stream: ChatStream) -> Self {
        let reader = stream.cancel_handle();
        WasmChatStream { state: Rc::new(RefCell::new(Some(stream))), reader }
    }

    fn pull(&self, mode: Output, to_end: bool) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let busy = Error::InvalidArgument { message: "the stream is already being read".into() };
            let mut stream = state.borrow_mut().take().ok_or_else(|| errors::to_js(&busy, None))?;
            let result = if to_end {
                stream.final_json().await.map(Some)
            } else {
                stream.next_output(mode).await
            };
            let partial = result.is_err().then(|| stream.snapshot_json());
            *state.borrow_mut() = Some(stream);
            match result {
                Ok(Some(text)) => Ok(JsValue::from_str(&text)),
                Ok(None) => Ok(JsValue::UNDEFINED),
                Err(e) => Err(errors::to_js(&e, partial.as_deref())),
            }
        })
    }
}

#[wasm_bindgen]
impl WasmChatStream {
    /// Resolves to the next batch of chunks as a JSON array text, or `undefined` at the end.
    #[wasm_bindgen(js_name = nextChunks)]
    pub fn next_chunks(&self) -> Promise {
        self.pull(Output::Chunks, false)
    }

    /// Resolves to the next text of choice 0, or `undefined` at the end.
    #[wasm_bindgen(js_name = nextText)]
    pub fn next_text(&self) -> Promise {
        self.pull(Output::Text, false)
    }

    /// Resolves to the next batch of progress events as a JSON array text (text deltas, tool
    /// calls started, argument fragments, calls done), or `undefined` at the end. With
    /// `partial_json`, text events carry `parsed`, the JSON answer so far.
    #[wasm_bindgen(js_name = nextEvents)]
    pub fn next_events(&self, partial_json: bool) -> Promise {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            if let Some(stream) = state.as_mut() {
                stream.set_partial_json(partial_json);
            }
        }
        self.pull(Output::Events, false)
    }

    /// The JSON answer of choice 0 so far, completed to valid JSON text.
    #[wasm_bindgen(js_name = partialJson)]
    pub fn partial_json(&self) -> Option<String> {
        self.state.try_borrow().ok()?.as_ref()?.partial_json()
    }

    /// Reads to the end; resolves to the final chat completion as JSON text.
    #[wasm_bindgen(js_name = finalCompletion)]
    pub fn final_completion(&self) -> Promise {
        self.pull(Output::None, true)
    }

    /// The completion accumulated so far, as JSON text.
    pub fn snapshot(&self) -> Option<String> {
        let state = self.state.try_borrow().ok()?;
        Some(state.as_ref()?.snapshot_json())
    }

    /// The base URL that served the stream (empty when built from a `Response`).
    #[wasm_bindgen(js_name = baseUrl)]
    pub fn base_url(&self) -> Option<String> {
        Some(self.state.try_borrow().ok()?.as_ref()?.base_url().to_string())
    }

    /// Attempts the request took, the successful one included.
    pub fn attempts(&self) -> Option<u32> {
        Some(self.state.try_borrow().ok()?.as_ref()?.attempts())
    }

    /// The response's `x-request-id`, if any.
    #[wasm_bindgen(js_name = requestId)]
    pub fn request_id(&self) -> Option<String> {
        self.state.try_borrow().ok()?.as_ref()?.request_id()
    }

    /// Stops reading and closes the connection, also while a read is pending.
    pub fn cancel(&self) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            if let Some(stream) = state.as_mut() {
                stream.cancel();
                return;
            }
        }
        if let Some(reader) = &self.reader {
            cancel_reader(reader);
        }
    }
}

/// Wraps a streaming `Response` obtained elsewhere; rejects with the server's error for non-2xx.
#[wasm_bindgen(js_name = chatStreamFromResponse)]
pub fn chat_stream_from_response(response: JsValue) -> Promise {
    future_to_promise(async move {
        match ChatStream::from_response(response).await {
            Ok(stream) => Ok(WasmChatStream::wrap(stream).into()),
            Err(e) => Err(errors::to_js(&e, None)),
        }
    })
}
