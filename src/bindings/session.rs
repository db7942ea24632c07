//! `WasmSession` and `WasmCall`: the client's configuration and shared state, and one request's
//! policy, for the facade's `fetch` loop (pkg-template/transport.js). JavaScript sends, reads and
//! sleeps; every decision (limits, base URL, time limits, retries, errors) is made here, by
//! [`crate::protocol::call`].
use super::decoder::{decoder_class, Decoding};
use super::errors;
use super::settings::Settings;
use crate::protocol::call::{self, Call, Gateway, Next, Phase};
use crate::protocol::chat::ChatStreamDecoder;
use crate::protocol::decode::SseEvents;
use crate::protocol::endpoint;
use crate::protocol::error::{ApiError, Error};
use crate::protocol::json::Reader;
use crate::protocol::limits::estimate_tokens_of;
use crate::protocol::params::Checked;
use crate::protocol::request;
use crate::protocol::retry::RetryHints;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A client's configuration and what its requests share.
#[wasm_bindgen]
pub struct WasmSession {
    settings: Rc<Settings>,
    gateway: Rc<RefCell<Gateway>>,
}

/// Milliseconds from JavaScript (`Date.now()`), clamped into `u64`.
fn ms(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        v as u64
    } else {
        0
    }
}

#[wasm_bindgen]
impl WasmSession {
    /// `options` is the JS options object as JSON text (see `ClientConfig::from_options_json`);
    /// `browser` says whether this is a browser page (an API key there needs the opt-in).
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str, browser: bool) -> Result<WasmSession, JsValue> {
        let settings = Settings::from_options(options, browser)?;
        let gateway = Rc::new(RefCell::new(Gateway::new(&settings.config)));
        Ok(WasmSession { settings: Rc::new(settings), gateway })
    }

    /// The request headers for `kind` (0 no body, 1 JSON, 2 JSON answered with a stream, 3 a
    /// form, whose content type `fetch` writes) as JSON text of `[name, value]` pairs. The same
    /// for every request of the client: the facade asks once per kind.
    pub fn headers(&self, kind: u8) -> String {
        let mut json = String::new();
        crate::protocol::json::write_pairs(&mut json, &self.settings.config.request_headers(request::BodyKind::from_id(kind)));
        json
    }

    /// Whether `call` reads a request's body: only for a `tokensPerMinute` limit, so the facade
    /// passes it only then.
    #[wasm_bindgen(getter, js_name = countsTokens)]
    pub fn counts_tokens(&self) -> bool {
        call::counts_tokens(&self.settings.config)
    }

    /// Starts a request at `now` (ms). For a token limit, its estimate comes from the request's
    /// `budget`, the object of its `BUDGET_MEMBERS` as JSON text, and its length in UTF-8 `bytes`:
    /// the request itself never enters wasm memory, which does not shrink.
    pub fn call(&self, budget: Option<String>, bytes: f64, now: f64) -> WasmCall {
        let config = &self.settings.config;
        let tokens = match budget {
            Some(budget) if call::counts_tokens(config) => estimate_tokens_of(&budget, bytes as usize),
            _ => 0,
        };
        let call = Call::with_tokens(config, tokens, ms(now));
        WasmCall { settings: self.settings.clone(), gateway: self.gateway.clone(), call }
    }

    /// An error the facade observed, as an error object: `kind` 0 aborted, 1 connection,
    /// 2 invalid argument, 3 invalid response.
    pub fn error(&self, kind: u8, message: String) -> JsValue {
        let err = match kind {
            0 => Error::Aborted,
            1 => Error::Connection { message },
            2 => Error::InvalidArgument { message },
            _ => Error::InvalidResponse { message, snippet: String::new() },
        };
        self.settings.error(err, None)
    }

    /// A decoder for a streamed chat completion of this client.
    #[wasm_bindgen(js_name = chatDecoder)]
    pub fn chat_decoder(&self) -> WasmDecoder {
        let inner = ChatStreamDecoder::with_max_event_bytes(self.settings.config.max_event_bytes());
        WasmDecoder(Decoding::new(Box::new(inner), Some(self.settings.clone())))
    }

    /// Checks a chat request before it is sent and throws the invalid argument; returns whether a
    /// `stream` asks for usage (`stream_options.include_usage`: the client's `streamUsage`, and
    /// the request does not say). `view` is the request's `chatMembers` as JSON text: the checks
    /// read nothing else, so a long conversation (or an image as a data URL) never enters wasm
    /// memory. When the gateway refuses the added member, the facade sends the body without it.
    #[wasm_bindgen(js_name = prepareChat)]
    pub fn prepare_chat(&self, view: &str, stream: bool) -> Result<bool, JsValue> {
        endpoint::prepare_chat(view).map_err(|e| self.settings.error(e, None))?;
        Ok(stream && self.settings.config.stream_usage() && request::names_stream_options(view) == Some(false))
    }

    /// Checks a 2xx chat body; returns the result's JSON text when it differs from the body (an
    /// image model's answer, marked `object: "image.generation"`), undefined otherwise.
    #[wasm_bindgen(js_name = finishChat)]
    pub fn finish_chat(&self, text: &str, status: u16) -> Result<Option<String>, JsValue> {
        endpoint::finish_chat(text, status).map(super::rewritten).map_err(|e| self.settings.error(e, None))
    }
}

decoder_class!(
    /// One streamed body: a chat completion (`WasmSession.chatDecoder`, or `new WasmDecoder(0)`
    /// for a `Response` obtained elsewhere) or any event stream (`new WasmDecoder(3)`, `parseSSE`).
    WasmDecoder
);

#[wasm_bindgen]
impl WasmDecoder {
    /// A decoder without a client: `kind` 0 a chat completion, otherwise plain events.
    #[wasm_bindgen(constructor)]
    pub fn standalone(kind: u8) -> WasmDecoder {
        let inner: Box<dyn crate::protocol::decode::StreamDecode> =
            if kind == 0 { Box::new(ChatStreamDecoder::new()) } else { Box::new(SseEvents::default()) };
        WasmDecoder(Decoding::new(inner, None))
    }
}

/// The error of a non-2xx response obtained outside a client (`ChatStream.fromResponse`).
#[wasm_bindgen(js_name = responseError)]
pub fn response_error(status: u16, body: &[u8], request_id: Option<String>) -> JsValue {
    let api = ApiError::from_response(status, body, request_id);
    errors::to_js(&Error::Api(Box::new(api)), None)
}

/// The members of a chat request that `WasmSession.prepareChat` reads, as a JSON array.
#[wasm_bindgen(js_name = chatMembers)]
pub fn chat_members() -> String {
    super::names_json(std::iter::once("stream_options").chain(Checked::Chat.members()))
}

/// The crate version, for diagnostics.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// One request across its attempts.
#[wasm_bindgen]
pub struct WasmCall {
    settings: Rc<Settings>,
    gateway: Rc<RefCell<Gateway>>,
    call: Call,
}

fn phase(p: u8) -> Phase {
    match p {
        0 => Phase::Headers,
        1 => Phase::ErrorBody,
        2 => Phase::Body,
        _ => Phase::Idle,
    }
}

/// Response headers from the facade, as JSON text of an object with lower-case names.
fn header_list(json: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut r = Reader::new(json);
    let _ = r.object(|k, r| {
        if let Ok(v) = r.string() {
            out.push((k.to_ascii_lowercase(), v.into_owned()));
        } else {
            r.skip()?;
        }
        Ok(())
    });
    out
}

fn lookup(headers: &[(String, String)], name: &str) -> Option<String> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
}

#[wasm_bindgen]
impl WasmCall {
    /// Before each attempt: `0` when a slot was taken (send now), else the milliseconds to wait
    /// before asking again. Throws the timeout error when waiting would pass the deadline.
    pub fn admit(&mut self, now: f64) -> Result<f64, JsValue> {
        match self.call.admit(&mut self.gateway.borrow_mut(), ms(now)) {
            Ok(Next::Go) => Ok(0.0),
            Ok(Next::Wait(wait)) => Ok(wait.max(1) as f64),
            Err(e) => Err(self.settings.error(e, None)),
        }
    }

    /// The URL of this attempt: `path` on the base URL that is healthy now.
    pub fn url(&mut self, path: &str, now: f64) -> String {
        self.call.target(&mut self.gateway.borrow_mut(), &self.settings.config, ms(now), path)
    }

    /// How long a wait in `phase` (0 headers, 1 error body, 2 whole body, 3 next stream piece)
    /// may take from `now`; `-1` when nothing limits it.
    pub fn limit(&self, phase_id: u8, now: f64) -> f64 {
        self.call.limit(phase(phase_id), ms(now)).map_or(-1.0, |l| l.ms as f64)
    }

    /// The timeout error of a wait in `phase` that took too long.
    pub fn timeout(&self, phase_id: u8, now: f64) -> JsValue {
        let err = match self.call.limit(phase(phase_id), ms(now)) {
            Some(limit) => limit.error,
            None => Error::Timeout { message: "the request timed out".into() },
        };
        self.settings.error(err, None)
    }

    /// Reads the gateway's `x-ratelimit-*` headers (JSON text of an object).
    pub fn observe(&mut self, headers: &str, now: f64) {
        let list = header_list(headers);
        self.gateway.borrow_mut().limiter.observe(|name| lookup(&list, name), ms(now));
    }

    /// Gives the slot back once the response has been read (or failed); repeat calls do nothing.
    pub fn release(&mut self) {
        self.call.release(&mut self.gateway.borrow_mut());
    }

    /// After a failed attempt: the milliseconds to wait before the next one, or throws the error
    /// to report. `what` is the HTTP status of an error response (with its body and headers as
    /// JSON text), or 1 a connection failure, 2 the caller aborted, 3 a wait timed out (`message`
    /// from `timeout`).
    pub fn failed(&mut self, what: u16, body: &[u8], headers: &str, message: String, now: f64, random: f64) -> Result<f64, JsValue> {
        self.release();
        let now = ms(now);
        let list = header_list(headers);
        let (err, hints) = match what {
            1 => (Error::Connection { message }, RetryHints::default()),
            2 => (Error::Aborted, RetryHints::default()),
            3 => (Error::Timeout { message }, RetryHints::default()),
            status => {
                let api = ApiError::from_response(status, body, lookup(&list, "x-request-id"));
                (Error::Api(Box::new(api)), RetryHints::from_headers(|name| lookup(&list, name), now))
            }
        };
        match self.call.failed(&mut self.gateway.borrow_mut(), &self.settings.config, &err, &hints, random, now) {
            Some(delay) => Ok(delay as f64),
            None => {
                let refused = request::rejects_stream_options(&err);
                let obj = self.settings.error(err, None);
                if refused {
                    // The facade resends a streamed chat request without `stream_options`.
                    let _ = js_sys::Reflect::set(&obj, &JsValue::from_str("rejectsStreamOptions"), &JsValue::TRUE);
                }
                Err(obj)
            }
        }
    }

    /// Attempts made, the current one included.
    pub fn attempts(&self) -> u32 {
        self.call.attempts()
    }

    /// The base URL of the current attempt.
    #[wasm_bindgen(js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.call.base_url(&self.settings.config).to_string()
    }
}
