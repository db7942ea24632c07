//! The only place with `#[wasm_bindgen]` exports: the surface the npm package's facade wraps.
//!
//! Sans I/O: the facade's `fetch` loop (pkg-template/transport.js) sends, reads and sleeps, and
//! asks `WasmSession` and `WasmCall` for every decision; streamed bodies go through a decoder, one
//! network chunk per call. No future crosses the boundary, so the module carries no async
//! runtime, no `fetch` bindings and no timers (the Rust client in [`crate::client`] has those).
//!
//! Two modules are built from here (scripts/build-pkg.mjs): `js-core` with what a chat needs
//! (`session.rs`), which the default entry loads first, and `js-extras` with the other endpoints,
//! tools and helpers, loaded on their first use; the `js` feature builds both into one module for
//! the slim and Workers entries.
//!
//! Results cross as JSON text (the facade calls `JSON.parse`), batched per network chunk; errors
//! cross as plain objects marked `llmwireError` that the facade turns into `Error` subclasses.
mod decoder;
mod errors;
mod settings;

#[cfg(feature = "js-core")]
mod session;

#[cfg(feature = "js-extras")]
mod endpoints;
#[cfg(feature = "js-extras")]
mod helpers;
#[cfg(feature = "js-extras")]
mod tools;

/// What crosses back for a text that JavaScript handed in: `None` when it passed unchanged, so
/// JavaScript keeps its own string (a long conversation or answer is neither copied out of wasm
/// nor decoded again), else the rewritten text.
fn rewritten(text: std::borrow::Cow<'_, str>) -> Option<String> {
    match text {
        std::borrow::Cow::Owned(text) => Some(text),
        std::borrow::Cow::Borrowed(_) => None,
    }
}

/// `names` as a JSON array of strings.
fn names_json<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for name in names {
        if out.len() > 1 {
            out.push(',');
        }
        crate::protocol::json::write_str(&mut out, name);
    }
    out.push(']');
    out
}

/// The npm package's allocator. Talc in place of std's dlmalloc: 2.4 KB smaller gzipped in the
/// core module, with the same stream throughput and wasm memory in the bench. Only these features
/// set it; Rust apps that use the crate keep their own.
#[global_allocator]
static ALLOC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
