//! [`Text`]: a streamed text (a message's content, refusal or reasoning, a tool call's arguments)
//! appended piece by piece into blocks that are filled and never moved; [`SurrogateJoin`]: the
//! halves of a character that a gateway cut between two pieces, joined again.
//!
//! A growing `String` copies itself into a larger buffer each time it is full, and wasm memory
//! (which never shrinks) keeps the pages of every buffer it outgrew: a 1.1 MB answer touched 3.1
//! MB of it. Blocks touch the text once; [`Text::into_string`] copies it once more at the end.
//!
//! ```
//! use llmwire::protocol::chat::blocks::Text;
//! let mut t = Text::default();
//! t.push("Hel");
//! t.push("lo");
//! assert_eq!((t.as_str().as_ref(), t.len()), ("Hello", 5));
//! let mut json = String::new();
//! t.write_json(&mut json);
//! assert_eq!(json, "\"Hello\"");
//! assert_eq!(t.into_string(), "Hello");
//! ```
use crate::protocol::json::{push_escaped, str_len, Halves};
use crate::protocol::structured::{partial_json, partial_json_from};
use std::borrow::Cow;

/// Size at which the block being filled is closed and a new one started, in bytes. Below it a
/// text is one block that grows as a `String` does (the copies are small), so short texts cost
/// no more than a `String`; above it blocks are reserved at this size or an eighth of the text.
pub const BLOCK: usize = 64 * 1024;

/// A text built by [`push`](Self::push)es: see the [module docs](self).
#[derive(Debug, Default, Clone)]
pub struct Text {
    /// Closed blocks, in order.
    full: Vec<String>,
    /// The block being filled.
    last: String,
    len: usize,
    /// A high half that ended the last piece; the text ends with U+FFFD for it meanwhile.
    join: SurrogateJoin,
}

impl Text {
    /// Appends `piece`, a JSON string's value with its [`Halves`], joining the halves of a
    /// character cut between this piece and the last ([`SurrogateJoin`]). Returns the piece as a
    /// stream hands it on.
    ///
    /// ```
    /// use llmwire::protocol::{chat::blocks::Text, json::Reader};
    /// let mut t = Text::default();
    /// let (a, halves) = Reader::new(r#""a\ud83d""#).opt_string_halves().unwrap();
    /// assert_eq!(t.push_piece(&a.unwrap(), halves), "a");
    /// assert_eq!(t.as_str(), "a\u{fffd}");
    /// let (b, halves) = Reader::new(r#""\ude80b""#).opt_string_halves().unwrap();
    /// assert_eq!(t.push_piece(&b.unwrap(), halves), "🚀b");
    /// assert_eq!(t.as_str(), "a🚀b");
    /// ```
    #[cfg_attr(llmwire_oz, optimize(speed))]
    #[inline(never)]
    pub fn push_piece<'p>(&mut self, piece: &'p str, halves: Halves) -> Cow<'p, str> {
        let held = self.join.holding();
        let handed_on = self.join.piece(piece, halves);
        if held && self.last.ends_with(LONE) {
            self.last.truncate(self.last.len() - LONE.len_utf8());
            self.len -= LONE.len_utf8();
        }
        self.push(&handed_on);
        if self.join.holding() {
            self.push(LONE.encode_utf8(&mut [0; 4]));
        }
        handed_on
    }

    /// Whether the text ends with the U+FFFD of a high half held back for the next piece.
    pub fn holds_half(&self) -> bool {
        self.join.holding()
    }

    /// Ends the pieces: a high half still held back stays the U+FFFD it reads as, which is
    /// returned for a stream to hand on.
    ///
    /// ```
    /// use llmwire::protocol::{chat::blocks::Text, json::Reader};
    /// let mut t = Text::default();
    /// let (a, halves) = Reader::new(r#""a\ud83d""#).opt_string_halves().unwrap();
    /// assert_eq!(t.push_piece(&a.unwrap(), halves), "a");
    /// assert_eq!(t.finish(), Some('\u{fffd}'));
    /// assert_eq!((t.holds_half(), t.finish()), (false, None));
    /// assert_eq!(t.as_str(), "a\u{fffd}");
    /// ```
    pub fn finish(&mut self) -> Option<char> {
        self.join.finish()
    }

    /// Appends `piece`.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn push(&mut self, piece: &str) {
        let last = &mut self.last;
        if last.capacity() - last.len() < piece.len() {
            if last.len() >= BLOCK {
                let next = String::with_capacity(piece.len().max(BLOCK).max(self.len / 8));
                self.full.push(std::mem::replace(last, next));
            } else {
                // Grown by half rather than doubled: the freed buffers add up to room for later ones.
                last.reserve_exact(piece.len().max(last.len() / 2).max(64));
            }
        }
        self.last.push_str(piece);
        self.len += piece.len();
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was pushed (or only empty pieces).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The text, borrowed while it is one block, else joined.
    pub fn as_str(&self) -> Cow<'_, str> {
        if self.full.is_empty() {
            Cow::Borrowed(&self.last)
        } else {
            Cow::Owned(self.blocks().collect())
        }
    }

    /// The text completed to a JSON value, as [`partial_json`] does; the blocks are joined only
    /// when the value reaches past the first (a JSON answer; prose is decided in its first bytes).
    pub fn partial_json(&self) -> Option<String> {
        match self.full.first() {
            None => partial_json(&self.last),
            Some(head) => partial_json_from(head, || self.as_str().into_owned()),
        }
    }

    /// The text as one `String`: the block itself while it is one, else the blocks joined.
    pub fn into_string(self) -> String {
        if self.full.is_empty() {
            return self.last;
        }
        let mut out = String::with_capacity(self.len);
        out.extend(self.blocks());
        out
    }

    /// Appends the text as a JSON string literal.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn write_json(&self, out: &mut String) {
        out.push('"');
        for block in self.blocks() {
            push_escaped(out, block);
        }
        out.push('"');
    }

    /// At least the length of [`write_json`](Self::write_json)'s literal.
    pub fn json_len(&self) -> usize {
        self.blocks().map(str_len).sum()
    }

    fn blocks(&self) -> impl Iterator<Item = &str> {
        self.full.iter().map(String::as_str).chain(std::iter::once(self.last.as_str()))
    }
}

impl From<String> for Text {
    fn from(last: String) -> Text {
        Text { full: Vec::new(), len: last.len(), last, join: SurrogateJoin::default() }
    }
}

/// Joins the two halves of a character that a gateway cut between two JSON strings.
///
/// A gateway written in JavaScript, whose strings are UTF-16, can cut a text between the halves
/// of a character outside the BMP (🚀 is `\ud83d\ude80`), and then writes each half as a lone
/// escape: `"a\ud83d"`, then `"\ude80b"`. Each reads as U+FFFD. A JavaScript client that joins
/// the strings gets the character back; here a stream holds back a high half that ends a piece
/// and joins it with the low half that starts the next one. A half with no partner stays U+FFFD.
///
/// ```
/// use llmwire::protocol::{chat::blocks::SurrogateJoin, json::Halves};
/// let mut join = SurrogateJoin::default();
/// let high = Halves { low_first: None, high_last: Some(0xd83d) };
/// let low = Halves { low_first: Some(0xde80), high_last: None };
/// assert_eq!(join.piece("a\u{fffd}", high), "a");
/// assert_eq!(join.piece("\u{fffd}b", low), "🚀b");
/// assert_eq!(join.piece("c\u{fffd}", high), "c");
/// assert_eq!(join.finish(), Some('\u{fffd}'));
/// ```
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct SurrogateJoin {
    high: Option<u16>,
}

impl SurrogateJoin {
    /// Whether a high half is held back.
    pub fn holding(&self) -> bool {
        self.high.is_some()
    }

    /// `piece` (a JSON string's value with its `halves`) as it is handed on: a high half held
    /// before joined with a low half that starts it (or given as U+FFFD), a high half that ends
    /// it held back.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn piece<'p>(&mut self, piece: &'p str, halves: Halves) -> Cow<'p, str> {
        // An empty piece (LiteLLM's `content: ""` beside tool calls) leaves a held half held.
        if piece.is_empty() || self.high.is_none() && halves.high_last.is_none() {
            return Cow::Borrowed(piece);
        }
        self.join(piece, halves)
    }

    /// [`piece`](Self::piece) where a half is involved (rare: kept out of the fast path).
    #[inline(never)]
    fn join<'p>(&mut self, piece: &'p str, Halves { low_first, high_last }: Halves) -> Cow<'p, str> {
        // Each half stands for the U+FFFD it was read as, at that end of the piece.
        let mut rest = piece;
        let first = self.high.take().map(|high| match low_first.zip(rest.get(LONE.len_utf8()..)) {
            Some((low, after)) => {
                rest = after;
                let (high, low) = (u32::from(high), u32::from(low));
                let pair = (0xD800..0xDC00).contains(&high) && (0xDC00..0xE000).contains(&low);
                pair.then(|| char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))).flatten().unwrap_or(LONE)
            }
            None => LONE,
        });
        if let Some(before) = rest.len().checked_sub(LONE.len_utf8()).and_then(|end| rest.get(..end)).filter(|_| high_last.is_some()) {
            rest = before;
            self.high = high_last;
        }
        match first {
            None => Cow::Borrowed(rest),
            Some(c) => {
                let mut out = String::with_capacity(rest.len() + 4);
                out.push(c);
                out.push_str(rest);
                Cow::Owned(out)
            }
        }
    }

    /// At the end of the text: U+FFFD for a high half still held back.
    pub fn finish(&mut self) -> Option<char> {
        self.high.take().map(|_| LONE)
    }
}

/// What a lone half of a surrogate pair reads as.
const LONE: char = '\u{fffd}';

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces of every size, escapes and multi-byte characters across block ends: the blocks
    /// add up to the text, the JSON literal is its value, and no block is reallocated once closed.
    #[test]
    fn blocks_add_up_to_the_text_and_are_never_moved() {
        let pieces = ["a", "\"\\\n\u{1}", "東京😀", &"x".repeat(BLOCK + 3), "é", &"y".repeat(3 * BLOCK)];
        let (mut t, mut expected) = (Text::default(), String::new());
        for round in 0..40 {
            let piece = pieces[round % pieces.len()];
            t.push(piece);
            expected.push_str(piece);
            let starts: Vec<*const u8> = t.full.iter().map(|b| b.as_ptr()).collect();
            t.push("");
            assert_eq!(starts, t.full.iter().map(|b| b.as_ptr()).collect::<Vec<_>>());
        }
        assert!(t.full.len() > 10, "{} blocks", t.full.len());
        assert!(t.full.iter().all(|b| b.len() >= BLOCK));
        assert_eq!((t.as_str().as_ref(), t.len()), (expected.as_str(), expected.len()));
        let mut json = String::new();
        t.write_json(&mut json);
        assert!(t.json_len() >= json.len());
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), expected);
        assert_eq!(t.into_string(), expected);
    }

    /// The JSON answer of a text in many blocks is that of the whole text, JSON or prose.
    #[test]
    fn partial_json_reads_past_the_first_block_when_the_value_does() {
        let items = "[\"東京😀\", 12.5, true], ".repeat(BLOCK / 8);
        for text in [format!("{{\"a\": [{items}"), format!("Sure: {{\"a\": [{items}")] {
            let mut t = Text::default();
            for c in text.chars() {
                t.push(c.encode_utf8(&mut [0; 4]));
            }
            assert!(t.full.len() > 1);
            assert_eq!(t.partial_json(), partial_json(&text));
        }
    }

    #[test]
    fn halves_that_are_no_surrogates_give_u_fffd_without_panicking() {
        // `Halves` is public: a caller may pass any units, which must not overflow the join.
        let mut join = SurrogateJoin::default();
        assert_eq!(join.piece("a\u{fffd}", Halves { low_first: None, high_last: Some(5) }), "a");
        assert_eq!(join.piece("\u{fffd}b", Halves { low_first: Some(1), high_last: None }), "\u{fffd}b");
    }

    #[test]
    fn a_short_text_is_one_block_borrowed_and_moved_out() {
        let mut t = Text::from("ab".to_string());
        t.push("c");
        assert!(matches!(t.as_str(), Cow::Borrowed("abc")));
        let at = t.last.as_ptr();
        let moved = t.into_string();
        assert_eq!(moved.as_ptr(), at);
        assert!(Text::default().is_empty());
    }
}
