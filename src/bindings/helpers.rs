//! Free functions the facade's helpers call: image items to displayable sources and bytes,
//! image content parts, and media types of bytes.
use super::errors;
use crate::protocol::{images, media, multimodal};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

/// A displayable source for an image item: its `url`, or a `data:` URL built from `b64_json`.
#[wasm_bindgen(js_name = imageItemSrc)]
pub fn image_item_src(url: Option<String>, b64_json: Option<String>) -> Result<String, JsValue> {
    images::item_src(url.as_deref(), b64_json.as_deref()).map_err(|e| errors::to_js(&e, None))
}

/// `[bytes, mediaType]` of an image item that carries its data, or `undefined` for a remote URL.
#[wasm_bindgen(js_name = imageItemBytes)]
pub fn image_item_bytes(url: Option<String>, b64_json: Option<String>) -> Result<JsValue, JsValue> {
    match images::item_bytes(url.as_deref(), b64_json.as_deref()) {
        Ok(Some((bytes, mime))) => Ok(Array::of2(&Uint8Array::from(bytes.as_slice()), &JsValue::from_str(&mime)).into()),
        Ok(None) => Ok(JsValue::UNDEFINED),
        Err(e) => Err(errors::to_js(&e, None)),
    }
}

/// The `url` of an `image_url` part for a URL, a data URL or bare base64 image data: undefined
/// when the source is that URL as it is (JavaScript keeps its string; a data URL of megabytes is
/// not copied out again).
#[wasm_bindgen(js_name = imageUrl)]
pub fn image_url(source: &str) -> Result<Option<String>, JsValue> {
    match multimodal::image_url(source) {
        Ok(url) if url.len() == source.len() => Ok(None),
        Ok(url) => Ok(Some(url.into_owned())),
        Err(e) => Err(errors::to_js(&e, None)),
    }
}

/// An `image_url` content part (JSON text) for a URL, a data URL or bare base64 image data.
#[wasm_bindgen(js_name = imagePart)]
pub fn image_part(url: String, detail: Option<String>) -> Result<String, JsValue> {
    multimodal::image_part(&url, detail.as_deref()).map_err(|e| errors::to_js(&e, None))
}

/// The media type of a `data:` URL for `len` image bytes beginning with `head`; `mime` overrides
/// the type told from the bytes, which JavaScript encodes (they never enter wasm memory).
#[wasm_bindgen(js_name = imageBytesType)]
pub fn image_bytes_type(head: &[u8], len: f64, mime: Option<String>) -> Result<String, JsValue> {
    multimodal::bytes_mime(head, len as usize, mime.as_deref()).map(str::to_string).map_err(|e| errors::to_js(&e, None))
}

/// The media type of a file from its first bytes, else its name's extension.
#[wasm_bindgen(js_name = mediaType)]
pub fn media_type(head: &[u8], filename: Option<String>) -> Option<String> {
    media::resolve(None, head, filename.as_deref())
}
