/* Crop editor (templates/editing/crop.html). Plain JS, no build step, no dependencies.

   The server (editing/operations.py) rotates clockwise, then mirrors, then flips, then crops a box
   given as edges in percent of the transformed image, rounding with Python's round() (half to even).
   This file keeps the box in whole pixels of the transformed image, writes the edges as percentages
   with four decimals (which the server maps back to exactly those pixels), and draws the stage and
   the preview with the same transform chain, so the preview is the result.

   Without JavaScript the page still works: the range inputs named left/top/right/bottom, the rotate
   select and the flip checkboxes are a plain form. */
(function () {
  "use strict";

  const form = document.querySelector("[data-crop-editor]");
  if (!form) return;

  const W0 = parseInt(form.dataset.width, 10);
  const H0 = parseInt(form.dataset.height, 10);
  const EDGES = ["left", "top", "right", "bottom"];
  const img = form.querySelector("[data-crop-image]");
  const wrap = form.querySelector("[data-stage-wrap]");
  const stage = form.querySelector("[data-crop-stage]");
  const canvas = form.querySelector("[data-crop-canvas]");
  const overlay = form.querySelector("[data-crop-overlay]");
  const boxEl = form.querySelector('[data-testid="crop-box"]');
  const shade = form.querySelector("[data-crop-shade]");
  const preview = form.querySelector('[data-testid="crop-preview"]');
  const previewBox = preview.parentElement;
  const sizeEl = form.querySelector('[data-testid="output-size"]');
  const rotateSelect = form.querySelector("[data-rotate]");
  const flipHInput = form.querySelector('[data-flip="h"]');
  const flipVInput = form.querySelector('[data-flip="v"]');
  const formatSelect = form.querySelector("[data-format-select]");
  const quality = form.querySelector("[data-quality]");
  const qualityRange = form.querySelector("[data-quality-range]");
  const qualityNote = form.querySelector("[data-quality-note]");
  const loadError = form.querySelector("[data-load-error]");
  const presetButtons = Array.from(form.querySelectorAll("button[data-aspect]"));
  const aspectInput = form.querySelector("[data-aspect-input]");
  const applyAll = form.querySelector('[data-testid="apply-all"]');
  const batchBoxes = form.querySelector("[data-batch-boxes]");
  const batchRows = Array.from(form.querySelectorAll("[data-batch-size]"));
  const sliders = {};
  const numbers = {};
  EDGES.forEach((k) => {
    sliders[k] = form.querySelector('input[type="range"][name="' + k + '"]');
    numbers[k] = form.querySelector('[data-edge-number="' + k + '"]');
  });
  const PX = form.dataset.msgPx || "px";

  /* ---- numbers exactly as the server computes them ------------------------------------------ */

  const roundHalfEven = window.pyRound;

  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

  /** editing.operations.crop_box_pixels, for edges given as the strings the form submits. */
  function serverBox(W, H, pct) {
    const x0 = Math.min(W - 1, Math.max(0, roundHalfEven((W * pct.left) / 100)));
    const y0 = Math.min(H - 1, Math.max(0, roundHalfEven((H * pct.top) / 100)));
    const x1 = Math.max(x0 + 1, Math.min(W, roundHalfEven((W * pct.right) / 100)));
    const y1 = Math.max(y0 + 1, Math.min(H, roundHalfEven((H * pct.bottom) / 100)));
    return { x0, y0, x1, y1 };
  }

  /** A pixel edge as a percentage string with at most four decimals. */
  function pctString(px, size) {
    if (px <= 0) return "0";
    if (px >= size) return "100";
    return String(parseFloat(((px / size) * 100).toFixed(4)));
  }

  /** editing.operations.box_fit_aspect: the largest box of ratio r inside b, centred on it; a box
      that already has the ratio to the nearest pixel is kept. */
  function serverFitAspect(b, r) {
    const bw = b.x1 - b.x0;
    const bh = b.y1 - b.y0;
    if (!r || roundHalfEven(bh * r) === bw || roundHalfEven(bw / r) === bh) return b;
    let w;
    let h;
    if (bw / bh > r) { w = Math.max(1, Math.min(bw, roundHalfEven(bh * r))); h = bh; }
    else { w = bw; h = Math.max(1, Math.min(bh, roundHalfEven(bw / r))); }
    const x0 = b.x0 + Math.floor((bw - w) / 2);
    const y0 = b.y0 + Math.floor((bh - h) / 2);
    return { x0, y0, x1: x0 + w, y1: y0 + h };
  }

  /* ---- state --------------------------------------------------------------------------------- */

  const state = {
    rotate: 0, // clockwise degrees, applied first
    flipH: false, // then mirror
    flipV: false, // then flip
    box: { x0: 0, y0: 0, x1: W0, y1: H0 }, // whole pixels of the transformed image
    ratio: null, // locked aspect ratio (output width / height), null when free
    aspect: "free",
  };
  let scale = 1; // display pixels per image pixel
  let ready = false;

  function dims() {
    return state.rotate % 180 ? [H0, W0] : [W0, H0];
  }

  function fullBox() {
    const [W, H] = dims();
    return { x0: 0, y0: 0, x1: W, y1: H };
  }

  function minSize() {
    const [W, H] = dims();
    const m = Math.max(1, Math.round(12 / scale));
    return { w: Math.min(W, m), h: Math.min(H, m) };
  }

  function readForm() {
    const rot = parseInt(rotateSelect.value, 10) || 0;
    state.rotate = [0, 90, 180, 270].includes(rot) ? rot : 0;
    state.flipH = flipHInput.checked;
    state.flipV = flipVInput.checked;
    const [W, H] = dims();
    const pct = {};
    for (const k of EDGES) {
      const v = parseFloat(sliders[k].value);
      pct[k] = Number.isFinite(v) ? clamp(v, 0, 100) : k === "left" || k === "top" ? 0 : 100;
    }
    if (pct.right <= pct.left || pct.bottom <= pct.top) state.box = fullBox();
    else state.box = serverBox(W, H, pct);
    const preset = presetButtons.find((btn) => btn.dataset.aspect === aspectInput.value);
    if (preset && ratioOf(preset)) {
      state.aspect = preset.dataset.aspect;
      state.ratio = ratioOf(preset);
    }
  }

  /* ---- geometry of the box ------------------------------------------------------------------- */

  /** Fits w×h (ratio r) inside maxW×maxH and returns whole pixels. */
  function fitRatio(w, h, maxW, maxH, r) {
    if (w > maxW) { w = maxW; h = w / r; }
    if (h > maxH) { h = maxH; w = h * r; }
    let wi = Math.max(1, Math.round(w));
    let hi = Math.max(1, Math.round(wi / r));
    if (hi > maxH) { hi = Math.max(1, Math.floor(maxH)); wi = Math.max(1, Math.round(hi * r)); }
    if (wi > maxW) wi = Math.max(1, Math.floor(maxW));
    return [wi, hi];
  }

  /** The largest box of ratio r centred inside box b. */
  function fitCentered(b, r) {
    const bw = b.x1 - b.x0;
    const bh = b.y1 - b.y0;
    let w;
    let h;
    if (bw / bh > r) { h = bh; w = Math.round(bh * r); } else { w = bw; h = Math.round(bw / r); }
    w = clamp(w, 1, bw);
    h = clamp(h, 1, bh);
    const x0 = b.x0 + Math.floor((bw - w) / 2);
    const y0 = b.y0 + Math.floor((bh - h) / 2);
    return { x0, y0, x1: x0 + w, y1: y0 + h };
  }

  /** The box after dragging `handle` of `start` to image point (px, py). */
  function resized(start, handle, px, py) {
    const [W, H] = dims();
    const m = minSize();
    const hasW = handle.includes("w");
    const hasE = handle.includes("e");
    const hasN = handle.includes("n");
    const hasS = handle.includes("s");
    let { x0, y0, x1, y1 } = start;
    const r = state.ratio;
    if (!r) {
      if (hasW) x0 = clamp(Math.round(px), 0, x1 - m.w);
      if (hasE) x1 = clamp(Math.round(px), x0 + m.w, W);
      if (hasN) y0 = clamp(Math.round(py), 0, y1 - m.h);
      if (hasS) y1 = clamp(Math.round(py), y0 + m.h, H);
      return { x0, y0, x1, y1 };
    }
    const horizontal = hasW || hasE;
    const vertical = hasN || hasS;
    if (horizontal && vertical) {
      const ax = hasE ? x0 : x1;
      const ay = hasS ? y0 : y1;
      let w = hasE ? px - ax : ax - px;
      const h = hasS ? py - ay : ay - py;
      w = Math.max(w, h * r, m.w, m.h * r);
      const [fw, fh] = fitRatio(w, w / r, hasE ? W - ax : ax, hasS ? H - ay : ay, r);
      x0 = hasE ? ax : ax - fw;
      y0 = hasS ? ay : ay - fh;
      return { x0, y0, x1: x0 + fw, y1: y0 + fh };
    }
    if (horizontal) {
      const ax = hasE ? x0 : x1;
      const cy = (y0 + y1) / 2;
      const w = Math.max(hasE ? px - ax : ax - px, m.w);
      // Grows about its centre line, sliding along when it meets the top or bottom.
      const [fw, fh] = fitRatio(w, w / r, hasE ? W - ax : ax, H, r);
      x0 = hasE ? ax : ax - fw;
      y0 = clamp(Math.round(cy - fh / 2), 0, H - fh);
      return { x0, y0, x1: x0 + fw, y1: y0 + fh };
    }
    const ay = hasS ? y0 : y1;
    const cx = (x0 + x1) / 2;
    const h = Math.max(hasS ? py - ay : ay - py, m.h);
    const [fw, fh] = fitRatio(h * r, h, W, hasS ? H - ay : ay, r);
    y0 = hasS ? ay : ay - fh;
    x0 = clamp(Math.round(cx - fw / 2), 0, W - fw);
    return { x0, y0, x1: x0 + fw, y1: y0 + fh };
  }

  function moved(start, dx, dy) {
    const [W, H] = dims();
    const w = start.x1 - start.x0;
    const h = start.y1 - start.y0;
    const x0 = clamp(Math.round(start.x0 + dx), 0, W - w);
    const y0 = clamp(Math.round(start.y0 + dy), 0, H - h);
    return { x0, y0, x1: x0 + w, y1: y0 + h };
  }

  /** A new box drawn from anchor (ax, ay) to (px, py). */
  function drawn(ax, ay, px, py) {
    const [W, H] = dims();
    ax = clamp(Math.round(ax), 0, W);
    ay = clamp(Math.round(ay), 0, H);
    const handle = (py < ay ? "n" : "s") + (px < ax ? "w" : "e");
    // A zero-size box anchored at the start point, then dragged by its far corner.
    const start = { x0: ax, y0: ay, x1: ax, y1: ay };
    if (!state.ratio) {
      const x0 = clamp(Math.round(Math.min(ax, px)), 0, W);
      const x1 = clamp(Math.round(Math.max(ax, px)), 0, W);
      const y0 = clamp(Math.round(Math.min(ay, py)), 0, H);
      const y1 = clamp(Math.round(Math.max(ay, py)), 0, H);
      return { x0, y0, x1, y1 };
    }
    return resized(start, handle, px, py);
  }

  function validBox(b) {
    const [W, H] = dims();
    return b.x0 >= 0 && b.y0 >= 0 && b.x1 <= W && b.y1 <= H && b.x1 > b.x0 && b.y1 > b.y0;
  }

  /* ---- drawing ------------------------------------------------------------------------------- */

  /** Adds rotate-then-flip to ctx so that drawing the original at (0, 0, W0, H0)... lands on the
      transformed image of size W×H (the current transform maps those units to the target). */
  function applyChain(ctx, W, H) {
    if (state.flipH) { ctx.translate(W, 0); ctx.scale(-1, 1); }
    if (state.flipV) { ctx.translate(0, H); ctx.scale(1, -1); }
    if (state.rotate === 90) { ctx.translate(W, 0); ctx.rotate(Math.PI / 2); }
    else if (state.rotate === 180) { ctx.translate(W, H); ctx.rotate(Math.PI); }
    else if (state.rotate === 270) { ctx.translate(0, H); ctx.rotate(-Math.PI / 2); }
  }

  function drawStage() {
    const [W, H] = dims();
    const ctx = canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const s = canvas.width / W;
    ctx.imageSmoothingEnabled = s < 1;
    ctx.imageSmoothingQuality = "high";
    ctx.setTransform(s, 0, 0, canvas.height / H, 0, 0);
    applyChain(ctx, W, H);
    ctx.drawImage(img, 0, 0, W0, H0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }

  function drawPreview(b) {
    const ow = b.x1 - b.x0;
    const oh = b.y1 - b.y0;
    const maxW = Math.max(120, previewBox.clientWidth || 280);
    const maxH = 240;
    const s = Math.min(maxW / ow, maxH / oh);
    const cssW = Math.max(1, Math.round(ow * s));
    const cssH = Math.max(1, Math.round(oh * s));
    const dpr = window.devicePixelRatio || 1;
    // Never more backing pixels than the result has: then the preview is the result, downscaled.
    const bw = Math.max(1, Math.min(Math.round(cssW * dpr), s >= 1 ? Math.round(cssW * dpr) : ow));
    const bh = Math.max(1, Math.round((bw * oh) / ow));
    if (preview.width !== bw) preview.width = bw;
    if (preview.height !== bh) preview.height = bh;
    preview.style.width = cssW + "px";
    preview.style.height = cssH + "px";
    const [W, H] = dims();
    const ctx = preview.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, bw, bh);
    const sx = bw / ow;
    const sy = bh / oh;
    ctx.imageSmoothingEnabled = sx < 1;
    ctx.imageSmoothingQuality = "high";
    ctx.setTransform(sx, 0, 0, sy, -b.x0 * sx, -b.y0 * sy);
    applyChain(ctx, W, H);
    ctx.drawImage(img, 0, 0, W0, H0);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    preview.dataset.drawn = [b.x0, b.y0, b.x1, b.y1].join(",");
  }

  function layout() {
    const [W, H] = dims();
    const availW = Math.max(120, wrap.clientWidth);
    const availH = clamp(window.innerHeight - 150, 220, 900);
    scale = Math.min(availW / W, availH / H);
    if (scale > 1) scale = Math.min(scale, 16); // small images: enlarge, with crisp pixels
    const cssW = Math.max(1, Math.round(W * scale));
    const cssH = Math.max(1, Math.round(H * scale));
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.min(4096, Math.round(cssW * dpr));
    canvas.height = Math.min(4096, Math.round(cssH * dpr));
    stage.style.width = cssW + "px";
    stage.style.height = cssH + "px";
    drawStage();
  }

  /* ---- syncing the box, the inputs and the preview ------------------------------------------- */

  function update(options) {
    const opts = options || {};
    const [W, H] = dims();
    const b = state.box;
    for (const el of [boxEl, shade]) {
      el.style.left = (b.x0 / W) * 100 + "%";
      el.style.top = (b.y0 / H) * 100 + "%";
      el.style.width = ((b.x1 - b.x0) / W) * 100 + "%";
      el.style.height = ((b.y1 - b.y0) / H) * 100 + "%";
    }
    boxEl.classList.toggle("is-small", (b.x1 - b.x0) * scale < 60 || (b.y1 - b.y0) * scale < 60);

    const values = {
      left: pctString(b.x0, W), top: pctString(b.y0, H), right: pctString(b.x1, W), bottom: pctString(b.y1, H),
    };
    for (const k of EDGES) {
      // The sliders are what is submitted (exact, four decimals); the boxes beside them are for
      // reading and typing, so two decimals are enough there.
      if (sliders[k] !== opts.skip) sliders[k].value = values[k];
      if (numbers[k] && numbers[k] !== opts.skip) numbers[k].value = String(parseFloat(parseFloat(values[k]).toFixed(2)));
    }
    // What the server will cut, from exactly what the form submits.
    const pct = {};
    for (const k of EDGES) pct[k] = parseFloat(sliders[k].value);
    const sb = serverBox(W, H, pct);
    const ow = sb.x1 - sb.x0;
    const oh = sb.y1 - sb.y0;
    sizeEl.textContent = ow + " × " + oh + " " + PX;
    sizeEl.dataset.width = String(ow);
    sizeEl.dataset.height = String(oh);
    form.dataset.box = [sb.x0, sb.y0, sb.x1, sb.y1].join(",");

    rotateSelect.value = String(state.rotate);
    flipHInput.checked = state.flipH;
    flipVInput.checked = state.flipV;
    form.querySelector('[data-action="flip-h"]').setAttribute("aria-pressed", String(state.flipH));
    form.querySelector('[data-action="flip-v"]').setAttribute("aria-pressed", String(state.flipV));
    form.dataset.rotate = String(state.rotate);
    for (const btn of presetButtons) {
      const on = btn.dataset.aspect === state.aspect;
      btn.classList.toggle("is-active", on);
      btn.setAttribute("aria-pressed", String(on));
    }
    aspectInput.value = state.ratio ? state.aspect : "free";
    updateBatch(pct);
    if (ready) schedulePreview(sb);
  }

  /** Each image of the batch, as the server will cut it: the same percent edges on its own
      (rotated) size, fitted to the preset aspect. */
  function updateBatch(pct) {
    if (!batchBoxes) return;
    batchBoxes.hidden = !(applyAll && applyAll.checked);
    for (const row of batchRows) {
      const w = parseInt(row.dataset.width, 10);
      const h = parseInt(row.dataset.height, 10);
      const [W, H] = state.rotate % 180 ? [h, w] : [w, h];
      const b = serverFitAspect(serverBox(W, H, pct), state.ratio);
      const out = row.querySelector("[data-out]");
      out.textContent = (b.x1 - b.x0) + " × " + (b.y1 - b.y0) + " " + PX;
      row.dataset.outWidth = String(b.x1 - b.x0);
      row.dataset.outHeight = String(b.y1 - b.y0);
    }
  }

  // At most one preview redraw per frame: with a big photo, drawing it is the costly part of a drag.
  let previewFrame = 0;
  let previewBoxNext = null;
  function schedulePreview(b) {
    previewBoxNext = b;
    preview.dataset.box = [b.x0, b.y0, b.x1, b.y1].join(",");
    if (previewFrame) return;
    previewFrame = requestAnimationFrame(() => {
      previewFrame = 0;
      drawPreview(previewBoxNext);
    });
  }

  function setBox(b) {
    if (validBox(b)) state.box = b;
    update();
  }

  function ratioOf(button) {
    const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(button.dataset.aspect || "");
    if (m) return parseFloat(m[1]) / parseFloat(m[2]);
    const r = parseFloat(button.dataset.ratio);
    return Number.isFinite(r) && r > 0 ? r : null;
  }

  function setAspect(button) {
    state.aspect = button.dataset.aspect;
    state.ratio = ratioOf(button);
    if (state.ratio) state.box = fitCentered(state.box, state.ratio);
    update();
  }

  function freeAspect() {
    state.aspect = "free";
    state.ratio = null;
  }

  function rotateBy(delta) {
    // The user turns what they see: rot(delta) ∘ flips ∘ rot(r) = flips' ∘ rot(r + delta).
    // A quarter turn swaps a horizontal mirror for a vertical one; a half turn commutes.
    if (delta % 180) [state.flipH, state.flipV] = [state.flipV, state.flipH];
    state.rotate = (state.rotate + delta) % 360;
    state.box = fullBox();
    if (state.ratio) state.box = fitCentered(state.box, state.ratio);
    layout();
    update();
  }

  function flip(horizontal) {
    const [W, H] = dims();
    const b = state.box;
    // The box follows the content it was on.
    if (horizontal) {
      state.flipH = !state.flipH;
      state.box = { x0: W - b.x1, y0: b.y0, x1: W - b.x0, y1: b.y1 };
    } else {
      state.flipV = !state.flipV;
      state.box = { x0: b.x0, y0: H - b.y1, x1: b.x1, y1: H - b.y0 };
    }
    drawStage();
    update();
  }

  function reset() {
    state.rotate = 0;
    state.flipH = false;
    state.flipV = false;
    freeAspect();
    state.box = fullBox();
    layout();
    update();
  }

  /* ---- pointer interaction ------------------------------------------------------------------- */

  let drag = null;

  function imagePoint(event) {
    const rect = overlay.getBoundingClientRect();
    const [W, H] = dims();
    return [((event.clientX - rect.left) / rect.width) * W, ((event.clientY - rect.top) / rect.height) * H];
  }

  overlay.addEventListener("pointerdown", (event) => {
    if (!ready || (event.pointerType === "mouse" && event.button !== 0)) return;
    if (drag) return; // a second finger does nothing
    event.preventDefault();
    const [px, py] = imagePoint(event);
    const handle = event.target.closest("[data-handle]");
    let mode = "draw";
    if (handle) mode = handle.dataset.handle;
    else if (event.target.closest('[data-testid="crop-box"]')) mode = "move";
    drag = { mode, id: event.pointerId, px, py, start: { ...state.box }, moved: false };
    overlay.setPointerCapture(event.pointerId);
    overlay.classList.add("is-dragging");
    overlay.dataset.mode = mode;
    (handle || boxEl).focus({ preventScroll: true });
  });

  overlay.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.id) return;
    event.preventDefault();
    const [px, py] = imagePoint(event);
    let next;
    if (drag.mode === "move") next = moved(drag.start, px - drag.px, py - drag.py);
    else if (drag.mode === "draw") {
      if (!drag.moved && Math.hypot(px - drag.px, py - drag.py) * scale < 4) return;
      next = drawn(drag.px, drag.py, px, py);
      const m = minSize();
      if (next.x1 - next.x0 < m.w || next.y1 - next.y0 < m.h) { drag.moved = true; return; }
    } else next = resized(drag.start, drag.mode, px, py);
    drag.moved = true;
    setBox(next);
  });

  function endDrag(event) {
    if (!drag || event.pointerId !== drag.id) return;
    drag = null;
    overlay.classList.remove("is-dragging");
    delete overlay.dataset.mode;
    if (overlay.hasPointerCapture(event.pointerId)) overlay.releasePointerCapture(event.pointerId);
    update();
  }
  overlay.addEventListener("pointerup", endDrag);
  overlay.addEventListener("pointercancel", endDrag);
  overlay.addEventListener("lostpointercapture", (event) => { if (drag && event.pointerId === drag.id) endDrag(event); });

  /* ---- keyboard ------------------------------------------------------------------------------ */

  boxEl.addEventListener("keydown", (event) => {
    const keys = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const dir = keys[event.key];
    if (!dir) return;
    event.preventDefault();
    const [W, H] = dims();
    // 1 % of the image (at least one pixel) per press, 10 % with Shift; Alt moves by one pixel.
    const stepX = event.altKey ? 1 : Math.max(1, Math.round(W * (event.shiftKey ? 0.1 : 0.01)));
    const stepY = event.altKey ? 1 : Math.max(1, Math.round(H * (event.shiftKey ? 0.1 : 0.01)));
    const dx = dir[0] * stepX;
    const dy = dir[1] * stepY;
    const handle = event.target.closest("[data-handle]");
    const b = state.box;
    if (!handle) { setBox(moved(b, dx, dy)); return; }
    const h = handle.dataset.handle;
    const px = (h.includes("w") ? b.x0 : h.includes("e") ? b.x1 : (b.x0 + b.x1) / 2) + dx;
    const py = (h.includes("n") ? b.y0 : h.includes("s") ? b.y1 : (b.y0 + b.y1) / 2) + dy;
    setBox(resized(b, h, px, py));
  });

  /* ---- form controls ------------------------------------------------------------------------- */

  function fromEdgeInput(key, input, rewrite) {
    const v = parseFloat(input.value);
    if (!Number.isFinite(v)) return;
    const [W, H] = dims();
    const b = { ...state.box };
    const size = key === "left" || key === "right" ? W : H;
    const px = roundHalfEven((size * clamp(v, 0, 100)) / 100);
    if (key === "left") b.x0 = clamp(px, 0, b.x1 - 1);
    if (key === "right") b.x1 = clamp(px, b.x0 + 1, W);
    if (key === "top") b.y0 = clamp(px, 0, b.y1 - 1);
    if (key === "bottom") b.y1 = clamp(px, b.y0 + 1, H);
    freeAspect();
    if (validBox(b)) state.box = b;
    update({ skip: rewrite ? null : input });
  }

  for (const k of EDGES) {
    sliders[k].addEventListener("input", () => fromEdgeInput(k, sliders[k], true));
    if (numbers[k]) {
      numbers[k].addEventListener("input", () => fromEdgeInput(k, numbers[k], false));
      numbers[k].addEventListener("change", () => fromEdgeInput(k, numbers[k], true));
    }
  }

  for (const btn of presetButtons) btn.addEventListener("click", () => setAspect(btn));
  if (applyAll) applyAll.addEventListener("change", () => update());

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button || !ready) return;
    const action = button.dataset.action;
    if (action === "rotate-left") rotateBy(270);
    else if (action === "rotate-right") rotateBy(90);
    else if (action === "flip-h") flip(true);
    else if (action === "flip-v") flip(false);
    else if (action === "reset") reset();
  });

  function updateQuality() {
    const fmt = formatSelect.value === "same" ? (form.dataset.format || "").toUpperCase() : formatSelect.value;
    const lossy = fmt === "JPEG" || fmt === "WEBP";
    quality.disabled = !lossy;
    if (qualityRange) qualityRange.disabled = !lossy;
    quality.closest("[data-quality-row]").classList.toggle("is-disabled", !lossy);
  }
  formatSelect.addEventListener("change", updateQuality);
  if (qualityRange) {
    qualityRange.addEventListener("input", () => { quality.value = qualityRange.value; });
    quality.addEventListener("input", () => { if (quality.value) qualityRange.value = quality.value; });
  }
  updateQuality();
  if (qualityNote) qualityNote.hidden = false;

  form.addEventListener("submit", (event) => {
    if (form.dataset.submitting) { event.preventDefault(); return; }
    form.dataset.submitting = "1";
    form.classList.add("is-submitting");
  });
  window.addEventListener("pageshow", () => {
    delete form.dataset.submitting;
    form.classList.remove("is-submitting");
  });

  /* ---- start --------------------------------------------------------------------------------- */

  form.querySelectorAll("[data-js-only]").forEach((el) => { el.hidden = false; });
  form.querySelectorAll("[data-no-js]").forEach((el) => { el.hidden = true; });
  readForm();
  update();

  function start() {
    if (ready) return;
    ready = true;
    img.hidden = true;
    stage.hidden = false;
    form.classList.add("is-ready");
    layout();
    update();
    let pending = false;
    const relayout = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; layout(); update(); });
    };
    if ("ResizeObserver" in window) new ResizeObserver(relayout).observe(wrap);
    window.addEventListener("resize", relayout);
  }

  function failed() {
    loadError.textContent = form.dataset.msgLoadError || "";
    loadError.hidden = false;
    form.querySelectorAll(".ed-toolbar, .ed-presets, .ed-preview-box").forEach((el) => { el.hidden = true; });
    form.querySelectorAll("[data-no-js]").forEach((el) => { el.hidden = false; });
  }

  if (img.complete && img.naturalWidth) start();
  else {
    img.addEventListener("load", start, { once: true });
    img.addEventListener("error", failed, { once: true });
    if (img.complete && !img.naturalWidth) failed();
  }
})();
