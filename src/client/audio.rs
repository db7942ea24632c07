//! `client.audio().transcriptions()`: speech to text, as multipart uploads.
use super::upload::{typed_form, Upload};
use super::{Client, Payload, RawResponse};
use crate::protocol::audio::{transcription_result, ResponseFormat};
use crate::protocol::error::Error;
use crate::protocol::multipart;
use crate::transport::form::Form;
use serde::Serialize;
use web_sys::AbortSignal;

/// Audio on one client.
#[derive(Debug, Clone, Copy)]
pub struct Audio<'a> {
    client: &'a Client,
}

/// Transcriptions on one client.
#[derive(Debug, Clone, Copy)]
pub struct Transcriptions<'a> {
    client: &'a Client,
}

/// A transcription in the type its `response_format` calls for.
#[derive(Debug, Clone, PartialEq)]
pub enum Transcription {
    /// `json` and `verbose_json`: `{text, ...}`.
    Json(serde_json::Value),
    /// `text`, `srt` and `vtt`.
    Text(String),
}

impl Client {
    /// Audio (`/audio/...`).
    pub fn audio(&self) -> Audio<'_> {
        Audio { client: self }
    }
}

impl<'a> Audio<'a> {
    /// Transcriptions (`/audio/transcriptions`).
    pub fn transcriptions(&self) -> Transcriptions<'a> {
        Transcriptions { client: self.client }
    }
}

impl Transcriptions<'_> {
    /// Transcribes `file`; `request` holds `model`, `language`, `prompt`, `response_format`,
    /// `temperature` and any other parameter.
    ///
    /// ```no_run
    /// # async fn demo(client: llmwire::Client, mp3: Vec<u8>) -> Result<(), llmwire::Error> {
    /// use llmwire::client::{Transcription, Upload};
    /// let t = client.audio().transcriptions().create(&Upload::bytes(mp3, "speech.mp3"),
    ///     &serde_json::json!({"model": "whisper-1", "response_format": "srt"}), None).await?;
    /// if let Transcription::Text(srt) = t { println!("{srt}") }
    /// # Ok(()) }
    /// ```
    pub async fn create<R: Serialize>(&self, file: &Upload, request: &R, signal: Option<&AbortSignal>) -> Result<Transcription, Error> {
        let json = serde_json::to_value(request).map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
        let format = ResponseFormat::parse(json.get("response_format").and_then(|v| v.as_str()))?;
        let form = typed_form(request, multipart::TRANSCRIPTION_FILES, &[("file", std::slice::from_ref(file))]).await?;
        let raw = self.create_form(&form, format, signal).await?;
        let value: serde_json::Value = super::request::typed(&raw.body, "a transcription")?;
        Ok(match value {
            serde_json::Value::String(s) => Transcription::Text(s),
            other => Transcription::Json(other),
        })
    }

    /// Sends a filled form; the body is the result as JSON text (an object or a string).
    pub async fn create_form(&self, form: &Form, format: ResponseFormat, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        let served = self.client.request("POST", "/audio/transcriptions", Payload::Form(form.as_js()), signal).await?;
        let mut text = self.client.read_text(served).await?;
        text.raw.body = transcription_result(format, &text.raw.body, text.is_json).map_err(|e| match e {
            Error::Api(mut api) => {
                api.status = Some(text.status);
                Error::Api(api)
            }
            other => other,
        })?;
        Ok(text.raw)
    }
}
