// `llmwire/wasm`: the package's .wasm file. Runtimes and bundlers that import .wasm files as
// modules (Cloudflare Workers, Vercel Edge with `?module`) give a compiled module, for `initSync`
// from `llmwire/slim`; Vite's `llmwire/wasm?url` gives its URL instead (typed by `vite/client`).
declare const wasm: WebAssembly.Module;
export default wasm;
