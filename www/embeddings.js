// The Embeddings tab: a few sentences, embedded in one request (base64 float32 on the wire,
// decoded by llmwire), and their cosine similarities drawn as an SVG heatmap.
import { errorBlock } from "./errors.js";
import { $ } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const svg = (tag, attrs = {}) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
};
const MAX_SENTENCES = 12;

function cosine(a, b) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** Draws an n×n heatmap of `matrix` (values −1…1) as SVG cells with their values. */
function heatmap(matrix, labels) {
  const n = matrix.length;
  const cell = n <= 6 ? 64 : n <= 9 ? 48 : 38;
  const pad = 30;
  const size = pad + n * cell;
  const root = svg("svg", { viewBox: `0 0 ${size} ${size}`, width: size, height: size, role: "img", class: "heatmap" });
  const title = svg("title");
  title.textContent = `Cosine similarity of ${n} sentences`;
  root.append(title);
  for (let i = 0; i < n; i++) {
    for (const [x, y, anchor] of [[pad + i * cell + cell / 2, pad - 10, "middle"], [pad - 10, pad + i * cell + cell / 2 + 4, "end"]]) {
      const t = svg("text", { x, y, "text-anchor": anchor, class: "axis" });
      t.textContent = String(i + 1);
      root.append(t);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = matrix[i][j];
      const strength = Math.max(0, Math.min(1, v));
      const g = svg("g", { class: "cell", "data-value": v.toFixed(4) });
      const rect = svg("rect", {
        x: pad + j * cell + 1, y: pad + i * cell + 1, width: cell - 2, height: cell - 2, rx: 6,
        style: `fill: color-mix(in oklab, var(--heat) ${(strength * 100).toFixed(1)}%, var(--heat-zero))`,
      });
      const tip = svg("title");
      tip.textContent = `${i + 1} ↔ ${j + 1}: ${v.toFixed(3)}\n${labels[i]}\n${labels[j]}`;
      rect.append(tip);
      const text = svg("text", { x: pad + j * cell + cell / 2, y: pad + i * cell + cell / 2 + 4, "text-anchor": "middle", class: strength > 0.55 ? "val on" : "val" });
      text.textContent = v.toFixed(2);
      g.append(rect, text);
      root.append(g);
    }
  }
  return root;
}

export function initEmbeddings(ctx) {
  let busy = false;
  ctx.onChange(() => ctx.fillModelSelect($("embed-model"), ctx.models.embedding, ["text-embedding-3-small"]));

  async function run() {
    const sentences = $("embed-input").value.split("\n").map((s) => s.trim()).filter(Boolean).slice(0, MAX_SENTENCES);
    if (sentences.length < 2) {
      ctx.toast("Write at least two sentences, one per line.");
      $("embed-input").focus();
      return;
    }
    busy = true;
    $("embed-run").disabled = true;
    $("embed-status").textContent = "Embedding…";
    $("embed-result").querySelector(".notice")?.remove();
    const started = performance.now();
    try {
      const model = $("embed-model").value;
      const res = await ctx.client.embeddings.create({ model, input: sentences, encoding_format: "base64" });
      const ms = Math.round(performance.now() - started);
      const vectors = [...res.data].sort((a, b) => a.index - b.index).map((d) => d.float32 ?? Float32Array.from(d.embedding));
      const matrix = vectors.map((a) => vectors.map((b) => cosine(a, b)));
      $("heatmap").replaceChildren(heatmap(matrix, sentences));
      const legend = $("embed-legend");
      legend.replaceChildren(...sentences.map((s) => {
        const li = document.createElement("li");
        li.textContent = s;
        return li;
      }));
      let best = null;
      let worst = null;
      for (let i = 0; i < matrix.length; i++) {
        for (let j = i + 1; j < matrix.length; j++) {
          if (!best || matrix[i][j] > best.v) best = { i, j, v: matrix[i][j] };
          if (!worst || matrix[i][j] < worst.v) worst = { i, j, v: matrix[i][j] };
        }
      }
      const base = ctx.describeBase(res._base_url);
      const summary = $("embed-summary");
      summary.replaceChildren();
      const line = (label, value) => {
        const row = document.createElement("span");
        const b = document.createElement("b");
        b.textContent = label;
        row.append(b, document.createTextNode(` ${value}`));
        summary.append(row);
      };
      line("Closest:", `${best.i + 1} & ${best.j + 1} (${best.v.toFixed(2)})`);
      line("Furthest:", `${worst.i + 1} & ${worst.j + 1} (${worst.v.toFixed(2)})`);
      line("Vectors:", `${vectors.length} × ${vectors[0]?.length ?? 0} dims, float32 via base64`);
      line("Usage:", `${res.usage?.total_tokens ?? "?"} tokens · ${ms} ms${base ? ` · ${base.short}` : ""}`);
      $("embed-result").hidden = false;
      $("embed-status").textContent = `Done in ${ms} ms.`;
    } catch (e) {
      $("embed-status").textContent = "";
      $("embed-result").hidden = false;
      $("heatmap").replaceChildren();
      $("embed-legend").replaceChildren();
      $("embed-summary").replaceChildren(errorBlock(e));
    } finally {
      busy = false;
      $("embed-run").disabled = false;
    }
  }

  $("embed-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!busy) run();
  });
  return { shown: () => {} };
}
