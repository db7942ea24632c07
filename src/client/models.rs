//! `client.models()`: the models a gateway offers, with 01.AI's `ownedBy` normalized.
use super::{Client, RawResponse};
use crate::protocol::endpoint::Endpoint;
use crate::protocol::error::Error;
use crate::protocol::models::{Model, ModelList};
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
        self.client.endpoint_call(Endpoint::Models, "GET", "/models", None, signal).await
    }

    /// Retrieves one model; the body is normalized JSON text.
    pub async fn retrieve_raw(&self, id: &str, signal: Option<&AbortSignal>) -> Result<RawResponse, Error> {
        let path = Endpoint::Model.prepare(id)?;
        self.client.endpoint_call(Endpoint::Model, "GET", &path, None, signal).await
    }
}
