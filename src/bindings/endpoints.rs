//! `WasmEndpoints`: what each endpoint besides chat checks before sending and makes of the
//! answer, and the decoders of their streams. In the extras module, which the default entry loads
//! on the first call to one of them; `transport.js` sends and reads.
use super::decoder::{decoder_class, Decoding};
use super::settings::Settings;
use crate::protocol::audio::{transcription_result, ResponseFormat};
use crate::protocol::completions::CompletionsProtocol;
use crate::protocol::embeddings::{decode_embeddings, decode_one};
use crate::protocol::endpoint::Endpoint;
use crate::protocol::error::{check_json_object, Error};
use crate::protocol::event_stream::EventStreamDecoder;
use crate::protocol::responses::ResponsesProtocol;
use crate::protocol::{media, multipart};
use js_sys::{Array, Float32Array};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The endpoint numbered `id` (pkg-template/transport.js `ENDPOINT`); chat is `WasmSession`'s.
fn endpoint(id: u8) -> Result<Endpoint, Error> {
    Endpoint::from_id(id).ok_or_else(|| Error::InvalidArgument { message: "unknown endpoint".into() })
}

fn file_fields(id: u8) -> &'static [multipart::FileField] {
    if id == 0 {
        multipart::IMAGE_EDIT_FILES
    } else {
        multipart::TRANSCRIPTION_FILES
    }
}

/// A client's rules for the endpoints besides chat, built from the same options as its
/// `WasmSession` (for the key to redact and the event size limit).
#[wasm_bindgen]
pub struct WasmEndpoints {
    settings: Rc<Settings>,
}

decoder_class!(
    /// One streamed legacy completion or response (`WasmEndpoints.decoder`).
    WasmEventDecoder
);

#[wasm_bindgen]
impl WasmEndpoints {
    /// `options` is the JS options object as JSON text, as for `WasmSession`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str, browser: bool) -> Result<WasmEndpoints, JsValue> {
        Ok(WasmEndpoints { settings: Rc::new(Settings::from_options(options, browser)?) })
    }

    /// A decoder for a stream of `endpoint` (4 legacy completions, 5 Responses).
    pub fn decoder(&self, endpoint: u8) -> WasmEventDecoder {
        let limit = self.settings.config.max_event_bytes();
        let inner: Box<dyn crate::protocol::decode::StreamDecode> = if endpoint == 4 {
            Box::new(EventStreamDecoder::with_max_event_bytes(CompletionsProtocol::default(), limit))
        } else {
            Box::new(EventStreamDecoder::with_max_event_bytes(ResponsesProtocol::default(), limit))
        };
        WasmEventDecoder(Decoding::new(inner, Some(self.settings.clone())))
    }

    /// The members of a request to `endpoint` that [`prepare`](Self::prepare) reads, as a JSON
    /// array, when it sends the body as it is (undefined: it reads the whole body): the facade
    /// hands it those members only, so a long input never enters wasm memory.
    pub fn members(&self, id: u8) -> Option<String> {
        Endpoint::from_id(id)?.checked().map(|c| super::names_json(c.members()))
    }

    /// Checks a request body (JSON text) for `endpoint` and returns what to send instead, if
    /// anything (undefined: the body as it is): an image model's chat request, or for the model
    /// endpoint (`body` the id) the path.
    pub fn prepare(&self, id: u8, body: &str) -> Result<Option<String>, JsValue> {
        endpoint(id).and_then(|e| e.prepare(body)).map(super::rewritten).map_err(|e| self.settings.error(e, None))
    }

    /// Checks a 2xx body of `endpoint`; returns the result's JSON text when it differs from the
    /// body (undefined: the body is the result).
    pub fn finish(&self, id: u8, text: &str, status: u16) -> Result<Option<String>, JsValue> {
        endpoint(id).and_then(|e| e.finish(text, status)).map(super::rewritten).map_err(|e| self.settings.error(e, None))
    }

    /// Checks the shape of an embeddings body that the facade parsed: `text` is the body with
    /// each vector as `[]` (or the body itself when it is not JSON); its vectors are checked
    /// one at a time by `embeddingVector`, so the response never enters wasm memory whole.
    #[wasm_bindgen(js_name = embeddingsShape)]
    pub fn embeddings_shape(&self, text: &str, status: u16) -> Result<(), JsValue> {
        check_json_object(text, status).and_then(|()| decode_embeddings(text)).map(|_| ()).map_err(|e| self.settings.error(e, None))
    }

    /// One vector of an embeddings body (`raw`, its JSON value; `i`, its position; `first`, the
    /// first vector's number of values): its values when it is base64, undefined when it is a
    /// number array.
    #[wasm_bindgen(js_name = embeddingVector)]
    pub fn embedding_vector(&self, i: u32, raw: &str, first: Option<u32>) -> Result<Option<Float32Array>, JsValue> {
        let decoded = decode_one(raw, i as usize, first.map(|n| n as usize)).map_err(|e| self.settings.error(e, None))?;
        Ok(decoded.map(|values| Float32Array::from(values.as_slice())))
    }

    /// The names of a multipart request's file parameters (`form` 0 image edits, 1 transcriptions)
    /// as JSON text.
    #[wasm_bindgen(js_name = formFiles)]
    pub fn form_files(&self, form: u8) -> String {
        super::names_json(file_fields(form).iter().map(|f| f.name))
    }

    /// The text fields of a multipart request (`form` 0 image edits,
    /// 1 transcriptions) from its params without the files (JSON text), checked with what was
    /// given for each file parameter (`files`: JSON text of an object, a name to the length of an
    /// array of files, or -1 for one file; absent for none): JSON text
    /// `{"text": [[name, value], ...], "format": <response_format, if given>}`.
    #[wasm_bindgen(js_name = formPlan)]
    pub fn form_plan(&self, form: u8, params: &str, files: &str) -> Result<String, JsValue> {
        self.form_plan_inner(form, params, files).map_err(|e| self.settings.error(e, None))
    }

    /// A transcription body (`format` the requested `response_format`) as the result's JSON text.
    pub fn transcription(&self, format: Option<String>, text: &str, status: u16, declared_json: bool) -> Result<String, JsValue> {
        let result = ResponseFormat::parse(format.as_deref()).and_then(|f| transcription_result(f, text, declared_json));
        result.map_err(|e| {
            let e = match e {
                Error::Api(mut api) => {
                    api.status = Some(status);
                    Error::Api(api)
                }
                other => other,
            };
            self.settings.error(e, None)
        })
    }
}

impl WasmEndpoints {
    fn form_plan_inner(&self, form: u8, params: &str, files: &str) -> Result<String, Error> {
        let spec = file_fields(form);
        multipart::check_required(params, multipart::required_text(spec))?;
        let mut given = Vec::new();
        let mut r = crate::protocol::json::Reader::new(files);
        r.object(|name, r| {
            let list = r.index()?.map(|n| multipart::Given::List(usize::try_from(n).unwrap_or(usize::MAX)));
            given.push((name.into_owned(), list.unwrap_or(multipart::Given::One)));
            Ok(())
        })
        .map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
        multipart::check_files(spec, |name| given.iter().find(|(n, _)| n == name).map_or(multipart::Given::Nothing, |(_, g)| *g))?;
        let mut format = None;
        if form == 1 {
            let mut bad = false;
            let mut r = crate::protocol::json::Reader::new(params);
            r.object(|k, r| {
                if k != "response_format" || r.peek()? == crate::protocol::json::Kind::Null {
                    return r.skip();
                }
                match r.string() {
                    Ok(s) => format = Some(s.into_owned()),
                    Err(_) => bad = true,
                }
                Ok(())
            })
            .map_err(|e| Error::InvalidArgument { message: e.to_string() })?;
            if bad {
                return Err(Error::InvalidArgument { message: "response_format must be a string".into() });
            }
            ResponseFormat::parse(format.as_deref())?;
        }
        let mut out = String::from("{\"text\":");
        crate::protocol::json::write_pairs(&mut out, &multipart::text_fields(params, &[])?);
        if let Some(f) = format {
            out.push_str(",\"format\":");
            crate::protocol::json::write_str(&mut out, &f);
        }
        out.push('}');
        Ok(out)
    }
}

/// The media type and file name to send an upload with: `[type, name]`, from its declared type,
/// first bytes (`head`) and name; throws when none of them tells what the file is.
#[wasm_bindgen(js_name = describeUpload)]
pub fn describe_upload(field: &str, declared: Option<String>, head: &[u8], name: Option<String>) -> Result<Array, JsValue> {
    let (mime, filename) =
        media::describe_upload(field, declared.as_deref(), head, name.as_deref()).map_err(|e| super::errors::to_js(&e, None))?;
    Ok(Array::of2(&JsValue::from_str(&mime), &JsValue::from_str(&filename)))
}
