//! Images, the three ways gateways make them: `/images/generations`, `/images/edits`, and image
//! models on `/chat/completions` (APIYI `gpt-image-2-vip`) that answer
//! `{data:[{url|b64_json}], created, usage}` with no `choices`.
//!
//! Every image item carries a `url` or a `b64_json`, and `b64_json` may or may not already start
//! with `data:image/png;base64,`. [`item_src`] turns either into something a page can show;
//! [`item_bytes`] into the bytes and their media type.
//!
//! ```
//! use llmwire::protocol::images;
//! let body = r#"{"data":[{"b64_json":"iVBORw0KGgo="}],"created":1,"usage":{"input_tokens":3,"output_tokens":5,"total_tokens":8}}"#;
//! assert!(images::is_image_result(body));
//! let marked = images::mark_chat_body(body);
//! assert!(marked.starts_with(r#"{"object":"image.generation","choices":[]"#));
//! assert_eq!(images::item_src(None, Some("iVBORw0KGgo=")).unwrap(), "data:image/png;base64,iVBORw0KGgo=");
//! ```

use crate::protocol::error::{snippet_of, Error};
use crate::protocol::json::{self, JsonError, Kind, ObjectWriter, Reader};
use crate::protocol::long_text::{LongText, Sink};
use crate::protocol::media;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The `object` llmwire gives an image result that arrived on the chat endpoint, so code can tell
/// it from a `chat.completion`.
pub const IMAGE_GENERATION_OBJECT: &str = "image.generation";

/// An images response: `/images/generations`, `/images/edits`, or an image model's answer on the
/// chat endpoint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImagesResponse {
    #[serde(default)]
    pub created: Value,
    #[serde(default)]
    pub data: Vec<ImageItem>,
    /// `{input_tokens, output_tokens, total_tokens}` when the gateway reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One generated image: a `url` or a `b64_json` (never usefully both).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImageItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b64_json: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revised_prompt: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ImageItem {
    /// Something an `<img src>` can show: the URL, or a `data:` URL built from `b64_json`.
    ///
    /// ```
    /// use llmwire::protocol::images::ImageItem;
    /// let item = ImageItem { url: Some("https://cdn/x.png".into()), ..Default::default() };
    /// assert_eq!(item.src().unwrap(), "https://cdn/x.png");
    /// assert!(ImageItem::default().src().is_err());
    /// ```
    pub fn src(&self) -> Result<String, Error> {
        item_src(self.url.as_deref(), self.b64_json.as_deref())
    }

    /// The image's bytes and media type, when the item carries them (`b64_json` or a `data:`
    /// URL); `Ok(None)` for a remote URL, which must be fetched.
    pub fn bytes(&self) -> Result<Option<(Vec<u8>, String)>, Error> {
        item_bytes(self.url.as_deref(), self.b64_json.as_deref())
    }
}

fn invalid_argument(message: impl Into<String>) -> Error {
    Error::InvalidArgument { message: message.into() }
}

fn invalid_response(message: String, body: &str) -> Error {
    Error::InvalidResponse { message, snippet: snippet_of(body.as_bytes()) }
}

/// The payload's offset in a `b64_json` value's (trimmed) beginning, and its declared media type,
/// with or without a `data:` prefix.
fn b64_payload(head: &str) -> Result<(Option<&str>, usize), Error> {
    if head.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("data:")) {
        let (mime, payload) =
            media::split_data_url(head).ok_or_else(|| invalid_argument("b64_json starts with data: but is not a base64 data URL"))?;
        return Ok((Some(mime).filter(|m| !m.is_empty()), head.len() - payload.len()));
    }
    Ok((None, 0))
}

fn neither() -> Error {
    invalid_argument("an image item needs a url or a b64_json, and this one has neither")
}

/// A text that is there and not blank.
fn given(text: Option<&dyn LongText>) -> Option<&dyn LongText> {
    text.filter(|t| !t.head().is_empty())
}

/// What an `<img src>` shows for an image item, as [`item_src_of`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Src {
    /// The item's `url`, as it is.
    Url,
    /// The item's `b64_json`, as it is: a `data:` URL already.
    B64,
    /// `prefix` and then the item's `b64_json` from byte `at`: a `data:` URL made of bare base64.
    Prefixed { prefix: String, at: usize },
}

/// [`item_src`] for texts that may be too long to copy (each given trimmed): which of them an
/// `<img src>` shows, and how. The base64 is checked.
pub fn item_src_of(url: Option<&dyn LongText>, b64_json: Option<&dyn LongText>) -> Result<Src, Error> {
    if given(url).is_some() {
        return Ok(Src::Url);
    }
    let b64 = given(b64_json).ok_or_else(neither)?;
    let (declared, at) = b64_payload(b64.head())?;
    b64.base64(at, None).map_err(|e| invalid_argument(format!("b64_json is not valid base64: {e}")))?;
    if declared.is_some() {
        return Ok(Src::B64);
    }
    let mime = media::sniff_base64(b64.head().get(at..).unwrap_or_default()).filter(|m| m.starts_with("image/")).unwrap_or("image/png");
    Ok(Src::Prefixed { prefix: crate::cat!("data:", mime, ";base64,"), at })
}

/// A displayable source for an image item: its `url`, or a `data:` URL made from `b64_json`
/// (kept as it is when it already has the `data:image/...;base64,` prefix). The base64 is
/// validated; an item with neither field is an [`Error::InvalidArgument`].
pub fn item_src(url: Option<&str>, b64_json: Option<&str>) -> Result<String, Error> {
    let (url, b64) = (url.map(str::trim), b64_json.map(str::trim).unwrap_or_default());
    Ok(match item_src_of(url.as_ref().map(|u| u as &dyn LongText), Some(&b64))? {
        Src::Url => url.unwrap_or_default().to_string(),
        Src::B64 => b64.to_string(),
        Src::Prefixed { prefix, at } => prefix + b64.get(at..).unwrap_or_default(),
    })
}

/// [`item_bytes`] for texts that may be too long to copy (each given trimmed): hands the decoded
/// bytes to `out` in pieces and returns their media type, or `Ok(None)` for a remote URL.
pub fn item_bytes_of(url: Option<&dyn LongText>, b64_json: Option<&dyn LongText>, out: Sink<'_>) -> Result<Option<String>, Error> {
    let source = match (given(url), given(b64_json)) {
        (Some(u), _) if media::split_data_url(u.head()).is_some() => u,
        (Some(_), _) => return Ok(None),
        (None, Some(b)) => b,
        (None, None) => return Err(neither()),
    };
    let (declared, at) = b64_payload(source.head())?;
    source.base64(at, Some(out)).map_err(|e| invalid_argument(format!("the image data is not valid base64: {e}")))?;
    let mime = declared.or_else(|| media::sniff_base64(source.head().get(at..).unwrap_or_default())).unwrap_or("image/png");
    Ok(Some(mime.to_string()))
}

/// The bytes and media type of an image item that carries them: `b64_json` (with or without a
/// prefix) or a `data:` URL in `url`. `Ok(None)` for a remote URL.
pub fn item_bytes(url: Option<&str>, b64_json: Option<&str>) -> Result<Option<(Vec<u8>, String)>, Error> {
    let mut bytes = Vec::new();
    let (url, b64) = (url.map(str::trim), b64_json.map(str::trim));
    let (url, b64) = (url.as_ref().map(|t| t as &dyn LongText), b64.as_ref().map(|t| t as &dyn LongText));
    let mime = item_bytes_of(url, b64, &mut |piece| bytes.extend_from_slice(piece))?;
    Ok(mime.map(|mime| (bytes, mime)))
}

/// Checks an images response: a JSON object whose `data` is an array of items that each carry a
/// non-empty `url` or `b64_json`. Other members (usage, revised prompts, extras) are kept by the
/// caller, who returns the body as it came.
pub fn check_images_response(body: &str) -> Result<(), Error> {
    let members = json::members(body).map_err(|e| invalid_response(format!("expected an images response: {e}"), body))?;
    let data = members
        .iter()
        .find(|(k, _)| k == "data")
        .map(|(_, raw)| *raw)
        .ok_or_else(|| invalid_response("expected an images response with a data array".into(), body))?;
    let mut r = Reader::new(data);
    let mut index = 0usize;
    let mut problem: Option<String> = None;
    let parsed = r.array(|r| {
        let (mut url, mut b64) = (false, false);
        if r.peek()? != Kind::Object {
            problem.get_or_insert_with(|| format!("image {index} is not an object"));
            r.skip()?;
        } else {
            r.object(|key, r| {
                let raw = r.raw()?;
                let filled = json::raw_str(raw).is_some_and(|s| !s.trim().is_empty());
                match key.as_ref() {
                    "url" => url = filled,
                    "b64_json" => b64 = filled,
                    _ => {}
                }
                Ok(())
            })?;
            if !url && !b64 {
                problem.get_or_insert_with(|| format!("image {index} has neither a url nor a b64_json"));
            }
        }
        index += 1;
        Ok(())
    });
    if parsed.is_err() {
        return Err(invalid_response("the data member of an images response must be an array".into(), body));
    }
    match problem {
        Some(message) => Err(invalid_response(message, body)),
        None => Ok(()),
    }
}

/// Whether a chat endpoint's body is an image model's answer: an object with a `data` array and
/// no `choices`.
pub fn is_image_result(body: &str) -> bool {
    let Ok(members) = json::members(body) else { return false };
    !members.iter().any(|(k, _)| k == "choices") && members.iter().any(|(k, raw)| k == "data" && raw.starts_with('['))
}

/// Rewrites an image result from the chat endpoint with `object: "image.generation"` and an
/// empty `choices`, keeping every member it had.
pub fn mark_image_result(body: &str) -> Result<String, JsonError> {
    let members = json::members(body)?;
    let mut out = String::with_capacity(body.len() + 48);
    let mut w = ObjectWriter::new(&mut out);
    w.str("object", IMAGE_GENERATION_OBJECT).raw("choices", "[]");
    for (key, raw) in &members {
        if key != "object" && key != "choices" {
            w.raw(key, raw);
        }
    }
    w.finish();
    Ok(out)
}

/// A chat endpoint's body, marked with [`mark_image_result`] when it is an image result and
/// returned unchanged (borrowed) otherwise.
pub fn mark_chat_body(body: &str) -> Cow<'_, str> {
    match is_image_result(body).then(|| mark_image_result(body).ok()).flatten() {
        Some(marked) => Cow::Owned(marked),
        None => Cow::Borrowed(body),
    }
}

/// Builds the chat request of `images.generateViaChat`: `prompt` becomes a user message (with an
/// `image_url` part per reference image in `image`, a URL/data URL or an array of them), appended
/// to `messages` for multi-turn refinement. `stream` is dropped (the models answer in one piece);
/// every other member (`model`, `size`, ...) passes through. The prompt's message comes last,
/// its image parts in the order of `image`: the package's facade sends stand-ins (`messages: []`,
/// short URLs) and puts the history and the images in that way, so they never enter wasm memory.
///
/// ```
/// use llmwire::protocol::images::via_chat_request;
/// let body = via_chat_request(r#"{"model":"gpt-image-2-vip","prompt":"a cat","size":"1280x720"}"#).unwrap();
/// assert_eq!(body, r#"{"model":"gpt-image-2-vip","size":"1280x720","messages":[{"role":"user","content":"a cat"}]}"#);
/// ```
pub fn via_chat_request(params: &str) -> Result<String, Error> {
    let members = json::members(params).map_err(|e| invalid_argument(format!("generateViaChat expects a params object: {e}")))?;
    let mut prompt = None;
    let mut images: Vec<String> = Vec::new();
    let mut messages = None;
    let mut out = String::with_capacity(params.len() + 64);
    let mut w = ObjectWriter::new(&mut out);
    for (key, raw) in &members {
        match key.as_ref() {
            "prompt" if *raw != "null" => {
                prompt = Some(json::raw_str(raw).ok_or_else(|| invalid_argument("prompt must be a string"))?);
            }
            "image" | "images" if *raw != "null" => collect_images(raw, &mut images)?,
            "messages" if *raw != "null" => {
                if !raw.starts_with('[') {
                    return Err(invalid_argument("messages must be an array"));
                }
                messages = Some(*raw);
            }
            "prompt" | "image" | "images" | "messages" | "stream" | "stream_options" => {}
            _ => {
                w.raw(key, raw);
            }
        }
    }
    if !members.iter().any(|(k, raw)| k == "model" && json::raw_str(raw).is_some()) {
        return Err(invalid_argument("model must be a string"));
    }
    if prompt.is_none() && messages.is_none() {
        return Err(invalid_argument("generateViaChat needs a prompt, or messages"));
    }
    if prompt.is_none() && !images.is_empty() {
        return Err(invalid_argument("reference images need a prompt saying what to do with them"));
    }
    let buf = w.key("messages");
    match messages {
        Some(history) => {
            let inner = history.get(1..history.len() - 1).unwrap_or_default().trim();
            buf.push('[');
            buf.push_str(inner);
            if prompt.is_some() && !inner.is_empty() {
                buf.push(',');
            }
        }
        None => buf.push('['),
    }
    if let Some(prompt) = &prompt {
        let mut m = ObjectWriter::new(buf);
        m.str("role", "user");
        if images.is_empty() {
            m.str("content", prompt);
        } else {
            let parts = m.key("content");
            parts.push('[');
            let mut text = ObjectWriter::new(parts);
            text.str("type", "text").str("text", prompt);
            text.finish();
            for url in &images {
                parts.push(',');
                parts.push_str(&crate::protocol::multimodal::image_part(url, None)?);
            }
            parts.push(']');
        }
        m.finish();
    }
    buf.push(']');
    w.finish();
    Ok(out)
}

fn collect_images(raw: &str, out: &mut Vec<String>) -> Result<(), Error> {
    let one = |raw: &str, out: &mut Vec<String>| -> Result<(), Error> {
        let s = json::raw_str(raw).ok_or_else(|| invalid_argument("image must be a URL, a data URL, or an array of them"))?;
        out.push(crate::protocol::multimodal::image_url(&s)?.into_owned());
        Ok(())
    };
    if !raw.starts_with('[') {
        return one(raw, out);
    }
    let mut items = Vec::new();
    Reader::new(raw)
        .array(|r| {
            items.push(r.raw()?);
            Ok(())
        })
        .map_err(|e| invalid_argument(format!("image: {e}")))?;
    items.into_iter().try_for_each(|item| one(item, out))
}

/// The answer to `images.generateViaChat`: an image result, checked like an images response. A
/// chat completion (the model answered in words) is an [`Error::InvalidResponse`] quoting it.
pub fn via_chat_result(body: &str) -> Result<(), Error> {
    if is_image_result(body) {
        return check_images_response(body);
    }
    let text = json::members(body)
        .ok()
        .and_then(|m| m.into_iter().find(|(k, _)| k == "choices").map(|(_, raw)| raw))
        .map(|choices| snippet_of(choices.as_bytes()))
        .unwrap_or_else(|| snippet_of(body.as_bytes()));
    Err(Error::InvalidResponse { message: "the model answered with text, not an image".into(), snippet: text })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::base64;

    const PNG_B64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    #[test]
    fn src_from_url_b64_and_prefixed_b64() {
        assert_eq!(item_src(Some("https://cdn/x.png"), None).unwrap(), "https://cdn/x.png");
        assert_eq!(item_src(Some(" "), Some(PNG_B64)).unwrap(), format!("data:image/png;base64,{PNG_B64}"));
        let prefixed = format!("data:image/png;base64,{PNG_B64}");
        assert_eq!(item_src(None, Some(&prefixed)).unwrap(), prefixed, "an existing prefix is not doubled");
        let jpeg = base64::encode(b"\xff\xd8\xff\xe0\0\x10JFIF\0");
        assert!(item_src(None, Some(&jpeg)).unwrap().starts_with("data:image/jpeg;base64,"));
    }

    #[test]
    fn src_errors_are_invalid_arguments() {
        for (url, b64) in [
            (None, None),
            (Some(""), Some("")),
            (None, Some("not base64!")),
            (None, Some("data:image/png;base64,@@@@")),
            (None, Some("data:nonsense")),
        ] {
            let err = item_src(url, b64).unwrap_err();
            assert_eq!(err.class_name(), "InvalidArgumentError", "{url:?} {b64:?}: {err}");
        }
        assert!(item_src(None, None).unwrap_err().to_string().contains("neither"));
        assert!(item_src(None, Some("iVBOR!")).unwrap_err().to_string().contains("not valid base64"));
    }

    #[test]
    fn bytes_from_each_form() {
        let (bytes, mime) = item_bytes(None, Some(PNG_B64)).unwrap().unwrap();
        assert!(bytes.starts_with(b"\x89PNG"));
        assert_eq!(mime, "image/png");
        let (_, mime) = item_bytes(Some("data:image/webp;base64,UklGRg=="), None).unwrap().unwrap();
        assert_eq!(mime, "image/webp");
        let (_, mime) = item_bytes(None, Some(&format!("data:image/png;base64,{PNG_B64}"))).unwrap().unwrap();
        assert_eq!(mime, "image/png");
        assert!(item_bytes(Some("https://cdn/x.png"), None).unwrap().is_none());
        assert!(item_bytes(None, Some("Zg=Zg")).is_err());
        assert!(item_bytes(None, None).is_err());
    }

    #[test]
    fn images_response_checks() {
        assert!(check_images_response(r#"{"created":1,"data":[{"url":"u"},{"b64_json":"AAAA","revised_prompt":"p"}]}"#).is_ok());
        assert!(check_images_response(r#"{"created":1,"data":[]}"#).is_ok());
        let err = check_images_response(r#"{"created":1,"data":[{"url":"u"},{"revised_prompt":"p"}]}"#).unwrap_err();
        assert_eq!(err.class_name(), "InvalidResponseError");
        assert!(err.to_string().contains("image 1 has neither"), "{err}");
        assert!(check_images_response(r#"{"data":[{"url":""}]}"#).is_err());
        assert!(check_images_response(r#"{"data":[3]}"#).unwrap_err().to_string().contains("image 0 is not an object"));
        assert!(check_images_response(r#"{"data":{}}"#).is_err());
        assert!(check_images_response(r#"{"created":1}"#).is_err());
        assert!(check_images_response("[]").is_err());
        // Only whether a url or b64_json is blank is read: the package checks long ones as "x".
        for blank in [r#"" ""#, r#""\u0085\t""#] {
            assert!(check_images_response(&format!(r#"{{"data":[{{"b64_json":{blank}}}]}}"#)).is_err(), "{blank}");
        }
        let long = format!(r#"{{"data":[{{"b64_json":"{PNG_B64}","url":"data:image/png;base64,{PNG_B64}"}}]}}"#);
        assert_eq!(check_images_response(&long).is_ok(), check_images_response(r#"{"data":[{"b64_json":"x","url":"x"}]}"#).is_ok());
        assert!(via_chat_result(&long).is_ok() && via_chat_result(r#"{"data":[{"b64_json":"x"}]}"#).is_ok());
    }

    #[test]
    fn chat_image_results_are_marked() {
        let seed = r#"{"data":[{"url":"https://r2cdn.copilotbase.com/x.png"}],"created":1778037331,"usage":{"input_tokens":30,"output_tokens":2074,"total_tokens":2104}}"#;
        assert!(is_image_result(seed));
        let marked: serde_json::Value = serde_json::from_str(&mark_chat_body(seed)).unwrap();
        assert_eq!(marked["object"], IMAGE_GENERATION_OBJECT);
        assert_eq!(marked["choices"], serde_json::json!([]));
        assert_eq!(marked["usage"]["output_tokens"], 2074);
        assert_eq!(marked["data"][0]["url"], "https://r2cdn.copilotbase.com/x.png");
        let chat = r#"{"object":"chat.completion","choices":[],"data":[]}"#;
        assert_eq!(mark_chat_body(chat), chat, "a body with choices is a chat completion");
        assert_eq!(mark_chat_body("not json"), "not json");
        assert!(!is_image_result(r#"{"data":"x"}"#));
    }

    #[test]
    fn via_chat_builds_text_edit_and_multi_turn_requests() {
        let v = |s: &str| serde_json::from_str::<serde_json::Value>(&via_chat_request(s).unwrap()).unwrap();
        let edit = v(
            r#"{"model":"gpt-image-2-vip","prompt":"watercolor","image":["https://x/p.png","data:image/png;base64,AAAA"],"stream":true}"#,
        );
        assert_eq!(edit["stream"], serde_json::Value::Null);
        let content = &edit["messages"][0]["content"];
        assert_eq!(content[0], serde_json::json!({"type":"text","text":"watercolor"}));
        assert_eq!(content[1]["image_url"]["url"], "https://x/p.png");
        assert_eq!(content[2]["image_url"]["url"], "data:image/png;base64,AAAA");
        let bare = v(&format!(r#"{{"model":"m","prompt":"p","image":"{PNG_B64}"}}"#));
        assert!(bare["messages"][0]["content"][1]["image_url"]["url"].as_str().unwrap().starts_with("data:image/png;base64,iVBOR"));

        let turn = v(
            r#"{"model":"m","messages":[{"role":"user","content":"a cat"},{"role":"assistant","content":"done"}],"prompt":"make it blue"}"#,
        );
        assert_eq!(turn["messages"].as_array().unwrap().len(), 3);
        assert_eq!(turn["messages"][2], serde_json::json!({"role":"user","content":"make it blue"}));
        let only_history = v(r#"{"model":"m","messages":[{"role":"user","content":"a cat"}]}"#);
        assert_eq!(only_history["messages"].as_array().unwrap().len(), 1);
        let empty_history = v(r#"{"model":"m","messages":[],"prompt":"x"}"#);
        assert_eq!(empty_history["messages"], serde_json::json!([{"role":"user","content":"x"}]));
    }

    #[test]
    fn via_chat_rejects_unusable_params() {
        for bad in [
            r#"{"prompt":"x"}"#,
            r#"{"model":"m"}"#,
            r#"{"model":"m","prompt":5}"#,
            r#"{"model":"m","prompt":"x","image":5}"#,
            r#"{"model":"m","prompt":"x","image":"ftp://x"}"#,
            r#"{"model":"m","image":"https://x/y.png","messages":[]}"#,
            r#"{"model":"m","messages":"hi"}"#,
            "[]",
        ] {
            assert_eq!(via_chat_request(bad).unwrap_err().class_name(), "InvalidArgumentError", "{bad}");
        }
    }

    #[test]
    fn via_chat_result_wants_images() {
        assert!(via_chat_result(r#"{"data":[{"url":"u"}],"created":1}"#).is_ok());
        let err = via_chat_result(r#"{"choices":[{"message":{"content":"I cannot draw"}}]}"#).unwrap_err();
        assert!(format!("{err}").contains("I cannot draw"));
        assert!(via_chat_result(r#"{"data":[{}]}"#).is_err());
    }

    #[test]
    fn typed_items() {
        let r: ImagesResponse = serde_json::from_str(r#"{"created":1,"data":[{"url":"u","x":1}],"usage":{"total_tokens":3}}"#).unwrap();
        assert_eq!(r.data[0].src().unwrap(), "u");
        assert_eq!(r.data[0].extra["x"], 1);
    }
}
