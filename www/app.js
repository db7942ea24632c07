// The llmwire demo page: chat, images, embeddings and tools on llmwire, in four tabs.
// The dev server (serve.mjs) answers /api/v1 with the embedded mock gateway, or proxies to a real
// gateway holding the key itself. "Bring your own key" mode talks to a gateway directly, with the
// key in this tab's sessionStorage only.
import { Client } from "/pkg/index.js";
import { initChat } from "./chat.js";
import { initImages } from "./images.js";
import { initEmbeddings } from "./embeddings.js";
import { initTools } from "./tools.js";
import { $ } from "./dom.js";

const BYOK_KEY = "llmwire-demo:byok"; // sessionStorage: { baseURL, backups, apiKey }
const THEME_KEY = "llmwire-demo:theme"; // localStorage: "light" | "dark" (absent: follow the system)

const config = await (await fetch("/config.json")).json();
const abs = (path) => new URL(path, location.href).href.replace(/\/$/, "");

// ---------------------------------------------------------------- the client

const COMMON = { maxRetries: 2, timeout: 300_000, idleTimeout: 90_000, streamUsage: true };
let byok = readByok();
let drill = "";
let client = null;
const listeners = [];

function readByok() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(BYOK_KEY) ?? "null");
    return saved?.apiKey && saved?.baseURL ? saved : null;
  } catch {
    return null;
  }
}

function buildClient() {
  if (byok) {
    return new Client({
      ...COMMON, apiKey: byok.apiKey, baseURL: byok.baseURL, backupBaseURLs: byok.backups ?? [],
      dangerouslyAllowBrowser: true,
    });
  }
  const defaultHeaders = {};
  if (drill === "outage") defaultHeaders["x-demo-outage"] = "primary";
  else if (drill) defaultHeaders["x-mock-scenario"] = drill;
  return new Client({
    ...COMMON, baseURL: abs(config.baseURL), backupBaseURLs: (config.backupBaseURLs ?? []).map(abs), defaultHeaders,
  });
}

function refreshClient() {
  client = buildClient();
  renderBadge();
  for (const fn of listeners) fn();
}

/** Where a result came from, in a few words: "primary · mock" or "backup · vip.apiyi.com". */
function describeBase(url) {
  if (!url) return null;
  const clean = url.replace(/\/$/, "");
  const bases = byok ? [byok.baseURL, ...(byok.backups ?? [])] : [config.baseURL, ...(config.backupBaseURLs ?? [])].map(abs);
  const index = bases.findIndex((b) => b.replace(/\/$/, "") === clean);
  const role = index === 0 ? "primary" : index > 0 ? `backup${bases.length > 2 ? ` ${index}` : ""}` : "";
  let where;
  if (!byok && config.upstreams) where = config.upstreams[new URL(clean).pathname] ?? null;
  if (!where) {
    try { where = new URL(clean).host; } catch { where = clean; }
  }
  return { short: [role, where].filter(Boolean).join(" · "), full: clean };
}

// ---------------------------------------------------------------- models

const IMAGE_MODEL = /image|dall-e|flux|midjourney|imagen|stable-diffusion|sdxl|seedream|kolors/i;
const EMBED_MODEL = /embed/i;
const OTHER_MODEL = /whisper|tts|audio|moderation|rerank/i;
const models = { chat: [], image: [], embedding: [], all: [] };

async function loadModels() {
  try {
    const list = await client.models.list();
    models.all = (list.data ?? []).map((m) => ({ id: m.id, provider: m.owned_by ?? m.ownedBy ?? "" }));
  } catch (e) {
    models.all = [];
    toast(`Could not list models (${e.status ? `HTTP ${e.status}` : e.name}); using common defaults.`);
  }
  models.image = models.all.filter((m) => IMAGE_MODEL.test(m.id));
  models.embedding = models.all.filter((m) => EMBED_MODEL.test(m.id));
  models.chat = models.all.filter((m) => !IMAGE_MODEL.test(m.id) && !EMBED_MODEL.test(m.id) && !OTHER_MODEL.test(m.id));
  if (!models.chat.length) models.chat = [{ id: "gpt-4o-mini", provider: "openai" }];
  if (!models.image.length) models.image = [{ id: "gpt-image-2-vip", provider: "" }];
  if (!models.embedding.length) models.embedding = [{ id: "text-embedding-3-small", provider: "openai" }];
}

/** Fills a <select> with models grouped by provider, keeping the current choice when it still exists. */
function fillModelSelect(select, list, preferred = []) {
  const previous = select.value;
  select.replaceChildren();
  const groups = new Map();
  for (const m of list) {
    const key = m.provider || "other";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(m);
  }
  for (const [provider, items] of groups) {
    const group = document.createElement("optgroup");
    group.label = provider;
    for (const m of items) group.append(new Option(m.id, m.id));
    select.append(group);
  }
  const ids = list.map((m) => m.id);
  select.value = [previous, ...preferred].find((id) => ids.includes(id)) ?? ids[0];
}

const providerOf = (id) => models.all.find((m) => m.id === id)?.provider ?? "";

// ---------------------------------------------------------------- chrome: badge, tabs, theme, toast

function renderBadge() {
  const badge = $("gateway-badge");
  badge.className = "badge";
  if (byok) {
    badge.classList.add("byok");
    badge.textContent = `Your key · ${safeHost(byok.baseURL)}`;
    badge.title = "Bring-your-own-key mode: this tab talks to the gateway directly. Click to change.";
  } else if (config.gateway === "mock") {
    badge.classList.add("mock");
    badge.textContent = "Mock gateway";
    badge.title = "The dev server's embedded mock gateway: no key, no network. Click to use a real gateway.";
  } else {
    badge.classList.add("proxy");
    badge.textContent = `Gateway · ${config.upstreams?.[config.baseURL] ?? "via dev server"}`;
    badge.title = "The dev server relays to your gateway and adds the key there; the key never reaches this page.";
  }
  $("drill-wrap").hidden = !!byok || config.gateway !== "mock";
}

function safeHost(url) {
  try { return new URL(url).host; } catch { return url; }
}

let toastTimer;
function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 4000);
}

const TABS = ["chat", "images", "embeddings", "tools"];
const tabInits = new Map();

function selectTab(name, { focus = false } = {}) {
  if (!TABS.includes(name)) name = "chat";
  for (const t of TABS) {
    const tab = $(`tab-${t}`);
    const on = t === name;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
  if (focus) $(`tab-${name}`).focus();
  document.body.dataset.tab = name;
  if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
  tabInits.get(name)?.shown?.();
}

function initTabs() {
  const list = document.querySelector(".tabs");
  list.addEventListener("click", (ev) => {
    const tab = ev.target.closest("[role=tab]");
    if (tab) selectTab(tab.id.slice(4));
  });
  list.addEventListener("keydown", (ev) => {
    const current = TABS.indexOf(document.body.dataset.tab);
    const next = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: TABS.length - 1 }[ev.key];
    if (next === undefined) return;
    ev.preventDefault();
    selectTab(TABS[(next + TABS.length) % TABS.length], { focus: true });
  });
  addEventListener("hashchange", () => selectTab(location.hash.slice(1)));
}

function initTheme() {
  const button = $("theme");
  const apply = () => {
    const theme = localStorage.getItem(THEME_KEY);
    if (theme) document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
    button.setAttribute("aria-label", `Colour theme: ${theme ?? "system"}`);
    button.title = `Theme: ${theme ?? "follows the system"} (click to change)`;
  };
  button.addEventListener("click", () => {
    const order = [null, "light", "dark"];
    const next = order[(order.indexOf(localStorage.getItem(THEME_KEY)) + 1) % order.length];
    if (next) localStorage.setItem(THEME_KEY, next);
    else localStorage.removeItem(THEME_KEY);
    apply();
  });
  apply();
}

// ---------------------------------------------------------------- settings (bring your own key)

function initSettings() {
  const dialog = $("settings");
  const form = $("settings-form");
  const syncFields = () => {
    const direct = form.elements.mode.value === "byok";
    $("byok-fields").classList.toggle("off", !direct);
    for (const id of ["byok-base", "byok-backups", "byok-key"]) $(id).disabled = !direct;
  };
  const open = () => {
    $("server-mode-title").textContent = config.gateway === "mock" ? "Dev server · mock gateway" : "Dev server · your gateway";
    $("server-mode-note").textContent = config.gateway === "mock"
      ? "No key, no network: the embedded mock answers. Start `make demo` with LLMWIRE_API_KEY and LLMWIRE_BASE_URL to relay to a real gateway."
      : "The dev server relays to the gateway and adds the key itself; the key never reaches this page.";
    form.elements.mode.value = byok ? "byok" : "server";
    $("byok-base").value = byok?.baseURL ?? $("byok-base").defaultValue;
    $("byok-backups").value = byok ? (byok.backups ?? []).join(", ") : $("byok-backups").defaultValue;
    $("byok-key").value = byok?.apiKey ?? "";
    $("settings-forget").hidden = !byok;
    syncFields();
    dialog.showModal();
  };
  $("settings-open").addEventListener("click", open);
  $("gateway-badge").addEventListener("click", open);
  form.addEventListener("change", syncFields);
  $("settings-cancel").addEventListener("click", () => dialog.close());
  $("settings-forget").addEventListener("click", () => {
    sessionStorage.removeItem(BYOK_KEY);
    byok = null;
    dialog.close();
    refreshClient();
    reloadModels();
    toast("Key forgotten. Back to the dev server.");
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (form.elements.mode.value === "byok") {
      const baseURL = $("byok-base").value.trim().replace(/\/+$/, "");
      const apiKey = $("byok-key").value.trim();
      if (!/^https?:\/\//.test(baseURL)) return $("byok-base").reportValidity() || toast("Enter the gateway's base URL, e.g. https://api.apiyi.com/v1");
      if (!apiKey) {
        $("byok-key").focus();
        return toast("Enter your API key, or choose the dev server.");
      }
      const backups = $("byok-backups").value.split(/[\s,]+/).map((s) => s.trim().replace(/\/+$/, "")).filter((s) => /^https?:\/\//.test(s));
      byok = { baseURL, backups, apiKey };
      sessionStorage.setItem(BYOK_KEY, JSON.stringify(byok));
    } else {
      sessionStorage.removeItem(BYOK_KEY);
      byok = null;
    }
    dialog.close();
    refreshClient();
    reloadModels();
    toast(byok ? `Talking to ${safeHost(byok.baseURL)} directly with your key (this tab only).` : "Using the dev server.");
  });
}

// ---------------------------------------------------------------- wiring

const ctx = {
  get client() { return client; },
  config, models, providerOf, describeBase, fillModelSelect, toast,
  get drill() { return drill; },
  /** Calls `fn` whenever the client or the model list changes. */
  onChange(fn) { listeners.push(fn); },
};

async function reloadModels() {
  await loadModels();
  for (const fn of listeners) fn();
}

$("drill").addEventListener("change", () => {
  drill = $("drill").value;
  refreshClient();
  document.body.dataset.drill = drill;
  if (drill) toast(`Simulating “${$("drill").selectedOptions[0].textContent}” on every request, until you set Simulate back to “nothing”.`);
});

initTheme();
initTabs();
initSettings();
client = buildClient();
renderBadge();
await loadModels();
tabInits.set("chat", initChat(ctx));
tabInits.set("images", initImages(ctx));
tabInits.set("embeddings", initEmbeddings(ctx));
tabInits.set("tools", initTools(ctx));
for (const fn of listeners) fn();
selectTab(location.hash.slice(1) || "chat");
// For whoever opens the console: the page's live client.
window.llmwireDemo = { get client() { return client; }, config, models };
console.info("llmwire demo: `llmwireDemo.client` is the client this page uses; try `await llmwireDemo.client.models.list()`.");
document.body.dataset.ready = "true";
