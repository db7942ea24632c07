//! Files for multipart requests, from Rust: bytes with a name, or a JS `File`/`Blob`/`Uint8Array`.
use crate::protocol::error::Error;
use crate::protocol::multipart;
use crate::transport::form::{self, FilePart, Form};
use wasm_bindgen::JsValue;

/// A file to upload (an image to edit, audio to transcribe).
///
/// ```no_run
/// use llmwire::client::Upload;
/// let audio = Upload::bytes(std::fs::read("speech.mp3").unwrap_or_default(), "speech.mp3");
/// let png = Upload::bytes(vec![0x89, b'P', b'N', b'G'], "cat.png").with_content_type("image/png");
/// ```
#[derive(Debug, Clone)]
pub struct Upload {
    data: UploadData,
    filename: Option<String>,
    content_type: Option<String>,
}

#[derive(Debug, Clone)]
enum UploadData {
    Bytes(Vec<u8>),
    Js(JsValue),
}

impl Upload {
    /// Bytes with a file name (its extension tells gateways the format).
    pub fn bytes(bytes: impl Into<Vec<u8>>, filename: impl Into<String>) -> Self {
        Upload { data: UploadData::Bytes(bytes.into()), filename: Some(filename.into()), content_type: None }
    }

    /// A JavaScript `File`, `Blob`, `Uint8Array` or `ArrayBuffer`.
    pub fn js(value: JsValue) -> Self {
        Upload { data: UploadData::Js(value), filename: None, content_type: None }
    }

    /// Sets the media type instead of telling it from the bytes or the name.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    pub(crate) async fn part(&self, field: &str) -> Result<FilePart, Error> {
        match &self.data {
            UploadData::Bytes(bytes) => form::bytes_part(field, bytes, self.filename.as_deref(), self.content_type.as_deref()),
            UploadData::Js(value) => form::file_part(field, value).await,
        }
    }
}

/// Builds a form from typed params (any serializable object) and the files for each file field.
pub(crate) async fn typed_form<R: serde::Serialize>(
    params: &R,
    spec: &[multipart::FileField],
    files: &[(&str, &[Upload])],
) -> Result<Form, Error> {
    let json = serde_json::to_string(params).map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
    let skip: Vec<&str> = spec.iter().map(|f| f.name).collect();
    multipart::check_required(&json, multipart::required_text(spec))?;
    let form = Form::new()?;
    for (name, value) in multipart::text_fields(&json, &skip)? {
        form.text(&name, &value)?;
    }
    let uploads_of = |name: &str| files.iter().find(|(n, _)| *n == name).map(|(_, u)| *u).unwrap_or_default();
    multipart::check_files(spec, |name| match uploads_of(name).len() {
        0 => multipart::Given::Nothing,
        1 => multipart::Given::One,
        n => multipart::Given::List(n),
    })?;
    for field in spec {
        let uploads = uploads_of(field.name);
        let name = if uploads.len() > 1 { format!("{}[]", field.name) } else { field.name.to_string() };
        for upload in uploads {
            form.file(&name, &upload.part(field.name).await?)?;
        }
    }
    Ok(form)
}
