//! Errors as plain objects for the facade to wrap in its `Error` subclasses.
use crate::protocol::error::Error;
use crate::protocol::json::ObjectWriter;
use wasm_bindgen::JsValue;

/// Describes `err` (and the partial completion's JSON, when a stream failed) as a JS object.
pub fn to_js(err: &Error, partial: Option<&str>) -> JsValue {
    let mut text = String::with_capacity(256 + partial.map_or(0, str::len));
    let mut w = ObjectWriter::new(&mut text);
    w.bool("llmwireError", true).str("name", err.class_name()).str("message", &crate::cat!(err)).bool("retryable", err.is_retryable());
    match err {
        Error::Api(api) => {
            match api.status {
                Some(status) => w.uint("status", u64::from(status)),
                None => w.raw("status", "null"),
            };
            w.opt_str("code", api.code.as_deref())
                .opt_str("type", api.error_type.as_deref())
                .opt_str("param", api.param.as_deref())
                .opt_str("requestId", api.request_id.as_deref())
                .opt_str("body", api.body_snippet.as_deref())
                .str("apiMessage", &api.message);
        }
        Error::MalformedEvent { snippet, .. } | Error::InvalidResponse { snippet, .. } => {
            w.str("snippet", snippet);
        }
        Error::EventTooLarge { limit } => {
            w.uint("limit", *limit as u64);
        }
        _ => {}
    }
    if let Some(p) = partial {
        w.raw("partial", p);
    }
    w.finish();
    js_sys::JSON::parse(&text).unwrap_or_else(|_| JsValue::from_str(&text))
}
