//! Native regression benchmarks of the protocol core: the SSE decoder and the chat stream decoder
//! over a deterministic 2,000-event `chat.completion.chunk` stream fed in 1–16 KiB network chunks.
//! Kept short (`cargo bench --bench native` takes well under a minute); `make bench` reports them.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{black_box, criterion_group, BenchmarkId, Criterion, Throughput};
    use llmwire::protocol::chat::{ChatStreamDecoder, Output};
    use llmwire::protocol::sse::{SseDecoder, SseError};
    use std::time::Duration;

    const TOKENS: &[&str] = &[
        " the",
        " stream",
        " token",
        " parser",
        " wasm",
        "ing",
        ",",
        ".",
        " 的",
        "一是",
        "不了人",
        "😀",
        "👩‍💻",
        "🇯🇵",
        "\\\"",
        "\\n",
        "\\\\",
        "\\t",
        " gateway",
        " rust",
        "東京",
        " é",
    ];

    /// xorshift64*: deterministic and dependency-free.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
        }
    }

    /// A corpus: its network chunks, its size in bytes and its number of SSE events.
    pub struct Corpus {
        pub chunks: Vec<Vec<u8>>,
        pub bytes: usize,
        pub events: usize,
    }

    fn event(delta: &str, finish: &str) -> String {
        format!(
            "data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1732000000,\"model\":\"gpt-4o-mini\",\
             \"system_fingerprint\":\"fp_bench\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"logprobs\":null,\"finish_reason\":{finish}}}]}}\n\n"
        )
    }

    /// `events` events of content deltas, or (`tools`) of one tool call's argument fragments.
    pub fn corpus(events: usize, tools: bool) -> Corpus {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut body = event("{\"role\":\"assistant\",\"content\":\"\"}", "null");
        if tools {
            body += &event(
                "{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}",
                "null",
            );
        }
        for _ in 0..events - 3 {
            let token = TOKENS[rng.below(TOKENS.len())];
            let delta = if tools {
                format!("{{\"tool_calls\":[{{\"index\":0,\"function\":{{\"arguments\":\"{token}\"}}}}]}}")
            } else {
                format!("{{\"content\":\"{token}\"}}")
            };
            body += &event(&delta, "null");
        }
        body += &event("{}", if tools { "\"tool_calls\"" } else { "\"stop\"" });
        body += "data: [DONE]\n\n";
        let bytes = body.into_bytes();
        let chunks: Vec<Vec<u8>> = {
            let mut out = Vec::new();
            let mut rest = bytes.as_slice();
            while !rest.is_empty() {
                let (head, tail) = rest.split_at((1024 + rng.below(15 * 1024 + 1)).min(rest.len()));
                out.push(head.to_vec());
                rest = tail;
            }
            out
        };
        Corpus { bytes: bytes.len(), chunks, events: events + usize::from(tools) }
    }

    fn sse_events(c: &Corpus) -> usize {
        let mut dec = SseDecoder::new();
        let mut n = 0;
        for chunk in &c.chunks {
            dec.push::<SseError, _>(chunk, |ev| {
                n += black_box(ev.data.len()).min(1);
                Ok(())
            })
            .expect("decodes");
        }
        n
    }

    fn chat(c: &Corpus, mode: Output) -> usize {
        let mut dec = ChatStreamDecoder::new();
        let mut out = 0;
        for chunk in &c.chunks {
            dec.push(chunk, mode).expect("valid stream");
            out += dec.take_output().map_or(0, |s| s.len());
        }
        dec.finish().expect("complete stream");
        if mode == Output::None {
            out = dec.to_json().len();
        }
        out
    }

    fn bench(cr: &mut Criterion) {
        let text = corpus(2000, false);
        let tools = corpus(2000, true);
        assert_eq!(sse_events(&text), text.events, "the SSE decoder sees every event");
        assert!(chat(&text, Output::Text) > 0 && chat(&tools, Output::None) > 0);

        let mut g = cr.benchmark_group("sse");
        g.throughput(Throughput::Bytes(text.bytes as u64));
        g.bench_function("decode/text-2k", |b| b.iter(|| sse_events(black_box(&text))));
        g.finish();

        let mut g = cr.benchmark_group("chat");
        for (name, corpus, mode) in [
            ("text/text-2k", &text, Output::Text),
            ("chunks/text-2k", &text, Output::Chunks),
            ("final/text-2k", &text, Output::None),
            ("final/tools-2k", &tools, Output::None),
        ] {
            g.throughput(Throughput::Bytes(corpus.bytes as u64));
            g.bench_with_input(BenchmarkId::from_parameter(name), corpus, |b, c| b.iter(|| chat(c, mode)));
        }
        g.finish();
    }

    criterion_group! {
        name = benches;
        config = Criterion::default()
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1))
            .without_plots();
        targets = bench
    }
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}
