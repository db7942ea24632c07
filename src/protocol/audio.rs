//! Audio transcription results, in the type each `response_format` calls for.
//!
//! `json` and `verbose_json` are objects (`{text}`, and `{task, language, duration, text,
//! segments, ...}`); `text`, `srt` and `vtt` are strings. [`transcription_result`] returns JSON
//! text either way, so one `JSON.parse` gives an object or a string.
//!
//! ```
//! use llmwire::protocol::audio::{transcription_result, ResponseFormat};
//! let srt = "1\n00:00:00,000 --> 00:00:01,000\nHello\n";
//! assert_eq!(transcription_result(ResponseFormat::Srt, srt, false).unwrap(), "\"1\\n00:00:00,000 --> 00:00:01,000\\nHello\\n\"");
//! assert_eq!(transcription_result(ResponseFormat::Json, r#"{"text":"Hello"}"#, true).unwrap(), r#"{"text":"Hello"}"#);
//! ```

use crate::protocol::error::{snippet_of, ApiError, Error};
use crate::protocol::json::{self, write_str};

/// The `response_format` of a transcription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseFormat {
    /// `{ "text": ... }` (the default).
    #[default]
    Json,
    /// `{ task, language, duration, text, segments, words? }`.
    VerboseJson,
    /// Plain text.
    Text,
    /// SubRip subtitles.
    Srt,
    /// WebVTT subtitles.
    Vtt,
}

impl ResponseFormat {
    /// Parses the parameter's value; `None` (absent) is [`ResponseFormat::Json`].
    pub fn parse(value: Option<&str>) -> Result<Self, Error> {
        Ok(match value {
            None | Some("json") => ResponseFormat::Json,
            Some("verbose_json") => ResponseFormat::VerboseJson,
            Some("text") => ResponseFormat::Text,
            Some("srt") => ResponseFormat::Srt,
            Some("vtt") => ResponseFormat::Vtt,
            Some(other) => {
                return Err(Error::InvalidArgument {
                    message: format!(
                        "response_format must be one of json, verbose_json, text, srt, vtt; got {:?}",
                        crate::protocol::error::bounded(other, 30)
                    ),
                })
            }
        })
    }

    /// Whether the result is an object (else a string).
    pub fn is_json(self) -> bool {
        matches!(self, ResponseFormat::Json | ResponseFormat::VerboseJson)
    }
}

fn invalid(message: &str, body: &str) -> Error {
    Error::InvalidResponse { message: message.to_string(), snippet: snippet_of(body.as_bytes()) }
}

/// The result of a transcription as JSON text: an object for `json`/`verbose_json`, a string for
/// `text`/`srt`/`vtt`. `declared_json` says whether the response's content type was JSON.
///
/// Gateways that answer in another format than asked are read by what they sent: a JSON
/// `{text}` where `text` was asked gives its text, plain text where `json` was asked gives
/// `{text}`. Subtitles asked for and JSON received, or `verbose_json` asked for and plain text
/// received, is an [`Error::InvalidResponse`]: the asked-for structure cannot be made up.
pub fn transcription_result(format: ResponseFormat, body: &str, declared_json: bool) -> Result<String, Error> {
    let trimmed = body.trim_start();
    let looks_json = trimmed.starts_with('{');
    if looks_json || declared_json {
        if let Some(api) = ApiError::from_error_member(body.as_bytes()) {
            return Err(api.into());
        }
    }
    let members = if looks_json { json::members(body).ok() } else { None };
    match (format.is_json(), members) {
        (true, Some(_)) => Ok(body.to_string()),
        (true, None) if declared_json => Err(invalid("the transcription body is not a JSON object", body)),
        (true, None) if format == ResponseFormat::Json => {
            let mut out = String::with_capacity(body.len() + 12);
            out.push_str("{\"text\":");
            write_str(&mut out, body.trim_end());
            out.push('}');
            Ok(out)
        }
        (true, None) => Err(invalid("verbose_json was asked for but the gateway answered plain text", body)),
        (false, Some(members)) if declared_json || format == ResponseFormat::Text => {
            let text = members.iter().find(|(k, _)| k == "text").and_then(|(_, raw)| json::raw_str(raw));
            match (format, text) {
                (ResponseFormat::Text, Some(text)) => {
                    let mut out = String::with_capacity(text.len() + 2);
                    write_str(&mut out, &text);
                    Ok(out)
                }
                _ => Err(invalid("subtitles were asked for but the gateway answered JSON", body)),
            }
        }
        (false, _) => {
            let mut out = String::with_capacity(body.len() + 16);
            write_str(&mut out, body);
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ResponseFormat::*;

    fn parsed(format: ResponseFormat, body: &str, declared_json: bool) -> serde_json::Value {
        serde_json::from_str(&transcription_result(format, body, declared_json).unwrap()).unwrap()
    }

    #[test]
    fn each_format_has_its_type() {
        assert_eq!(parsed(Json, r#"{"text":"hi"}"#, true)["text"], "hi");
        let verbose =
            parsed(VerboseJson, r#"{"task":"transcribe","language":"english","duration":1.5,"text":"hi","segments":[{"id":0}]}"#, true);
        assert_eq!(verbose["segments"][0]["id"], 0);
        assert_eq!(parsed(Text, "hi there\n", false), "hi there\n");
        let vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nhi\n";
        assert_eq!(parsed(Vtt, vtt, false), vtt);
        assert_eq!(parsed(Srt, "1\n00:00:00,000 --> 00:00:01,000\nhi\n", false), "1\n00:00:00,000 --> 00:00:01,000\nhi\n");
    }

    #[test]
    fn gateways_that_ignore_the_format() {
        assert_eq!(parsed(Text, r#"{"text":"hi"}"#, true), "hi");
        assert_eq!(parsed(Json, "hi\n", false), serde_json::json!({"text":"hi"}));
        assert!(transcription_result(Srt, r#"{"text":"hi"}"#, true).is_err());
        assert!(transcription_result(VerboseJson, "hi", false).is_err());
        assert!(transcription_result(Json, "[1]", true).is_err());
        // A text transcript that happens to start with a brace stays text.
        assert_eq!(parsed(Text, "{laughs} hello", false), "{laughs} hello");
    }

    #[test]
    fn error_bodies_are_api_errors() {
        let err = transcription_result(Text, r#"{"error":{"message":"bad audio","code":"invalid_file"}}"#, true).unwrap_err();
        assert_eq!(err.class_name(), "APIError");
        assert!(err.to_string().contains("bad audio"));
    }

    #[test]
    fn format_names() {
        assert_eq!(ResponseFormat::parse(None).unwrap(), Json);
        assert_eq!(ResponseFormat::parse(Some("vtt")).unwrap(), Vtt);
        assert!(ResponseFormat::parse(Some("mp3")).is_err());
    }
}
