//! `WasmSseStream`: generic Server-Sent Events over any byte stream, for `parseSSE`.
use super::errors;
use crate::protocol::error::Error;
use crate::protocol::json::ObjectWriter;
use crate::protocol::sse::{SseDecoder, SseEvent};
use crate::transport::BodyReader;
use js_sys::{Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

struct SseState {
    body: BodyReader,
    decoder: SseDecoder,
    buf: Vec<u8>,
    out: String,
    finished: bool,
}

#[wasm_bindgen]
pub struct WasmSseStream {
    state: Rc<RefCell<Option<SseState>>>,
}

/// Opens an SSE reader over a `Response` or a `ReadableStream` of bytes.
#[wasm_bindgen(js_name = sseStream)]
pub fn sse_stream(source: JsValue) -> Result<WasmSseStream, JsValue> {
    let has_reader = Reflect::get(&source, &JsValue::from_str("getReader")).map(|f| f.is_function()).unwrap_or(false);
    let body = if has_reader {
        BodyReader::from_stream(&source)
    } else {
        BodyReader::from_response(&source)
    }
    .map_err(|e| errors::to_js(&e, None))?;
    let state = SseState { body, decoder: SseDecoder::new(), buf: Vec::new(), out: String::new(), finished: false };
    Ok(WasmSseStream { state: Rc::new(RefCell::new(Some(state))) })
}

fn push_event(out: &mut String, e: SseEvent<'_>) {
    out.push(if out.is_empty() { '[' } else { ',' });
    let mut w = ObjectWriter::new(out);
    w.str("event", e.event).str("data", e.data).str("id", e.id);
    w.finish();
}

impl SseState {
    async fn next_batch(&mut self) -> Result<Option<String>, Error> {
        while !self.finished {
            if !self.body.next_chunk(&mut self.buf).await? {
                self.finished = true;
                self.decoder.finish();
            } else {
                let out = &mut self.out;
                self.decoder.push::<Error, _>(&self.buf, |e| {
                    push_event(out, e);
                    Ok(())
                })?;
            }
            if !self.out.is_empty() {
                self.out.push(']');
                return Ok(Some(std::mem::take(&mut self.out)));
            }
        }
        Ok(None)
    }
}

#[wasm_bindgen]
impl WasmSseStream {
    /// Resolves to the events of the next network read as a JSON array text of
    /// `{event, data, id}`, or `undefined` at the end.
    pub fn next(&self) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move {
            let busy = Error::InvalidArgument { message: "the stream is already being read".into() };
            let mut s = state.borrow_mut().take().ok_or_else(|| errors::to_js(&busy, None))?;
            let result = s.next_batch().await;
            if result.is_err() {
                s.body.cancel();
                s.finished = true;
            }
            *state.borrow_mut() = Some(s);
            match result {
                Ok(Some(text)) => Ok(JsValue::from_str(&text)),
                Ok(None) => Ok(JsValue::UNDEFINED),
                Err(e) => Err(errors::to_js(&e, None)),
            }
        })
    }

    /// Stops reading and closes the connection.
    pub fn cancel(&self) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            if let Some(s) = state.as_mut() {
                s.body.cancel();
                s.finished = true;
            }
        }
    }
}
