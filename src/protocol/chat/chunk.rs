//! A borrowed view of one `chat.completion.chunk`, parsed in a single pass on the hot path.
//!
//! Strings borrow from the event's data where they have no escapes; unknown fields are kept as
//! raw JSON slices so the accumulator can keep them without re-parsing. A chunk is parsed whole
//! before anything is applied, so a malformed event leaves the accumulated state untouched.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// A string that borrows from the input when it can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str<'a>(pub Cow<'a, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// An unknown member, kept as its raw JSON.
pub type RawField<'a> = (Str<'a>, &'a RawValue);

/// One chunk, as sent.
#[derive(Debug, Default)]
pub struct ChunkView<'a> {
    pub id: Option<Str<'a>>,
    pub created: Option<&'a RawValue>,
    pub model: Option<Str<'a>>,
    pub system_fingerprint: Option<Str<'a>>,
    /// The first choice, kept inline: almost every chunk has exactly one.
    pub first_choice: Option<ChoiceDelta<'a>>,
    pub more_choices: Vec<ChoiceDelta<'a>>,
    pub usage: Option<&'a RawValue>,
    /// An `error` member: the server reports a failure inside the stream.
    pub error: Option<&'a RawValue>,
    pub extra: Vec<RawField<'a>>,
}

impl<'a> ChunkView<'a> {
    /// Parses one event's data. Fails on invalid JSON and on JSON that is not an object.
    pub fn parse(data: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(data)
    }

    /// The choices in the order they were sent.
    pub fn choices(&self) -> impl Iterator<Item = &ChoiceDelta<'a>> {
        self.first_choice.iter().chain(self.more_choices.iter())
    }
}

/// One entry of `choices` in a chunk.
#[derive(Debug, Default)]
pub struct ChoiceDelta<'a> {
    pub index: Option<u64>,
    pub delta: Delta<'a>,
    pub finish_reason: Option<Str<'a>>,
    pub logprobs: Option<&'a RawValue>,
    pub extra: Vec<RawField<'a>>,
}

/// The `delta` of a choice.
#[derive(Debug, Default)]
pub struct Delta<'a> {
    pub role: Option<Str<'a>>,
    pub content: Option<Str<'a>>,
    pub refusal: Option<Str<'a>>,
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
    pub extra: Vec<RawField<'a>>,
}

/// Defines a `Deserialize` impl for a struct read as a JSON object, dispatching on the key.
/// `$body` sees `$key: &str`, `$map` and `$out`, and must consume exactly one value.
macro_rules! object_visitor {
    ($ty:ident, $what:literal, |$key:ident, $map:ident, $out:ident| $body:block) => {
        impl<'de> Deserialize<'de> for $ty<'de> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $ty<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut $map: A) -> Result<Self::Value, A::Error> {
                        let mut $out = $ty::default();
                        while let Some(Str($key)) = $map.next_key::<Str<'de>>()? {
                            let $key: &str = &$key;
                            $body
                        }
                        Ok($out)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

object_visitor!(ChunkView, "a chat.completion.chunk object", |key, map, out| {
    match key {
        "choices" => {
            let ChoiceList(first, more) = map.next_value::<Option<ChoiceList>>()?.unwrap_or_default();
            out.first_choice = first;
            out.more_choices = more;
        }
        "id" => out.id = map.next_value()?,
        "model" => out.model = map.next_value()?,
        "created" => out.created = Some(map.next_value()?),
        "object" => {
            map.next_value::<IgnoredAny>()?;
        }
        "usage" => out.usage = Some(map.next_value::<&RawValue>()?).filter(|r| r.get() != "null"),
        "error" => out.error = Some(map.next_value::<&RawValue>()?).filter(|r| r.get() != "null"),
        "system_fingerprint" => out.system_fingerprint = map.next_value()?,
        other => out.extra.push((Str(Cow::Owned(other.to_owned())), map.next_value()?)),
    }
});

object_visitor!(ChoiceDelta, "a choice object", |key, map, out| {
    match key {
        "delta" => out.delta = map.next_value::<Option<Delta>>()?.unwrap_or_default(),
        "index" => out.index = map.next_value()?,
        "finish_reason" => out.finish_reason = map.next_value()?,
        "logprobs" => out.logprobs = Some(map.next_value::<&RawValue>()?).filter(|r| r.get() != "null"),
        other => out.extra.push((Str(Cow::Owned(other.to_owned())), map.next_value()?)),
    }
});

object_visitor!(Delta, "a delta object", |key, map, out| {
    match key {
        "content" => out.content = map.next_value()?,
        "role" => out.role = map.next_value()?,
        "tool_calls" => out.tool_calls = map.next_value::<Option<Vec<ToolCallDelta>>>()?.unwrap_or_default(),
        "refusal" => out.refusal = map.next_value()?,
        other => out.extra.push((Str(Cow::Owned(other.to_owned())), map.next_value()?)),
    }
});

object_visitor!(ToolCallDelta, "a tool call object", |key, map, out| {
    match key {
        "index" => out.index = map.next_value()?,
        "id" => out.id = map.next_value()?,
        "type" => out.call_type = map.next_value()?,
        "function" => {
            if let Some(f) = map.next_value::<Option<FunctionDelta>>()? {
                out.name = f.name;
                out.arguments = f.arguments;
            }
        }
        other => out.extra.push((Str(Cow::Owned(other.to_owned())), map.next_value()?)),
    }
});

#[derive(Default)]
struct FunctionDelta<'a> {
    name: Option<Str<'a>>,
    arguments: Option<Str<'a>>,
}

object_visitor!(FunctionDelta, "a function object", |key, map, out| {
    match key {
        "name" => out.name = map.next_value()?,
        "arguments" => out.arguments = map.next_value()?,
        _ => {
            map.next_value::<IgnoredAny>()?;
        }
    }
});

/// `choices`, with the first element inline.
#[derive(Default)]
struct ChoiceList<'a>(Option<ChoiceDelta<'a>>, Vec<ChoiceDelta<'a>>);

impl<'de> Deserialize<'de> for ChoiceList<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ChoiceList<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of choices")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let first = seq.next_element()?;
                let mut more = Vec::new();
                while let Some(c) = seq.next_element()? {
                    more.push(c);
                }
                Ok(ChoiceList(first, more))
            }
        }
        d.deserialize_seq(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_openai_chunk_borrowing_strings() {
        let data = r#"{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#;
        let v = ChunkView::parse(data).unwrap();
        assert!(matches!(v.id, Some(Str(Cow::Borrowed("c1")))));
        let c = v.first_choice.as_ref().unwrap();
        assert!(matches!(c.delta.content, Some(Str(Cow::Borrowed("Hi")))));
        assert_eq!(c.finish_reason, None);
        assert!(v.more_choices.is_empty() && v.extra.is_empty());
    }

    #[test]
    fn keeps_unknown_fields_and_escapes() {
        let data = r#"{"choices":[{"delta":{"content":"a\nb","reasoning_content":"why"},"index":0}],"content":"x","lastOne":false}"#;
        let v = ChunkView::parse(data).unwrap();
        assert_eq!(v.extra.len(), 2);
        let d = &v.first_choice.as_ref().unwrap().delta;
        assert_eq!(d.content.as_ref().unwrap().0, "a\nb");
        assert_eq!(d.extra[0].0 .0, "reasoning_content");
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
    fn tool_call_deltas() {
        let v = ChunkView::parse(
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a"}},{"function":{"arguments":"1"}}]}}]}"#,
        )
        .unwrap();
        let calls = &v.first_choice.unwrap().delta.tool_calls;
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].arguments.as_ref().unwrap().0, "{\"a");
        assert_eq!(calls[1].index, None);
    }
}
