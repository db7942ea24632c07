// A small Markdown renderer for model output that builds DOM nodes and never parses HTML:
// every piece of model text reaches the page through `textContent` or a text node, so a reply
// containing <script> or <img onerror> shows those characters and nothing runs. Links keep only
// http(s) and mailto targets. Covers what chat models write: paragraphs, headings, emphasis,
// inline code, fenced code blocks (with a light highlighter and a Copy button), lists (nested by
// indentation), block quotes, tables, rules and links. Unclosed fences render as code, so a
// reply looks right while it is still streaming.

import { el } from "./dom.js";

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?/;
const ITEM = /^( {0,12})([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;
const blank = (line) => /^\s*$/.test(line);

/** Renders `source` into `target`, replacing its children. */
export function renderMarkdown(source, target) {
  const fragment = document.createDocumentFragment();
  renderBlocks(String(source ?? "").replace(/\r\n?/g, "\n").split("\n"), fragment);
  target.replaceChildren(fragment);
}

function startsBlock(line, next) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) ||
    ITEM.test(line) || (line.includes("|") && next !== undefined && TABLE_SEP.test(next) && next.includes("-"));
}

function renderBlocks(lines, parent) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (blank(line)) { i++; continue; }

    const fence = FENCE.exec(line);
    if (fence) {
      const [, marker, lang] = fence;
      const body = [];
      i++;
      while (i < lines.length && !new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}\\s*$`).test(lines[i])) body.push(lines[i++]);
      i++; // the closing fence (or the end)
      parent.append(codeBlock(body.join("\n"), lang));
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      const level = Math.min(heading[1].length + 2, 6); // # → h3: replies sit inside a page
      const h = el(`h${level}`, "md-h");
      renderInline(heading[2], h);
      parent.append(h);
      i++;
      continue;
    }

    if (RULE.test(line)) { parent.append(el("hr")); i++; continue; }

    if (QUOTE.test(line)) {
      const body = [];
      while (i < lines.length && !blank(lines[i]) && (QUOTE.test(lines[i]) || body.length)) {
        if (!QUOTE.test(lines[i]) && startsBlock(lines[i], lines[i + 1])) break;
        body.push(lines[i].replace(QUOTE, ""));
        i++;
      }
      const quote = el("blockquote");
      renderBlocks(body, quote);
      parent.append(quote);
      continue;
    }

    if (ITEM.test(line)) { i = renderList(lines, i, parent); continue; }

    if (line.includes("|") && lines[i + 1] !== undefined && TABLE_SEP.test(lines[i + 1]) && lines[i + 1].includes("-")) {
      i = renderTable(lines, i, parent);
      continue;
    }

    const para = [];
    while (i < lines.length && !blank(lines[i]) && (para.length === 0 || !startsBlock(lines[i], lines[i + 1]))) para.push(lines[i++]);
    const p = el("p");
    renderInline(para.join("\n"), p);
    parent.append(p);
  }
}

function renderList(lines, start, parent) {
  const first = ITEM.exec(lines[start]);
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const list = el(ordered ? "ol" : "ul");
  if (ordered && Number.parseInt(first[2], 10) !== 1) list.start = Number.parseInt(first[2], 10);
  let i = start;
  let loose = false;
  const items = [];
  while (i < lines.length) {
    const m = ITEM.exec(lines[i]);
    if (!m || m[1].length !== indent || /\d/.test(m[2]) !== ordered) break;
    const body = [m[3]];
    const contentIndent = m[1].length + m[2].length + 1;
    i++;
    while (i < lines.length) {
      const line = lines[i];
      if (blank(line)) {
        // A blank line continues the item only if indented content follows.
        const next = lines[i + 1];
        if (next !== undefined && /^\s+/.test(next) && (next.match(/^\s*/)[0].length > indent)) {
          body.push("");
          loose = true;
          i++;
          continue;
        }
        break;
      }
      const sub = ITEM.exec(line);
      if (sub && sub[1].length <= indent) break;
      const lead = line.match(/^\s*/)[0].length;
      if (!sub && lead <= indent && startsBlock(line, lines[i + 1])) break;
      body.push(line.slice(Math.min(lead, Math.max(contentIndent, indent + 2))));
      i++;
    }
    items.push(body);
    if (blank(lines[i] ?? "x") && ITEM.exec(lines[i + 1] ?? "")?.[1].length === indent) { loose = true; i++; }
  }
  for (const body of items) {
    const li = el("li");
    const simple = !loose && body.every((l) => !startsBlock(l) && !blank(l));
    if (simple) renderInline(body.join("\n"), li);
    else renderBlocks(body, li);
    list.append(li);
  }
  parent.append(list);
  return i;
}

function splitRow(line) {
  let row = line.trim();
  if (row.startsWith("|")) row = row.slice(1);
  if (row.endsWith("|") && !row.endsWith("\\|")) row = row.slice(0, -1);
  const cells = [];
  let cell = "";
  let code = false;
  for (let k = 0; k < row.length; k++) {
    const c = row[k];
    if (c === "\\" && row[k + 1] === "|") { cell += "|"; k++; continue; }
    if (c === "`") code = !code;
    if (c === "|" && !code) { cells.push(cell.trim()); cell = ""; continue; }
    cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

function renderTable(lines, start, parent) {
  const head = splitRow(lines[start]);
  const aligns = splitRow(lines[start + 1]).map((s) => (s.startsWith(":") && s.endsWith(":") ? "center" : s.endsWith(":") ? "right" : s.startsWith(":") ? "left" : ""));
  const table = el("table");
  const thead = el("thead");
  const tr = el("tr");
  head.forEach((cell, k) => {
    const th = el("th");
    th.scope = "col";
    if (aligns[k]) th.style.textAlign = aligns[k];
    renderInline(cell, th);
    tr.append(th);
  });
  thead.append(tr);
  table.append(thead);
  const tbody = el("tbody");
  let i = start + 2;
  while (i < lines.length && !blank(lines[i]) && lines[i].includes("|")) {
    const row = el("tr");
    const cells = splitRow(lines[i]);
    head.forEach((_, k) => {
      const td = el("td");
      if (aligns[k]) td.style.textAlign = aligns[k];
      renderInline(cells[k] ?? "", td);
      row.append(td);
    });
    tbody.append(row);
    i++;
  }
  table.append(tbody);
  const wrap = el("div", "md-table");
  wrap.append(table);
  parent.append(wrap);
  return i;
}

// ---------------------------------------------------------------- inline

const INLINE = new RegExp([
  /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/.source, // 1,2 code span
  /\*\*(?=\S)([\s\S]*?\S)\*\*/.source, // 3 strong
  /(?<![\w_])__(?=\S)([\s\S]*?\S)__(?![\w_])/.source, // 4 strong
  /~~(?=\S)([\s\S]*?\S)~~/.source, // 5 strikethrough
  /\*(?=[^\s*])([\s\S]*?[^\s*])\*(?!\*)/.source, // 6 emphasis
  /(?<![\w_])_(?=[^\s_])([\s\S]*?[^\s_])_(?![\w_])/.source, // 7 emphasis
  /!?\[([^\]\n]+)\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"\n]*")?\s*\)/.source, // 8,9 link (images become links)
  /<?(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"*_])>?/.source, // 10 bare URL
  /\\([\\`*_{}\[\]()#+\-.!|~>])/.source, // 11 escape
  /( {2,}|\\)\n/.source, // 12 hard break
].join("|"));

/** A link target the page may follow, or null: only http(s) and mailto, resolved against the page. */
export function safeHref(raw) {
  try {
    const url = new URL(raw, location.href);
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function link(text, href, parent, plain = false) {
  const safe = safeHref(href);
  if (!safe) {
    parent.append(document.createTextNode(text));
    return;
  }
  const a = el("a");
  a.href = safe;
  a.target = "_blank";
  a.rel = "noopener noreferrer nofollow";
  if (plain) a.textContent = text;
  else renderInline(text, a);
  parent.append(a);
}

function appendText(text, parent) {
  // Soft line breaks inside a paragraph read better as breaks in a chat.
  const parts = text.split("\n");
  parts.forEach((part, k) => {
    if (k > 0) parent.append(el("br"));
    if (part) parent.append(document.createTextNode(part));
  });
}

/** Renders inline Markdown of `text` into `parent`. */
export function renderInline(text, parent) {
  let rest = text;
  let guard = 0;
  while (rest && guard++ < 10_000) {
    const m = INLINE.exec(rest);
    if (!m) break;
    if (m.index > 0) appendText(rest.slice(0, m.index), parent);
    rest = rest.slice(m.index + m[0].length);
    if (m[1] !== undefined) parent.append(el("code", "md-code", m[2].replace(/^ (.*) $/s, "$1")));
    else if (m[3] !== undefined || m[4] !== undefined) { const s = el("strong"); renderInline(m[3] ?? m[4], s); parent.append(s); }
    else if (m[5] !== undefined) { const s = el("del"); renderInline(m[5], s); parent.append(s); }
    else if (m[6] !== undefined || m[7] !== undefined) { const s = el("em"); renderInline(m[6] ?? m[7], s); parent.append(s); }
    else if (m[8] !== undefined) link(m[8], m[9], parent);
    else if (m[10] !== undefined) link(m[10], m[10], parent, true);
    else if (m[11] !== undefined) parent.append(document.createTextNode(m[11]));
    else if (m[12] !== undefined) parent.append(el("br"));
  }
  if (rest) appendText(rest, parent);
}

// ---------------------------------------------------------------- code blocks

const KEYWORDS = new Set(("as async await break case catch class const continue crate def default do else enum export " +
  "extends false fn for from function if impl import in interface let loop match mod mut new None null " +
  "pub return self Self static struct super switch this throw true try type typeof undefined use var " +
  "where while with yield True False elif lambda pass raise not and or is").split(" "));
const TOKEN = /(\/\/[^\n]*|#(?![\[!])[^\n]*|\/\*[\s\S]*?\*\/)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_$][\w$]*)/g;
const HASH_COMMENTS = new Set(["py", "python", "sh", "bash", "shell", "zsh", "toml", "yaml", "yml", "rb", "ruby", "makefile", ""]);

/** Highlights `code` into `parent` with spans; text only, no markup from the code. */
function highlight(code, lang, parent) {
  const hash = HASH_COMMENTS.has(lang.toLowerCase());
  let last = 0;
  for (const m of code.matchAll(TOKEN)) {
    let cls = null;
    if (m[1] !== undefined) cls = m[1].startsWith("#") && !hash ? null : "tok-comment";
    else if (m[2] !== undefined) cls = "tok-string";
    else if (m[3] !== undefined) cls = "tok-number";
    else if (m[4] !== undefined && KEYWORDS.has(m[4])) cls = "tok-keyword";
    if (!cls) continue;
    if (m.index > last) parent.append(document.createTextNode(code.slice(last, m.index)));
    parent.append(el("span", cls, m[0]));
    last = m.index + m[0].length;
  }
  if (last < code.length) parent.append(document.createTextNode(code.slice(last)));
}

function codeBlock(code, lang) {
  const figure = el("figure", "md-pre");
  const bar = el("figcaption", "md-pre-bar");
  bar.append(el("span", "md-pre-lang", lang || "text"));
  const copy = el("button", "md-copy", "Copy");
  copy.type = "button";
  copy.setAttribute("aria-label", `Copy ${lang || "code"} to the clipboard`);
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(code);
      copy.textContent = "Copied";
    } catch {
      copy.textContent = "Select and copy";
    }
    setTimeout(() => { copy.textContent = "Copy"; }, 1500);
  });
  bar.append(copy);
  const pre = el("pre");
  const codeEl = el("code");
  if (lang) codeEl.dataset.lang = lang;
  highlight(code, lang || "", codeEl);
  pre.append(codeEl);
  figure.append(bar, pre);
  return figure;
}
