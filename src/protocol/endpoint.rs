//! Each JSON endpoint's rules, for both I/O loops (the Rust client and the npm package's
//! `transport.js`): what is checked, or rewritten, before a request is sent, and what a 2xx body
//! must be and becomes. Multipart endpoints (image edits, transcriptions) and streams have their
//! own modules.
//!
//! Both take the text by reference and give it back borrowed when it passes unchanged, so a long
//! conversation or answer is not copied (the npm package hands JavaScript nothing back then).
//!
//! ```
//! use llmwire::protocol::endpoint::Endpoint;
//! use std::borrow::Cow;
//! let body = r#"{"model":"m","messages":[],"temperature":0.5}"#;
//! assert!(matches!(Endpoint::Chat.prepare(body), Ok(Cow::Borrowed(b)) if b == body));
//! assert!(Endpoint::Chat.prepare(r#"{"model":"m","messages":[],"temperature":7}"#).is_err());
//! let done = Endpoint::Chat.finish(r#"{"data":[{"url":"https://x/a.png"}],"created":1}"#, 200).unwrap();
//! assert!(done.contains(r#""object":"image.generation""#)); // an image model on the chat endpoint
//! assert_eq!(Endpoint::Model.prepare("yi-large").unwrap(), "/models/yi-large");
//! assert!(Endpoint::Models.finish(r#"{"error":{"message":"no"}}"#, 200).is_err());
//! ```
use super::error::{check_json_object, Error};
use super::models::{model_path, normalize_model, normalize_model_list};
use super::params::Checked;
use super::{images, responses};
use std::borrow::Cow;

/// A JSON endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /chat/completions`.
    Chat,
    /// `POST /images/generations`.
    Images,
    /// An image model on `POST /chat/completions` (the body is built from image params).
    ImagesViaChat,
    /// `POST /embeddings`.
    Embeddings,
    /// `POST /completions` (legacy).
    Completions,
    /// `POST /responses`.
    Responses,
    /// `GET /models`.
    Models,
    /// `GET /models/{id}` (the "body" is the id; [`prepare`](Self::prepare) gives the path).
    Model,
}

impl Endpoint {
    /// The endpoint numbered `id` as the npm package's facade numbers them (0 chat, 1 images,
    /// 2 images via chat, 3 embeddings, 4 completions, 5 responses, 6 models, 7 model).
    pub fn from_id(id: u8) -> Option<Endpoint> {
        Some(match id {
            0 => Endpoint::Chat,
            1 => Endpoint::Images,
            2 => Endpoint::ImagesViaChat,
            3 => Endpoint::Embeddings,
            4 => Endpoint::Completions,
            5 => Endpoint::Responses,
            6 => Endpoint::Models,
            7 => Endpoint::Model,
            _ => return None,
        })
    }

    /// The parameters [`prepare`](Self::prepare) checks, for the endpoints that send the body
    /// as it is: a request with only their members is checked the same (the npm package hands
    /// wasm those, not a long conversation or input). `None` where the body is rewritten.
    ///
    /// ```
    /// use llmwire::protocol::{endpoint::Endpoint, params::Checked};
    /// assert_eq!(Endpoint::Responses.checked(), Some(Checked::Responses));
    /// assert_eq!(Endpoint::ImagesViaChat.checked(), None);
    /// ```
    pub fn checked(self) -> Option<Checked> {
        Some(match self {
            Endpoint::Chat | Endpoint::Completions => Checked::Chat,
            Endpoint::Images => Checked::Images,
            Endpoint::Embeddings => Checked::Embeddings,
            Endpoint::Responses => Checked::Responses,
            Endpoint::ImagesViaChat | Endpoint::Models | Endpoint::Model => return None,
        })
    }

    /// Checks a request body (JSON text) and returns what to send: the body itself (borrowed),
    /// the chat request of an image model, or for [`Endpoint::Model`] (given the id) the path.
    pub fn prepare(self, body: &str) -> Result<Cow<'_, str>, Error> {
        if let Some(checked) = self.checked() {
            return checked.check(body).map(|()| Cow::Borrowed(body));
        }
        match self {
            Endpoint::ImagesViaChat => {
                let body = images::via_chat_request(body)?;
                Checked::Chat.check(&body).map(|()| Cow::Owned(body))
            }
            Endpoint::Model if body.is_empty() => Err(Error::InvalidArgument { message: "a model id is required".into() }),
            Endpoint::Model => Ok(Cow::Owned(model_path(body))),
            // Models has no body; the others were checked above.
            Endpoint::Models | Endpoint::Chat | Endpoint::Completions | Endpoint::Images | Endpoint::Embeddings | Endpoint::Responses => {
                Ok(Cow::Borrowed(body))
            }
        }
    }

    /// Checks a 2xx body (`status` its HTTP status) and returns the result's JSON text, borrowed
    /// when it is the body unchanged: an `error` member is the server's error; chat answers of
    /// image models are marked `object: "image.generation"`, responses get `output_text`, model
    /// lists `owned_by`.
    pub fn finish(self, text: &str, status: u16) -> Result<Cow<'_, str>, Error> {
        if self == Endpoint::Chat {
            return finish_chat(text, status);
        }
        // A bare array is a valid model list for some servers.
        if !(self == Endpoint::Models && text.trim_start().starts_with('[')) {
            check_json_object(text, status)?;
        }
        Ok(match self {
            Endpoint::Chat => return finish_chat(text, status),
            Endpoint::Images => images::check_images_response(text).map(|()| Cow::Borrowed(text))?,
            Endpoint::ImagesViaChat => images::via_chat_result(text).map(|()| Cow::Borrowed(text))?,
            Endpoint::Completions | Endpoint::Embeddings => Cow::Borrowed(text),
            Endpoint::Responses => Cow::Owned(responses::with_output_text(text)?),
            Endpoint::Models => Cow::Owned(normalize_model_list(text)?),
            Endpoint::Model => Cow::Owned(normalize_model(text)?),
        })
    }
}

/// [`Endpoint::Chat`]'s [`prepare`](Endpoint::prepare) alone, for code that has no other
/// endpoint (the npm package's core module: calling `Endpoint::prepare` links every endpoint's rules).
pub fn prepare_chat(body: &str) -> Result<Cow<'_, str>, Error> {
    Checked::Chat.check(body).map(|()| Cow::Borrowed(body))
}

/// [`Endpoint::Chat`]'s [`finish`](Endpoint::finish) alone (see [`prepare_chat`]).
pub fn finish_chat(text: &str, status: u16) -> Result<Cow<'_, str>, Error> {
    check_json_object(text, status).map(|()| images::mark_chat_body(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_round_trips_and_rejects_unknown_ids() {
        for id in 0..8 {
            assert!(Endpoint::from_id(id).is_some());
        }
        assert_eq!(Endpoint::from_id(8), None);
    }

    #[test]
    fn a_request_of_its_checked_members_is_checked_the_same() {
        let long = "长 text 🙂 ".repeat(2_000);
        let values = ["3", "-7", "0.5", "1", r#"["a","b","c","d","e"]"#, "null", r#""s""#, "{}"];
        let checked = [Endpoint::Chat, Endpoint::Completions, Endpoint::Images, Endpoint::Embeddings, Endpoint::Responses];
        for ep in checked {
            for name in ep.checked().unwrap().members() {
                for value in values {
                    let view = format!(r#"{{"{name}":{value}}}"#);
                    let body =
                        format!(r#"{{"model":"m","messages":[{{"role":"user","content":"{long}"}}],"input":"{long}","{name}":{value}}}"#);
                    let (whole, part) = (ep.prepare(&body), ep.prepare(&view));
                    let message = |r: &Result<Cow<'_, str>, Error>| r.as_ref().err().map(ToString::to_string);
                    assert_eq!(message(&whole), message(&part), "{ep:?} {name}: {value}");
                    let unchanged = matches!(whole, Ok(Cow::Borrowed(sent)) if sent == body);
                    assert!(whole.is_err() || unchanged, "{ep:?} sends the body as it is");
                }
            }
        }
        assert!(Endpoint::Embeddings.prepare(r#"{"input":["a"],"dimensions":0}"#).is_err(), "the test sees errors");
    }

    #[test]
    fn bodies_that_are_not_objects_are_invalid_responses() {
        for ep in [Endpoint::Chat, Endpoint::Images, Endpoint::Completions, Endpoint::Model] {
            assert!(matches!(ep.finish("<html>", 200), Err(Error::InvalidResponse { .. })), "{ep:?}");
        }
        assert!(Endpoint::Models.finish(r#"[{"id":"a","ownedBy":"x"}]"#, 200).unwrap().contains(r#""owned_by":"x""#));
    }

    #[test]
    fn error_members_keep_the_status() {
        let Err(Error::Api(api)) = Endpoint::Embeddings.finish(r#"{"error":{"message":"quota","code":"insufficient_quota"}}"#, 200) else {
            panic!("expected an API error");
        };
        assert_eq!((api.status, api.code.as_deref()), (Some(200), Some("insufficient_quota")));
    }

    #[test]
    fn responses_get_output_text() {
        let body = r#"{"id":"r","object":"response","output":[{"type":"message","content":[{"type":"output_text","text":"hi"}]}]}"#;
        assert!(Endpoint::Responses.finish(body, 200).unwrap().contains(r#""output_text":"hi""#));
    }
}
