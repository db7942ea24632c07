//! A borrowed view of one `chat.completion.chunk`, parsed in a single pass on the hot path.
//!
//! Strings borrow from the event's data where they have no escapes; unknown fields are kept as
//! raw JSON slices so the accumulator can keep them without re-parsing. A chunk is parsed whole
//! before anything is applied, so a malformed event leaves the accumulated state untouched. The
//! header every chunk of a stream repeats (`id`, `object`, `created`, `model`,
//! `system_fingerprint`) is read once: see [`ChunkView::parse_after`].

use crate::protocol::json::{Halves, JsonError, Kind, Reader};
use std::borrow::Cow;

/// A string that borrows from the event's data when it has no escapes.
pub type Str<'a> = Cow<'a, str>;

/// An unknown member: its key and its raw JSON text.
pub type RawField<'a> = (Str<'a>, &'a str);

/// One chunk, as sent.
#[derive(Debug, Default)]
pub struct ChunkView<'a> {
    pub id: Option<Str<'a>>,
    /// The raw JSON of `created` (normally a number).
    pub created: Option<&'a str>,
    pub model: Option<Str<'a>>,
    pub system_fingerprint: Option<Str<'a>>,
    /// The first choice, kept inline: almost every chunk has exactly one.
    pub first_choice: Option<ChoiceDelta<'a>>,
    pub more_choices: Vec<ChoiceDelta<'a>>,
    /// The raw JSON of `usage`, when present and not null.
    pub usage: Option<&'a str>,
    /// The raw JSON of an `error` member: the server reports a failure inside the stream.
    pub error: Option<&'a str>,
    pub extra: Vec<RawField<'a>>,
    /// The leading `id`, `object`, `created`, `model` and `system_fingerprint` members as sent
    /// (from `{` to the end of the last one's value; `""` when there are none), or `None` when
    /// they were skipped by [`parse_after`](Self::parse_after).
    pub header: Option<&'a str>,
}

/// One entry of `choices` in a chunk.
#[derive(Debug, Default)]
pub struct ChoiceDelta<'a> {
    pub index: Option<u64>,
    pub delta: Delta<'a>,
    pub finish_reason: Option<Str<'a>>,
    /// The raw JSON of `logprobs`, when present and not null.
    pub logprobs: Option<&'a str>,
    pub extra: Vec<RawField<'a>>,
}

/// The `delta` of a choice.
#[derive(Debug, Default)]
pub struct Delta<'a> {
    pub role: Option<Str<'a>>,
    pub content: Option<Str<'a>>,
    /// For [`SurrogateJoin`](super::blocks::SurrogateJoin).
    pub content_halves: Halves,
    pub refusal: Option<Str<'a>>,
    pub refusal_halves: Halves,
    pub tool_calls: Vec<ToolCallDelta<'a>>,
    /// Unknown members; string values (e.g. `reasoning_content`) are concatenated across chunks.
    pub extra: Vec<RawField<'a>>,
}

/// One entry of `delta.tool_calls`; every member may be missing.
#[derive(Debug, Default)]
pub struct ToolCallDelta<'a> {
    pub index: Option<u64>,
    pub id: Option<Str<'a>>,
    pub call_type: Option<Str<'a>>,
    pub name: Option<Str<'a>>,
    pub arguments: Option<Str<'a>>,
    pub arguments_halves: Halves,
    pub extra: Vec<RawField<'a>>,
}

type Res<T> = Result<T, JsonError>;

impl<'a> ChunkView<'a> {
    /// Parses one event's data. Fails on invalid JSON and on JSON that is not an object.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn parse(data: &'a str) -> Res<Self> {
        Self::parse_after(data, "")
    }

    /// Parses one event's data whose first bytes may be `known`, the [`header`](Self::header) of
    /// an earlier chunk: when they are, and the header's last value ends there too, it is read
    /// from after them, and its header fields are `None`.
    ///
    /// OpenAI and most gateways start every chunk of a stream with the same `id`, `object`,
    /// `created`, `model` and `system_fingerprint`, byte for byte: over half of a short chunk.
    /// The same bytes read the same, and the accumulator sets those fields last-wins, so a header
    /// it applied before has nothing new in it ([`ChatAccumulator::parse`] passes the last one).
    ///
    /// [`ChatAccumulator::parse`]: crate::protocol::chat::ChatAccumulator::parse
    ///
    /// ```
    /// use llmwire::protocol::chat::chunk::ChunkView;
    /// let first = r#"{"id":"c1","model":"m","choices":[{"delta":{"content":"a"}}]}"#;
    /// let second = r#"{"id":"c1","model":"m","choices":[{"delta":{"content":"b"}}]}"#;
    /// let view = ChunkView::parse(first).unwrap();
    /// assert_eq!(view.header, Some(r#"{"id":"c1","model":"m""#));
    /// let next = ChunkView::parse_after(second, view.header.unwrap()).unwrap();
    /// assert_eq!((next.id, next.header), (None, None));
    /// assert_eq!(next.first_choice.unwrap().delta.content.as_deref(), Some("b"));
    /// ```
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn parse_after(data: &'a str, known: &str) -> Res<Self> {
        let mut out = ChunkView::default();
        // `"created":1` is not the header of `"created":12`.
        let resumed = !known.is_empty()
            && data.as_bytes().starts_with(known.as_bytes())
            && matches!(data.as_bytes().get(known.len()), Some(b',' | b'}' | b' ' | b'\t' | b'\n' | b'\r'));
        let (mut r, mut header) =
            if resumed { (Reader::resume(data, known.len()), Header::Closed(known.len())) } else { (Reader::new(data), Header::Open(0)) };
        let mut member = |key, r: &mut Reader<'a>| out.member(key, r, &mut header);
        if resumed {
            r.rest_of_object(&mut member)?;
        } else {
            r.object(&mut member)?;
        }
        r.end()?;
        out.header = match header {
            // A header member repeated later was read, not skipped: the next chunk is read whole.
            Header::Repeated => Some(""),
            _ if resumed => None,
            Header::Open(end) | Header::Closed(end) => Some(data.get(..end).unwrap_or_default()),
        };
        Ok(out)
    }

    /// Reads one member; `header` follows where the leading `id`, `object`, `created`, `model`
    /// and `system_fingerprint` members end.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn member(&mut self, key: Str<'a>, r: &mut Reader<'a>, header: &mut Header) -> Res<()> {
        let out = self;
        let in_header = match key.as_ref() {
            "choices" => {
                if !r.null()? {
                    // Read in place: a choice is a large struct, and moving it out of a
                    // returned Result was a tenth of the decoding time (perf).
                    r.array(|r| {
                        if out.first_choice.is_none() {
                            return out.first_choice.insert(ChoiceDelta::default()).read(r);
                        }
                        let mut choice = ChoiceDelta::default();
                        choice.read(r)?;
                        out.more_choices.push(choice);
                        Ok(())
                    })?;
                }
                false
            }
            "id" => {
                out.id = r.opt_string()?;
                true
            }
            "model" => {
                out.model = r.opt_string()?;
                true
            }
            "created" => {
                out.created = Some(r.raw()?);
                true
            }
            "object" => {
                r.skip()?;
                true
            }
            "system_fingerprint" => {
                out.system_fingerprint = r.opt_string()?;
                true
            }
            "usage" => {
                out.usage = non_null(r.raw()?);
                false
            }
            "error" => {
                out.error = non_null(r.raw()?);
                false
            }
            _ => {
                out.extra.push((key, r.raw()?));
                false
            }
        };
        *header = match (*header, in_header) {
            (Header::Open(_), true) => Header::Open(r.position()),
            (Header::Open(end), false) => Header::Closed(end),
            (Header::Closed(_), true) => Header::Repeated,
            (other, _) => other,
        };
        Ok(())
    }

    /// The choices in the order they were sent.
    #[cfg_attr(llmwire_oz, optimize(speed))]
    pub fn choices(&self) -> impl Iterator<Item = &ChoiceDelta<'a>> {
        self.first_choice.iter().chain(self.more_choices.iter())
    }
}

/// Where a chunk's leading header members end: `Open` while every member so far was one of
/// them, `Closed` once another came, `Repeated` when one came again after another member.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Header {
    Open(usize),
    Closed(usize),
    Repeated,
}

#[cfg_attr(llmwire_oz, optimize(speed))]
fn non_null(raw: &str) -> Option<&str> {
    (raw != "null").then_some(raw)
}

/// An index, or `None` for `null`; any other number than a small non-negative integer is an error.
#[cfg_attr(llmwire_oz, optimize(speed))]
fn read_index(r: &mut Reader<'_>) -> Res<Option<u64>> {
    if r.null()? {
        return Ok(None);
    }
    match r.index()? {
        Some(i) => Ok(Some(i)),
        None => Err(r.error("an index must be a non-negative integer")),
    }
}

impl<'a> ChoiceDelta<'a> {
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn read(&mut self, r: &mut Reader<'a>) -> Res<()> {
        let out = self;
        r.object(|key, r| {
            match key.as_ref() {
                "delta" => {
                    // A repeated member replaces the earlier one, as in JSON.parse.
                    out.delta = Delta::default();
                    if !r.null()? {
                        out.delta.read(r)?;
                    }
                }
                "index" => out.index = read_index(r)?,
                "finish_reason" => out.finish_reason = r.opt_string()?,
                "logprobs" => out.logprobs = non_null(r.raw()?),
                _ => out.extra.push((key, r.raw()?)),
            }
            Ok(())
        })
    }
}

impl<'a> Delta<'a> {
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn read(&mut self, r: &mut Reader<'a>) -> Res<()> {
        let out = self;
        r.object(|key, r| {
            match key.as_ref() {
                "content" => (out.content, out.content_halves) = r.opt_string_halves()?,
                "role" => out.role = r.opt_string()?,
                "tool_calls" => {
                    if !r.null()? {
                        r.array(|r| {
                            out.tool_calls.push(ToolCallDelta::read(r)?);
                            Ok(())
                        })?;
                    }
                }
                "refusal" => (out.refusal, out.refusal_halves) = r.opt_string_halves()?,
                _ => out.extra.push((key, r.raw()?)),
            }
            Ok(())
        })
    }
}

impl<'a> ToolCallDelta<'a> {
    #[cfg_attr(llmwire_oz, optimize(speed))]
    fn read(r: &mut Reader<'a>) -> Res<Self> {
        let mut out = ToolCallDelta::default();
        r.object(|key, r| {
            match key.as_ref() {
                "index" => out.index = read_index(r)?,
                "id" => out.id = r.opt_string()?,
                "type" => out.call_type = r.opt_string()?,
                "function" => {
                    if r.peek()? == Kind::Object {
                        r.object(|key, r| {
                            match key.as_ref() {
                                "name" => out.name = r.opt_string()?,
                                "arguments" => (out.arguments, out.arguments_halves) = r.opt_string_halves()?,
                                _ => r.skip()?,
                            }
                            Ok(())
                        })?;
                    } else if !r.null()? {
                        return Err(r.error("function must be an object"));
                    }
                }
                _ => out.extra.push((key, r.raw()?)),
            }
            Ok(())
        })?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_openai_chunk_borrowing_strings() {
        let data = r#"{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#;
        let v = ChunkView::parse(data).unwrap();
        assert!(matches!(v.id, Some(Cow::Borrowed("c1"))));
        let c = v.first_choice.as_ref().unwrap();
        assert!(matches!(c.delta.content, Some(Cow::Borrowed("Hi"))));
        assert_eq!(c.finish_reason, None);
        assert!(v.more_choices.is_empty() && v.extra.is_empty());
    }

    #[test]
    fn keeps_unknown_fields_and_escapes() {
        let data = r#"{"choices":[{"delta":{"content":"a\nb","reasoning_content":"why"},"index":0}],"content":"x","lastOne":false}"#;
        let v = ChunkView::parse(data).unwrap();
        assert_eq!(v.extra.len(), 2);
        let d = &v.first_choice.as_ref().unwrap().delta;
        assert_eq!(d.content.as_deref(), Some("a\nb"));
        assert_eq!(d.extra[0].0, "reasoning_content");
    }

    #[test]
    fn rejects_malformed_and_non_objects() {
        // The yi-vision sample from 01.AI's docs: an extra `}` after the delta.
        let bad = r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"yi-vision","choices":[{"delta":{"content":"The"}},"index":0}],"content":"The","lastOne":false}"#;
        assert!(ChunkView::parse(bad).is_err());
        assert!(ChunkView::parse("[1]").is_err());
        assert!(ChunkView::parse("\"x\"").is_err());
        assert!(ChunkView::parse("{} x").is_err());
        assert!(ChunkView::parse(r#"{"choices":[{"delta":{"content":5}}]}"#).is_err());
    }

    #[test]
    fn nulls_are_absent() {
        let v = ChunkView::parse(r#"{"choices":null,"usage":null,"error":null}"#).unwrap();
        assert!(v.first_choice.is_none() && v.usage.is_none() && v.error.is_none());
        let v = ChunkView::parse(r#"{"choices":[{"delta":null,"index":1}]}"#).unwrap();
        assert_eq!(v.first_choice.unwrap().index, Some(1));
    }

    #[test]
    fn a_repeated_delta_replaces_the_earlier_one_as_json_parse_does() {
        let v = ChunkView::parse(
            r#"{"choices":[{"delta":{"content":"a","role":"assistant"},"delta":{"content":"b"}},{"delta":{"content":"c"}}]}"#,
        )
        .unwrap();
        let first = v.first_choice.unwrap();
        assert_eq!((first.delta.content.as_deref(), first.delta.role), (Some("b"), None));
        assert_eq!(v.more_choices[0].delta.content.as_deref(), Some("c"));
    }

    #[test]
    fn tool_call_deltas() {
        let v = ChunkView::parse(
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a"}},{"function":{"arguments":"1"}}]}}]}"#,
        )
        .unwrap();
        let calls = &v.first_choice.unwrap().delta.tool_calls;
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].arguments.as_deref(), Some("{\"a"));
        assert_eq!(calls[1].index, None);
    }
}
