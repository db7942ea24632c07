//! Server-Sent Events decoding: bytes in, events out, by the WHATWG event-stream rules.
//!
//! The decoder is fed whatever chunks the network delivers. Lines end at CRLF, LF or a lone CR,
//! also when the CR and LF arrive in different chunks; a line's UTF-8 is decoded only once the
//! line is whole, so characters split across chunks come out intact (invalid bytes become
//! U+FFFD). One leading BOM is dropped, `:` comments are ignored, `data` lines are joined with LF,
//! `id` persists across events (and is ignored when it contains NUL), `retry` takes ASCII digits
//! only, a blank line dispatches, an empty data buffer dispatches nothing, and an unterminated
//! final event is discarded by [`SseDecoder::finish`].
//!
//! Events are handed to a callback as borrowed [`SseEvent`]s: decoding allocates nothing per
//! event once its buffers have grown.
//!
//! ```
//! use llmwire::protocol::sse::{SseDecoder, SseError};
//!
//! let mut dec = SseDecoder::new();
//! let mut seen = Vec::new();
//! for chunk in [&b"data: hel"[..], b"lo\r", b"\n\r\nevent: ping\ndata: 1\n\n"] {
//!     dec.push::<SseError, _>(chunk, |e| {
//!         seen.push((e.event.to_string(), e.data.to_string()));
//!         Ok(())
//!     })?;
//! }
//! assert_eq!(seen, [("message".into(), "hello".into()), ("ping".into(), "1".into())]);
//! assert!(!dec.finish());
//! # Ok::<(), SseError>(())
//! ```

/// The default bound on one event (its current line plus its data): 16 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// One dispatched event, borrowed from the decoder's buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SseEvent<'a> {
    /// The event type: the last `event:` field, or `"message"`.
    pub event: &'a str,
    /// The `data:` lines joined with LF.
    pub data: &'a str,
    /// The last event ID seen so far in the stream (empty when none).
    pub id: &'a str,
}

/// An owned [`SseEvent`], as [`decode_all`] returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OwnedSseEvent {
    /// The event type.
    pub event: String,
    /// The joined data.
    pub data: String,
    /// The last event ID.
    pub id: String,
}

/// Why decoding stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseError {
    /// One event grew past the decoder's bound (a server that never sends a blank line).
    EventTooLarge {
        /// The bound in bytes.
        limit: usize,
    },
}

impl crate::protocol::text::Piece for SseError {
    fn push_to(&self, out: &mut String) {
        match self {
            SseError::EventTooLarge { limit } => {
                out.push_str("an event exceeded ");
                crate::protocol::text::push_uint(out, *limit as u64);
                out.push_str(" bytes");
            }
        }
    }
}

impl std::fmt::Display for SseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::cat!(self))
    }
}

impl std::error::Error for SseError {}

/// The incremental decoder. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct SseDecoder {
    line: Vec<u8>,
    fields: Fields,
    after_cr: bool,
    bom_matched: u8,
    bom_done: bool,
    max_event_bytes: usize,
}

/// The per-stream field buffers that lines are interpreted into.
#[derive(Debug, Clone, Default)]
struct Fields {
    event: String,
    /// Every data line followed by LF; the last LF is dropped at dispatch.
    data: String,
    id: String,
    retry: Option<u64>,
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new()
    }
}

/// A line as text, invalid UTF-8 replaced by U+FFFD as the spec says. `from_utf8` first: it checks
/// ASCII a word at a time, where `from_utf8_lossy` walks byte by byte (14 % of a chat stream's
/// decoding time natively).
#[cfg_attr(llmwire_oz, optimize(speed))]
fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

impl SseDecoder {
    /// A decoder bounding each event at [`DEFAULT_MAX_EVENT_BYTES`].
    pub fn new() -> Self {
        Self::with_max_event_bytes(DEFAULT_MAX_EVENT_BYTES)
    }

    /// A decoder bounding each event (its current line plus its data) at `limit` bytes.
    pub fn with_max_event_bytes(limit: usize) -> Self {
        SseDecoder {
            line: Vec::new(),
            fields: Fields::default(),
            after_cr: false,
            bom_matched: 0,
            bom_done: false,
            max_event_bytes: limit.max(1),
        }
    }

    /// Feeds one chunk, calling `on_event` for each event it completes. An error from the
    /// callback stops decoding and is returned; so is [`SseError::EventTooLarge`].
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn push<E, F>(&mut self, chunk: &[u8], mut on_event: F) -> Result<(), E>
    where
        E: From<SseError>,
        F: FnMut(SseEvent<'_>) -> Result<(), E>,
    {
        let mut rest = self.strip_bom(chunk);
        let limit = self.max_event_bytes;
        let SseDecoder { line, fields, after_cr, .. } = self;
        while let Some(&first) = rest.first() {
            if *after_cr {
                *after_cr = false;
                if first == b'\n' {
                    rest = rest.get(1..).unwrap_or_default();
                    continue;
                }
            }
            let Some(end) = crate::protocol::scan::find_line_end(rest) else {
                check_size(line.len() + rest.len() + fields.data.len(), limit)?;
                line.extend_from_slice(rest);
                break;
            };
            let (part, tail) = rest.split_at(end);
            *after_cr = tail.first() == Some(&b'\r');
            rest = tail.get(1..).unwrap_or_default();
            if line.is_empty() {
                check_size(part.len() + fields.data.len(), limit)?;
                fields.line(&lossy(part), &mut on_event)?;
            } else {
                check_size(line.len() + part.len() + fields.data.len(), limit)?;
                line.extend_from_slice(part);
                fields.line(&lossy(line), &mut on_event)?;
                line.clear();
            }
        }
        Ok(())
    }

    /// Ends the input: discards an unterminated final event and reports whether there was one.
    /// The decoder is then ready for a new stream; the last event ID and retry persist.
    pub fn finish(&mut self) -> bool {
        let pending = !self.line.is_empty() || !self.fields.data.is_empty();
        self.line.clear();
        self.fields.data.clear();
        self.fields.event.clear();
        self.after_cr = false;
        self.bom_matched = 0;
        self.bom_done = false;
        pending
    }

    /// The last valid `retry:` value in milliseconds, if any.
    pub fn retry(&self) -> Option<u64> {
        self.fields.retry
    }

    /// The last event ID buffer (what a reconnect would send as `Last-Event-ID`).
    pub fn last_event_id(&self) -> &str {
        &self.fields.id
    }

    /// Drops one leading BOM, even when it arrives split across chunks.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn strip_bom<'c>(&mut self, chunk: &'c [u8]) -> &'c [u8] {
        let mut rest = chunk;
        while !self.bom_done {
            let Some((&b, tail)) = rest.split_first() else { break };
            let expected = BOM.get(usize::from(self.bom_matched)).copied();
            if expected == Some(b) {
                self.bom_matched += 1;
                rest = tail;
                self.bom_done = usize::from(self.bom_matched) == BOM.len();
            } else {
                // Not a BOM after all: the bytes matched so far are content.
                let matched = BOM.get(..usize::from(self.bom_matched)).unwrap_or_default();
                self.line.extend_from_slice(matched);
                self.bom_done = true;
            }
        }
        rest
    }
}

#[cfg_attr(llmwire_oz, optimize(speed))]
fn check_size(len: usize, limit: usize) -> Result<(), SseError> {
    if len > limit {
        Err(SseError::EventTooLarge { limit })
    } else {
        Ok(())
    }
}

impl Fields {
    /// Interprets one complete line.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn line<E, F>(&mut self, line: &str, on_event: &mut F) -> Result<(), E>
    where
        E: From<SseError>,
        F: FnMut(SseEvent<'_>) -> Result<(), E>,
    {
        if line.is_empty() {
            return self.dispatch(on_event);
        }
        let (field, value) = match line.split_once(':') {
            Some(("", _)) => return Ok(()), // a comment
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "event" => {
                self.event.clear();
                self.event.push_str(value);
            }
            "id" if !value.contains('\0') => {
                self.id.clear();
                self.id.push_str(value);
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse() {
                    self.retry = Some(ms);
                }
            }
            _ => {}
        }
        Ok(())
    }

    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn dispatch<E, F>(&mut self, on_event: &mut F) -> Result<(), E>
    where
        F: FnMut(SseEvent<'_>) -> Result<(), E>,
    {
        if self.data.is_empty() {
            self.event.clear();
            return Ok(());
        }
        let data = self.data.strip_suffix('\n').unwrap_or(&self.data);
        let event = if self.event.is_empty() { "message" } else { &self.event };
        let result = on_event(SseEvent { event, data, id: &self.id });
        self.data.clear();
        self.event.clear();
        result
    }
}

/// Decodes a whole body at once (the unterminated tail, if any, is discarded).
///
/// ```
/// let events = llmwire::protocol::sse::decode_all(b"data: a\ndata: b\n\n").unwrap();
/// assert_eq!(events[0].data, "a\nb");
/// ```
pub fn decode_all(body: &[u8]) -> Result<Vec<OwnedSseEvent>, SseError> {
    let mut out = Vec::new();
    let mut dec = SseDecoder::new();
    dec.push::<SseError, _>(body, |e| {
        out.push(e.into());
        Ok(())
    })?;
    dec.finish();
    Ok(out)
}

impl From<SseEvent<'_>> for OwnedSseEvent {
    fn from(e: SseEvent<'_>) -> Self {
        OwnedSseEvent { event: e.event.to_string(), data: e.data.to_string(), id: e.id.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: &str, data: &str, id: &str) -> OwnedSseEvent {
        OwnedSseEvent { event: event.into(), data: data.into(), id: id.into() }
    }

    /// Feeds `input` in the given pieces and returns the events and `finish()`'s answer.
    fn feed(pieces: &[&[u8]]) -> (Vec<OwnedSseEvent>, bool) {
        let mut dec = SseDecoder::new();
        let mut out = Vec::new();
        for p in pieces {
            dec.push::<SseError, _>(p, |e| {
                out.push(e.into());
                Ok(())
            })
            .unwrap();
        }
        let pending = dec.finish();
        (out, pending)
    }

    /// Checks `input` whole, split at every position, and split at every pair of positions.
    fn check(input: &[u8], expected: &[OwnedSseEvent], pending: bool) {
        assert_eq!(feed(&[input]), (expected.to_vec(), pending), "whole input");
        for i in 0..=input.len() {
            let (a, b) = input.split_at(i);
            assert_eq!(feed(&[a, b]), (expected.to_vec(), pending), "split at {i}");
        }
        if input.len() <= 64 {
            for i in 0..=input.len() {
                for j in i..=input.len() {
                    let pieces = [&input[..i], &input[i..j], &input[j..]];
                    assert_eq!(feed(&pieces), (expected.to_vec(), pending), "split at {i},{j}");
                }
            }
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(feed(&bytes), (expected.to_vec(), pending), "byte by byte");
    }

    #[test]
    fn line_endings_lf_crlf_and_lone_cr() {
        let want = [ev("message", "a", ""), ev("message", "b", ""), ev("message", "c", "")];
        check(b"data: a\n\ndata: b\r\n\r\ndata: c\r\r", &want, false);
        check(b"data: a\r\n\ndata: b\r\rdata: c\n\r", &want, false);
    }

    #[test]
    fn multi_line_data_is_joined_with_lf() {
        check(b"data: one\ndata:two\ndata\ndata:  three\n\n", &[ev("message", "one\ntwo\n\n three", "")], false);
    }

    #[test]
    fn event_type_and_reset_after_dispatch() {
        let input = b"event: delta\ndata: 1\n\ndata: 2\n\nevent: ping\n\ndata: 3\n\n";
        check(input, &[ev("delta", "1", ""), ev("message", "2", ""), ev("message", "3", "")], false);
    }

    #[test]
    fn comments_unknown_fields_and_empty_data_are_ignored() {
        let input = b": keep-alive\nfoo: bar\nretry: x\n\n:\n\ndata\n\n";
        // A bare `data` line makes the buffer "\n": not empty, so an event with data "" dispatches.
        check(input, &[ev("message", "", "")], false);
        check(b"event: x\n\n", &[], false);
    }

    #[test]
    fn id_persists_and_ignores_nul() {
        let input = b"id: 7\ndata: a\n\ndata: b\n\nid: bad\0id\ndata: c\n\nid\ndata: d\n\n";
        let want = [ev("message", "a", "7"), ev("message", "b", "7"), ev("message", "c", "7"), ev("message", "d", "")];
        check(input, &want, false);
    }

    #[test]
    fn retry_takes_ascii_digits_only() {
        for (input, want) in [
            (&b"retry: 1500\n\n"[..], Some(1500)),
            (b"retry: 15x\n\n", None),
            (b"retry: -1\n\n", None),
            (b"retry:\n\n", None),
            (b"retry: 99999999999999999999999\n\n", None),
            (b"retry: 10\nretry: oops\n\n", Some(10)),
        ] {
            let mut dec = SseDecoder::new();
            dec.push::<SseError, _>(input, |_| Ok(())).unwrap();
            assert_eq!(dec.retry(), want, "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn field_split_at_first_colon_one_space_dropped() {
        check(b"data:  a: b\n\n", &[ev("message", " a: b", "")], false);
        check(b"data:x:y\n\n", &[ev("message", "x:y", "")], false);
    }

    #[test]
    fn bom_removed_once_even_split() {
        let mut input = BOM.to_vec();
        input.extend_from_slice(b"data: a\n\n");
        check(&input, &[ev("message", "a", "")], false);
        // A second BOM is content: the field name is then not "data".
        let mut twice = BOM.to_vec();
        twice.extend_from_slice(&input);
        check(&twice, &[], false);
        // A partial BOM prefix is content too.
        check(&[0xEF, b'd', b'a', b'\n', b'\n'], &[], false);
    }

    #[test]
    fn utf8_reassembled_and_invalid_bytes_replaced() {
        check("data: 你好 🚀\n\n".as_bytes(), &[ev("message", "你好 🚀", "")], false);
        check(b"data: a\xffb\n\n", &[ev("message", "a\u{fffd}b", "")], false);
    }

    #[test]
    fn unterminated_final_event_is_discarded_and_reported() {
        check(b"data: a\n\ndata: b\n", &[ev("message", "a", "")], true);
        check(b"data: a\n\ndata: b", &[ev("message", "a", "")], true);
        check(b"data: a\n\n", &[ev("message", "a", "")], false);
    }

    #[test]
    fn oversized_event_is_an_error_not_a_hang() {
        let mut dec = SseDecoder::with_max_event_bytes(16);
        let r = dec.push::<SseError, _>(b"data: 0123456789abcdef", |_| Ok(()));
        assert_eq!(r, Err(SseError::EventTooLarge { limit: 16 }));
        let mut dec = SseDecoder::with_max_event_bytes(16);
        let r = dec.push::<SseError, _>(b"data: 01234567\ndata: 89abcdef\n", |_| Ok(()));
        assert_eq!(r, Err(SseError::EventTooLarge { limit: 16 }));
        let mut dec = SseDecoder::with_max_event_bytes(16);
        assert!(dec.push::<SseError, _>(b"data: 0123\n\ndata: 4567\n\n", |_| Ok(())).is_ok());
    }

    #[test]
    fn callback_error_stops_decoding() {
        #[derive(Debug, PartialEq)]
        struct Stop;
        impl From<SseError> for Stop {
            fn from(_: SseError) -> Self {
                Stop
            }
        }
        let mut n = 0;
        let mut dec = SseDecoder::new();
        let r = dec.push(b"data: 1\n\ndata: 2\n\n", |_| {
            n += 1;
            Err(Stop)
        });
        assert_eq!((r, n), (Err(Stop), 1));
    }

    #[test]
    fn decode_all_matches_incremental() {
        let events = decode_all(b"id: 1\nevent: e\ndata: x\n\ndata: tail").unwrap();
        assert_eq!(events, [ev("e", "x", "1")]);
    }

    /// Pseudo-random inputs from an alphabet of the interesting bytes, fed whole and in random
    /// pieces: the same events either way, and no panic.
    #[test]
    fn random_inputs_and_splits_agree() {
        let alphabet: &[&[u8]] = &[
            b"data",
            b"data:",
            b": ",
            b"event:",
            b"id:",
            b"retry:",
            b"\n",
            b"\r",
            b"\r\n",
            b"x",
            b"\0",
            b"\xef",
            b"\xbb",
            b"\xbf",
            "é".as_bytes(),
            "🚀".as_bytes(),
            b"12",
            b":",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2000 {
            let mut input = Vec::new();
            for _ in 0..(next() % 40) {
                input.extend_from_slice(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            let whole = feed(&[&input]);
            let mut pieces = Vec::new();
            let mut rest = &input[..];
            while !rest.is_empty() {
                let n = 1 + (next() as usize % rest.len().min(7));
                let (a, b) = rest.split_at(n);
                pieces.push(a);
                rest = b;
            }
            assert_eq!(feed(&pieces), whole, "input {:?}", String::from_utf8_lossy(&input));
        }
    }
}
