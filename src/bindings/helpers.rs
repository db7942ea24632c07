//! Free functions the facade's helpers call: image items to displayable sources and bytes,
//! image content parts, and media types of bytes.
use super::errors;
use crate::protocol::base64::{Base64Error, Decoder};
use crate::protocol::long_text::{LongText, Sink, HEAD};
use crate::protocol::{images, media, multimodal};
use js_sys::{Array, JsString, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A displayable source for an image item: its `url`, or a `data:` URL built from `b64_json`.
/// Neither enters wasm memory whole: they are read in slices (`JsText`).
#[wasm_bindgen(js_name = imageItemSrc)]
pub fn image_item_src(url: JsValue, b64_json: JsValue) -> Result<JsString, JsValue> {
    let (url, b64) = (JsText::of(&url), JsText::of(&b64_json));
    match images::item_src_of(Some(&url), Some(&b64)) {
        Ok(images::Src::Url) => Ok(url.text),
        Ok(images::Src::B64) => Ok(b64.text),
        Ok(images::Src::Prefixed { prefix, at }) => Ok(JsString::from(prefix).concat(&b64.from(at))),
        Err(e) => Err(errors::to_js(&e, None)),
    }
}

/// `[pieces, mediaType]` of an image item that carries its data (the decoded bytes as a list of
/// `Uint8Array`s, for a `Blob`), or `undefined` for a remote URL.
#[wasm_bindgen(js_name = imageItemBytes)]
pub fn image_item_bytes(url: JsValue, b64_json: JsValue) -> Result<JsValue, JsValue> {
    let pieces = Array::new();
    match images::item_bytes_of(Some(&JsText::of(&url)), Some(&JsText::of(&b64_json)), &mut |bytes| {
        pieces.push(&Uint8Array::from(bytes));
    }) {
        Ok(Some(mime)) => Ok(Array::of2(&pieces, &JsValue::from_str(&mime)).into()),
        Ok(None) => Ok(JsValue::UNDEFINED),
        Err(e) => Err(errors::to_js(&e, None)),
    }
}

/// The `url` of an `image_url` part for a URL, a data URL or bare base64 image data (a string),
/// which is read in slices (`JsText`): a data URL of megabytes never enters wasm memory whole.
#[wasm_bindgen(js_name = imageUrl)]
pub fn image_url(source: JsValue) -> Result<JsString, JsValue> {
    let source = JsText::of(&source);
    match multimodal::image_url_prefix(&source) {
        Ok(None) => Ok(source.text),
        Ok(Some(prefix)) => Ok(JsString::from(prefix).concat(&source.text)),
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

/// A JavaScript string, trimmed, that Rust reads through its beginning and in slices: an image's
/// base64 of megabytes would otherwise grow wasm memory, which never shrinks, by its size for
/// good. Anything but a string reads as "".
struct JsText {
    text: JsString,
    head: String,
    whole: bool,
}

/// UTF-16 units of a `JsText` read at a time: at most 96 KiB of UTF-8 in wasm memory.
const PIECE: u32 = 32 * 1024;

impl JsText {
    fn of(value: &JsValue) -> JsText {
        let text = value.dyn_ref::<JsString>().map_or_else(|| JsString::from(""), JsString::trim);
        let whole = text.length() <= HEAD as u32;
        let head = if whole { text.as_string() } else { text.slice(0, HEAD as u32).as_string() };
        JsText { head: head.unwrap_or_default(), text, whole }
    }

    /// Where byte `at` of the head is, in UTF-16 units.
    fn index_of(&self, at: usize) -> u32 {
        self.head.get(..at).map_or(0, |h| h.encode_utf16().count() as u32)
    }

    /// The text from byte `at` of its head.
    fn from(&self, at: usize) -> JsString {
        self.text.slice(self.index_of(at), self.text.length())
    }
}

impl LongText for JsText {
    fn head(&self) -> &str {
        &self.head
    }

    fn base64(&self, at: usize, mut out: Option<Sink<'_>>) -> Result<(), Base64Error> {
        if self.whole {
            return self.head.as_str().base64(at, out);
        }
        let (mut decoder, mut bytes) = (Decoder::default(), Vec::new());
        let (mut start, end) = (self.index_of(at), self.text.length());
        while start < end {
            let piece = self.text.slice(start, start.saturating_add(PIECE).min(end)).as_string().unwrap_or_default();
            decoder.push(piece.as_bytes(), out.is_some().then_some(&mut bytes))?;
            if let Some(out) = out.as_deref_mut() {
                out(&bytes);
                bytes.clear();
            }
            start = start.saturating_add(PIECE);
        }
        decoder.finish()
    }
}
