//! `WasmEventStream`: a legacy-completions or Responses stream, as batches per network read.
use super::errors;
use crate::client::EventStream;
use crate::protocol::error::Error;
use crate::protocol::event_stream::Output;
use crate::transport::body::cancel_reader;
use js_sys::Promise;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen]
pub struct WasmEventStream {
    /// Taken out while a pull is in flight, so no borrow is held across an await.
    state: Rc<RefCell<Option<EventStream>>>,
    reader: Option<web_sys::ReadableStreamDefaultReader>,
}

impl WasmEventStream {
    pub(super) fn wrap(stream: EventStream) -> Self {
        let reader = stream.cancel_handle();
        WasmEventStream { state: Rc::new(RefCell::new(Some(stream))), reader }
    }

    fn pull(&self, mode: Output, to_end: bool) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let busy = Error::InvalidArgument { message: "the stream is already being read".into() };
            let mut stream = state.borrow_mut().take().ok_or_else(|| errors::to_js(&busy, None))?;
            let result = if to_end { stream.final_json().await.map(Some) } else { stream.next_output(mode).await };
            let partial = result.is_err().then(|| stream.snapshot_json());
            *state.borrow_mut() = Some(stream);
            match result {
                Ok(Some(text)) => Ok(JsValue::from_str(&text)),
                Ok(None) => Ok(JsValue::UNDEFINED),
                Err(e) => Err(errors::to_js(&e, partial.as_deref())),
            }
        })
    }

    fn with<T>(&self, f: impl FnOnce(&EventStream) -> T) -> Option<T> {
        Some(f(self.state.try_borrow().ok()?.as_ref()?))
    }
}

#[wasm_bindgen]
impl WasmEventStream {
    /// Resolves to the next batch of items (chunks or events) as a JSON array text, or `undefined`.
    #[wasm_bindgen(js_name = nextItems)]
    pub fn next_items(&self) -> Promise {
        self.pull(Output::Chunks, false)
    }

    /// Resolves to the next text, or `undefined` at the end.
    #[wasm_bindgen(js_name = nextText)]
    pub fn next_text(&self) -> Promise {
        self.pull(Output::Text, false)
    }

    /// Reads to the end; resolves to the final result as JSON text.
    #[wasm_bindgen(js_name = finalResult)]
    pub fn final_result(&self) -> Promise {
        self.pull(Output::None, true)
    }

    /// The result accumulated so far, as JSON text.
    pub fn snapshot(&self) -> Option<String> {
        self.with(EventStream::snapshot_json)
    }

    /// The base URL that served the stream.
    #[wasm_bindgen(js_name = baseUrl)]
    pub fn base_url(&self) -> Option<String> {
        self.with(|s| s.base_url().to_string())
    }

    /// Attempts the request took, the successful one included.
    pub fn attempts(&self) -> Option<u32> {
        self.with(EventStream::attempts)
    }

    /// The response's `x-request-id`, if any.
    #[wasm_bindgen(js_name = requestId)]
    pub fn request_id(&self) -> Option<String> {
        self.with(EventStream::request_id).flatten()
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
