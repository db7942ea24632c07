//! Sends requests through the global `fetch` (never `window.fetch`: Workers and Node have no
//! window) or through a `fetch` the caller supplies.
use super::body::BodyReader;
use super::runtime::{is_abort_error, js_error_message};
use crate::protocol::error::Error;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

/// One HTTP request, ready to send.
#[derive(Debug, Clone)]
pub struct HttpRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Option<Body<'a>>,
}

/// What a request carries.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// Text, such as a JSON document.
    Text(&'a str),
    /// A JavaScript value `fetch` accepts as a body, such as `FormData` (which sets its own
    /// multipart `Content-Type`).
    Js(&'a JsValue),
}

/// The `fetch` to call.
#[derive(Debug, Clone, Default)]
pub struct Fetcher {
    custom: Option<Function>,
}

impl Fetcher {
    /// The host's global `fetch`.
    pub fn global() -> Self {
        Fetcher { custom: None }
    }

    /// A caller-supplied `fetch(url, init)`, called with `this` undefined.
    pub fn custom(fetch: Function) -> Self {
        Fetcher { custom: Some(fetch) }
    }

    /// Sends the request and waits for the response headers.
    pub async fn send(&self, req: &HttpRequest<'_>, signal: Option<&AbortSignal>) -> Result<HttpResponse, Error> {
        if signal.is_some_and(|s| s.aborted()) {
            return Err(Error::Aborted);
        }
        let init = build_init(req, signal)?;
        let url = JsValue::from_str(req.url);
        let called = match &self.custom {
            Some(f) => f.call2(&JsValue::UNDEFINED, &url, &init),
            None => {
                let global = js_sys::global();
                let f = Reflect::get(&global, &JsValue::from_str("fetch")).ok().and_then(|f| f.dyn_into::<Function>().ok()).ok_or_else(
                    || Error::InvalidArgument {
                        message: "no global fetch in this runtime; pass a fetch function in the client options".into(),
                    },
                )?;
                f.call2(&global, &url, &init)
            }
        };
        let result = match called {
            Ok(value) => JsFuture::from(Promise::resolve(&value)).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(resp) => HttpResponse::from_js(resp),
            Err(e) if signal.is_some_and(|s| s.aborted()) || is_abort_error(&e) => Err(Error::Aborted),
            Err(e) => Err(Error::Connection { message: js_error_message(&e) }),
        }
    }
}

fn set(obj: &Object, key: &str, value: &JsValue) -> Result<(), Error> {
    Reflect::set(obj, &JsValue::from_str(key), value).map(|_| ()).map_err(|e| Error::InvalidArgument { message: js_error_message(&e) })
}

fn build_init(req: &HttpRequest<'_>, signal: Option<&AbortSignal>) -> Result<JsValue, Error> {
    let init = Object::new();
    set(&init, "method", &JsValue::from_str(req.method))?;
    let headers = Object::new();
    for (k, v) in req.headers {
        set(&headers, k, &JsValue::from_str(v))?;
    }
    set(&init, "headers", &headers)?;
    match req.body {
        Some(Body::Text(text)) => set(&init, "body", &JsValue::from_str(text))?,
        Some(Body::Js(value)) => set(&init, "body", value)?,
        None => {}
    }
    if let Some(signal) = signal {
        set(&init, "signal", signal)?;
    }
    Ok(init.into())
}

/// A response whose headers have arrived; the body is read separately.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    inner: web_sys::Response,
    status: u16,
}

impl HttpResponse {
    /// Wraps a `Response` (or anything shaped like one) returned by `fetch`.
    pub fn from_js(value: JsValue) -> Result<Self, Error> {
        let status = Reflect::get(&value, &JsValue::from_str("status"))
            .ok()
            .and_then(|s| s.as_f64())
            .filter(|s| (0.0..=999.0).contains(s))
            .ok_or_else(|| Error::InvalidResponse {
                message: "fetch did not return a Response (no numeric status)".into(),
                snippet: String::new(),
            })? as u16;
        Ok(HttpResponse { inner: value.unchecked_into(), status })
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A response header, if present and readable (CORS may hide headers from a page).
    pub fn header(&self, name: &str) -> Option<String> {
        let headers = Reflect::get(&self.inner, &JsValue::from_str("headers")).ok()?;
        let get = Reflect::get(&headers, &JsValue::from_str("get")).ok()?.dyn_into::<Function>().ok()?;
        get.call1(&headers, &JsValue::from_str(name)).ok()?.as_string()
    }

    /// Whether the body is declared as JSON (a gateway that ignored `stream: true`, or an error).
    pub fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
    }

    /// The body as a chunk reader.
    pub fn body(&self) -> Result<BodyReader, Error> {
        BodyReader::from_response(&self.inner)
    }

    /// Reads the whole body, up to `limit` bytes (the rest is discarded and the read cancelled).
    pub async fn bytes(&self, limit: usize) -> Result<Vec<u8>, Error> {
        self.body()?.read_to_end(limit).await
    }
}
