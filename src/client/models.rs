//! `client.models()`: the models a gateway offers, with 01.AI's `ownedBy` normalized.
use super::{Client, RawResponse};
use crate::protocol::error::Error;
use crate::protocol::models::{model_path, normalize_model, normalize_model_list, Model, ModelList};
use web_sys::AbortSignal;

/// Models on one client.
#[derive(Debug, Clone, Copy)]
pub struct Models<'a> {
    client: &'a Client,
}

impl Client {
    /// Models (`/models`).
    pub fn models(&self) -> Models<'_> {
        Models { client: self }
    }
}

impl Models<'_> {
    /// Lists the models.
    ///
    /// ```no_run
    /// # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
    /// for m in client.models().list(None).await?.data {
    ///     println!("{} by {:?}", m.id, m.owned_by);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self, signal: Option<&AbortSignal>) -> Result<ModelList, Error> {
        super::request::typed(&self.list_raw(signal).await?.body, "a model list")
    }

    /// Retrieves one model.
    pub async fn retrieve(&self, id: &str, signal: Option<&AbortSignal>) -> Result<Model, Error> {
        super::request::typed(&self.retrieve_raw(id, signal).await?.body, "a model")
    }

    /// Lists the models; the body is normalized JSON text.
    pub async fn list_raw(&self, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        let served = self.client.request("GET", "/models", super::Payload::Empty, signal).await?;
        let mut text = self.client.read_text(served).await?;
        // A bare array is a valid list for some servers; check_json_object would refuse it.
        if !text.raw.body.trim_start().starts_with('[') {
            crate::protocol::error::check_json_object(&text.raw.body, text.status)?;
        }
        text.raw.body = normalize_model_list(&text.raw.body)?;
        Ok(text.raw)
    }

    /// Retrieves one model; the body is normalized JSON text.
    pub async fn retrieve_raw(&self, id: &str, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        if id.is_empty() {
            return Err(Error::InvalidArgument { message: "a model id is required".into() });
        }
        let mut raw = self.client.json_call("GET", &model_path(id), None, signal).await?;
        raw.body = normalize_model(&raw.body)?;
        Ok(raw)
    }
}
