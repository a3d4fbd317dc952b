/* Resize editor (templates/editing/resize.html). Plain JS, no dependencies.

   Sizes are computed exactly as editing.operations.resize_target does (Python's round(), ties to
   even). With "keep aspect ratio" on, only the dimension the user typed is submitted (the other one
   is shown, computed, and disabled at submit), so the server computes the very size shown here,
   for every image of a batch too. Without JavaScript the form submits what is typed. */
(function () {
  "use strict";

  const form = document.querySelector("[data-resize-editor]");
  if (!form) return;

  const W0 = parseInt(form.dataset.width, 10);
  const H0 = parseInt(form.dataset.height, 10);
  const LIMIT = 20000;
  const $ = (sel) => form.querySelector(sel);
  const widthIn = $('[data-dim="width"]');
  const heightIn = $('[data-dim="height"]');
  const keep = $("[data-keep-aspect]");
  const percentIn = $("[data-percent]");
  const percentRange = $("[data-percent-range]");
  const quickButtons = Array.from(form.querySelectorAll("[data-percent-button]"));
  const filterSel = $("[data-filter]");
  const filterDesc = $("[data-filter-desc]");
  const formatSel = $("[data-format-select]");
  const quality = $("[data-quality]");
  const qualityRange = $("[data-quality-range]");
  const sizeEl = $('[data-testid="output-size"]');
  const warning = $("[data-size-warning]");
  const img = $("[data-resize-image]");
  const canvas = $('[data-testid="resize-preview"]');
  const wrap = $("[data-preview-wrap]");
  const caption = $("[data-preview-caption]");
  const PX = form.dataset.msgPx || "px";

  const roundHalfEven = window.pyRound;

  /** editing.operations.resize_target. */
  function resizeTarget(width, height, percent, keepAspect) {
    if (percent) return [Math.max(1, roundHalfEven((W0 * percent) / 100)), Math.max(1, roundHalfEven((H0 * percent) / 100))];
    if (keepAspect) {
      if (width && height) {
        const scale = Math.min(width / W0, height / H0);
        return [Math.max(1, roundHalfEven(W0 * scale)), Math.max(1, roundHalfEven(H0 * scale))];
      }
      if (width) return [width, Math.max(1, roundHalfEven((H0 * width) / W0))];
      if (height) return [Math.max(1, roundHalfEven((W0 * height) / H0)), height];
    }
    return [width || W0, height || H0];
  }

  const intOf = (input) => {
    const v = input.value.trim();
    return /^\d+$/.test(v) ? parseInt(v, 10) : null;
  };
  const percentOf = () => {
    const v = parseFloat(percentIn.value);
    return Number.isFinite(v) && v > 0 ? v : null;
  };

  // Which field the user set last: "width", "height" or "percent".
  let driver = "width";

  /** The values the server will receive. */
  function submitted() {
    const percent = percentOf();
    let width = intOf(widthIn);
    let height = intOf(heightIn);
    if (!percent && keep.checked) {
      if (driver === "width" && width) height = null;
      else if (driver === "height" && height) width = null;
    }
    return { width, height, percent, keepAspect: keep.checked };
  }

  function derive() {
    if (driver === "percent") {
      const p = percentOf();
      if (!p) return;
      widthIn.value = String(Math.max(1, roundHalfEven((W0 * p) / 100)));
      heightIn.value = String(Math.max(1, roundHalfEven((H0 * p) / 100)));
      return;
    }
    if (!keep.checked) return;
    if (driver === "width") {
      const w = intOf(widthIn);
      if (w) heightIn.value = String(Math.max(1, roundHalfEven((H0 * w) / W0)));
    } else {
      const h = intOf(heightIn);
      if (h) widthIn.value = String(Math.max(1, roundHalfEven((W0 * h) / H0)));
    }
  }

  function update() {
    const s = submitted();
    const [tw, th] = resizeTarget(s.width, s.height, s.percent, s.keepAspect);
    sizeEl.textContent = tw + " × " + th + " " + PX;
    sizeEl.dataset.width = String(tw);
    sizeEl.dataset.height = String(th);
    const tooBig = [s.width, s.height].some((v) => v && v > LIMIT) || tw > LIMIT || th > LIMIT;
    warning.hidden = !tooBig;
    warning.textContent = tooBig ? form.dataset.msgTooBig || "" : "";
    widthIn.classList.toggle("is-derived", keep.checked && (driver === "height" || driver === "percent"));
    heightIn.classList.toggle("is-derived", keep.checked && (driver === "width" || driver === "percent"));
    for (const b of quickButtons) {
      const on = driver === "percent" && s.percent === parseFloat(b.dataset.percentButton);
      b.classList.toggle("is-active", on);
      b.setAttribute("aria-pressed", String(on));
    }
    form.dataset.target = tw + "x" + th;
    drawPreview(tw, th);
  }

  /* ---- preview: the image at the new size, scaled to fit when it does not fit --------------- */

  let imageReady = false;
  let frame = 0;
  function drawPreview(tw, th) {
    if (!imageReady) return;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const availW = Math.max(120, wrap.clientWidth);
      const availH = Math.max(200, Math.min(window.innerHeight * 0.68, 720));
      const fit = Math.min(1, availW / tw, availH / th);
      const cssW = Math.max(1, Math.round(tw * fit));
      const cssH = Math.max(1, Math.round(th * fit));
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, Math.min(tw, Math.round(cssW * dpr)));
      canvas.height = Math.max(1, Math.min(th, Math.round(cssH * dpr)));
      canvas.style.width = cssW + "px";
      canvas.style.height = cssH + "px";
      const ctx = canvas.getContext("2d");
      ctx.imageSmoothingEnabled = filterSel.value !== "nearest";
      ctx.imageSmoothingQuality = "high";
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      if (fit >= 1) caption.textContent = form.dataset.msgActual || "";
      else caption.textContent = (form.dataset.msgScaled || "").replace("%(p)s", Math.round(fit * 100) + "%");
    });
  }

  /* ---- events -------------------------------------------------------------------------------- */

  function onDim(which) {
    driver = which;
    percentIn.value = "";
    derive();
    update();
  }
  widthIn.addEventListener("input", () => onDim("width"));
  heightIn.addEventListener("input", () => onDim("height"));

  function setPercent(value, fromRange) {
    percentIn.value = value;
    if (!fromRange && percentRange && percentOf()) percentRange.value = String(Math.min(400, percentOf()));
    driver = percentOf() ? "percent" : "width";
    derive();
    update();
  }
  percentIn.addEventListener("input", () => setPercent(percentIn.value, false));
  if (percentRange) percentRange.addEventListener("input", () => setPercent(percentRange.value, true));
  for (const b of quickButtons) b.addEventListener("click", () => setPercent(b.dataset.percentButton, false));

  keep.addEventListener("change", () => {
    if (driver !== "percent") derive();
    update();
  });

  function showFilter() {
    const opt = filterSel.selectedOptions[0];
    filterDesc.textContent = opt ? opt.dataset.desc || "" : "";
    update();
  }
  filterSel.addEventListener("change", showFilter);

  function updateQuality() {
    const fmt = formatSel.value === "same" ? (form.dataset.format || "").toUpperCase() : formatSel.value;
    const lossy = fmt === "JPEG" || fmt === "WEBP";
    quality.disabled = !lossy;
    if (qualityRange) qualityRange.disabled = !lossy;
    quality.closest("[data-quality-row]").classList.toggle("is-disabled", !lossy);
  }
  formatSel.addEventListener("change", updateQuality);
  if (qualityRange) {
    qualityRange.addEventListener("input", () => { quality.value = qualityRange.value; });
    quality.addEventListener("input", () => { if (quality.value) qualityRange.value = quality.value; });
  }

  form.addEventListener("submit", (event) => {
    if (form.dataset.submitting) { event.preventDefault(); return; }
    const s = submitted();
    // Send only what the size shown was computed from.
    if (!s.percent && s.keepAspect) {
      if (s.width === null && driver === "height") widthIn.disabled = true;
      if (s.height === null && driver === "width") heightIn.disabled = true;
    }
    form.dataset.submitting = "1";
    form.classList.add("is-submitting");
  });
  window.addEventListener("pageshow", () => {
    widthIn.disabled = false;
    heightIn.disabled = false;
    delete form.dataset.submitting;
    form.classList.remove("is-submitting");
  });

  /* ---- start --------------------------------------------------------------------------------- */

  form.querySelectorAll("[data-js-only]").forEach((el) => { el.hidden = false; });
  form.querySelectorAll("[data-no-js]").forEach((el) => { el.hidden = true; });
  if (percentOf()) driver = "percent";
  else if (!intOf(widthIn) && intOf(heightIn)) driver = "height";
  if (percentOf() && percentRange) percentRange.value = String(Math.min(400, percentOf()));
  derive();
  updateQuality();
  filterDesc.textContent = (filterSel.selectedOptions[0] || {}).dataset?.desc || "";

  function start() {
    imageReady = true;
    img.hidden = true;
    canvas.hidden = false;
    update();
    if ("ResizeObserver" in window) new ResizeObserver(() => update()).observe(wrap);
  }
  update();
  if (img.complete && img.naturalWidth) start();
  else img.addEventListener("load", start, { once: true });
})();
