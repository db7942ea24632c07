//! Chat completions: wire types, the streamed-chunk view, the accumulator, the stream decoder,
//! its progress events, when a tool call is final, and the texts it accumulates.
pub mod accumulator;
pub mod blocks;
pub mod chunk;
pub mod events;
pub mod stream;
pub mod tool_calls;
pub mod types;

pub use accumulator::ChatAccumulator;
pub use stream::{ChatStreamDecoder, Output};
pub use types::{ChatCompletion, Choice, FunctionCall, Message, ToolCall, Usage};
