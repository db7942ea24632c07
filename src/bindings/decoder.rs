//! `WasmDecoder`: one streamed body, fed by the facade's read loop one network chunk at a time
//! (one copy into wasm per chunk), handing back one batch per chunk as JSON text or plain text.
use super::session::{State, WasmSession};
use crate::protocol::chat::{ChatStreamDecoder, Output};
use crate::protocol::completions::CompletionsProtocol;
use crate::protocol::error::{snippet_of, Error};
use crate::protocol::event_stream::{EventStreamDecoder, StreamProtocol};
use crate::protocol::json::ObjectWriter;
use crate::protocol::responses::ResponsesProtocol;
use crate::protocol::sse::SseDecoder;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

enum Kind {
    Chat(ChatStreamDecoder),
    Events(EventStreamDecoder<Box<dyn StreamProtocol>>),
    /// Any event stream, as `{event, data, id}` objects (`parseSSE`).
    Sse { decoder: SseDecoder, out: String },
}

/// Decodes and accumulates one streamed body.
#[wasm_bindgen]
pub struct WasmDecoder {
    kind: Kind,
    /// Redacts errors; `None` for `parseSSE` and `fromResponse`, which have no key.
    state: Option<Rc<RefCell<State>>>,
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

impl WasmDecoder {
    pub(super) fn new(kind: u8, state: Option<Rc<RefCell<State>>>) -> WasmDecoder {
        let limit = state.as_ref().map(|s| s.borrow().config.max_event_bytes());
        let kind = match kind {
            0 => Kind::Chat(limit.map_or_else(ChatStreamDecoder::new, ChatStreamDecoder::with_max_event_bytes)),
            1 | 2 => {
                let proto: Box<dyn StreamProtocol> =
                    if kind == 1 { Box::new(CompletionsProtocol::default()) } else { Box::new(ResponsesProtocol::default()) };
                Kind::Events(match limit {
                    Some(l) => EventStreamDecoder::with_max_event_bytes(proto, l),
                    None => EventStreamDecoder::new(proto),
                })
            }
            _ => Kind::Sse { decoder: SseDecoder::new(), out: String::new() },
        };
        WasmDecoder { kind, state, pending: None }
    }

    fn error(&self, err: Error) -> JsValue {
        let partial = match &self.kind {
            Kind::Chat(d) => Some(d.to_json()),
            Kind::Events(d) => Some(d.to_json()),
            Kind::Sse { .. } => None,
        };
        match &self.state {
            Some(state) => state.borrow().error(err, partial.as_deref()),
            None => super::errors::to_js(&err, partial.as_deref()),
        }
    }

    fn take(&mut self) -> Option<String> {
        match &mut self.kind {
            Kind::Chat(d) => d.take_output(),
            Kind::Events(d) => d.take_output(),
            Kind::Sse { out, .. } => {
                if out.is_empty() {
                    return None;
                }
                out.push(']');
                Some(std::mem::take(out))
            }
        }
    }

    /// The output so far; an error is thrown now when there is none, else by the next call.
    fn settle(&mut self, result: Result<(), Error>) -> Result<Option<String>, JsValue> {
        let out = self.take();
        match result {
            Err(e) if out.is_none() => Err(self.error(e)),
            Err(e) => {
                self.pending = Some(e);
                Ok(out)
            }
            Ok(()) => Ok(out),
        }
    }

    fn check(&mut self) -> Result<(), JsValue> {
        match self.pending.take() {
            Some(e) => Err(self.error(e)),
            None => Ok(()),
        }
    }
}

fn push_event(out: &mut String, event: &crate::protocol::sse::SseEvent<'_>) {
    out.push(if out.is_empty() { '[' } else { ',' });
    let mut w = ObjectWriter::new(out);
    w.str("event", event.event).str("data", event.data).str("id", event.id);
    w.finish();
}

#[wasm_bindgen]
impl WasmDecoder {
    /// A decoder without a client (`parseSSE`, `ChatStream.fromResponse`): `kind` 0 chat,
    /// 1 legacy completions, 2 Responses, 3 plain events.
    #[wasm_bindgen(constructor)]
    pub fn standalone(kind: u8) -> WasmDecoder {
        WasmDecoder::new(kind, None)
    }

    /// Feeds one network chunk; returns that chunk's batch (`mode` 0 nothing, 1 items as a JSON
    /// array, 2 text, 3 chat progress events as a JSON array), or `undefined`.
    pub fn push(&mut self, bytes: &[u8], mode: u8) -> Result<Option<String>, JsValue> {
        self.check()?;
        let result = match &mut self.kind {
            Kind::Chat(d) => d.push(bytes, output(mode)),
            Kind::Events(d) => d.push(bytes, output(mode)),
            Kind::Sse { decoder, out } => decoder.push::<Error, _>(bytes, |e| {
                push_event(out, &e);
                Ok(())
            }),
        };
        self.settle(result)
    }

    /// A whole JSON body where a stream was expected (a gateway that ignored `stream`), `status`
    /// its HTTP status; returns its batch.
    #[wasm_bindgen(js_name = jsonBody)]
    pub fn json_body(&mut self, body: &[u8], status: u16, mode: u8) -> Result<Option<String>, JsValue> {
        let result = match &mut self.kind {
            Kind::Chat(d) => d.push_json_body(body, status, output(mode)).and_then(|()| d.finish()),
            Kind::Events(d) => d.push_json_body(body, status, output(mode)).and_then(|()| d.finish()),
            Kind::Sse { .. } => Err(Error::InvalidResponse { message: "expected an event stream, got JSON".into(), snippet: snippet_of(body) }),
        };
        self.settle(result)
    }

    /// The error for an HTML page where a stream was expected (a proxy's error page).
    #[wasm_bindgen(js_name = htmlError)]
    pub fn html_error(&self, body: &[u8], status: u16) -> JsValue {
        self.error(Error::InvalidResponse {
            message: format!("expected an event stream, got a {status} text/html page"),
            snippet: snippet_of(body),
        })
    }

    /// The body ended: returns the last batch; a stream cut short throws (with the partial result).
    pub fn end(&mut self) -> Result<Option<String>, JsValue> {
        self.check()?;
        let result = match &mut self.kind {
            Kind::Chat(d) => d.finish(),
            Kind::Events(d) => d.finish(),
            Kind::Sse { decoder, .. } => {
                decoder.finish();
                Ok(())
            }
        };
        self.settle(result)
    }

    /// Throws the error that came after the last batch, if any.
    pub fn rethrow(&mut self) -> Result<(), JsValue> {
        self.check()
    }

    /// An error the read loop met (`fail`'s object from the call, or a dropped connection) with
    /// the partial result attached.
    #[wasm_bindgen(js_name = withPartial)]
    pub fn with_partial(&self, kind: u8, message: String) -> JsValue {
        self.error(match kind {
            0 => Error::Aborted,
            1 => Error::Connection { message },
            _ => Error::Timeout { message },
        })
    }

    /// Whether the stream said it is over (`[DONE]`, a finish reason, `response.completed`).
    #[wasm_bindgen(js_name = isDone)]
    pub fn is_done(&self) -> bool {
        match &self.kind {
            Kind::Chat(d) => d.is_done(),
            Kind::Events(d) => d.is_done(),
            Kind::Sse { .. } => false,
        }
    }

    /// The result accumulated so far (the final one after `end`), as JSON text.
    pub fn snapshot(&self) -> Option<String> {
        match &self.kind {
            Kind::Chat(d) => Some(d.to_json()),
            Kind::Events(d) => Some(d.to_json()),
            Kind::Sse { .. } => None,
        }
    }

    /// With `on`, chat text events carry `parsed`, the JSON answer so far.
    #[wasm_bindgen(js_name = setPartialJson)]
    pub fn set_partial_json(&mut self, on: bool) {
        if let Kind::Chat(d) = &mut self.kind {
            d.set_partial_json(on);
        }
    }

    /// The JSON answer of choice 0 so far, completed to valid JSON text.
    #[wasm_bindgen(js_name = partialJson)]
    pub fn partial_json(&self) -> Option<String> {
        match &self.kind {
            Kind::Chat(d) => d.partial_json(),
            _ => None,
        }
    }
}

#[wasm_bindgen]
impl WasmSession {
    /// A decoder for a stream of this client: `kind` 0 chat, 1 legacy completions, 2 Responses.
    pub fn decoder(&self, kind: u8) -> WasmDecoder {
        WasmDecoder::new(kind, Some(self.state.clone()))
    }
}
