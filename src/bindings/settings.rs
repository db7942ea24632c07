//! What the exports of a client share: its configuration, to redact its key from every error.
use super::errors;
use crate::protocol::error::Error;
use crate::protocol::request::ClientConfig;
use wasm_bindgen::JsValue;

pub(super) struct Settings {
    pub config: ClientConfig,
}

impl Settings {
    /// Reads the JS options object (JSON text) and checks it; `browser` says whether this is a
    /// browser page (an API key there needs the opt-in).
    pub fn from_options(options: &str, browser: bool) -> Result<Settings, JsValue> {
        let config = ClientConfig::from_options_json(options).and_then(|c| c.validate(browser).map(|()| c));
        config.map(|config| Settings { config }).map_err(|e| errors::to_js(&e, None))
    }

    /// The error as a JS object, without the API key in any of its texts.
    pub fn error(&self, mut err: Error, partial: Option<&str>) -> JsValue {
        if let Some(key) = self.config.api_key() {
            err.redact(key);
        }
        errors::to_js(&err, partial)
    }
}
