//! Every endpoint besides chat, on `WasmClient`: images, embeddings, models, audio, legacy
//! completions and Responses. Non-streamed results resolve to JSON text
//! `{"body": <result>, "baseURL", "attempts", "requestId"}` like `chatCreate`.
use super::client::{with_meta, WasmClient};
use super::errors;
use super::event_stream::WasmEventStream;
use super::form::form_from_params;
use crate::client::{EventStream, RawResponse};
use crate::protocol::audio::ResponseFormat;
use crate::protocol::error::Error;
use crate::protocol::multipart;
use js_sys::{Array, Float32Array, Promise, Reflect, Uint32Array};
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

/// A request that resolves to a raw response. Boxed, so the promise plumbing exists once in the
/// wasm module rather than once per method.
type RawCall = Pin<Box<dyn Future<Output = Result<RawResponse, Error>>>>;

/// Runs a request as a promise of its JSON text with metadata.
fn raw_promise(call: RawCall) -> Promise {
    future_to_promise(async move {
        match call.await {
            Ok(raw) => Ok(JsValue::from_str(&with_meta(&raw))),
            Err(e) => Err(errors::to_js(&e, None)),
        }
    })
}

/// Runs a request that opens a stream, as a promise of a `WasmEventStream`.
fn stream_promise(call: Pin<Box<dyn Future<Output = Result<EventStream, Error>>>>) -> Promise {
    future_to_promise(async move {
        match call.await {
            Ok(stream) => Ok(WasmEventStream::wrap(stream).into()),
            Err(e) => Err(errors::to_js(&e, None)),
        }
    })
}

#[wasm_bindgen]
impl WasmClient {
    /// POST /images/generations.
    #[wasm_bindgen(js_name = imagesGenerate)]
    pub fn images_generate(&self, body: String, signal: Option<AbortSignal>) -> Promise {
        let c = self.inner.clone();
        raw_promise(Box::pin(async move { c.images().generate_raw(&body, signal.as_ref()).await }))
    }

    /// POST /images/edits as multipart; `params` is the JS params object (files included).
    #[wasm_bindgen(js_name = imagesEdit)]
    pub fn images_edit(&self, params: JsValue, signal: Option<AbortSignal>) -> Promise {
        let c = self.inner.clone();
        raw_promise(Box::pin(async move {
            let form = form_from_params(&params, multipart::IMAGE_EDIT_FILES, "images.edit").await?;
            c.images().edit_form(&form, signal.as_ref()).await
        }))
    }

    /// An image model on POST /chat/completions; `params` is JSON text with `prompt`, `image`
    /// (URLs or data URLs), `messages`, `size`, ...
    #[wasm_bindgen(js_name = imagesGenerateViaChat)]
    pub fn images_generate_via_chat(&self, params: String, signal: Option<AbortSignal>) -> Promise {
        let c = self.inner.clone();
        raw_promise(Box::pin(async move { c.images().generate_via_chat_raw(&params, signal.as_ref()).await }))
    }

    /// POST /embeddings; resolves to `[metaJSON, Float32Array, Uint32Array]`: the response with
    /// `null` for each base64 vector, those vectors decoded one after another, and their lengths.
    #[wasm_bindgen(js_name = embeddingsCreate)]
    pub fn embeddings_create(&self, body: String, signal: Option<AbortSignal>) -> Promise {
        let client = self.inner.clone();
        future_to_promise(async move {
            match client.embeddings().create_raw(&body, signal.as_ref()).await {
                Ok((mut raw, decoded)) => {
                    raw.body = decoded.json;
                    let vectors = Float32Array::from(decoded.vectors.as_slice());
                    let lengths: Vec<u32> = decoded.lengths.iter().map(|n| u32::try_from(*n).unwrap_or(u32::MAX)).collect();
                    Ok(Array::of3(&JsValue::from_str(&with_meta(&raw)), &vectors, &Uint32Array::from(lengths.as_slice())).into())
                }
                Err(e) => Err(errors::to_js(&e, None)),
            }
        })
    }

    /// GET /models.
    #[wasm_bindgen(js_name = modelsList)]
    pub fn models_list(&self, signal: Option<AbortSignal>) -> Promise {
        let c = self.inner.clone();
        raw_promise(Box::pin(async move { c.models().list_raw(signal.as_ref()).await }))
    }

    /// GET /models/{id}.
    #[wasm_bindgen(js_name = modelsRetrieve)]
    pub fn models_retrieve(&self, id: String, signal: Option<AbortSignal>) -> Promise {
        let c = self.inner.clone();
        raw_promise(Box::pin(async move { c.models().retrieve_raw(&id, signal.as_ref()).await }))
    }

    /// POST /audio/transcriptions as multipart; the body is an object or a string by
    /// `response_format`.
    #[wasm_bindgen(js_name = audioTranscriptionsCreate)]
    pub fn audio_transcriptions_create(&self, params: JsValue, signal: Option<AbortSignal>) -> Promise {
        let c = self.inner.clone();
        raw_promise(Box::pin(async move {
            let asked = Reflect::get(&params, &JsValue::from_str("response_format")).ok().filter(|v| !v.is_undefined() && !v.is_null());
            let format = match asked {
                None => ResponseFormat::Json,
                Some(v) => match v.as_string() {
                    Some(s) => ResponseFormat::parse(Some(&s))?,
                    None => return Err(Error::InvalidArgument { message: "response_format must be a string".into() }),
                },
            };
            let form = form_from_params(&params, multipart::TRANSCRIPTION_FILES, "audio.transcriptions.create").await?;
            c.audio().transcriptions().create_form(&form, format, signal.as_ref()).await
        }))
    }

    /// POST /completions without streaming.
    #[wasm_bindgen(js_name = completionsCreate)]
    pub fn completions_create(&self, body: String, signal: Option<AbortSignal>) -> Promise {
        let c = self.inner.clone();
        raw_promise(Box::pin(async move { c.completions().create_raw(&body, signal.as_ref()).await }))
    }

    /// POST /completions with `stream: true`; resolves to a `WasmEventStream`.
    #[wasm_bindgen(js_name = completionsStream)]
    pub fn completions_stream(&self, body: String, signal: Option<AbortSignal>) -> Promise {
        let client = self.inner.clone();
        stream_promise(Box::pin(async move { Ok(client.completions().stream_raw(&body, signal.as_ref()).await?.into_inner()) }))
    }

    /// POST /responses without streaming; the body gets `output_text`.
    #[wasm_bindgen(js_name = responsesCreate)]
    pub fn responses_create(&self, body: String, signal: Option<AbortSignal>) -> Promise {
        let c = self.inner.clone();
        raw_promise(Box::pin(async move { c.responses().create_raw(&body, signal.as_ref()).await }))
    }

    /// POST /responses with `stream: true`; resolves to a `WasmEventStream` of typed events.
    #[wasm_bindgen(js_name = responsesStream)]
    pub fn responses_stream(&self, body: String, signal: Option<AbortSignal>) -> Promise {
        let client = self.inner.clone();
        stream_promise(Box::pin(async move { Ok(client.responses().stream_raw(&body, signal.as_ref()).await?.into_inner()) }))
    }
}
