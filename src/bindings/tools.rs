//! Tool calling, JSON answers and conversation trimming for the facade (`tools.js`; the loop is in
//! `features.js`): the JS `runTools` loop only sends requests and calls the user's functions;
//! `WasmToolLoop` decides.
use super::errors;
use crate::protocol::conversation::{keep, Window};
use crate::protocol::error::Error;
use crate::protocol::json::{ObjectWriter, Reader};
use crate::protocol::structured::parsed_choices;
use crate::protocol::tools::{write_array, Answer, ToolLoop};
use wasm_bindgen::prelude::*;

fn js_err(e: &Error) -> JsValue {
    errors::to_js(e, None)
}

fn bad_input(what: &str) -> JsValue {
    js_err(&Error::InvalidArgument { message: format!("llmwire: unreadable {what}") })
}

/// The state of one `runTools` run (see `crate::protocol::tools::ToolLoop`).
#[wasm_bindgen]
pub struct WasmToolLoop {
    inner: ToolLoop,
}

#[wasm_bindgen]
impl WasmToolLoop {
    /// `request` is the params object as JSON, `runnable` a JSON array of the names that have a
    /// function. The facade keeps the conversation: its `messages` is `[]` here, and each step
    /// hands the messages it adds back and keeps none of them.
    #[wasm_bindgen(constructor)]
    pub fn new(request: String, runnable: String, max_rounds: u32) -> Result<WasmToolLoop, JsValue> {
        let mut names = Vec::new();
        Reader::new(&runnable)
            .array(|r| {
                names.push(r.string()?);
                Ok(())
            })
            .map_err(|_| bad_input("tool names"))?;
        let names: Vec<&str> = names.iter().map(|n| n.as_ref()).collect();
        let inner = ToolLoop::new(&request, &names, max_rounds).map_err(|e| js_err(&e))?;
        Ok(WasmToolLoop { inner })
    }

    /// The next request's members but `messages` and `stream`, as a JSON object; `usage` asks a
    /// stream for usage (`WasmSession.prepareChat` says when), unless the request has
    /// `stream_options`.
    #[wasm_bindgen(js_name = requestParams)]
    pub fn request_params(&self, usage: bool) -> String {
        self.inner.request_params(usage)
    }

    /// Takes a round's completion (JSON); resolves to the plan as JSON:
    /// `{"stop": null | reason, "calls": [{"id","name","arguments","run","error"?}], "messages": [added]}`.
    #[wasm_bindgen(js_name = onCompletion)]
    pub fn on_completion(&mut self, completion: String) -> Result<String, JsValue> {
        let plan = self.inner.on_completion(&completion).map_err(|e| js_err(&e))?;
        let mut out = String::with_capacity(256);
        let mut w = ObjectWriter::new(&mut out);
        w.opt_str("stop", plan.stop.as_ref().map(|s| s.as_str()));
        let buf = w.key("calls");
        buf.push('[');
        for (i, call) in plan.calls.iter().enumerate() {
            if i > 0 {
                buf.push(',');
            }
            let mut c = ObjectWriter::new(buf);
            c.str("id", &call.id).str("name", &call.name).str("arguments", &call.arguments).bool("run", call.runnable());
            if let Some(why) = &call.skip {
                c.str("error", why);
            }
            c.finish();
        }
        buf.push(']');
        write_array(w.key("messages"), &self.inner.take_new_messages());
        w.finish();
        Ok(out)
    }

    /// Takes the results of the runnable calls as JSON `[{"id","content"} | {"id","error"}]`;
    /// returns the tool messages added, as a JSON array.
    #[wasm_bindgen(js_name = onResults)]
    pub fn on_results(&mut self, results: String) -> Result<String, JsValue> {
        let mut parsed = Vec::new();
        Reader::new(&results)
            .array(|r| {
                let (mut id, mut content, mut error) = (None, None, None);
                r.object(|key, r| {
                    match key.as_ref() {
                        "id" => id = Some(r.string()?),
                        "content" => content = Some(r.string()?),
                        "error" => error = Some(r.string()?),
                        _ => r.skip()?,
                    }
                    Ok(())
                })?;
                parsed.push((id.unwrap_or_default(), content, error));
                Ok(())
            })
            .map_err(|_| bad_input("tool results"))?;
        let results: Vec<(&str, Result<&str, &str>)> = parsed
            .iter()
            .map(|(id, content, error)| {
                let r = match (content, error) {
                    (_, Some(e)) => Err(e.as_ref()),
                    (Some(c), None) => Ok(c.as_ref()),
                    (None, None) => Ok(""),
                };
                (id.as_ref(), r)
            })
            .collect();
        self.inner.on_results(&results).map_err(|e| js_err(&e))?;
        let mut out = String::new();
        write_array(&mut out, &self.inner.take_new_messages());
        Ok(out)
    }
}

/// The parsed JSON answer of every choice of a completion, as a JSON array text; an answer
/// that is not JSON rejects as an `OutputParseError` keeping its text and the completion.
#[wasm_bindgen(js_name = parsedChoices)]
pub fn parsed_choices_js(completion: String) -> Result<String, JsValue> {
    parsed_choices(&completion).map_err(|e| {
        let mut text = String::with_capacity(256 + completion.len() + e.raw.len());
        let mut w = ObjectWriter::new(&mut text);
        w.bool("llmwireError", true)
            .str("name", "OutputParseError")
            .str("message", &e.message)
            .bool("retryable", false)
            .str("rawText", &e.raw)
            .uint("choice", u64::from(e.choice))
            .opt_str("finishReason", e.finish_reason.as_deref());
        if crate::protocol::json::is_valid(&completion) {
            w.raw("partial", &completion);
        }
        w.finish();
        js_sys::JSON::parse(&text).unwrap_or_else(|_| JsValue::from_str(&e.message))
    })
}

/// The indexes of the messages (a JSON array text) to keep, as a JSON array text.
#[wasm_bindgen(js_name = trimMessages)]
pub fn trim_messages(messages: String, max_messages: Option<u32>, max_tokens: Option<f64>) -> Result<String, JsValue> {
    let mut items = Vec::new();
    Reader::new(&messages)
        .array(|r| {
            items.push(r.raw()?);
            Ok(())
        })
        .map_err(|_| bad_input("messages"))?;
    let window = Window {
        max_messages: max_messages.map(|n| n as usize),
        max_tokens: max_tokens.filter(|t| t.is_finite() && *t >= 0.0).map(|t| t as u64),
    };
    let kept = keep(&items, window);
    let mut out = String::from("[");
    for (i, k) in kept.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&k.to_string());
    }
    out.push(']');
    Ok(out)
}

/// The assistant message of a chat completion (choice 0), cleaned for the history.
#[wasm_bindgen(js_name = assistantMessage)]
pub fn assistant_message(completion: String) -> Result<String, JsValue> {
    Answer::read(&completion, 0).map(|a| a.message).map_err(|e| js_err(&e))
}
