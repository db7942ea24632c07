//! The Rust API: a [`Client`] with one accessor per resource. wasm32 only (it sends through
//! `fetch`); the policy it applies comes from [`crate::protocol`].
//!
//! Requests are any `Serialize` value (here `serde_json::json!`): every parameter passes through
//! to the gateway unchanged, and the documented ranges are checked before anything is sent. Each
//! call takes an optional `AbortSignal`. Results are typed, and keep the fields a provider adds
//! in `extra`; the `*_raw` methods move JSON text instead, for code that hands it on.
//!
//! # Configuration
//!
//! ```no_run
//! use llmwire::protocol::limits::Limits;
//! use llmwire::protocol::request::Timeouts;
//! use llmwire::{Client, ClientConfig};
//! # fn demo(key: String) -> Result<Client, llmwire::Error> {
//! let config = ClientConfig::new("https://api.apiyi.com/v1")
//!     .with_api_key(key)
//!     .with_backup_base_url("https://vip.apiyi.com/v1") // tried when the primary fails before any byte
//!     .with_max_retries(2)                               // 408, 409, 429, 5xx and connection errors
//!     .with_timeouts(Timeouts { total_ms: Some(600_000), headers_ms: Some(30_000), idle_ms: Some(60_000) })
//!     .with_limits(Limits { max_concurrent: 100, requests_per_minute: Some(3000), tokens_per_minute: None })
//!     .with_stream_usage(true);
//! let client = Client::new(config)?;
//! # Ok(client) }
//! ```
//!
//! # Chat completions
//!
//! ```no_run
//! # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
//! use serde_json::json;
//! let request = json!({ "model": "yi-lightning", "messages": [{ "role": "user", "content": "Hello" }], "temperature": 0.7 });
//! let done = client.chat().create(&request, None).await?;
//! println!("{}", done.text().unwrap_or_default());
//!
//! let mut stream = client.chat().stream(&request, None).await?;
//! while let Some(text) = stream.next_text().await? {
//!     print!("{text}");
//! }
//! let whole = stream.final_completion().await?;
//! println!("{:?} {:?}", whole.choices[0].finish_reason, stream.request_id());
//! # Ok(()) }
//! ```
//!
//! Dropping a stream, or [`ChatStream::cancel`], closes the connection. To cancel from elsewhere,
//! pass the signal of a `web_sys::AbortController`.
//!
//! # Images
//!
//! ```no_run
//! # async fn demo(client: llmwire::Client, png: Vec<u8>) -> Result<(), llmwire::Error> {
//! use llmwire::client::Upload;
//! use serde_json::json;
//! let generated = client.images().generate(&json!({ "model": "gpt-image-1", "prompt": "A kitten", "size": "1024x1024" }), None).await?;
//! for item in &generated.data {
//!     let src = item.src()?; // the URL, or a data: URL built from b64_json: ready for <img src>
//! }
//! let edited = client.images().edit(&[Upload::bytes(png, "cat.png")], None, &json!({ "model": "gpt-image-1", "prompt": "Add a hat" }), None).await?;
//! // An image model on the chat endpoint (APIYI gpt-image-2-vip); `image` takes reference images.
//! let drawn = client.images().generate_via_chat(&json!({ "model": "gpt-image-2-vip", "prompt": "A lighthouse", "size": "2048x1152" }), None).await?;
//! # Ok(()) }
//! ```
//!
//! # Embeddings
//!
//! ```no_run
//! # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
//! use serde_json::json;
//! let result = client.embeddings().create(&json!({ "model": "text-embedding-3-small", "input": ["first", "second"], "encoding_format": "base64" }), None).await?;
//! let vector: &[f32] = &result.data[0].embedding; // base64 is decoded; floats are read as they come
//! # Ok(()) }
//! ```
//!
//! # Models
//!
//! ```no_run
//! # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
//! let models = client.models().list(None).await?;
//! for model in &models.data {
//!     println!("{} by {:?}", model.id, model.owned_by); // 01.AI's `ownedBy` is read too
//! }
//! let yi = client.models().retrieve("yi-large", None).await?;
//! # Ok(()) }
//! ```
//!
//! # Audio transcriptions
//!
//! ```no_run
//! # async fn demo(client: llmwire::Client, mp3: Vec<u8>) -> Result<(), llmwire::Error> {
//! use llmwire::client::{Transcription, Upload};
//! use serde_json::json;
//! let file = Upload::bytes(mp3, "speech.mp3");
//! match client.audio().transcriptions().create(&file, &json!({ "model": "whisper-1", "language": "en" }), None).await? {
//!     Transcription::Json(value) => println!("{}", value["text"]),
//!     Transcription::Text(text) => println!("{text}"), // response_format text, srt or vtt
//! }
//! # Ok(()) }
//! ```
//!
//! # Legacy completions
//!
//! ```no_run
//! # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
//! use serde_json::json;
//! let request = json!({ "model": "gpt-3.5-turbo-instruct", "prompt": "Say hi", "max_tokens": 16 });
//! let done = client.completions().create(&request, None).await?;
//! println!("{}", done.text().unwrap_or_default());
//! let mut stream = client.completions().stream(&request, None).await?;
//! while let Some(text) = stream.next_text().await? {
//!     print!("{text}");
//! }
//! let whole = stream.final_completion().await?;
//! # Ok(()) }
//! ```
//!
//! # Responses
//!
//! ```no_run
//! # async fn demo(client: llmwire::Client) -> Result<(), llmwire::Error> {
//! use serde_json::json;
//! let response = client.responses().create(&json!({ "model": "gpt-4o-mini", "input": "Say hi" }), None).await?;
//! println!("{}", response.output_text);
//! let mut stream = client.responses().stream(&json!({ "model": "gpt-4o-mini", "input": "Say hi" }), None).await?;
//! while let Some(events) = stream.next_items_json().await? {
//!     println!("{events}"); // a JSON array of typed events (`response.output_text.delta`, ...)
//! }
//! let done = stream.final_response().await?;
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! ```no_run
//! # async fn demo(client: llmwire::Client) {
//! use llmwire::Error;
//! match client.models().list(None).await {
//!     Ok(models) => println!("{} models", models.data.len()),
//!     Err(Error::Api(api)) if api.status == Some(401) => println!("check the key"),
//!     Err(Error::Api(api)) => println!("{} (retryable: {})", api.message, api.is_retryable()),
//!     Err(Error::Timeout { message }) => println!("{message}"),
//!     Err(other) => println!("{other}"),
//! }
//! # }
//! ```
mod audio;
mod body_stream;
mod chat;
mod completions;
mod embeddings;
mod event_stream;
mod images;
mod models;
mod request;
mod responses;
mod stream;
mod tools;
mod upload;

pub use audio::{Audio, Transcription, Transcriptions};
pub use body_stream::{BodyStream, StreamDecode};
pub use chat::{Chat, RawResponse};
pub use completions::Completions;
pub use embeddings::Embeddings;
pub use event_stream::{CompletionStream, EventStream, ResponseStream};
pub use images::Images;
pub use models::Models;
pub(crate) use request::Payload;
pub use responses::Responses;
pub use stream::ChatStream;
pub use tools::{ParseError, Parsed, RunOptions, ToolRun};
pub use upload::Upload;

use crate::protocol::call::{Call, Gateway, Next, Phase, ERROR_BODY_LIMIT};
use crate::protocol::error::{ApiError, Error};
use crate::protocol::request::ClientConfig;
use crate::protocol::retry::RetryHints;
use crate::transport::timer::{now_ms, race, random, AbortWatch, Either, LinkedAbort, Sleep};
use crate::transport::{Fetcher, HttpRequest, HttpResponse};
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use web_sys::AbortSignal;

/// A client for one OpenAI-compatible gateway (and its backup base URLs). Cheap to clone; clones
/// share which base URL is healthy.
#[derive(Debug, Clone)]
pub struct Client {
    config: ClientConfig,
    fetcher: Fetcher,
    gateway: Rc<RefCell<Gateway>>,
}

/// A slot taken from the client's limits; dropping it gives the slot back.
#[derive(Debug)]
pub(crate) struct Permit(Rc<RefCell<Gateway>>);

impl Drop for Permit {
    fn drop(&mut self) {
        self.0.borrow_mut().limiter.release();
    }
}

/// A 2xx response and what it took to get it.
#[derive(Debug)]
pub(crate) struct Served {
    pub response: HttpResponse,
    /// The base URL that answered.
    pub base_url: String,
    /// Attempts made, the successful one included.
    pub attempts: u32,
    /// Keeps the request's abort link and time limits for reading the body.
    pub guard: RequestGuard,
}

/// The abort link and time limits of one request, applied to every wait on it.
#[derive(Debug, Default)]
pub(crate) struct RequestGuard {
    /// Held, not read: dropping it frees the client-side slot.
    _permit: Option<Permit>,
    abort: Option<LinkedAbort>,
    call: Option<Call>,
}

impl RequestGuard {
    /// Awaits `fut`, failing with [`Error::Timeout`] (and aborting the request) when the time
    /// limit of `phase` passes first.
    pub async fn limit<T>(&self, fut: impl Future<Output = Result<T, Error>>, phase: Phase) -> Result<T, Error> {
        let Some(limit) = self.call.as_ref().and_then(|c| c.limit(phase, now_ms())) else {
            return fut.await;
        };
        match race(fut, Sleep::new(limit.ms)).await {
            Either::Left(result) => result,
            Either::Right(()) => {
                if let Some(abort) = &self.abort {
                    abort.abort();
                }
                Err(limit.error)
            }
        }
    }

    /// Ends the request's link to the caller's `AbortSignal` and its time limits.
    pub fn release(&mut self) {
        *self = RequestGuard::default();
    }

    /// Awaits the next piece of a streamed body under the idle limit.
    pub async fn idle<T>(&self, fut: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        self.limit(fut, Phase::Idle).await
    }
}

impl Client {
    /// A client using the global `fetch`. Fails on an unusable configuration, and in a browser
    /// page when an API key is set without `dangerously_allow_browser(true)`.
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        config.validate(crate::transport::runtime::is_browser_page())?;
        let gateway = Rc::new(RefCell::new(Gateway::new(&config)));
        Ok(Client { config, fetcher: Fetcher::global(), gateway })
    }

    /// Sends through `fetch` instead of the global one (a test double, an instrumented fetch).
    pub fn with_fetch(mut self, fetch: js_sys::Function) -> Self {
        self.fetcher = Fetcher::custom(fetch);
        self
    }

    /// The configuration in use.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Chat completions (`/chat/completions`).
    pub fn chat(&self) -> Chat<'_> {
        Chat { client: self }
    }

    /// POSTs a JSON body until it gets a 2xx response, retrying and failing over as the
    /// configuration allows, or returns the last error.
    pub(crate) async fn post_json(&self, path: &str, body: &str, stream: bool, signal: Option<&AbortSignal>) -> Result<Served, Error> {
        self.request("POST", path, Payload::Json { body, stream }, signal).await
    }

    /// Sends a request until it gets a 2xx response, retrying and failing over as
    /// [`Call`] decides, or returns the last error.
    pub(crate) async fn request(
        &self,
        method: &str,
        path: &str,
        payload: Payload<'_>,
        signal: Option<&AbortSignal>,
    ) -> Result<Served, Error> {
        let headers = payload.headers(&self.config);
        let json = match payload {
            Payload::Json { body, .. } => Some(body),
            _ => None,
        };
        let mut call = Call::new(&self.config, json, now_ms());
        loop {
            let permit = self.admit(&mut call, signal).await.map_err(|e| self.redact(e))?;
            let url = call.target(&mut self.gateway.borrow_mut(), &self.config, now_ms(), path);
            let guard = RequestGuard { _permit: Some(permit), abort: LinkedAbort::new(signal), call: Some(call.clone()) };
            let request = HttpRequest { method, url: &url, headers: &headers, body: payload.body() };
            let (err, hints) = match self.attempt(&request, &guard).await {
                Ok(response) => {
                    let base_url = call.base_url(&self.config).to_string();
                    return Ok(Served { response, base_url, attempts: call.attempts(), guard });
                }
                Err(failure) => failure,
            };
            let err = if guard.abort.as_ref().is_some_and(LinkedAbort::caller_aborted) { Error::Aborted } else { err };
            drop(guard);
            let decided = call.failed(&mut self.gateway.borrow_mut(), &self.config, &err, &hints, random(), now_ms());
            let Some(delay_ms) = decided else {
                return Err(self.redact(err));
            };
            sleep_unless_aborted(delay_ms, signal).await?;
        }
    }

    /// Waits in the client's queue until the limits allow a request, the deadline passes
    /// ([`Error::Timeout`]) or the caller aborts.
    async fn admit(&self, call: &mut Call, signal: Option<&AbortSignal>) -> Result<Permit, Error> {
        loop {
            let next = call.admit(&mut self.gateway.borrow_mut(), now_ms())?;
            match next {
                Next::Go => return Ok(Permit(self.gateway.clone())),
                Next::Wait(ms) => sleep_unless_aborted(ms, signal).await?,
            }
        }
    }

    /// One attempt: the response if it is 2xx, else the error and what its headers said about
    /// retrying.
    async fn attempt(&self, request: &HttpRequest<'_>, guard: &RequestGuard) -> Result<HttpResponse, (Error, RetryHints)> {
        let signal = guard.abort.as_ref().map(LinkedAbort::signal);
        let sent = guard.limit(self.fetcher.send(request, signal.as_ref()), Phase::Headers).await;
        let response = sent.map_err(|e| (e, RetryHints::default()))?;
        self.gateway.borrow_mut().limiter.observe(|name| response.header(name), now_ms());
        if response.ok() {
            return Ok(response);
        }
        let hints = RetryHints::from_headers(|name| response.header(name), now_ms());
        let body = guard.limit(response.bytes(ERROR_BODY_LIMIT), Phase::ErrorBody).await;
        let api = ApiError::from_response(response.status(), &body.unwrap_or_default(), response.header("x-request-id"));
        Err((api.into(), hints))
    }
    /// Removes the API key from an error's texts.
    pub(crate) fn redact(&self, mut err: Error) -> Error {
        if let Some(key) = self.config.api_key() {
            err.redact(key);
        }
        err
    }

    pub(crate) fn redacted<T>(&self, r: Result<T, Error>) -> Result<T, Error> {
        r.map_err(|e| self.redact(e))
    }
}

/// Waits `ms`, or fails with [`Error::Aborted`] as soon as `signal` aborts.
async fn sleep_unless_aborted(ms: u64, signal: Option<&AbortSignal>) -> Result<(), Error> {
    let Some(signal) = signal else {
        Sleep::new(ms).await;
        return Ok(());
    };
    match race(Sleep::new(ms), AbortWatch::new(signal)).await {
        Either::Left(()) => Ok(()),
        Either::Right(()) => Err(Error::Aborted),
    }
}
