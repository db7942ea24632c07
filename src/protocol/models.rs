//! `/models` responses, with 01.AI's `ownedBy` normalized.
//!
//! 01.AI spells the owner `ownedBy`; OpenAI and everyone else `owned_by`. Every model object gets
//! an `owned_by` (copied from `ownedBy` when it has none) and keeps what the server sent.
//!
//! ```
//! use llmwire::protocol::models::normalize_model;
//! let m = normalize_model(r#"{"id":"yi-large","object":"model","created":1708258504,"ownedBy":"01.ai","root":"","parent":""}"#).unwrap();
//! assert_eq!(m, r#"{"id":"yi-large","object":"model","created":1708258504,"ownedBy":"01.ai","root":"","parent":"","owned_by":"01.ai"}"#);
//! ```

use crate::protocol::error::{snippet_of, Error};
use crate::protocol::json::{self, Kind, ObjectWriter, Reader};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A model, typed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Model {
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub id: String,
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub object: String,
    #[serde(default)]
    pub created: Value,
    /// The owner, from `owned_by` or 01.AI's `ownedBy`.
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub owned_by: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A model list, typed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelList {
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub object: String,
    #[serde(default)]
    pub data: Vec<Model>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn invalid(message: String, body: &str) -> Error {
    Error::InvalidResponse { message, snippet: snippet_of(body.as_bytes()) }
}

fn write_model(members: &[(std::borrow::Cow<'_, str>, &str)], out: &mut String) {
    let mut w = ObjectWriter::new(out);
    let mut has_owned_by = false;
    let mut owned_by_alias = None;
    for (key, raw) in members {
        match key.as_ref() {
            "owned_by" if *raw != "null" => has_owned_by = true,
            "ownedBy" => owned_by_alias = Some(*raw),
            _ => {}
        }
        if !(key == "owned_by" && *raw == "null" && members.iter().any(|(k, _)| k == "ownedBy")) {
            w.raw(key, raw);
        }
    }
    if let (false, Some(alias)) = (has_owned_by, owned_by_alias) {
        w.raw("owned_by", alias);
    }
    w.finish();
}

/// Normalizes one model object (`GET /models/{id}`).
pub fn normalize_model(body: &str) -> Result<String, Error> {
    let members = json::members(body).map_err(|e| invalid(format!("expected a model object: {e}"), body))?;
    let mut out = String::with_capacity(body.len() + 32);
    write_model(&members, &mut out);
    Ok(out)
}

/// Normalizes a model list (`GET /models`): `{object:"list", data:[model...]}`. A bare array of
/// models, which some servers send, is accepted and wrapped.
pub fn normalize_model_list(body: &str) -> Result<String, Error> {
    let trimmed = body.trim_start();
    if trimmed.starts_with('[') {
        let mut out = String::with_capacity(body.len() + 64);
        let mut w = ObjectWriter::new(&mut out);
        w.str("object", "list");
        normalize_data(trimmed, w.key("data")).map_err(|m| invalid(m, body))?;
        w.finish();
        return Ok(out);
    }
    let members = json::members(body).map_err(|e| invalid(format!("expected a model list: {e}"), body))?;
    if !members.iter().any(|(k, _)| k == "data") {
        return Err(invalid("expected a model list with a data array".into(), body));
    }
    let mut out = String::with_capacity(body.len() + 64 * 8);
    let mut w = ObjectWriter::new(&mut out);
    for (key, raw) in &members {
        if key == "data" {
            normalize_data(raw, w.key("data")).map_err(|m| invalid(m, body))?;
        } else {
            w.raw(key, raw);
        }
    }
    w.finish();
    Ok(out)
}

fn normalize_data(raw: &str, out: &mut String) -> Result<(), String> {
    let mut r = Reader::new(raw);
    let mut items = Vec::new();
    r.array(|r| {
        if r.peek()? != Kind::Object {
            return Err(r.error("a model must be an object"));
        }
        items.push(r.raw()?);
        Ok(())
    })
    .map_err(|e| format!("the data member must be an array of models: {e}"))?;
    r.end().map_err(|e| e.to_string())?;
    out.push('[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let members = json::members(item).map_err(|e| e.to_string())?;
        write_model(&members, out);
    }
    out.push(']');
    Ok(())
}

/// The path of one model: `/models/{id}` with the id percent-encoded (ids such as
/// `ft:gpt-4o:org:x` or `accounts/f/models/x` are one path segment).
///
/// ```
/// assert_eq!(llmwire::protocol::models::model_path("ft:a/b c"), "/models/ft%3Aa%2Fb%20c");
/// ```
pub fn model_path(id: &str) -> String {
    let mut out = String::with_capacity(8 + id.len() * 3);
    out.push_str("/models/");
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yi_and_openai_lists() {
        let body = r#"{"data":[{"id":"yi-large","object":"model","created":1,"ownedBy":"01.ai","root":"","parent":""},{"id":"gpt-4o","object":"model","created":2,"owned_by":"openai"},{"id":"both","ownedBy":"a","owned_by":"b"},{"id":"null","owned_by":null,"ownedBy":"c"},{"id":"none"}],"object":"list"}"#;
        let v: Value = serde_json::from_str(&normalize_model_list(body).unwrap()).unwrap();
        let d = &v["data"];
        assert_eq!((d[0]["owned_by"].as_str(), d[0]["ownedBy"].as_str()), (Some("01.ai"), Some("01.ai")));
        assert_eq!(d[0]["root"], "");
        assert_eq!(d[1]["owned_by"], "openai");
        assert_eq!(d[1].get("ownedBy"), None, "nothing invented");
        assert_eq!((d[2]["owned_by"].as_str(), d[2]["ownedBy"].as_str()), (Some("b"), Some("a")), "owned_by wins");
        assert_eq!(d[3]["owned_by"], "c");
        assert_eq!(d[4].get("owned_by"), None);
        assert_eq!(v["object"], "list");
        let typed: ModelList = serde_json::from_str(&normalize_model_list(body).unwrap()).unwrap();
        assert_eq!(typed.data[0].owned_by.as_deref(), Some("01.ai"));
        assert_eq!(typed.data[0].extra["ownedBy"], "01.ai");
    }

    #[test]
    fn bare_arrays_and_bad_bodies() {
        let v: Value = serde_json::from_str(&normalize_model_list(r#"[{"id":"a","ownedBy":"x"}]"#).unwrap()).unwrap();
        assert_eq!(v["object"], "list");
        assert_eq!(v["data"][0]["owned_by"], "x");
        for bad in ["{}", r#"{"data":{}}"#, r#"{"data":[1]}"#, "nope", "[1]"] {
            assert_eq!(normalize_model_list(bad).unwrap_err().class_name(), "InvalidResponseError", "{bad}");
        }
        assert!(normalize_model("[]").is_err());
    }

    #[test]
    fn model_paths_are_one_segment() {
        assert_eq!(model_path("gpt-4o-mini"), "/models/gpt-4o-mini");
        assert_eq!(model_path("mock-scenario:x"), "/models/mock-scenario%3Ax");
        assert_eq!(model_path("é"), "/models/%C3%A9");
    }
}
