//! Streaming chat from a Rust wasm app with llmwire.
//!
//! [`ChatSession`] is what a Leptos, Yew or Dioxus component holds: it keeps the conversation,
//! streams each reply piece by piece into a callback (set a signal, update state, append to a DOM
//! node), and adds the finished reply to the history for the next turn. [`stream_into`] is the
//! same for a page without a framework, exported through wasm-bindgen.
//!
//! In a browser the session talks to a key proxy (see `examples/worker-proxy`), so no API key is
//! in the page; in a Worker (workers-rs) build the client with the key from a secret instead:
//! `ClientConfig::new(url).with_api_key(secret)`.
#![cfg(target_arch = "wasm32")]

use llmwire::protocol::request::ClientConfig;
use llmwire::{Client, Error};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

/// A conversation with one model: the history, and the client that streams each reply.
#[derive(Debug, Clone)]
pub struct ChatSession {
    client: Client,
    model: String,
    messages: Vec<Value>,
}

impl ChatSession {
    /// A session with the gateway (or key proxy) at `base_url`, without a key.
    pub fn new(base_url: &str, model: &str) -> Result<Self, Error> {
        Ok(Self::with_client(Client::new(ClientConfig::new(base_url))?, model))
    }

    /// A session using an existing client (one with a key in a Worker, or shared between sessions).
    pub fn with_client(client: Client, model: &str) -> Self {
        ChatSession { client, model: model.to_string(), messages: Vec::new() }
    }

    /// Starts the conversation with a system message.
    pub fn with_system(mut self, prompt: &str) -> Self {
        self.messages.push(json!({ "role": "system", "content": prompt }));
        self
    }

    /// The conversation so far, as OpenAI messages.
    pub fn messages(&self) -> &[Value] {
        &self.messages
    }

    /// Sends `text` as the next user message and streams the reply: `on_text` gets each piece as
    /// it arrives; the whole reply is returned and kept in the history. On an error the history
    /// is left as it was, so the same message can be sent again; the pieces already delivered
    /// stay with the caller.
    pub async fn send(&mut self, text: &str, mut on_text: impl FnMut(&str)) -> Result<String, Error> {
        self.messages.push(json!({ "role": "user", "content": text }));
        let result = self.stream_reply(&mut on_text).await;
        match &result {
            Ok(reply) => self.messages.push(json!({ "role": "assistant", "content": reply })),
            Err(_) => {
                self.messages.pop();
            }
        }
        result
    }

    async fn stream_reply(&self, on_text: &mut impl FnMut(&str)) -> Result<String, Error> {
        let request = json!({ "model": self.model, "messages": self.messages });
        let mut stream = self.client.chat().stream(&request, None).await?;
        let mut reply = String::new();
        while let Some(piece) = stream.next_text().await? {
            on_text(&piece);
            reply.push_str(&piece);
        }
        // The accumulated completion agrees with the pieces; it also has the finish reason and usage.
        let completion = stream.final_completion().await?;
        Ok(completion.text().map(str::to_owned).unwrap_or(reply))
    }
}

/// For a page without a framework: streams the reply to `prompt` into the element with id
/// `element_id` as it arrives, and resolves to the whole reply. Errors reject with their message.
#[wasm_bindgen(js_name = streamInto)]
pub async fn stream_into(base_url: String, model: String, prompt: String, element_id: String) -> Result<String, JsValue> {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&element_id))
        .ok_or_else(|| JsValue::from_str(&format!("no element with id {element_id}")))?;
    let mut session = ChatSession::new(&base_url, &model).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let mut shown = String::new();
    session
        .send(&prompt, |piece| {
            shown.push_str(piece);
            element.set_text_content(Some(&shown));
        })
        .await
        .map_err(|e| JsValue::from_str(&e.to_string()))
}
