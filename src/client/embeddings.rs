//! `client.embeddings()`: vectors for texts, decoded whatever encoding the gateway chose.
use super::{Client, RawResponse};
use crate::protocol::embeddings::{decode_embeddings, DecodedEmbeddings, EmbeddingResponse};
use crate::protocol::endpoint::Endpoint;
use crate::protocol::error::Error;
use serde::Serialize;
use web_sys::AbortSignal;

/// Embeddings on one client.
#[derive(Debug, Clone, Copy)]
pub struct Embeddings<'a> {
    client: &'a Client,
}

impl Client {
    /// Embeddings (`/embeddings`).
    pub fn embeddings(&self) -> Embeddings<'_> {
        Embeddings { client: self }
    }
}

impl Embeddings<'_> {
    /// Creates embeddings. `encoding_format: "base64"` is decoded; a gateway that answers in the
    /// other encoding is read correctly too.
    ///
    /// ```no_run
    /// # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
    /// let e = client.embeddings().create(&serde_json::json!({
    ///     "model": "text-embedding-3-small", "input": ["a", "b"], "encoding_format": "base64"}), None).await?;
    /// assert_eq!(e.data.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn create<R: Serialize>(&self, request: &R, signal: Option<&AbortSignal>) -> Result<EmbeddingResponse, Error> {
        let body = super::request::to_body(request, None)?;
        let (_, decoded) = self.create_raw(&body, signal).await?;
        EmbeddingResponse::from_decoded(&decoded)
    }

    /// Sends an already-serialized request; returns the response and its decoded vectors.
    pub async fn create_raw(&self, body: &str, signal: Option<&AbortSignal>) -> Result<(RawResponse, DecodedEmbeddings), Error> {
        let raw = self.client.endpoint_call(Endpoint::Embeddings, "POST", "/embeddings", Some(body), signal).await?;
        let decoded = decode_embeddings(&raw.body)?;
        Ok((raw, decoded))
    }
}
