//! What a request sends, and reading a whole response body back.
use super::{Client, RawResponse, Served};
use crate::protocol::call::{Phase, BODY_LIMIT};
use crate::protocol::endpoint::Endpoint;
use crate::protocol::error::{snippet_of, Error};
use crate::protocol::request::{BodyKind, ClientConfig};
use crate::transport::Body;
use std::borrow::Cow;
use wasm_bindgen::JsValue;

/// The body of a request, which decides its headers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Payload<'a> {
    /// No body (`GET /models`).
    Empty,
    /// A JSON document; `stream` adds `Accept: text/event-stream`.
    Json { body: &'a str, stream: bool },
    /// A `FormData`: `fetch` writes the multipart `Content-Type` with its boundary.
    Form(&'a JsValue),
}

impl<'a> Payload<'a> {
    pub fn headers(&self, config: &ClientConfig) -> Vec<(String, String)> {
        config.request_headers(match self {
            Payload::Empty => BodyKind::Empty,
            Payload::Json { stream: false, .. } => BodyKind::Json,
            Payload::Json { stream: true, .. } => BodyKind::JsonStream,
            Payload::Form(_) => BodyKind::Form,
        })
    }

    pub fn body(&self) -> Option<Body<'a>> {
        match *self {
            Payload::Empty => None,
            Payload::Json { body, .. } => Some(Body::Text(body)),
            Payload::Form(form) => Some(Body::Js(form)),
        }
    }
}

/// A whole response body read as text, with whether it was declared JSON.
#[derive(Debug)]
pub(crate) struct TextBody {
    pub raw: RawResponse,
    pub status: u16,
    pub is_json: bool,
}

impl Client {
    /// Reads the whole body of a served request as UTF-8 text.
    pub(crate) async fn read_text(&self, served: Served) -> Result<TextBody, Error> {
        let Served { response, base_url, attempts, guard } = served;
        let read = guard.limit(response.bytes(BODY_LIMIT), Phase::Body).await;
        let bytes = self.redacted(read)?;
        let body = String::from_utf8(bytes)
            .map_err(|e| Error::InvalidResponse { message: "the response body is not UTF-8".into(), snippet: snippet_of(e.as_bytes()) })?;
        let raw = RawResponse { body, base_url, attempts, request_id: response.header("x-request-id") };
        Ok(TextBody { raw, status: response.status(), is_json: response.is_json() })
    }

    /// Reads the whole body of a served request and checks it as `endpoint`'s answer.
    pub(crate) async fn read_result(&self, endpoint: Endpoint, served: Served) -> Result<RawResponse, Error> {
        let mut text = self.read_text(served).await?;
        let rewritten = match self.redacted(endpoint.finish(&text.raw.body, text.status))? {
            Cow::Owned(body) => Some(body),
            Cow::Borrowed(_) => None,
        };
        if let Some(body) = rewritten {
            text.raw.body = body;
        }
        Ok(text.raw)
    }

    /// Calls a JSON endpoint: checks the request `body` (none for a GET), sends it, and checks
    /// the answer, by [`Endpoint`]'s rules.
    pub(crate) async fn endpoint_call(
        &self,
        endpoint: Endpoint,
        method: &str,
        path: &str,
        body: Option<&str>,
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<RawResponse, Error> {
        let prepared = body.map(|b| endpoint.prepare(b)).transpose()?;
        let payload = match &prepared {
            Some(body) => Payload::Json { body, stream: false },
            None => Payload::Empty,
        };
        let served = self.request(method, path, payload, signal).await?;
        self.read_result(endpoint, served).await
    }
}

/// Parses a checked JSON body into a typed result.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    crate::protocol::typed::from_str(text)
        .map_err(|e| Error::InvalidResponse { message: format!("expected {what}: {e}"), snippet: snippet_of(text.as_bytes()) })
}

/// Serializes a typed request to a JSON object text, with `stream` set as given (or left out).
pub(crate) fn to_body<R: serde::Serialize>(request: &R, stream: Option<bool>) -> Result<String, Error> {
    let mut value = serde_json::to_value(request).map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
    let obj = value.as_object_mut().ok_or_else(|| Error::InvalidArgument { message: "the request must be a JSON object".into() })?;
    if let Some(stream) = stream {
        obj.insert("stream".into(), stream.into());
        if !stream {
            obj.remove("stream_options");
        }
    }
    Ok(value.to_string())
}
