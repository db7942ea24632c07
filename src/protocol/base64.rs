//! Standard base64 (RFC 4648 §4), as gateways send `b64_json` images and base64 embeddings.
//!
//! Decoding accepts missing padding and ignores ASCII whitespace (line-wrapped payloads); it
//! rejects every other byte outside the alphabet, padding in the middle, and a lone trailing
//! character, reporting the offset.
//!
//! ```
//! use llmwire::protocol::base64;
//! assert_eq!(base64::decode("aGk=").unwrap(), b"hi");
//! assert_eq!(base64::decode("aGk").unwrap(), b"hi");
//! assert_eq!(base64::encode(b"hi"), "aGk=");
//! assert!(base64::decode("a$==").is_err());
//! ```

use std::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Why a text is not valid base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base64Error {
    /// What was wrong.
    pub message: &'static str,
    /// Byte offset in the input.
    pub offset: usize,
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for Base64Error {}

fn value(b: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// A base64 check and decode fed in pieces, for text too long to hand over whole (the npm
/// package reads a JavaScript string of megabytes in slices, so it never enters wasm memory
/// whole). Error offsets count from the start of the first piece.
///
/// ```
/// use llmwire::protocol::base64::Decoder;
/// let (mut d, mut out) = (Decoder::default(), Vec::new());
/// d.push(b"aG", Some(&mut out)).unwrap();
/// d.push(b"k=", Some(&mut out)).unwrap();
/// d.finish().unwrap();
/// assert_eq!(out, b"hi");
/// assert_eq!(Decoder::default().push(b"a$", None).unwrap_err().offset, 1);
/// ```
#[derive(Debug, Default, Clone)]
pub struct Decoder {
    acc: u32,
    bits: u32,
    sextets: usize,
    padding_at: Option<usize>,
    pads: usize,
    offset: usize,
}

impl Decoder {
    /// Checks the next piece, appending its decoded bytes to `out` when there is one.
    pub fn push(&mut self, piece: &[u8], mut out: Option<&mut Vec<u8>>) -> Result<(), Base64Error> {
        for (i, &b) in piece.iter().enumerate() {
            if b.is_ascii_whitespace() {
                continue;
            }
            if b == b'=' {
                self.padding_at.get_or_insert(self.offset + i);
                self.pads += 1;
                continue;
            }
            if self.padding_at.is_some() {
                return Err(Base64Error { message: "data after padding", offset: self.offset + i });
            }
            let v = value(b).ok_or(Base64Error { message: "invalid base64 character", offset: self.offset + i })?;
            self.acc = (self.acc << 6) | v;
            self.bits += 6;
            self.sextets += 1;
            if self.bits >= 8 {
                self.bits -= 8;
                if let Some(out) = out.as_deref_mut() {
                    out.push((self.acc >> self.bits) as u8);
                }
                self.acc &= (1 << self.bits) - 1;
            }
        }
        self.offset += piece.len();
        Ok(())
    }

    /// Checks that the text ended cleanly: no character left over, padding where it may be.
    pub fn finish(&self) -> Result<(), Base64Error> {
        if self.sextets % 4 == 1 {
            return Err(Base64Error { message: "truncated base64 (one character left over)", offset: self.offset });
        }
        match self.padding_at {
            Some(at) if self.sextets % 4 == 0 || (self.sextets % 4) + self.pads > 4 => {
                Err(Base64Error { message: "misplaced padding", offset: at })
            }
            _ => Ok(()),
        }
    }
}

/// Checks `text`, appending its decoded bytes to `out` when there is one.
fn walk(text: &str, out: Option<&mut Vec<u8>>) -> Result<(), Base64Error> {
    let mut decoder = Decoder::default();
    decoder.push(text.as_bytes(), out)?;
    decoder.finish()
}

/// Checks `text` without allocating.
pub fn validate(text: &str) -> Result<(), Base64Error> {
    walk(text, None)
}

/// The number of bytes `text` decodes to, assuming it is valid.
pub fn decoded_len(text: &str) -> usize {
    let sextets = text.bytes().filter(|b| value(*b).is_some()).count();
    sextets * 6 / 8
}

/// Decodes `text`.
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    walk(text, Some(&mut out))?;
    Ok(out)
}

/// Decodes at most the first `max` bytes of `text` (for sniffing a file type), validating only
/// what it reads.
pub fn decode_prefix(text: &str, max: usize) -> Result<Vec<u8>, Base64Error> {
    // Four characters make three bytes; whitespace is rare, so a little slack suffices.
    let mut end = (max.div_ceil(3) * 4 + 8).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let head = text.get(..end).unwrap_or(text);
    let mut out = Vec::with_capacity(max);
    let complete = head.len() == text.len();
    // A cut in the middle is fine; only a complete text must end cleanly.
    let usable = if complete { head } else { head.get(..head.len() - head.len() % 4).unwrap_or(head) };
    match walk(usable, Some(&mut out)) {
        Ok(()) => {}
        Err(e) if !complete && e.message.starts_with("truncated") => {}
        Err(e) => return Err(e),
    }
    out.truncate(max);
    Ok(out)
}

/// Encodes `bytes` with padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    encode_into(&mut out, bytes);
    out
}

/// Appends the encoding of `bytes` to `out`.
pub fn encode_into(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    let sym = |v: u32| char::from(ALPHABET[(v & 63) as usize]);
    let mut chunks = bytes.chunks_exact(3);
    for chunk in &mut chunks {
        if let [a, b, c] = *chunk {
            let n = (u32::from(a) << 16) | (u32::from(b) << 8) | u32::from(c);
            out.extend([sym(n >> 18), sym(n >> 12), sym(n >> 6), sym(n)]);
        }
    }
    match *chunks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend([sym(n >> 18), sym(n >> 12), '=', '=']);
        }
        [a, b] => {
            let n = (u32::from(a) << 16) | (u32::from(b) << 8);
            out.extend([sym(n >> 18), sym(n >> 12), sym(n >> 6), '=']);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).cycle().take(300).collect();
        for n in 0..data.len() {
            let text = encode(&data[..n]);
            assert_eq!(decode(&text).unwrap(), &data[..n], "n={n}");
            assert_eq!(decoded_len(&text), n);
            assert_eq!(decode(text.trim_end_matches('=')).unwrap(), &data[..n], "unpadded n={n}");
        }
    }

    #[test]
    fn rfc4648_vectors() {
        for (plain, coded) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn whitespace_is_ignored() {
        assert_eq!(decode("Zm9v\r\nYmFy\n").unwrap(), b"foobar");
    }

    #[test]
    fn rejects_invalid_input_with_offsets() {
        assert_eq!(decode("Zm9v!").unwrap_err(), Base64Error { message: "invalid base64 character", offset: 4 });
        assert!(decode("Z").unwrap_err().message.starts_with("truncated"));
        assert!(decode("Zm9vY").is_err());
        assert_eq!(decode("Zg==Zg==").unwrap_err().message, "data after padding");
        assert_eq!(decode("Zm9v====").unwrap_err().message, "misplaced padding");
        assert_eq!(decode("Zg===").unwrap_err().message, "misplaced padding");
        assert!(decode("data:image/png;base64,AAAA").is_err(), "a data URL is not bare base64");
        assert!(decode("Zm9-").is_err(), "the URL-safe alphabet is not standard base64");
        assert!(validate("Zm9vYg==").is_ok());
    }

    #[test]
    fn pieces_decode_and_fail_as_the_whole_does() {
        let cases = ["Zm9vYmFy", "Zm9v\r\nYmE=", "Zg==", "Zg= =", "Zm9v!", "Z", "Zg==Zg==", "Zm9v====", "Zg===", "aGk"];
        for text in cases {
            for cut in 0..=text.len() {
                let (mut d, mut out) = (Decoder::default(), Vec::new());
                let (a, b) = text.as_bytes().split_at(cut);
                let result = d.push(a, Some(&mut out)).and_then(|()| d.push(b, Some(&mut out))).and_then(|()| d.finish());
                assert_eq!(result.map(|()| out), decode(text), "{text:?} cut at {cut}");
            }
        }
    }

    #[test]
    fn random_texts_in_random_pieces_decode_and_fail_as_the_whole_does() {
        // Texts of base64 characters, padding, whitespace and the odd invalid byte, cut anywhere.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let symbols = b"ABCXYZabcxyz0189+/==  \r\n!";
        let mut decoded = 0;
        for _ in 0..3000 {
            let text: Vec<u8> = (0..next(40)).map(|_| symbols[next(symbols.len())]).collect();
            let text = String::from_utf8(text).unwrap();
            let (mut d, mut out) = (Decoder::default(), Vec::new());
            let mut rest = text.as_bytes();
            let mut result = Ok(());
            while !rest.is_empty() && result.is_ok() {
                let (piece, tail) = rest.split_at(1 + next(rest.len()));
                result = d.push(piece, Some(&mut out));
                rest = tail;
            }
            let result = result.and_then(|()| d.finish()).map(|()| out);
            assert_eq!(result, reference(&text), "{text:?} in pieces");
            assert_eq!(decode(&text), reference(&text), "{text:?}");
            decoded += usize::from(result.is_ok());
        }
        assert!(decoded > 300, "only {decoded} of the texts were valid");
    }

    /// The rules, written the other way round: the non-blank bytes in order, then the counts.
    fn reference(text: &str) -> Result<Vec<u8>, Base64Error> {
        let bytes: Vec<(usize, u8)> = text.bytes().enumerate().filter(|(_, b)| !b.is_ascii_whitespace()).collect();
        let first_pad = bytes.iter().position(|&(_, b)| b == b'=');
        let (data, pads) = bytes.split_at(first_pad.unwrap_or(bytes.len()));
        if let Some(&(at, _)) = data.iter().find(|(_, b)| !ALPHABET.contains(b)) {
            return Err(Base64Error { message: "invalid base64 character", offset: at });
        }
        if let Some(&(at, _)) = pads.iter().find(|(_, b)| *b != b'=') {
            return Err(Base64Error { message: "data after padding", offset: at });
        }
        if data.len() % 4 == 1 {
            return Err(Base64Error { message: "truncated base64 (one character left over)", offset: text.len() });
        }
        if let Some(&(at, _)) = pads.first() {
            if data.len() % 4 == 0 || data.len() % 4 + pads.len() > 4 {
                return Err(Base64Error { message: "misplaced padding", offset: at });
            }
        }
        let sextets: Vec<u32> = data.iter().filter_map(|&(_, b)| ALPHABET.iter().position(|&a| a == b)).map(|v| v as u32).collect();
        let mut out = Vec::new();
        for group in sextets.chunks(4) {
            let n = group.iter().enumerate().fold(0, |n, (i, v)| n | v << (18 - 6 * i));
            out.extend(n.to_be_bytes().get(1..group.len()).unwrap_or_default());
        }
        Ok(out)
    }

    #[test]
    fn prefix_decoding() {
        let data: Vec<u8> = (0..100u8).collect();
        let text = encode(&data);
        assert_eq!(decode_prefix(&text, 8).unwrap(), &data[..8]);
        assert_eq!(decode_prefix(&text, 1000).unwrap(), data);
        assert_eq!(decode_prefix("Zg==", 8).unwrap(), b"f");
        assert!(decode_prefix("!!!!AAAA", 3).is_err());
        assert_eq!(decode_prefix("é", 3).unwrap_err().offset, 0);
    }
}
