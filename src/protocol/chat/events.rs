//! Progress events of a streamed chat completion, written as one JSON array per network read.
//!
//! | `type` | members | when |
//! |---|---|---|
//! | `content.delta` | `choice`, `delta` (and `parsed`, the partial JSON answer so far, when asked) | text arrived |
//! | `refusal.delta` | `choice`, `delta` | refusal text arrived |
//! | `tool_call.start` | `choice`, `index`, `id`, `name`, `arguments` (fragments that came before the name) | a call got its name |
//! | `tool_call.delta` | `choice`, `index`, `delta` | an argument fragment arrived |
//! | `tool_call.done` | `choice`, `index`, `id`, `name`, `arguments`, `status` (`complete` or `incomplete`), `parsed_arguments` or `reason` and `message` | the stream ended |
//!
//! `index` is the call's position in the final `message.tool_calls`. A call is announced once it
//! has a name, since `id`, `type` and the name may come after the first argument fragments.
//!
//! ```
//! use llmwire::protocol::chat::{ChatStreamDecoder, Output};
//! let mut dec = ChatStreamDecoder::new();
//! dec.push(br#"data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"name":"add","arguments":"{\"a\""}}]}}]}
//!
//! data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}]}
//!
//! "#, Output::Events).unwrap();
//! dec.finish().unwrap();
//! let events: serde_json::Value = serde_json::from_str(&dec.take_output().unwrap()).unwrap();
//! assert_eq!(events[0]["type"], "tool_call.start");
//! assert_eq!(events[1]["delta"], ":1}");
//! assert_eq!(events[2]["type"], "tool_call.done");
//! assert_eq!(events[2]["parsed_arguments"]["a"], 1);
//! ```

use super::tool_calls::check_call;
use crate::protocol::json::ObjectWriter;

/// Opens the next event in the batch `out` (`[` for the first, `,` after).
#[cfg_attr(llmwire_oz, optimize(speed))]
fn open<'o>(out: &'o mut String, kind: &str) -> ObjectWriter<'o> {
    out.push(if out.is_empty() { '[' } else { ',' });
    let mut w = ObjectWriter::new(out);
    w.str("type", kind);
    w
}

/// `content.delta` or `refusal.delta`. Returns the offset of the event's closing brace, where a
/// `parsed` member may be inserted later.
#[cfg_attr(llmwire_oz, optimize(speed))]
pub(crate) fn text_delta(out: &mut String, kind: &str, choice: u32, delta: &str) -> usize {
    let mut w = open(out, kind);
    w.uint("choice", u64::from(choice)).str("delta", delta);
    w.finish();
    out.len() - 1
}

/// `tool_call.start`.
#[cfg_attr(llmwire_oz, optimize(speed))]
pub(crate) fn call_start(out: &mut String, choice: u32, index: usize, id: &str, name: &str, arguments: &str) {
    let mut w = open(out, "tool_call.start");
    w.uint("choice", u64::from(choice)).uint("index", index as u64).str("id", id).str("name", name).str("arguments", arguments);
    w.finish();
}

/// `tool_call.delta`.
#[cfg_attr(llmwire_oz, optimize(speed))]
pub(crate) fn call_delta(out: &mut String, choice: u32, index: usize, delta: &str) {
    let mut w = open(out, "tool_call.delta");
    w.uint("choice", u64::from(choice)).uint("index", index as u64).str("delta", delta);
    w.finish();
}

/// One finished call of a choice, as [`call_done`] reports it.
pub(crate) struct DoneCall<'a> {
    pub choice: u32,
    pub index: usize,
    pub id: &'a str,
    pub name: &'a str,
    pub arguments: &'a str,
    pub finish_reason: Option<&'a str>,
}

/// `tool_call.done`, with the verdict of [`check_call`].
pub(crate) fn call_done(out: &mut String, call: &DoneCall<'_>) {
    let mut w = open(out, "tool_call.done");
    w.uint("choice", u64::from(call.choice)).uint("index", call.index as u64);
    w.str("id", call.id).str("name", call.name).str("arguments", call.arguments);
    match check_call(call.name, call.arguments, call.finish_reason) {
        // Checked to be one JSON object, so it is written as it is.
        Ok(args) => w.str("status", "complete").raw("parsed_arguments", args),
        Err(why) => w.str("status", "incomplete").str("reason", why.code()).str("message", &crate::cat!(why)),
    };
    w.finish();
}

#[cfg(test)]
mod tests {
    use crate::protocol::chat::{ChatStreamDecoder, Output};
    use serde_json::{json, Value};

    /// A stream case: the SSE body, and per final call `(choice, id, name, arguments, status)`.
    struct Case {
        name: &'static str,
        body: String,
        calls: Vec<(u64, &'static str, &'static str, &'static str, &'static str)>,
    }

    fn sse(chunks: &[Value]) -> String {
        let mut body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
        body.push_str("data: [DONE]\n\n");
        body
    }

    fn delta(choice: u64, tool_calls: Value, finish: Option<&str>) -> Value {
        json!({"id": "c", "object": "chat.completion.chunk", "choices": [{"index": choice, "delta": {"tool_calls": tool_calls}, "finish_reason": finish}]})
    }

    fn cases() -> Vec<Case> {
        // Arguments whose fragments cut a JSON string, an escape and a \u escape.
        let tricky = r#"{"city":"東京","note":"a \"q\" \u00e9 \\ 👋"}"#;
        let pieces = [r#"{"ci"#, r#"ty":"東"#, r#"京","note":"a \"#, r#""q\" \u0"#, r#"0e9 \\"#, r#" 👋"}"#];
        assert_eq!(pieces.concat(), tricky);
        let openai: Vec<Value> = std::iter::once(delta(
            0,
            json!([{"index": 0, "id": "call_1", "type": "function", "function": {"name": "weather", "arguments": ""}}]),
            None,
        ))
        .chain(pieces.iter().map(|p| delta(0, json!([{"index": 0, "function": {"arguments": p}}]), None)))
        .chain(std::iter::once(delta(0, json!([]), Some("tool_calls"))))
        .collect();
        let parallel = vec![
            delta(0, json!([{"index": 0, "id": "a", "type": "function", "function": {"name": "add", "arguments": "{\"x\":"}}]), None),
            delta(0, json!([{"index": 1, "id": "b", "type": "function", "function": {"name": "mul", "arguments": "{\"y\""}}]), None),
            delta(0, json!([{"index": 0, "function": {"arguments": "1}"}}, {"index": 1, "function": {"arguments": ":2}"}}]), None),
            delta(0, json!([]), Some("tool_calls")),
        ];
        // Gemini's OpenAI-compatible stream: no index, no type.
        let gemini = vec![
            delta(0, json!([{"id": "g1", "function": {"name": "add", "arguments": "{\"x\":"}}]), None),
            delta(0, json!([{"function": {"arguments": "1}"}}]), None),
            delta(0, json!([{"id": "g2", "function": {"name": "mul", "arguments": "{}"}}]), None),
            delta(0, json!([]), Some("stop")),
        ];
        // The name and id after the first argument fragments.
        let late = vec![
            delta(0, json!([{"index": 0, "function": {"arguments": "{\"q\""}}]), None),
            delta(0, json!([{"index": 0, "id": "late", "function": {"name": "search"}}]), None),
            delta(0, json!([{"index": 0, "function": {"arguments": ":\"x\"}"}}]), Some("tool_calls")),
        ];
        let two_choices = vec![
            delta(1, json!([{"index": 0, "id": "one", "function": {"name": "f", "arguments": "{}"}}]), None),
            delta(0, json!([{"index": 0, "id": "zero", "function": {"name": "g", "arguments": "{\"a\":[1,"}}]), None),
            delta(0, json!([{"index": 0, "function": {"arguments": "2]}"}}]), Some("tool_calls")),
            delta(1, json!([]), Some("length")),
        ];
        let cut = vec![
            delta(0, json!([{"index": 0, "id": "cut", "function": {"name": "f", "arguments": "{\"text\":\"long"}}]), None),
            delta(0, json!([]), Some("length")),
        ];
        let broken = vec![
            delta(0, json!([{"index": 0, "id": "bad", "function": {"name": "f", "arguments": "{\"a\":1"}}]), None),
            delta(0, json!([{"index": 1, "id": "noname", "function": {"arguments": "{}"}}]), None),
            delta(0, json!([{"index": 2, "id": "arr", "function": {"name": "h", "arguments": "[1]"}}]), Some("tool_calls")),
        ];
        vec![
            Case { name: "openai fragments", body: sse(&openai), calls: vec![(0, "call_1", "weather", tricky, "complete")] },
            Case {
                name: "parallel",
                body: sse(&parallel),
                calls: vec![(0, "a", "add", "{\"x\":1}", "complete"), (0, "b", "mul", "{\"y\":2}", "complete")],
            },
            Case {
                name: "gemini",
                body: sse(&gemini),
                calls: vec![(0, "g1", "add", "{\"x\":1}", "complete"), (0, "g2", "mul", "{}", "complete")],
            },
            Case { name: "late name", body: sse(&late), calls: vec![(0, "late", "search", "{\"q\":\"x\"}", "complete")] },
            Case {
                name: "two choices",
                body: sse(&two_choices),
                calls: vec![(0, "zero", "g", "{\"a\":[1,2]}", "complete"), (1, "one", "f", "{}", "incomplete")],
            },
            Case { name: "cut at max_tokens", body: sse(&cut), calls: vec![(0, "cut", "f", "{\"text\":\"long", "incomplete")] },
            Case {
                name: "invalid",
                body: sse(&broken),
                calls: vec![
                    (0, "bad", "f", "{\"a\":1", "incomplete"),
                    (0, "noname", "", "{}", "incomplete"),
                    (0, "arr", "h", "[1]", "incomplete"),
                ],
            },
        ]
    }

    /// Feeds `body` in the given pieces in events mode; returns the events and the final completion.
    fn run(body: &[u8], cuts: &[usize]) -> (Vec<Value>, Value) {
        let mut dec = ChatStreamDecoder::new();
        let mut events = Vec::new();
        let mut start = 0;
        for &end in cuts.iter().chain(std::iter::once(&body.len())) {
            dec.push(&body[start..end], Output::Events).unwrap();
            if let Some(batch) = dec.take_output() {
                events.extend(serde_json::from_str::<Vec<Value>>(&batch).unwrap());
            }
            start = end;
        }
        dec.finish().unwrap();
        if let Some(batch) = dec.take_output() {
            events.extend(serde_json::from_str::<Vec<Value>>(&batch).unwrap());
        }
        (events, serde_json::from_str(&dec.to_json()).unwrap())
    }

    fn check(case: &Case, events: &[Value], done: &Value, how: &str) {
        let at = format!("{} ({how})", case.name);
        let mut finals = Vec::new();
        for choice in done["choices"].as_array().unwrap() {
            for call in choice["message"]["tool_calls"].as_array().into_iter().flatten() {
                finals.push((
                    choice["index"].as_u64().unwrap(),
                    call["id"].as_str().unwrap().to_string(),
                    call["function"]["name"].as_str().unwrap().to_string(),
                    call["function"]["arguments"].as_str().unwrap().to_string(),
                ));
                assert_eq!(call["type"], "function", "{at}");
            }
        }
        let want: Vec<_> =
            case.calls.iter().map(|(c, id, name, args, _)| (*c, id.to_string(), name.to_string(), args.to_string())).collect();
        assert_eq!(finals, want, "{at}");
        // Start + deltas rebuild each announced call's arguments; done comes once per call, last.
        let done_events: Vec<&Value> = events.iter().filter(|e| e["type"] == "tool_call.done").collect();
        assert_eq!(done_events.len(), case.calls.len(), "{at}");
        assert!(events.iter().rev().take(done_events.len()).all(|e| e["type"] == "tool_call.done"), "{at}");
        for (done, (choice, id, name, args, status)) in done_events.iter().zip(&case.calls) {
            assert_eq!(
                (done["choice"].as_u64(), done["id"].as_str(), done["arguments"].as_str(), done["status"].as_str()),
                (Some(*choice), Some(*id), Some(*args), Some(*status)),
                "{at}"
            );
            let index = done["index"].clone();
            let same = |e: &&Value| e["choice"] == done["choice"] && e["index"] == index;
            let starts: Vec<&Value> = events.iter().filter(|e| e["type"] == "tool_call.start").filter(same).collect();
            if name.is_empty() {
                assert!(starts.is_empty(), "{at}: a call without a name is never announced");
                continue;
            }
            assert_eq!(starts.len(), 1, "{at}");
            let rebuilt: String = std::iter::once(starts[0]["arguments"].as_str().unwrap())
                .chain(events.iter().filter(|e| e["type"] == "tool_call.delta").filter(same).map(|e| e["delta"].as_str().unwrap()))
                .collect();
            assert_eq!(rebuilt, *args, "{at}");
            if *status == "complete" {
                assert_eq!(done["parsed_arguments"], serde_json::from_str::<Value>(args).unwrap(), "{at}");
            } else {
                assert!(done["reason"].is_string() && done["message"].is_string() && done.get("parsed_arguments").is_none(), "{at}");
            }
        }
    }

    #[test]
    fn every_case_at_every_split() {
        for case in cases() {
            let body = case.body.as_bytes();
            for cut in 0..=body.len() {
                let (events, done) = run(body, &[cut]);
                check(&case, &events, &done, &format!("cut at {cut}"));
            }
            let bytes: Vec<usize> = (1..body.len()).collect();
            let (events, done) = run(body, &bytes);
            check(&case, &events, &done, "byte by byte");
        }
    }

    #[test]
    fn reasons_of_incomplete_calls() {
        let cases = cases();
        let reasons = |name: &str| -> Vec<String> {
            let case = cases.iter().find(|c| c.name == name).unwrap();
            let (events, _) = run(case.body.as_bytes(), &[]);
            events.iter().filter(|e| e["status"] == "incomplete").map(|e| e["reason"].as_str().unwrap().to_string()).collect()
        };
        assert_eq!(reasons("invalid"), ["invalid_json", "no_name", "not_an_object"]);
        assert_eq!(reasons("cut at max_tokens"), ["length"]);
        assert_eq!(reasons("two choices"), ["length"]);
    }

    /// A truncated stream ends in an error, and no call is reported done.
    #[test]
    fn no_done_events_without_an_end() {
        let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}\n\n";
        let mut dec = ChatStreamDecoder::new();
        dec.push(body.as_bytes(), Output::Events).unwrap();
        assert!(dec.take_output().unwrap().contains("tool_call.start"));
        assert!(dec.finish().is_err());
        assert_eq!(dec.take_output(), None);
    }

    #[test]
    fn text_events_carry_the_partial_json_answer() {
        let pieces = ["{\"na", "me\": \"Ad", "a\", \"tags\": [\"x\"", ", \"y\"]}"];
        let chunks: Vec<Value> = pieces.iter().map(|p| json!({"choices": [{"index": 0, "delta": {"content": p}}]})).collect();
        let mut body = sse(&chunks);
        body = body.replace("data: [DONE]", "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]");
        let mut dec = ChatStreamDecoder::new();
        dec.set_partial_json(true);
        let mut parsed = Vec::new();
        for frame in body.split_inclusive("\n\n") {
            dec.push(frame.as_bytes(), Output::Events).unwrap();
            for e in dec.take_output().map(|b| serde_json::from_str::<Vec<Value>>(&b).unwrap()).unwrap_or_default() {
                assert_eq!(e["type"], "content.delta");
                parsed.push(e["parsed"].clone());
            }
        }
        dec.finish().unwrap();
        assert_eq!(
            parsed,
            [json!({}), json!({"name": "Ad"}), json!({"name": "Ada", "tags": ["x"]}), json!({"name": "Ada", "tags": ["x", "y"]})]
        );
        assert_eq!(dec.partial_json().as_deref(), Some(r#"{"name":"Ada","tags":["x","y"]}"#));
        // Several deltas in one read: only the last carries `parsed`.
        let mut dec = ChatStreamDecoder::new();
        dec.set_partial_json(true);
        dec.push(body.as_bytes(), Output::Events).unwrap();
        let events: Vec<Value> = serde_json::from_str(&dec.take_output().unwrap()).unwrap();
        assert_eq!(events.iter().filter(|e| e.get("parsed").is_some()).count(), 1);
        assert_eq!(events[3]["parsed"]["tags"][1], "y");
    }

    #[test]
    fn a_json_body_gives_the_same_events() {
        let body = br#"{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"hi","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{\"q\":1}"}}]},"finish_reason":"tool_calls"}]}"#;
        let mut dec = ChatStreamDecoder::new();
        dec.push_json_body(body, 200, Output::Events).unwrap();
        dec.finish().unwrap();
        let events: Vec<Value> = serde_json::from_str(&dec.take_output().unwrap()).unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["content.delta", "tool_call.start", "tool_call.done"]);
        assert_eq!(events[1]["arguments"], "{\"q\":1}");
        assert_eq!(events[2]["parsed_arguments"]["q"], 1);
    }
}
