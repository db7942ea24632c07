//! Reads a response body chunk by chunk as the network delivers it, copying each chunk into
//! wasm memory once.
use super::runtime::{is_abort_error, js_error_message};
use crate::protocol::error::Error;
use js_sys::{Function, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::ReadableStreamDefaultReader;

#[wasm_bindgen]
extern "C" {
    /// A promise seen only for its `then`, which takes plain functions here.
    type Thenable;
    #[wasm_bindgen(method, js_name = then)]
    fn then_with(this: &Thenable, on_fulfilled: &Function, on_rejected: &Function) -> JsValue;
}

/// A locked reader over a body `ReadableStream`.
#[derive(Debug, Clone)]
pub struct BodyReader {
    reader: Option<ReadableStreamDefaultReader>,
    hooks: Option<ReadHooks>,
}

/// One pair of promise callbacks reused by every read of a body (a `JsFuture` per read would
/// create two closures each time). The functions belong to JS, which frees them when collected,
/// so a read still pending when the reader is dropped never calls freed Rust code.
#[derive(Debug, Clone)]
struct ReadHooks {
    slot: Rc<RefCell<ReadSlot>>,
    on_fulfilled: Function,
    on_rejected: Function,
}

#[derive(Debug, Default)]
struct ReadSlot {
    result: Option<Result<JsValue, JsValue>>,
    waker: Option<Waker>,
}

impl ReadHooks {
    fn new() -> Self {
        let slot = Rc::new(RefCell::new(ReadSlot::default()));
        let settle = |ok: bool| {
            let slot = slot.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |v: JsValue| {
                let mut s = slot.borrow_mut();
                s.result = Some(if ok { Ok(v) } else { Err(v) });
                if let Some(w) = s.waker.take() {
                    w.wake();
                }
            })
            .into_js_value()
            .unchecked_into::<Function>()
        };
        ReadHooks { on_fulfilled: settle(true), on_rejected: settle(false), slot }
    }

    /// Awaits `promise` through the shared callbacks.
    async fn wait(&self, promise: &Promise) -> Result<JsValue, JsValue> {
        self.slot.borrow_mut().result = None;
        let _ = promise.unchecked_ref::<Thenable>().then_with(&self.on_fulfilled, &self.on_rejected);
        poll_fn(|cx| {
            let mut s = self.slot.borrow_mut();
            match s.result.take() {
                Some(r) => Poll::Ready(r),
                None => {
                    s.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
        .await
    }
}

impl BodyReader {
    /// Locks the body of a `Response`; a response without a body reads as empty.
    pub fn from_response(response: &JsValue) -> Result<Self, Error> {
        let body = Reflect::get(response, &JsValue::from_str("body")).unwrap_or(JsValue::NULL);
        Self::from_stream(&body)
    }

    /// Locks a `ReadableStream` of bytes (`null`/`undefined` reads as empty).
    pub fn from_stream(stream: &JsValue) -> Result<Self, Error> {
        if stream.is_null() || stream.is_undefined() {
            return Ok(BodyReader { reader: None, hooks: None });
        }
        let get_reader = Reflect::get(stream, &JsValue::from_str("getReader"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| Error::InvalidArgument { message: "expected a ReadableStream body".into() })?;
        let reader = get_reader
            .call0(stream)
            .map_err(|e| Error::InvalidArgument { message: format!("cannot read the body: {}", js_error_message(&e)) })?;
        Ok(BodyReader { reader: Some(reader.unchecked_into()), hooks: None })
    }

    /// Reads the next chunk into `buf` (replacing its contents). Returns false at the end of the body.
    pub async fn next_chunk(&mut self, buf: &mut Vec<u8>) -> Result<bool, Error> {
        buf.clear();
        let Some(reader) = &self.reader else { return Ok(false) };
        let hooks = self.hooks.get_or_insert_with(ReadHooks::new);
        let result = match hooks.wait(&reader.read()).await {
            Ok(r) => r,
            Err(e) => {
                self.reader = None;
                return Err(if is_abort_error(&e) {
                    Error::Aborted
                } else {
                    Error::Connection { message: format!("the body could not be read: {}", js_error_message(&e)) }
                });
            }
        };
        let result: web_sys::ReadableStreamReadResult = result.unchecked_into();
        if result.get_done().unwrap_or(true) {
            self.reader = None;
            return Ok(false);
        }
        let value = result.get_value();
        let bytes = if let Some(arr) = value.dyn_ref::<Uint8Array>() {
            arr.clone()
        } else if value.is_instance_of::<js_sys::ArrayBuffer>() {
            Uint8Array::new(&value)
        } else if let Some(s) = value.as_string() {
            buf.extend_from_slice(s.as_bytes());
            return Ok(true);
        } else {
            self.cancel();
            return Err(Error::InvalidResponse {
                message: "the body stream produced a chunk that is not bytes".into(),
                snippet: String::new(),
            });
        };
        let len = bytes.length() as usize;
        buf.resize(len, 0);
        bytes.copy_to(buf.as_mut_slice());
        Ok(true)
    }

    /// Reads the rest of the body, up to `limit` bytes (the rest is discarded and the read cancelled).
    pub async fn read_to_end(&mut self, limit: usize) -> Result<Vec<u8>, Error> {
        let mut all = Vec::new();
        let mut chunk = Vec::new();
        while self.next_chunk(&mut chunk).await? {
            let room = limit.saturating_sub(all.len());
            all.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
            if all.len() >= limit {
                self.cancel();
                break;
            }
        }
        Ok(all)
    }

    /// Cancels the body, closing the connection. Safe to call twice.
    pub fn cancel(&mut self) {
        if let Some(reader) = self.reader.take() {
            cancel_reader(&reader);
        }
    }

    /// A handle that can cancel this body from elsewhere (e.g. while a read is pending).
    pub fn cancel_handle(&self) -> Option<ReadableStreamDefaultReader> {
        self.reader.clone()
    }
}

/// Cancels a reader and observes the returned promise, so a rejection is never left unhandled
/// (Node ends the process on an unhandled rejection).
pub fn cancel_reader(reader: &ReadableStreamDefaultReader) {
    let done = reader.cancel();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(done).await;
    });
}
