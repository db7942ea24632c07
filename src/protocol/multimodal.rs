//! Multimodal message parts: an `image_url` content part from a URL, a `data:` URL, bare base64
//! or raw bytes, as yi-vision, gpt-4o and gpt-image-2-vip take them.
//!
//! ```
//! use llmwire::protocol::multimodal;
//! assert_eq!(
//!     multimodal::image_part("https://platform.01.ai/assets/sample-table.jpg", Some("low")).unwrap(),
//!     r#"{"type":"image_url","image_url":{"url":"https://platform.01.ai/assets/sample-table.jpg","detail":"low"}}"#,
//! );
//! let url = multimodal::bytes_data_url(b"\x89PNG\r\n\x1a\n....", None).unwrap();
//! assert!(url.starts_with("data:image/png;base64,"));
//! ```

use crate::protocol::error::{bounded, Error};
use crate::protocol::json::ObjectWriter;
use crate::protocol::long_text::LongText;
use crate::protocol::media;
use std::borrow::Cow;

fn invalid(message: impl Into<String>) -> Error {
    Error::InvalidArgument { message: message.into() }
}

/// The `url` of an `image_url` part for `source`: an `http(s)` URL as it is, a base64 `data:` URL
/// after checking its payload, or bare base64 image data turned into a `data:` URL (its type
/// sniffed from the bytes). Anything else is an [`Error::InvalidArgument`]. A source usable as it
/// is comes back borrowed (trimmed), so a data URL of megabytes is checked without a copy.
pub fn image_url(source: &str) -> Result<Cow<'_, str>, Error> {
    let s = source.trim();
    Ok(match image_url_prefix(&s)? {
        None => Cow::Borrowed(s),
        Some(prefix) => Cow::Owned(prefix + s),
    })
}

/// [`image_url`] for a source that may be too long to copy, given trimmed: `None` when it is the
/// URL as it is, else the `data:` prefix that goes before it (bare base64).
pub fn image_url_prefix(source: &dyn LongText) -> Result<Option<String>, Error> {
    let s = source.head();
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Ok(None);
    }
    if lower.starts_with("data:") {
        let (mime, payload) = media::split_data_url(s).ok_or_else(|| invalid("an image data URL must be data:image/...;base64,..."))?;
        if !mime.to_ascii_lowercase().starts_with("image/") {
            return Err(invalid(format!("a data URL of type {mime:?} is not an image")));
        }
        source.base64(s.len() - payload.len(), None).map_err(|e| invalid(format!("the image data URL is not valid base64: {e}")))?;
        return Ok(None);
    }
    if !s.is_empty() && source.base64(0, None).is_ok() {
        if let Some(mime) = media::sniff_base64(s).filter(|m| m.starts_with("image/")) {
            return Ok(Some(crate::cat!("data:", mime, ";base64,")));
        }
    }
    Err(invalid(format!(
        "an image must be an https:// URL, a data:image/...;base64 URL, base64 image data, or bytes; got {:?}",
        bounded(s, 40)
    )))
}

/// A `data:` URL for image bytes; `mime` overrides the type sniffed from the bytes.
pub fn bytes_data_url(bytes: &[u8], mime: Option<&str>) -> Result<String, Error> {
    let head = bytes.get(..media::SNIFF_BYTES).unwrap_or(bytes);
    Ok(media::data_url(bytes_mime(head, bytes.len(), mime)?, bytes))
}

/// The media type of [`bytes_data_url`] for `len` image bytes beginning with `head` (their first
/// [`media::SNIFF_BYTES`], or all of them): `mime` unless blank or `application/octet-stream`, else
/// the type sniffed from `head`, which must be an image's. The npm package encodes the bytes in
/// JavaScript, so that they never enter wasm memory.
///
/// ```
/// use llmwire::protocol::multimodal::bytes_mime;
/// assert_eq!(bytes_mime(b"\x89PNG\r\n\x1a\n", 2_000_000, None).unwrap(), "image/png");
/// assert_eq!(bytes_mime(b"????", 4, Some("image/avif")).unwrap(), "image/avif");
/// assert!(bytes_mime(b"", 0, Some("image/png")).is_err());
/// ```
pub fn bytes_mime<'a>(head: &[u8], len: usize, mime: Option<&'a str>) -> Result<&'a str, Error> {
    if len == 0 {
        return Err(invalid("the image is empty (0 bytes)"));
    }
    let declared = mime.map(str::trim).filter(|m| !m.is_empty() && *m != "application/octet-stream");
    declared
        .or_else(|| media::sniff(head).filter(|m| m.starts_with("image/")))
        .ok_or_else(|| invalid("cannot tell the image type from its bytes (not PNG, JPEG, GIF or WebP); pass mimeType"))
}

/// An `image_url` content part as JSON text. `url` goes through [`image_url`]; `detail` must be
/// `auto`, `low` or `high` when given.
pub fn image_part(url: &str, detail: Option<&str>) -> Result<String, Error> {
    let url = image_url(url)?;
    if let Some(d) = detail {
        if !matches!(d, "auto" | "low" | "high") {
            return Err(invalid(format!("detail must be \"auto\", \"low\" or \"high\", got {:?}", bounded(d, 20))));
        }
    }
    let mut out = String::with_capacity(url.len() + 64);
    let mut w = ObjectWriter::new(&mut out);
    w.str("type", "image_url");
    {
        let mut inner = ObjectWriter::new(w.key("image_url"));
        inner.str("url", &url);
        if let Some(d) = detail {
            inner.str("detail", d);
        }
        inner.finish();
    }
    w.finish();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::base64;

    #[test]
    fn urls_pass_data_urls_are_checked() {
        assert_eq!(image_url(" https://x/y.jpg ").unwrap(), "https://x/y.jpg");
        assert_eq!(image_url("HTTP://x/y").unwrap(), "HTTP://x/y");
        assert!(matches!(image_url("data:image/png;base64,iVBORw0KGgo=").unwrap(), Cow::Borrowed(_)), "checked in place");
        assert!(image_url("data:image/png;base64,@@").is_err());
        assert!(image_url("data:text/plain;base64,aGk=").is_err());
        assert!(image_url("data:image/png,rawtext").is_err());
    }

    #[test]
    fn bare_base64_images_become_data_urls() {
        let gif = base64::encode(b"GIF89a\x01\0\x01\0");
        assert!(matches!(image_url(&gif).unwrap(), Cow::Owned(url) if url == format!("data:image/gif;base64,{gif}")));
        assert!(image_url(&base64::encode(b"just some text")).is_err(), "base64 that is not an image");
        assert!(image_url("").is_err());
        assert!(image_url("photo.png").is_err());
    }

    #[test]
    fn bytes_need_a_known_type() {
        assert!(bytes_data_url(b"\xff\xd8\xff\xdb", None).unwrap().starts_with("data:image/jpeg;base64,"));
        assert!(bytes_data_url(b"????", Some("image/avif")).unwrap().starts_with("data:image/avif;base64,"));
        assert!(bytes_data_url(b"????", None).unwrap_err().to_string().contains("mimeType"));
        assert!(bytes_data_url(b"", None).is_err());
        assert!(bytes_data_url(b"RIFF\0\0\0\0WAVEfmt ", None).is_err(), "audio is not an image");
        let jpeg = [b"\xff\xd8\xff\xe0".as_slice(), &[7; 40_000]].concat();
        let url = bytes_data_url(&jpeg, None).unwrap();
        assert_eq!(
            url,
            format!("data:{};base64,{}", bytes_mime(&jpeg[..media::SNIFF_BYTES], jpeg.len(), None).unwrap(), base64::encode(&jpeg))
        );
    }

    #[test]
    fn parts() {
        assert_eq!(image_part("https://a/b", None).unwrap(), r#"{"type":"image_url","image_url":{"url":"https://a/b"}}"#);
        assert!(image_part("https://a/b", Some("ultra")).is_err());
    }
}
