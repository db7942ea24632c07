//! The input layout the stream targets share, so one file says both what to decode and how the
//! network chopped it up:
//!
//! ```text
//! byte 0        flags (each target reads its own bits)
//! byte 1        k = low 4 bits: how many chunk-length bytes follow
//! bytes 2..2+k  chunk lengths, used in turn and cycled; 0 is an empty push
//! the rest      the body
//! ```
//!
//! `\x00\x00` followed by a stream is thus the stream in one piece. Missing bytes count as zero.
#![allow(dead_code)]

pub struct Input<'a> {
    pub flags: u8,
    pub lengths: &'a [u8],
    pub body: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn parse(data: &'a [u8]) -> Self {
        let flags = data.first().copied().unwrap_or(0);
        let k = usize::from(data.get(1).copied().unwrap_or(0) & 0x0f);
        let rest = data.get(2..).unwrap_or_default();
        let (lengths, body) = rest.split_at(k.min(rest.len()));
        Input { flags, lengths, body }
    }

    /// The body cut by the chunk lengths (one piece when every length is 0 or none is given).
    pub fn chunks(&self) -> Vec<&'a [u8]> {
        split(self.body, self.lengths)
    }
}

pub fn split<'a>(body: &'a [u8], lengths: &[u8]) -> Vec<&'a [u8]> {
    if lengths.iter().all(|&l| l == 0) {
        return vec![body];
    }
    let mut out = Vec::new();
    let mut rest = body;
    for &len in lengths.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at(usize::from(len).min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

/// Every byte on its own: the harshest chunking, used for small bodies.
pub fn bytewise(body: &[u8]) -> Vec<&[u8]> {
    body.chunks(1).collect()
}

/// Checks a Chunks or Events batch (a non-empty JSON array) and appends its elements to `output`,
/// comma-separated; returns how many there were.
pub fn append_items(batch: &str, output: &mut String) -> usize {
    assert!(llmwire::protocol::json::is_valid(batch), "a batch is not valid JSON: {batch:?}");
    #[cfg(feature = "strict")]
    assert!(
        llmwire::protocol::typed::from_str::<serde_json::Value>(batch).is_ok(),
        "typed::from_str rejects the batch {batch:?}"
    );
    let inner = batch.strip_prefix('[').and_then(|b| b.strip_suffix(']'));
    let inner = inner.unwrap_or_else(|| panic!("a batch is not an array: {batch:?}"));
    assert!(!inner.is_empty(), "an empty batch");
    if !output.is_empty() {
        output.push(',');
    }
    output.push_str(inner);
    let mut items = 0;
    let _ = llmwire::protocol::json::Reader::new(batch).array(|r| {
        items += 1;
        r.skip()
    });
    items
}
