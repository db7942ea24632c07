//! Chat completion wire types, tolerant of provider extras.
//!
//! Every struct keeps fields it does not know in `extra`, so nothing a gateway sends is lost
//! (01.AI's `lastOne` and cumulative `content`, DeepSeek's `reasoning_content`, …).
//!
//! ```
//! use llmwire::protocol::chat::ChatCompletion;
//! let c: ChatCompletion = serde_json::from_str(r#"{"id":"x","object":"chat.completion","created":1,
//!   "model":"yi-large","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},
//!   "finish_reason":"stop"}],"lastOne":true}"#).unwrap();
//! assert_eq!(c.text(), Some("Hi"));
//! assert_eq!(c.extra["lastOne"], true);
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A JSON object of fields the typed struct does not name.
pub type Extra = Map<String, Value>;

/// A whole chat completion: the non-streaming response, or a stream accumulated to its end.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChatCompletion {
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub id: String,
    #[serde(default = "completion_object", deserialize_with = "crate::protocol::typed::or_default")]
    pub object: String,
    #[serde(default)]
    pub created: Value,
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub model: String,
    #[serde(default)]
    pub choices: Vec<Choice>,
    /// The token counts; `None` also when a gateway sent something other than an object.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::protocol::typed::or_default")]
    pub usage: Option<Usage>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::protocol::typed::or_default")]
    pub system_fingerprint: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

fn completion_object() -> String {
    "chat.completion".to_string()
}

impl ChatCompletion {
    /// The first choice's text, the common case of `choices[0].message.content`.
    pub fn text(&self) -> Option<&str> {
        self.choices.first()?.message.content.as_deref()
    }

    /// Whether this is an image model's answer (`object: "image.generation"`, its images in
    /// `extra["data"]`) rather than a chat completion; see [`crate::protocol::images`].
    ///
    /// ```
    /// use llmwire::protocol::{chat::ChatCompletion, images};
    /// let body = images::mark_chat_body(r#"{"data":[{"url":"https://cdn/x.png"}],"created":1}"#);
    /// let c: ChatCompletion = serde_json::from_str(&body).unwrap();
    /// assert!(c.is_image_generation());
    /// assert_eq!(c.extra["data"][0]["url"], "https://cdn/x.png");
    /// ```
    pub fn is_image_generation(&self) -> bool {
        self.object == crate::protocol::images::IMAGE_GENERATION_OBJECT
    }
}

/// One choice of a chat completion.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Choice {
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub index: u32,
    #[serde(default)]
    pub message: Message,
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub finish_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An assistant message. Unknown string fields of streamed deltas (`reasoning_content`) are
/// concatenated into `extra` like `content` is.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Message {
    #[serde(default = "assistant_role", deserialize_with = "crate::protocol::typed::or_default")]
    pub role: String,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    #[serde(flatten)]
    pub extra: Extra,
}

fn assistant_role() -> String {
    "assistant".to_string()
}

/// A tool call requested by the model.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ToolCall {
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub id: String,
    #[serde(rename = "type", default = "function_type", deserialize_with = "crate::protocol::typed::or_default")]
    pub call_type: String,
    #[serde(default)]
    pub function: FunctionCall,
    #[serde(flatten)]
    pub extra: Extra,
}

fn function_type() -> String {
    "function".to_string()
}

/// The function name and its JSON-encoded arguments, exactly as the model produced them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FunctionCall {
    #[serde(default, deserialize_with = "crate::protocol::typed::or_default")]
    pub name: String,
    /// The arguments' JSON text (a gateway's arguments object is written as its JSON text).
    #[serde(default, deserialize_with = "crate::protocol::typed::json_text")]
    pub arguments: String,
}

/// Token usage. Chat endpoints send `prompt_tokens`/`completion_tokens`; image models on the chat
/// endpoint send `input_tokens`/`output_tokens`; the rest (token details) lands in `extra`, as
/// does a count that is not a non-negative integer (a gateway's `-1`), so it never fails a result.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Usage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl<'de> Deserialize<'de> for Usage {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut extra = Extra::deserialize(d)?;
        let mut take = |key: &str| {
            let n = extra.get(key)?.as_u64()?;
            extra.remove(key);
            Some(n)
        };
        Ok(Usage {
            prompt_tokens: take("prompt_tokens"),
            completion_tokens: take("completion_tokens"),
            total_tokens: take("total_tokens"),
            extra,
        })
    }
}
