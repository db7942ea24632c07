//! Text that may be too long to copy: an image's base64 runs to megabytes, and wasm memory, which
//! never shrinks, would keep that size for the life of a page. Checks that read only a text's
//! beginning and its base64 take a [`LongText`]: a `str` here, while the npm package hands over a
//! JavaScript string that Rust reads in slices.
//!
//! ```
//! use llmwire::protocol::long_text::LongText;
//! let text = "data:image/png;base64,aGk=";
//! assert!(text.head().starts_with("data:"));
//! let mut bytes = Vec::new();
//! text.base64(22, Some(&mut |piece: &[u8]| bytes.extend_from_slice(piece))).unwrap();
//! assert_eq!(bytes, b"hi");
//! ```

use crate::protocol::base64::{self, Base64Error};

/// How many bytes of a long text's beginning [`LongText::head`] holds at least (all of it when it
/// is shorter): enough for a `data:` URL's header and a file type's magic bytes.
pub const HEAD: usize = 1024;

/// Where decoded bytes go, a piece at a time.
pub type Sink<'a> = &'a mut dyn FnMut(&[u8]);

/// A text, trimmed, read through its beginning and its base64. Checks take it as `&dyn LongText`,
/// so each is compiled once for every kind of text.
pub trait LongText {
    /// All of the text, or at least its first [`HEAD`] bytes.
    fn head(&self) -> &str;

    /// Checks the text from byte `at` of [`head`](LongText::head) to its end as base64, handing
    /// the decoded bytes to `out` (in pieces, in order) when there is one.
    fn base64(&self, at: usize, out: Option<Sink<'_>>) -> Result<(), Base64Error>;
}

impl LongText for &str {
    fn head(&self) -> &str {
        self
    }

    fn base64(&self, at: usize, out: Option<Sink<'_>>) -> Result<(), Base64Error> {
        let payload = self.get(at..).unwrap_or_default();
        match out {
            Some(out) => base64::decode(payload).map(|bytes| out(&bytes)),
            None => base64::validate(payload),
        }
    }
}
