// `llmwire/slim`: the whole API of `llmwire`, without the wasm inside; `init()` must run first.
export * from "./index.js";
export { default } from "./index.js";

/** What `init` accepts: a URL to fetch, a `Response` (or a promise of one), the bytes, or a compiled module. */
export type WasmSource = string | URL | Response | PromiseLike<Response> | BufferSource | WebAssembly.Module;

/** Loads the wasm; resolves once the client is usable (later calls resolve at once). Required before the first call. */
export declare function init(source: WasmSource): Promise<void>;
/** Loads the wasm synchronously from a compiled module or its bytes. */
export declare function initSync(source: BufferSource | WebAssembly.Module): void;
