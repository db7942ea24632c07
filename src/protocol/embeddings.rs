//! Embeddings responses, whatever encoding the gateway chose.
//!
//! `encoding_format: "base64"` asks for each vector as little-endian float32 bytes in base64, but
//! some gateways ignore the request and send a number array (and a few send base64 when floats
//! were asked). The format is told from each value's JSON type, never from the request, so a
//! vector is never misread (openai-node#1542 returns a quarter of the values in that case).
//!
//! [`decode_embeddings`] checks every vector and decodes the base64 ones into one flat `f32`
//! buffer (a `Float32Array` in JavaScript). The JSON it gives back keeps number arrays as sent
//! and has `"embedding": null` where a base64 vector was, to be filled from that buffer: writing
//! floats as text here would cost the wasm module a float formatter, and JavaScript makes the
//! arrays for free. [`EmbeddingResponse::from_body`] does the filling for Rust. The package's
//! facade checks a response it parsed itself a vector at a time ([`decode_one`]), so a batch never
//! enters wasm memory whole.
//!
//! ```
//! use llmwire::protocol::embeddings::decode_embeddings;
//! // [1.0, -2.5] as little-endian float32, base64-encoded.
//! let d = decode_embeddings(r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":"AACAPwAAIMA="}],"model":"m"}"#).unwrap();
//! assert_eq!(d.vectors, [1.0, -2.5]);
//! assert_eq!(d.lengths, [2]);
//! assert_eq!(d.json, r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":null}],"model":"m"}"#);
//! ```

use crate::protocol::base64;
use crate::protocol::error::{snippet_of, Error};
use crate::protocol::json::{self, Kind, ObjectWriter, Reader};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An embeddings response with its base64 vectors decoded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecodedEmbeddings {
    /// The response as JSON text: number arrays as sent, `null` where a base64 vector was.
    pub json: String,
    /// The base64 vectors, decoded, one after another in the order of `data`.
    pub vectors: Vec<f32>,
    /// How many values each base64 vector had, in order.
    pub lengths: Vec<usize>,
}

/// An embeddings response, typed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EmbeddingResponse {
    #[serde(default)]
    pub data: Vec<Embedding>,
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One input's vector.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Embedding {
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub index: u32,
    #[serde(default)]
    pub embedding: Vec<f32>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EmbeddingResponse {
    /// Decodes a response body (see [`decode_embeddings`]).
    pub fn from_body(body: &str) -> Result<Self, Error> {
        Self::from_decoded(&decode_embeddings(body)?)
    }

    /// The typed response from a [`decode_embeddings`] result, its `null`s filled with the
    /// decoded vectors.
    pub fn from_decoded(decoded: &DecodedEmbeddings) -> Result<Self, Error> {
        let body = decoded.json.as_str();
        let mut value: Value = serde_json::from_str(body).map_err(|e| invalid(format!("expected an embeddings response: {e}"), body))?;
        let mut rest = decoded.vectors.as_slice();
        let mut lengths = decoded.lengths.iter();
        for item in value.get_mut("data").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(slot) = item.get_mut("embedding").filter(|e| e.is_null()) {
                let n = lengths.next().copied().unwrap_or(0);
                let (vector, tail) = rest.split_at(n.min(rest.len()));
                *slot = vector.iter().map(|v| Value::from(f64::from(*v))).collect();
                rest = tail;
            }
        }
        serde_json::from_value(value).map_err(|e| invalid(format!("expected an embeddings response: {e}"), body))
    }
}

fn invalid(message: String, body: &str) -> Error {
    Error::InvalidResponse { message, snippet: snippet_of(body.as_bytes()) }
}

/// Decodes every `embedding` of an embeddings response: a number array as it is, a base64 string
/// as little-endian float32. Fails with [`Error::InvalidResponse`] on invalid base64, a byte
/// length that is not a multiple of 4, non-numbers, non-finite values, or vectors of different
/// lengths in one response.
pub fn decode_embeddings(body: &str) -> Result<DecodedEmbeddings, Error> {
    let members = json::members(body).map_err(|e| invalid(format!("expected an embeddings response: {e}"), body))?;
    let mut out = DecodedEmbeddings { json: String::with_capacity(body.len()), ..Default::default() };
    let mut all_lengths = Vec::new();
    let mut saw_data = false;
    let mut w = ObjectWriter::new(&mut out.json);
    for (key, raw) in &members {
        if key != "data" {
            w.raw(key, raw);
            continue;
        }
        saw_data = true;
        let buf = w.key("data");
        decode_data(raw, buf, &mut out.vectors, &mut out.lengths, &mut all_lengths).map_err(|m| invalid(m, body))?;
    }
    w.finish();
    if !saw_data {
        return Err(invalid("expected an embeddings response with a data array".into(), body));
    }
    equal_lengths(&all_lengths).map_err(|m| invalid(m, body))?;
    Ok(out)
}

/// One vector of an embeddings response, checked as [`decode_embeddings`] checks it: `raw` is its
/// JSON value, `i` its position in `data`, `first` how many values the response's first vector
/// has (none for that one). Returns its values when it is base64, `None` when it is a number
/// array (kept as sent). The package's facade parses a response itself and runs
/// [`decode_embeddings`] on it with every vector as `[]` (its shape), then this on each vector:
/// a batch's response never enters wasm memory whole.
///
/// ```
/// use llmwire::protocol::embeddings::decode_one;
/// assert_eq!(decode_one(r#""AACAPwAAIMA=""#, 0, None)?, Some(vec![1.0, -2.5]));
/// assert_eq!(decode_one("[1, 2]", 1, Some(2))?, None);
/// assert!(decode_one("[1, 2, 3]", 2, Some(2)).is_err());
/// assert!(decode_one(r#"["1"]"#, 3, Some(1)).is_err());
/// # Ok::<(), llmwire::Error>(())
/// ```
pub fn decode_one(raw: &str, i: usize, first: Option<usize>) -> Result<Option<Vec<f32>>, Error> {
    let mut values = Vec::new();
    let (count, base64) = decode_vector(raw, i, &mut values).map_err(|m| invalid(m, raw))?;
    match first {
        Some(first) if count != first => Err(invalid(length_mismatch(i, count, first), raw)),
        _ => Ok(base64.then_some(values)),
    }
}

fn equal_lengths(counts: &[usize]) -> Result<(), String> {
    if let Some(first) = counts.first() {
        if let Some((i, len)) = counts.iter().enumerate().find(|(_, l)| *l != first) {
            return Err(length_mismatch(i, *len, *first));
        }
    }
    Ok(())
}

fn length_mismatch(i: usize, len: usize, first: usize) -> String {
    format!("embedding {i} has {len} values but embedding 0 has {first}")
}

fn decode_data(raw: &str, out: &mut String, vectors: &mut Vec<f32>, lengths: &mut Vec<usize>, all: &mut Vec<usize>) -> Result<(), String> {
    let mut r = Reader::new(raw);
    if r.peek().ok() != Some(Kind::Array) {
        return Err("the data member must be an array".into());
    }
    let mut items = Vec::new();
    r.array(|r| {
        items.push(r.raw()?);
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    out.push('[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let members = json::members(item).map_err(|_| format!("embedding {i} is not an object"))?;
        let mut w = ObjectWriter::new(out);
        let mut found = false;
        for (key, raw) in &members {
            if key != "embedding" {
                w.raw(key, raw);
                continue;
            }
            found = true;
            let start = vectors.len();
            let (count, base64) = decode_vector(raw, i, vectors)?;
            if base64 {
                lengths.push(vectors.len() - start);
            }
            w.raw("embedding", if base64 { "null" } else { raw });
            all.push(count);
        }
        w.finish();
        if !found {
            return Err(format!("embedding {i} has no embedding member"));
        }
    }
    out.push(']');
    Ok(())
}

/// Checks one vector; a base64 one is decoded onto `vectors`. Returns how many values it has and
/// whether it was base64.
fn decode_vector(raw: &str, i: usize, vectors: &mut Vec<f32>) -> Result<(usize, bool), String> {
    if let Some(text) = json::raw_str(raw) {
        let bytes = base64::decode(&text).map_err(|e| format!("embedding {i} is not valid base64: {e}"))?;
        if bytes.len() % 4 != 0 {
            return Err(format!("embedding {i} has {} bytes, which is not a whole number of float32 values", bytes.len()));
        }
        for (j, quad) in bytes.chunks_exact(4).enumerate() {
            let Ok(quad) = <[u8; 4]>::try_from(quad) else { continue };
            let v = f32::from_le_bytes(quad);
            if !v.is_finite() {
                return Err(format!("embedding {i} holds a non-finite value at position {j}"));
            }
            vectors.push(v);
        }
        return Ok((bytes.len() / 4, true));
    }
    let mut r = Reader::new(raw);
    if r.peek().ok() != Some(Kind::Array) {
        return Err(format!("embedding {i} is neither a number array nor a base64 string"));
    }
    let mut count = 0usize;
    r.array(|r| {
        r.number()?;
        count += 1;
        Ok(())
    })
    .map_err(|_| format!("embedding {i} holds something other than numbers"))?;
    Ok((count, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(values: &[f32]) -> String {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        base64::encode(&bytes)
    }

    fn body(embeddings: &[&str]) -> String {
        let items: Vec<String> =
            embeddings.iter().enumerate().map(|(i, e)| format!(r#"{{"object":"embedding","index":{i},"embedding":{e}}}"#)).collect();
        format!(r#"{{"object":"list","data":[{}],"model":"m","usage":{{"prompt_tokens":2,"total_tokens":2}}}}"#, items.join(","))
    }

    #[test]
    fn base64_decodes_to_exact_float32() {
        let values = [0.1f32, -0.25, 3.4e-8, 1.0e20, -0.0];
        let d = decode_embeddings(&body(&[&format!("\"{}\"", b64(&values))])).unwrap();
        assert_eq!(d.vectors, values);
        assert_eq!(d.lengths, [5]);
        let v: Value = serde_json::from_str(&d.json).unwrap();
        assert_eq!(v["data"][0]["embedding"], Value::Null);
        assert_eq!(v["usage"]["total_tokens"], 2);
        let typed = EmbeddingResponse::from_body(&body(&[&format!("\"{}\"", b64(&values))])).unwrap();
        assert_eq!(typed.data[0].embedding, values, "the float32 values exactly");
    }

    #[test]
    fn floats_are_kept_as_sent_even_when_base64_was_asked() {
        let d = decode_embeddings(&body(&["[0.0023064255, -0.009327292, 1e-3]"])).unwrap();
        assert!(d.json.contains("[0.0023064255, -0.009327292, 1e-3]"));
        assert!(d.vectors.is_empty() && d.lengths.is_empty());
        let typed = EmbeddingResponse::from_body(&body(&["[0.0023064255, -0.009327292, 1e-3]"])).unwrap();
        assert_eq!(typed.data[0].embedding, [0.0023064255f32, -0.009327292, 0.001]);
    }

    #[test]
    fn mixed_formats_in_one_response() {
        let text = body(&["[1, 2]", &format!("\"{}\"", b64(&[3.0, 4.0]))]);
        let d = decode_embeddings(&text).unwrap();
        assert_eq!(d.vectors, [3.0, 4.0]);
        assert_eq!(d.lengths, [2]);
        let typed = EmbeddingResponse::from_body(&text).unwrap();
        assert_eq!((typed.data[0].embedding.as_slice(), typed.data[1].embedding.as_slice()), (&[1.0, 2.0][..], &[3.0, 4.0][..]));
    }

    #[test]
    fn bad_vectors_are_invalid_responses() {
        let cases = [
            (body(&["\"AAAA!\""]), "not valid base64"),
            (body(&["\"AAAAAAA=\""]), "not a whole number of float32"),
            (body(&[&format!("\"{}\"", b64(&[f32::NAN]))]), "non-finite"),
            (body(&["[1, \"x\"]"]), "other than numbers"),
            (body(&["{}"]), "neither a number array nor a base64 string"),
            (body(&["[1, 2]", "[1]"]), "embedding 1 has 1 values but embedding 0 has 2"),
            (body(&["[1, 2]", &format!("\"{}\"", b64(&[1.0]))]), "embedding 1 has 1 values but embedding 0 has 2"),
            (r#"{"data":[{"index":0}]}"#.to_string(), "no embedding member"),
            (r#"{"data":[1]}"#.to_string(), "not an object"),
            (r#"{"data":{}}"#.to_string(), "must be an array"),
            (r#"{"object":"list"}"#.to_string(), "with a data array"),
            ("nope".to_string(), "expected an embeddings response"),
        ];
        for (text, want) in cases {
            let err = decode_embeddings(&text).unwrap_err();
            assert_eq!(err.class_name(), "InvalidResponseError");
            assert!(err.to_string().contains(want), "{text}: {err}");
        }
    }

    #[test]
    fn empty_data_and_typed_view() {
        let d = decode_embeddings(r#"{"data":[],"model":"m"}"#).unwrap();
        assert!(d.vectors.is_empty());
        let e = EmbeddingResponse::from_body(&body(&[&format!("\"{}\"", b64(&[0.5, 0.25]))])).unwrap();
        assert_eq!(e.data[0].embedding, [0.5, 0.25]);
        assert_eq!(e.data[0].extra["object"], "embedding");
        assert_eq!(e.model, "m");
        let empty = decode_embeddings(&body(&["\"\""])).unwrap();
        assert_eq!(empty.lengths, [0], "an empty base64 vector is a vector of 0 values");
    }
}
