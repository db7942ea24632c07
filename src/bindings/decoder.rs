//! The decoder classes: one streamed body, fed by the facade's read loop one network chunk at a
//! time (one copy into wasm per chunk), handing back one batch per chunk as JSON text or text.
//! `WasmDecoder` (chat and plain events) is in the core module, `WasmEventDecoder` (legacy
//! completions, Responses) in the extras; both are this code.
use super::settings::Settings;
use crate::protocol::chat::Output;
use crate::protocol::decode::StreamDecode;
use crate::protocol::error::{snippet_of, Error};
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// A decoder with the errors it owes the caller.
pub(super) struct Decoding {
    inner: Box<dyn StreamDecode>,
    /// Redacts errors; `None` outside a client (`parseSSE`, `ChatStream.fromResponse`).
    settings: Option<Rc<Settings>>,
    /// An error that came after output in the same chunk: thrown by the next call.
    pending: Option<Error>,
}

fn output(mode: u8) -> Output {
    match mode {
        1 => Output::Chunks,
        2 => Output::Text,
        3 => Output::Events,
        _ => Output::None,
    }
}

impl Decoding {
    pub fn new(inner: Box<dyn StreamDecode>, settings: Option<Rc<Settings>>) -> Decoding {
        Decoding { inner, settings, pending: None }
    }

    fn error(&self, err: Error) -> JsValue {
        let partial = self.inner.to_json();
        match &self.settings {
            Some(s) => s.error(err, partial.as_deref()),
            None => super::errors::to_js(&err, partial.as_deref()),
        }
    }

    /// The output so far; an error is thrown now when there is none, else by the next call.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn settle(&mut self, result: Result<(), Error>) -> Result<Option<String>, JsValue> {
        let out = self.inner.take_output();
        match result {
            Err(e) if out.is_none() => Err(self.error(e)),
            Err(e) => {
                self.pending = Some(e);
                Ok(out)
            }
            Ok(()) => Ok(out),
        }
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn rethrow(&mut self) -> Result<(), JsValue> {
        match self.pending.take() {
            Some(e) => Err(self.error(e)),
            None => Ok(()),
        }
    }

    /// Not inlined: the `#[wasm_bindgen]` method calling it is built for size.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    #[inline(never)]
    pub fn push(&mut self, bytes: &[u8], mode: u8) -> Result<Option<String>, JsValue> {
        self.rethrow()?;
        let result = self.inner.push(bytes, output(mode));
        self.settle(result)
    }

    pub fn json_body(&mut self, body: &[u8], status: u16, mode: u8) -> Result<Option<String>, JsValue> {
        let result = self.inner.push_json_body(body, status, output(mode)).and_then(|()| self.inner.finish());
        self.settle(result)
    }

    pub fn html_error(&self, body: &[u8], status: u16) -> JsValue {
        self.error(Error::InvalidResponse {
            message: crate::cat!("expected an event stream, got a ", status, " text/html page"),
            snippet: snippet_of(body),
        })
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn end(&mut self) -> Result<Option<String>, JsValue> {
        self.rethrow()?;
        let result = self.inner.finish();
        self.settle(result)
    }

    pub fn with_partial(&self, kind: u8, message: String) -> JsValue {
        self.error(match kind {
            0 => Error::Aborted,
            1 => Error::Connection { message },
            _ => Error::Timeout { message },
        })
    }

    pub fn is_done(&self) -> bool {
        self.inner.is_done()
    }

    pub fn snapshot(&self) -> Option<String> {
        self.inner.to_json()
    }

    pub fn result_apart(&self) -> Option<String> {
        self.inner.to_json_apart()
    }

    pub fn take_text(&mut self, choice: u32, key: &str) -> Option<String> {
        self.inner.take_text(choice as usize, key)
    }

    pub fn set_partial_json(&mut self, on: bool) {
        self.inner.set_partial_json(on);
    }

    pub fn partial_json(&self) -> Option<String> {
        self.inner.partial_json()
    }
}

/// A `#[wasm_bindgen]` class over [`Decoding`], with the methods `transport.js` reads a body with.
macro_rules! decoder_class {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub struct $name(pub(super) crate::bindings::decoder::Decoding);

        #[wasm_bindgen::prelude::wasm_bindgen]
        impl $name {
            /// Feeds one network chunk; returns that chunk's batch (`mode` 0 nothing, 1 items as a
            /// JSON array, 2 text, 3 chat progress events as a JSON array), or `undefined`.
            pub fn push(&mut self, bytes: &[u8], mode: u8) -> Result<Option<String>, wasm_bindgen::JsValue> {
                self.0.push(bytes, mode)
            }

            /// A whole JSON body where a stream was expected (a gateway that ignored `stream`),
            /// `status` its HTTP status; returns its batch.
            #[wasm_bindgen(js_name = jsonBody)]
            pub fn json_body(&mut self, body: &[u8], status: u16, mode: u8) -> Result<Option<String>, wasm_bindgen::JsValue> {
                self.0.json_body(body, status, mode)
            }

            /// The error for an HTML page where a stream was expected (a proxy's error page).
            #[wasm_bindgen(js_name = htmlError)]
            pub fn html_error(&self, body: &[u8], status: u16) -> wasm_bindgen::JsValue {
                self.0.html_error(body, status)
            }

            /// The body ended: returns the last batch; a stream cut short throws (with the partial result).
            pub fn end(&mut self) -> Result<Option<String>, wasm_bindgen::JsValue> {
                self.0.end()
            }

            /// Throws the error that came after the last batch, if any.
            pub fn rethrow(&mut self) -> Result<(), wasm_bindgen::JsValue> {
                self.0.rethrow()
            }

            /// An error the read loop met (`kind` 0 aborted, 1 connection, 2 timeout) with the
            /// partial result attached.
            #[wasm_bindgen(js_name = withPartial)]
            pub fn with_partial(&self, kind: u8, message: String) -> wasm_bindgen::JsValue {
                self.0.with_partial(kind, message)
            }

            /// Whether the stream said it is over (`[DONE]`, a finish reason, `response.completed`).
            #[wasm_bindgen(js_name = isDone)]
            pub fn is_done(&self) -> bool {
                self.0.is_done()
            }

            /// The result accumulated so far (the final one after `end`), as JSON text.
            pub fn snapshot(&self) -> Option<String> {
                self.0.snapshot()
            }

            /// The result as JSON text with the chat messages' texts written as `""`, for
            /// `takeText` to fill in: a long answer leaves wasm once, not through the JSON text.
            #[wasm_bindgen(js_name = resultApart)]
            pub fn result_apart(&self) -> Option<String> {
                self.0.result_apart()
            }

            /// Moves member `key` of choice `choice`'s message out of the result (a text
            /// `resultApart` wrote as `""`), or `undefined`.
            #[wasm_bindgen(js_name = takeText)]
            pub fn take_text(&mut self, choice: u32, key: &str) -> Option<String> {
                self.0.take_text(choice, key)
            }

            /// With `on`, chat text events carry `parsed`, the JSON answer so far.
            #[wasm_bindgen(js_name = setPartialJson)]
            pub fn set_partial_json(&mut self, on: bool) {
                self.0.set_partial_json(on);
            }

            /// The JSON answer of choice 0 so far, completed to valid JSON text.
            #[wasm_bindgen(js_name = partialJson)]
            pub fn partial_json(&self) -> Option<String> {
                self.0.partial_json()
            }
        }
    };
}
pub(super) use decoder_class;
