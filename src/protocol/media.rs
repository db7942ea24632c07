//! What kind of file some bytes are, and `data:` URLs for them.
//!
//! Gateways check the content type of uploads (OpenAI rejects `application/octet-stream` for
//! image edits) and browsers need one to show a `data:` URL, but bytes from a `Uint8Array` or a
//! `b64_json` carry none. The magic numbers of the common image and audio formats tell it.
//!
//! ```
//! use llmwire::protocol::media;
//! let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
//! assert_eq!(media::sniff(png), Some("image/png"));
//! assert_eq!(media::mime_from_filename("talk.MP3"), Some("audio/mpeg"));
//! assert_eq!(media::extension("image/jpeg"), "jpg");
//! assert!(media::data_url("image/png", png).starts_with("data:image/png;base64,iVBORw0KGgo"));
//! ```

use crate::protocol::base64;
use crate::protocol::error::Error;

/// How many leading bytes [`sniff`] looks at.
pub const SNIFF_BYTES: usize = 16;

/// The media type that base64 data beginning with `text` sniffs as: [`sniff`] of its first
/// decoded bytes (only those are read, so `text` may be the beginning of a longer payload).
///
/// ```
/// use llmwire::protocol::media::sniff_base64;
/// assert_eq!(sniff_base64("iVBORw0KGgoAAAANSUhEUg"), Some("image/png"));
/// assert_eq!(sniff_base64("not base64!"), None);
/// ```
pub fn sniff_base64(text: &str) -> Option<&'static str> {
    sniff(&base64::decode_prefix(text, SNIFF_BYTES).unwrap_or_default())
}

/// The media type the bytes' signature says, for the image and audio formats gateways accept.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if at(0, b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if at(0, b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Some("image/gif")
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Some("image/webp")
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        Some("audio/wav")
    } else if at(0, b"ID3") || (bytes.first() == Some(&0xff) && bytes.get(1).is_some_and(|b| b & 0xe6 == 0xe2)) {
        // An ID3 tag, or an MPEG audio frame header (sync bits, layer III).
        Some("audio/mpeg")
    } else if at(0, b"fLaC") {
        Some("audio/flac")
    } else if at(0, b"OggS") {
        Some("audio/ogg")
    } else if at(0, b"\x1a\x45\xdf\xa3") {
        Some("audio/webm")
    } else if at(4, b"ftyp") {
        Some("audio/mp4")
    } else {
        None
    }
}

/// The media type a file name's extension says, for the formats gateways accept.
pub fn mime_from_filename(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp3" | "mpga" | "mpeg" => "audio/mpeg",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "ogg" | "oga" => "audio/ogg",
        "webm" => "audio/webm",
        "m4a" | "mp4" => "audio/mp4",
        _ => return None,
    })
}

/// The usual file extension for a media type (`bin` when unknown).
pub fn extension(mime: &str) -> &'static str {
    match mime.split(';').next().unwrap_or_default().trim() {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "audio/mpeg" => "mp3",
        "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
        "audio/flac" => "flac",
        "audio/ogg" => "ogg",
        "audio/webm" => "webm",
        "audio/mp4" | "audio/m4a" => "m4a",
        _ => "bin",
    }
}

/// The media type for an upload: the declared one when it is specific, else the bytes'
/// signature, else the file name's extension.
pub fn resolve(declared: Option<&str>, head: &[u8], filename: Option<&str>) -> Option<String> {
    let declared = declared.map(str::trim).filter(|t| !t.is_empty() && *t != "application/octet-stream");
    declared
        .map(str::to_string)
        .or_else(|| sniff(head).map(str::to_string))
        .or_else(|| filename.and_then(mime_from_filename).map(str::to_string))
}

/// A `data:` URL of `bytes` with media type `mime`.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4 + mime.len() + 13);
    out.push_str("data:");
    out.push_str(mime);
    out.push_str(";base64,");
    base64::encode_into(&mut out, bytes);
    out
}

/// The parts of a base64 `data:` URL: its media type and its payload (still encoded).
pub fn split_data_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.get(..5).filter(|p| p.eq_ignore_ascii_case("data:")).and(url.get(5..))?;
    let (meta, payload) = rest.split_once(',')?;
    let mime = meta.strip_suffix(";base64").or_else(|| meta.strip_suffix(";BASE64"))?;
    Some((mime.split(';').next().unwrap_or_default(), payload))
}

/// The media type and file name of an upload, or an error when neither the declared type, the
/// bytes nor the name tells what the file is.
pub fn describe_upload(field: &str, declared: Option<&str>, head: &[u8], name: Option<&str>) -> Result<(String, String), Error> {
    let mime = resolve(declared, head, name).ok_or_else(|| Error::InvalidArgument {
        message: format!(
            "cannot tell what kind of file {field} is from its type, bytes or name; pass a File with a type, or toFile(bytes, \"name.ext\")"
        ),
    })?;
    let filename = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_string(),
        None => format!("{}.{}", field.trim_end_matches("[]"), extension(&mime)),
    };
    Ok((mime, filename))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_formats() {
        let cases: [(&[u8], Option<&str>); 13] = [
            (b"\x89PNG\r\n\x1a\nrest", Some("image/png")),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", Some("image/jpeg")),
            (b"GIF89a....", Some("image/gif")),
            (b"RIFF\x24\0\0\0WEBPVP8 ", Some("image/webp")),
            (b"RIFF\x24\0\0\0WAVEfmt ", Some("audio/wav")),
            (b"ID3\x04\0\0\0\0\0\0", Some("audio/mpeg")),
            (b"\xff\xfb\x90\x64", Some("audio/mpeg")),
            (b"fLaC\0\0\0\x22", Some("audio/flac")),
            (b"OggS\0\x02", Some("audio/ogg")),
            (b"\x1a\x45\xdf\xa3\x9f", Some("audio/webm")),
            (b"\0\0\0\x20ftypM4A ", Some("audio/mp4")),
            (b"hello", None),
            (b"", None),
        ];
        for (bytes, want) in cases {
            assert_eq!(sniff(bytes), want, "{bytes:?}");
        }
    }

    #[test]
    fn resolve_prefers_a_specific_declared_type() {
        let png = b"\x89PNG\r\n\x1a\n";
        assert_eq!(resolve(Some("image/webp"), png, None).as_deref(), Some("image/webp"));
        assert_eq!(resolve(Some("application/octet-stream"), png, None).as_deref(), Some("image/png"));
        assert_eq!(resolve(Some(""), b"??", Some("x.jpeg")).as_deref(), Some("image/jpeg"));
        assert_eq!(resolve(None, b"??", Some("noext")), None);
    }

    #[test]
    fn filenames_and_extensions() {
        assert_eq!(mime_from_filename("a.b.WAV"), Some("audio/wav"));
        assert_eq!(mime_from_filename("x"), None);
        assert_eq!(extension("audio/mpeg"), "mp3");
        assert_eq!(extension("image/png; charset=binary"), "png");
        assert_eq!(extension("text/plain"), "bin");
    }

    #[test]
    fn data_urls() {
        assert_eq!(data_url("image/gif", b"GIF89a"), "data:image/gif;base64,R0lGODlh");
        assert_eq!(split_data_url("data:image/png;base64,AAAA"), Some(("image/png", "AAAA")));
        assert_eq!(split_data_url("DATA:image/png;charset=x;base64,AA"), Some(("image/png", "AA")));
        assert_eq!(split_data_url("data:text/plain,hello"), None);
        assert_eq!(split_data_url("https://x/y.png"), None);
        assert_eq!(split_data_url("dat"), None);
    }
}
