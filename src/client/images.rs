//! `client.images()`: generations, edits (multipart), and image models on the chat endpoint.
use super::upload::{typed_form, Upload};
use super::{Client, Payload, RawResponse};
use crate::protocol::endpoint::Endpoint;
use crate::protocol::error::Error;
use crate::protocol::images::ImagesResponse;
use crate::protocol::multipart;
use crate::transport::form::Form;
use serde::Serialize;
use web_sys::AbortSignal;

/// Images on one client.
#[derive(Debug, Clone, Copy)]
pub struct Images<'a> {
    client: &'a Client,
}

impl Client {
    /// Images (`/images/generations`, `/images/edits`, and image models on `/chat/completions`).
    pub fn images(&self) -> Images<'_> {
        Images { client: self }
    }
}

impl Images<'_> {
    /// Generates images (`POST /images/generations`). Items carry a `url` or a `b64_json`.
    ///
    /// ```no_run
    /// # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
    /// let r = client.images().generate(&serde_json::json!({
    ///     "model": "gpt-image-1", "prompt": "A cute orange kitten", "size": "1024x1024"}), None).await?;
    /// let src = r.data[0].src()?; // a URL, or a data: URL made from b64_json
    /// # Ok(()) }
    /// ```
    pub async fn generate<R: Serialize>(&self, request: &R, signal: Option<&AbortSignal>) -> Result<ImagesResponse, Error> {
        let body = super::request::to_body(request, None)?;
        super::request::typed(&self.generate_raw(&body, signal).await?.body, "an images response")
    }

    /// Sends an already-serialized generation request.
    pub async fn generate_raw(&self, body: &str, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        self.client.endpoint_call(Endpoint::Images, "POST", "/images/generations", Some(body), signal).await
    }

    /// Edits images (`POST /images/edits`, multipart): `images` (one or several), an optional
    /// `mask`, and the other parameters (`model`, `prompt`, `size`, ...) from `request`.
    pub async fn edit<R: Serialize>(
        &self,
        images: &[Upload],
        mask: Option<&Upload>,
        request: &R,
        signal: Option<&AbortSignal>,
    ) -> Result<ImagesResponse, Error> {
        let masks: &[Upload] = match mask {
            Some(m) => std::slice::from_ref(m),
            None => &[],
        };
        let form = typed_form(request, multipart::IMAGE_EDIT_FILES, &[("image", images), ("mask", masks)]).await?;
        super::request::typed(&self.edit_form(&form, signal).await?.body, "an images response")
    }

    /// Sends a filled edit form.
    pub async fn edit_form(&self, form: &Form, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        let served = self.client.request("POST", "/images/edits", Payload::Form(form.as_js()), signal).await?;
        self.client.read_result(Endpoint::Images, served).await
    }

    /// Makes images with an image model on the chat endpoint (APIYI `gpt-image-2-vip`):
    /// `prompt` for text-to-image, plus `image` (URLs or data URLs) for a reference-image edit,
    /// plus `messages` (the earlier turns) for multi-turn refinement; `size` and the rest pass
    /// through. See [`via_chat_request`](crate::protocol::images::via_chat_request).
    pub async fn generate_via_chat<R: Serialize>(&self, request: &R, signal: Option<&AbortSignal>) -> Result<ImagesResponse, Error> {
        let body = super::request::to_body(request, None)?;
        super::request::typed(&self.generate_via_chat_raw(&body, signal).await?.body, "an images response")
    }

    /// [`generate_via_chat`](Self::generate_via_chat) with params as JSON text.
    pub async fn generate_via_chat_raw(&self, params: &str, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        self.client.endpoint_call(Endpoint::ImagesViaChat, "POST", "/chat/completions", Some(params), signal).await
    }
}
