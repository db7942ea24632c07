//! The one loop that drives a streamed response body through a decoder: chat streams and the
//! other endpoints' event streams differ only in their decoder.
use super::{RequestGuard, Served};
use crate::protocol::call::{HTML_SNIPPET_LIMIT, JSON_BODY_LIMIT};
use crate::protocol::chat::Output;
pub use crate::protocol::decode::StreamDecode;
use crate::protocol::error::Error;
use crate::transport::BodyReader;

/// A response body being read through a decoder. An error ends the stream and is returned again
/// by every later read (so a final result is never mistaken for a complete one); the decoder
/// keeps the partial output.
#[derive(Debug)]
pub struct BodyStream<D> {
    /// Read from the response once, so the stream holds no JS object after it ends.
    request_id: Option<String>,
    status: u16,
    guard: RequestGuard,
    base_url: String,
    attempts: u32,
    body: BodyReader,
    pub(super) decoder: D,
    buf: Vec<u8>,
    json_body: bool,
    /// A `text/html` body where events were expected (a proxy's or captive portal's page).
    html_body: bool,
    failed: Option<Error>,
    finished: bool,
    secret: Option<String>,
}

impl<D: StreamDecode> BodyStream<D> {
    pub(crate) fn with_decoder(served: Served, decoder: D, secret: Option<String>) -> Result<Self, Error> {
        let Served { response, base_url, attempts, guard } = served;
        let body = response.body()?;
        Ok(BodyStream {
            json_body: response.is_json(),
            html_body: response.header("content-type").is_some_and(|ct| ct.to_ascii_lowercase().contains("text/html")),
            request_id: response.header("x-request-id"),
            status: response.status(),
            guard,
            base_url,
            attempts,
            body,
            decoder,
            buf: Vec::new(),
            failed: None,
            finished: false,
            secret,
        })
    }

    /// The base URL that served this stream (empty for a `Response` obtained elsewhere).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// How many attempts the request took, the successful one included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The `x-request-id` of the response, if the server sent one.
    pub fn request_id(&self) -> Option<String> {
        self.request_id.clone()
    }

    /// Reads until there is output of the requested kind; `Ok(None)` once the stream is complete.
    pub async fn next_output(&mut self, mode: Output) -> Result<Option<String>, Error> {
        loop {
            if let Some(out) = self.decoder.take_output() {
                return Ok(Some(out));
            }
            if let Some(err) = &self.failed {
                return Err(err.clone());
            }
            if self.finished {
                return Ok(None);
            }
            if let Err(mut err) = self.step(mode).await {
                self.body.cancel();
                if let Some(key) = &self.secret {
                    err.redact(key);
                }
                self.failed = Some(err);
            }
            if self.finished || self.failed.is_some() {
                // The request is over: drop its listener on the caller's AbortSignal now, not
                // when the stream object is collected.
                self.guard.release();
            }
        }
    }

    async fn step(&mut self, mode: Output) -> Result<(), Error> {
        if self.html_body {
            let bytes = self.guard.idle(self.body.read_to_end(HTML_SNIPPET_LIMIT)).await?;
            return Err(Error::InvalidResponse {
                message: format!("expected an event stream, got a {} text/html page", self.status),
                snippet: crate::protocol::error::snippet_of(&bytes),
            });
        }
        if self.json_body {
            let bytes = self.guard.idle(self.body.read_to_end(JSON_BODY_LIMIT)).await?;
            self.decoder.push_json_body(&bytes, self.status, mode)?;
            self.finished = true;
            return self.decoder.finish();
        }
        if self.decoder.is_done() || !self.guard.idle(self.body.next_chunk(&mut self.buf)).await? {
            self.body.cancel();
            self.finished = true;
            return self.decoder.finish();
        }
        self.decoder.push(&self.buf, mode)
    }

    /// Reads to the end, discarding output (the decoder keeps the result).
    pub(super) async fn read_to_end(&mut self, mode: Output) -> Result<(), Error> {
        while self.next_output(mode).await?.is_some() {}
        Ok(())
    }

    /// Stops reading and closes the connection. Unless the stream had already ended, later calls
    /// return [`Error::Aborted`].
    pub fn cancel(&mut self) {
        self.body.cancel();
        self.guard.release();
        if !self.finished && self.failed.is_none() {
            self.failed = Some(Error::Aborted);
        }
        self.finished = true;
    }

    /// A handle that cancels the body while a read is pending (used by the JS bindings).
    pub fn cancel_handle(&self) -> Option<web_sys::ReadableStreamDefaultReader> {
        self.body.cancel_handle()
    }
}
