//! `multipart/form-data` bodies (`FormData`) for image edits and audio transcriptions, with files
//! from a `File`, a `Blob`, a `Uint8Array` (any `ArrayBuffer` view) or an `ArrayBuffer`.
//!
//! Gateways check uploads by name and type (Whisper reads the format from the file name's
//! extension; OpenAI refuses `application/octet-stream` images), so a file without a type gets
//! one from its first bytes ([`crate::protocol::media`]) and a file without a name gets
//! `<field>.<extension>`.
use super::runtime::js_error_message;
use crate::protocol::error::Error;
use crate::protocol::media;
use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, FormData};

/// A file ready to append to a form.
#[derive(Debug, Clone)]
pub struct FilePart {
    pub blob: Blob,
    pub filename: String,
    pub content_type: String,
}

fn js_err(e: JsValue) -> Error {
    Error::InvalidArgument { message: js_error_message(&e) }
}

fn not_a_file(field: &str, value: &JsValue) -> Error {
    let kind = if value.is_null() {
        "null".to_string()
    } else if Array::is_array(value) {
        "an array".to_string()
    } else {
        value.js_typeof().as_string().unwrap_or_else(|| "something else".into())
    };
    Error::InvalidArgument {
        message: format!(
            "{field} must be a File, a Blob, a Uint8Array or an ArrayBuffer (use toFile(bytes, name) to name bytes); got {kind}"
        ),
    }
}

/// A file from raw bytes.
pub fn bytes_part(field: &str, bytes: &[u8], filename: Option<&str>, content_type: Option<&str>) -> Result<FilePart, Error> {
    let (mime, filename) = media::describe_upload(field, content_type, bytes.get(..media::SNIFF_BYTES).unwrap_or(bytes), filename)?;
    let array = Uint8Array::from(bytes);
    Ok(FilePart { blob: blob_of(&array, &mime)?, filename, content_type: mime })
}

fn blob_of(bytes: &Uint8Array, mime: &str) -> Result<Blob, Error> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(&Array::of1(bytes), &options).map_err(js_err)
}

/// Turns a JavaScript value into a file for the form field `field`; anything that is not file
/// data is an [`Error::InvalidArgument`] naming the field.
pub async fn file_part(field: &str, value: &JsValue) -> Result<FilePart, Error> {
    if let Some(blob) = value.dyn_ref::<Blob>() {
        let name = value.dyn_ref::<File>().map(File::name);
        let declared = blob.type_();
        let specific = !declared.is_empty() && declared != "application/octet-stream";
        let head = if specific { Vec::new() } else { blob_head(blob).await? };
        let (mime, filename) = media::describe_upload(field, Some(&declared), &head, name.as_deref())?;
        let blob = if mime == declared {
            blob.clone()
        } else {
            blob.slice_with_i32_and_f64_and_content_type(0, blob.size(), &mime).map_err(js_err)?
        };
        return Ok(FilePart { blob, filename, content_type: mime });
    }
    let bytes = if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(buffer)
    } else if ArrayBuffer::is_view(value) {
        let buffer = js_sys::Reflect::get(value, &JsValue::from_str("buffer")).map_err(js_err)?;
        let offset = js_sys::Reflect::get(value, &JsValue::from_str("byteOffset")).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
        let length = js_sys::Reflect::get(value, &JsValue::from_str("byteLength")).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
        Uint8Array::new_with_byte_offset_and_length(&buffer, offset as u32, length as u32)
    } else {
        return Err(not_a_file(field, value));
    };
    let head = bytes.subarray(0, media::SNIFF_BYTES as u32).to_vec();
    let (mime, filename) = media::describe_upload(field, None, &head, None)?;
    Ok(FilePart { blob: blob_of(&bytes, &mime)?, filename, content_type: mime })
}

/// The first bytes of a blob, to tell its type.
async fn blob_head(blob: &Blob) -> Result<Vec<u8>, Error> {
    let head = blob.slice_with_i32_and_i32(0, media::SNIFF_BYTES as i32).map_err(js_err)?;
    let buffer = JsFuture::from(head.array_buffer()).await.map_err(js_err)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// A `FormData` being filled.
#[derive(Debug, Clone)]
pub struct Form(FormData);

impl Form {
    /// An empty form.
    pub fn new() -> Result<Self, Error> {
        FormData::new().map(Form).map_err(|_| Error::InvalidArgument { message: "this runtime has no FormData".into() })
    }

    /// Appends a text field.
    pub fn text(&self, name: &str, value: &str) -> Result<(), Error> {
        self.0.append_with_str(name, value).map_err(js_err)
    }

    /// Appends a file.
    pub fn file(&self, name: &str, part: &FilePart) -> Result<(), Error> {
        self.0.append_with_blob_and_filename(name, &part.blob, &part.filename).map_err(js_err)
    }

    /// The `FormData`, to send as a body.
    pub fn as_js(&self) -> &JsValue {
        self.0.as_ref()
    }
}
