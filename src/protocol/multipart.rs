//! The fields of `multipart/form-data` requests: which parameters are files, and how the others
//! become text fields (the way openai-node writes them: arrays as repeated `name[]`, objects as
//! `name[key]`, numbers and booleans as their JSON text, `null` left out).
//!
//! ```
//! use llmwire::protocol::multipart::text_fields;
//! let fields = text_fields(r#"{"model":"whisper-1","temperature":0.2,"timestamp_granularities":["word","segment"],"file":{},"x":null}"#, &["file"]).unwrap();
//! assert_eq!(fields, [
//!     ("model".to_string(), "whisper-1".to_string()),
//!     ("temperature".into(), "0.2".into()),
//!     ("timestamp_granularities[]".into(), "word".into()),
//!     ("timestamp_granularities[]".into(), "segment".into()),
//! ]);
//! ```

use crate::protocol::error::Error;
use crate::protocol::json::{self, Kind, Reader};

/// A parameter that carries file data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileField {
    /// The parameter's name; an array of files is sent as repeated `name[]`.
    pub name: &'static str,
    /// Whether the request needs it.
    pub required: bool,
    /// Whether several files may be given.
    pub multiple: bool,
}

/// `POST /images/edits`: one or more `image`s and an optional `mask`.
pub const IMAGE_EDIT_FILES: &[FileField] =
    &[FileField { name: "image", required: true, multiple: true }, FileField { name: "mask", required: false, multiple: false }];

/// `POST /audio/transcriptions`: one audio `file`.
pub const TRANSCRIPTION_FILES: &[FileField] = &[FileField { name: "file", required: true, multiple: false }];

/// Text parameters a multipart request cannot do without.
pub fn required_text(endpoint: &[FileField]) -> &'static [&'static str] {
    if endpoint == IMAGE_EDIT_FILES {
        &["prompt"]
    } else {
        &["model"]
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidArgument { message }
}

/// The text fields of a params object (JSON text), leaving out the members named in `skip`.
pub fn text_fields(params: &str, skip: &[&str]) -> Result<Vec<(String, String)>, Error> {
    let members = json::members(params).map_err(|e| invalid(format!("expected a params object: {e}")))?;
    let mut out = Vec::new();
    for (key, raw) in &members {
        if !skip.contains(&key.as_ref()) {
            flatten(key, raw, &mut out, 0)?;
        }
    }
    Ok(out)
}

/// What the caller gave for a file parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given {
    /// Nothing (absent or null).
    Nothing,
    /// One file.
    One,
    /// An array of this many files.
    List(usize),
}

/// Checks what was given for each file parameter of `spec` against it: required files present,
/// arrays only where several files are allowed, no empty array for a required one.
///
/// ```
/// use llmwire::protocol::multipart::{check_files, Given, IMAGE_EDIT_FILES};
/// assert!(check_files(IMAGE_EDIT_FILES, |name| if name == "image" { Given::List(2) } else { Given::Nothing }).is_ok());
/// let err = check_files(IMAGE_EDIT_FILES, |name| if name == "image" { Given::One } else { Given::List(1) }).unwrap_err();
/// assert_eq!(err.to_string(), "invalid argument: mask takes one file, not an array");
/// ```
pub fn check_files(spec: &[FileField], given: impl Fn(&str) -> Given) -> Result<(), Error> {
    for field in spec {
        match given(field.name) {
            Given::Nothing if field.required => return Err(invalid(format!("{} is required", field.name))),
            Given::List(_) if !field.multiple => return Err(invalid(format!("{} takes one file, not an array", field.name))),
            Given::List(0) if field.required => return Err(invalid(format!("{} is required (the array is empty)", field.name))),
            _ => {}
        }
    }
    Ok(())
}

/// Checks that the required text parameters are present (non-null).
pub fn check_required(params: &str, names: &[&str]) -> Result<(), Error> {
    let members = json::members(params).map_err(|e| invalid(format!("expected a params object: {e}")))?;
    for name in names {
        if !members.iter().any(|(k, raw)| k == name && *raw != "null") {
            return Err(invalid(format!("{name} is required")));
        }
    }
    Ok(())
}

fn flatten(name: &str, raw: &str, out: &mut Vec<(String, String)>, depth: u32) -> Result<(), Error> {
    if depth > 8 {
        return Err(invalid(format!("{name} is nested too deeply for a form field")));
    }
    let mut r = Reader::new(raw);
    match r.peek().map_err(|e| invalid(e.to_string()))? {
        Kind::Null => {}
        Kind::String => out.push((name.to_string(), json::raw_str(raw).unwrap_or_default().into_owned())),
        Kind::Number | Kind::Bool => out.push((name.to_string(), raw.to_string())),
        Kind::Array => {
            let mut items = Vec::new();
            r.array(|r| {
                items.push(r.raw()?);
                Ok(())
            })
            .map_err(|e| invalid(e.to_string()))?;
            let key = format!("{name}[]");
            for item in items {
                flatten(&key, item, out, depth + 1)?;
            }
        }
        Kind::Object => {
            for (k, v) in json::members(raw).map_err(|e| invalid(e.to_string()))? {
                flatten(&format!("{name}[{k}]"), v, out, depth + 1)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_like_openai_node() {
        let f =
            text_fields(r#"{"prompt":"a \"cat\"","n":2,"stream":false,"meta":{"a":1,"b":[true]},"image":"skip me"}"#, &["image", "mask"])
                .unwrap();
        assert_eq!(
            f,
            [
                ("prompt".to_string(), "a \"cat\"".to_string()),
                ("n".into(), "2".into()),
                ("stream".into(), "false".into()),
                ("meta[a]".into(), "1".into()),
                ("meta[b][]".into(), "true".into()),
            ]
        );
    }

    #[test]
    fn bad_params() {
        assert!(text_fields("[1]", &[]).is_err());
        let deep = format!(r#"{{"x":{}1{}}}"#, "[".repeat(12), "]".repeat(12));
        assert!(text_fields(&deep, &[]).unwrap_err().to_string().contains("nested too deeply"));
    }

    #[test]
    fn required() {
        assert!(check_required(r#"{"model":"whisper-1"}"#, required_text(TRANSCRIPTION_FILES)).is_ok());
        assert_eq!(check_required(r#"{"model":null}"#, &["model"]).unwrap_err().to_string(), "invalid argument: model is required");
        assert!(check_required(r#"{"prompt":"x"}"#, required_text(IMAGE_EDIT_FILES)).is_ok());
    }
}
