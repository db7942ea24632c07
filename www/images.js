// The Images tab: a prompt, one of the 30 size buckets of APIYI's gpt-image-2-vip (seed 003), an
// optional reference image dropped in for an edit, and results shown and downloadable. Two ways:
// the image model on /chat/completions (images.generateViaChat), or the Images API
// (images.generate, and images.edit with a reference).
import { imageURL, imageBlob } from "/pkg/index.js";
import { errorBlock } from "./errors.js";
import { $, el } from "./dom.js";

// 10 ratios × 3 tiers (1K Fast, 2K Recommended, 4K Detail), as APIYI lists them.
const RATIOS = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];
export const SIZE_TIERS = [
  ["1K · fast", ["1280x1280", "848x1280", "1280x848", "960x1280", "1280x960", "1024x1280", "1280x1024", "720x1280", "1280x720", "1280x544"]],
  ["2K · recommended", ["2048x2048", "1360x2048", "2048x1360", "1536x2048", "2048x1536", "1632x2048", "2048x1632", "1152x2048", "2048x1152", "2048x864"]],
  ["4K · detail", ["2880x2880", "2336x3520", "3520x2336", "2480x3312", "3312x2480", "2560x3216", "3216x2560", "2160x3840", "3840x2160", "3840x1632"]],
];
const ACCEPTED = ["image/png", "image/jpeg", "image/webp"];

export function initImages(ctx) {
  let controller = null;
  let reference = null; // { blob, name, url }
  const results = $("image-results");

  const size = $("image-size");
  size.append(new Option("auto (the prompt decides)", "auto"));
  for (const [tier, sizes] of SIZE_TIERS) {
    const group = document.createElement("optgroup");
    group.label = tier;
    sizes.forEach((s, i) => group.append(new Option(`${RATIOS[i]} · ${s.replace("x", " × ")}`, s)));
    size.append(group);
  }
  size.value = "2048x1152";

  ctx.onChange(() => ctx.fillModelSelect($("image-model"), ctx.models.image, ["gpt-image-2-vip"]));

  // ------------------------------------------------------------ reference image

  function setReference(blob, name) {
    if (reference) URL.revokeObjectURL(reference.url);
    reference = null;
    $("image-ref").hidden = true;
    $("image-drop").classList.remove("has-ref");
    if (!blob) return;
    if (!ACCEPTED.includes(blob.type)) {
      ctx.toast(`That file is ${blob.type || "not an image"}; use a PNG, JPEG or WebP.`);
      return;
    }
    reference = { blob, name, url: URL.createObjectURL(blob) };
    $("image-ref-img").src = reference.url;
    $("image-ref-name").textContent = `${name} · ${(blob.size / 1024).toFixed(0)} KB`;
    $("image-ref").hidden = false;
    $("image-drop").classList.add("has-ref");
  }

  const drop = $("image-drop");
  drop.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    const file = ev.dataTransfer?.files?.[0];
    if (file) setReference(file, file.name);
  });
  $("image-file").addEventListener("change", () => {
    const file = $("image-file").files?.[0];
    if (file) setReference(file, file.name);
    $("image-file").value = "";
  });
  $("image-ref-clear").addEventListener("click", () => setReference(null));

  // ------------------------------------------------------------ generation

  function chip(text, title) {
    const c = el("span", "chip", text);
    if (title) c.title = title;
    return c;
  }

  async function generate() {
    const prompt = $("image-prompt").value.trim();
    if (!prompt) {
      $("image-prompt").focus();
      return;
    }
    const model = $("image-model").value;
    const endpoint = document.querySelector("input[name=image-endpoint]:checked").value;
    const sizeValue = size.value;
    const ref = reference;

    const card = el("figure", "image-card pending");
    const frame = el("div", "frame");
    const shimmer = el("div", "shimmer");
    const timer = el("span", "timer", "0.0 s");
    shimmer.append(timer);
    frame.append(shimmer);
    const caption = el("figcaption");
    caption.append(el("p", "image-prompt", prompt));
    card.append(frame, caption);
    results.prepend(card);

    controller = new AbortController();
    $("image-generate").disabled = true;
    $("image-stop").hidden = false;
    $("image-status").textContent = "Generating…";
    const started = performance.now();
    const tick = setInterval(() => { timer.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`; }, 100);
    try {
      const options = { signal: controller.signal };
      let result;
      let how;
      if (endpoint === "chat") {
        const params = { model, prompt, size: sizeValue };
        if (ref) params.image = ref.blob;
        result = await ctx.client.images.generateViaChat(params, options);
        how = ref ? "chat · reference edit" : "chat";
      } else if (ref) {
        result = await ctx.client.images.edit({ model, prompt, image: ref.blob, size: sizeValue }, options);
        how = "images/edits";
      } else {
        result = await ctx.client.images.generate({ model, prompt, size: sizeValue, n: 1 }, options);
        how = "images/generations";
      }
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const item = result.data?.[0];
      if (!item) throw Object.assign(new Error("The gateway returned no image."), { name: "InvalidResponseError" });
      const img = el("img");
      img.alt = `Generated from: ${prompt}`;
      img.decoding = "async";
      const loaded = new Promise((resolve, reject) => {
        img.onload = resolve;
        img.onerror = () => reject(Object.assign(new Error("The image could not be loaded."), { name: "InvalidResponseError" }));
      });
      img.src = await imageURL(item);
      await loaded;
      frame.replaceChildren(img);
      card.classList.remove("pending");
      const base = ctx.describeBase(result._base_url);
      const chips = el("div", "chips");
      chips.append(
        chip(model), chip(how), chip(sizeValue === "auto" ? `auto → ${img.naturalWidth}×${img.naturalHeight}` : sizeValue.replace("x", "×"), `image is ${img.naturalWidth}×${img.naturalHeight}`),
        chip(`${secs} s`),
      );
      if (result.usage?.total_tokens !== undefined) chips.append(chip(`${result.usage.total_tokens} tokens`, `${result.usage.input_tokens ?? "?"} in · ${result.usage.output_tokens ?? "?"} out`));
      if (base) chips.append(chip(base.short, base.full));
      const actions = el("div", "card-actions");
      const download = el("a", "button secondary small", "Download");
      download.download = `llmwire-${Date.now()}.png`;
      download.href = item.url && !item.url.startsWith("data:") ? item.url : img.src;
      imageBlob(item).then((blob) => {
        download.href = URL.createObjectURL(blob);
        download.download = `llmwire-${Date.now()}.${(blob.type.split("/")[1] || "png").replace("jpeg", "jpg")}`;
      }).catch(() => { download.target = "_blank"; download.rel = "noopener"; });
      const reuse = el("button", "secondary small", "Use as reference");
      reuse.type = "button";
      reuse.addEventListener("click", async () => {
        try {
          setReference(await imageBlob(item), "previous result.png");
          $("image-prompt").focus();
        } catch (e) {
          ctx.toast(`Could not fetch that image (${e.message}).`);
        }
      });
      actions.append(download, reuse);
      caption.append(chips, actions);
      $("image-status").textContent = `Done in ${secs} s.`;
    } catch (e) {
      card.classList.remove("pending");
      card.classList.add("failed");
      frame.remove();
      caption.append(errorBlock(e));
      $("image-status").textContent = "";
    } finally {
      clearInterval(tick);
      controller = null;
      $("image-generate").disabled = false;
      $("image-stop").hidden = true;
    }
  }

  $("image-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!controller) generate();
  });
  $("image-prompt").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      $("image-form").requestSubmit();
    }
  });
  $("image-stop").addEventListener("click", () => controller?.abort());

  return { shown: () => {} };
}
