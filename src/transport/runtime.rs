//! What kind of JavaScript host this is.
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// True in a browser page (a `window` with a `document` and a `navigator`). Workers, Node, Deno
/// and Bun are not pages: a key there is not readable by visitors.
pub fn is_browser_page() -> bool {
    let global = js_sys::global();
    let has =
        |obj: &JsValue, name: &str| Reflect::get(obj, &JsValue::from_str(name)).map(|v| !v.is_undefined() && !v.is_null()).unwrap_or(false);
    let Ok(window) = Reflect::get(&global, &JsValue::from_str("window")) else { return false };
    !window.is_undefined() && has(&window, "document") && has(&global, "navigator")
}

/// The message of a thrown JavaScript value, for error reports.
pub fn js_error_message(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return s;
    }
    let field = |name: &str| Reflect::get(value, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
    match (field("name"), field("message")) {
        (Some(name), Some(message)) if !message.is_empty() => {
            // Node's fetch puts the useful part ("ECONNREFUSED") in `cause`.
            let cause = Reflect::get(value, &JsValue::from_str("cause")).ok().filter(|c| !c.is_undefined() && !c.is_null());
            match cause.map(|c| js_error_message(&c)) {
                Some(c) if !c.is_empty() => format!("{name}: {message} ({c})"),
                _ => format!("{name}: {message}"),
            }
        }
        (_, Some(message)) => message,
        (Some(name), None) => name,
        _ => "unknown error".to_string(),
    }
}

/// Whether a thrown value is a DOMException named `AbortError` (or `TimeoutError`).
pub fn is_abort_error(value: &JsValue) -> bool {
    Reflect::get(value, &JsValue::from_str("name")).ok().and_then(|v| v.as_string()).is_some_and(|n| n == "AbortError")
}
