// Production build with no wasm configuration at all (no experiments, no loaders).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

export default {
  mode: "production",
  context: here,
  entry: "./main.js",
  output: { path: join(here, "dist"), filename: "main.js" },
  performance: { hints: false },
};
