//! Errors as plain objects for the facade to wrap in its `Error` subclasses.
use crate::protocol::chat::ChatCompletion;
use crate::protocol::error::Error;
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;

/// Describes `err` (and the partial completion, when a stream failed) as a JS object.
pub fn to_js(err: &Error, partial: Option<&ChatCompletion>) -> JsValue {
    let mut obj = Map::new();
    obj.insert("llmwireError".into(), true.into());
    obj.insert("name".into(), err.class_name().into());
    obj.insert("message".into(), err.to_string().into());
    obj.insert("retryable".into(), err.is_retryable().into());
    let opt = |v: &Option<String>| v.clone().map(Value::String).unwrap_or(Value::Null);
    match err {
        Error::Api(api) => {
            obj.insert("status".into(), api.status.map(Value::from).unwrap_or(Value::Null));
            obj.insert("code".into(), opt(&api.code));
            obj.insert("type".into(), opt(&api.error_type));
            obj.insert("param".into(), opt(&api.param));
            obj.insert("requestId".into(), opt(&api.request_id));
            obj.insert("body".into(), opt(&api.body_snippet));
            obj.insert("apiMessage".into(), api.message.clone().into());
        }
        Error::MalformedEvent { snippet, .. } | Error::InvalidResponse { snippet, .. } => {
            obj.insert("snippet".into(), snippet.clone().into());
        }
        Error::EventTooLarge { limit } => {
            obj.insert("limit".into(), (*limit as u64).into());
        }
        _ => {}
    }
    if let Some(p) = partial {
        obj.insert("partial".into(), serde_json::to_value(p).unwrap_or(Value::Null));
    }
    let text = Value::Object(obj).to_string();
    js_sys::JSON::parse(&text).unwrap_or_else(|_| JsValue::from_str(&text))
}
