//! Chat completions: wire types, the streamed-chunk view, the accumulator and the stream decoder.
pub mod accumulator;
pub mod chunk;
pub mod stream;
pub mod types;

pub use accumulator::ChatAccumulator;
pub use stream::{ChatStreamDecoder, Output};
pub use types::{ChatCompletion, Choice, FunctionCall, Message, ToolCall, Usage};
