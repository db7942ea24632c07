// `llmwire/wasm` required from CommonJS: see wasm.d.ts.
declare const wasm: WebAssembly.Module;
export = wasm;
