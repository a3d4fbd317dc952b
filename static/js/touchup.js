/* Touch-up editor: paint the matte over the photo with a brush (keep) and an eraser (remove),
   adjustable size and softness, undo, reset, zoom (wheel, pinch, buttons, keys) and pan; saving
   sends the matte as a greyscale PNG the size of the photo, and the server makes a new cutout.
   The matte lives in the alpha channel of an offscreen canvas the size of the photo (white pixels):
   the brush paints with source-over, the eraser with destination-out, soft edges by radial gradients. */
(function () {
  "use strict";
  const form = document.querySelector("[data-touchup]");
  if (!form) return;
  const stage = form.querySelector("[data-stage]");
  const canvas = form.querySelector("[data-canvas]");
  const ctx = canvas.getContext("2d");
  const W = Number(form.dataset.width), H = Number(form.dataset.height);
  const sizeInput = form.querySelector("[data-size]"), softInput = form.querySelector("[data-softness]");
  const sizeOut = form.querySelector("[data-size-value]"), softOut = form.querySelector("[data-soft-value]");
  const zoomOut = form.querySelector("[data-zoom-value]");
  // undo is in the side panel and, for a thumb on a phone, in the toolbar above the canvas too
  const undoButtons = Array.from(form.querySelectorAll("[data-action=undo]")), resetButton = form.querySelector("[data-action=reset]");
  const saveButton = form.querySelector("[data-save]"), status = form.querySelector("[data-status]");

  const matte = document.createElement("canvas"); matte.width = W; matte.height = H;
  const mctx = matte.getContext("2d", { willReadFrequently: false });
  const before = document.createElement("canvas"); before.width = W; before.height = H;
  const bctx = before.getContext("2d", { willReadFrequently: true });
  const tmp = document.createElement("canvas"); const tctx = tmp.getContext("2d");
  let photo = null, originalAlpha = null, checker = null;
  const undo = []; const UNDO_MAX = 30;
  let tool = "brush", viewMode = "overlay", dirty = false, saving = false;
  const view = { s: 1, x: 0, y: 0 };           // device px per image px; image origin in device px
  let dpr = window.devicePixelRatio || 1;
  let cursor = null;                             // last pointer position in device px
  let spaceDown = false;

  function setStatus(text, isError) { status.textContent = text || ""; status.classList.toggle("is-error", !!isError); }
  function loadImage(src) {
    return new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img); img.onerror = reject; img.src = src;
    });
  }

  // ---- view ---------------------------------------------------------------------------------
  function resize() {
    dpr = window.devicePixelRatio || 1;
    const r = stage.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(r.width * dpr)); canvas.height = Math.max(1, Math.round(r.height * dpr));
    tmp.width = canvas.width; tmp.height = canvas.height;
  }
  function fit() {
    const s = Math.min(canvas.width / W, canvas.height / H) * 0.96;
    view.s = s; view.x = (canvas.width - W * s) / 2; view.y = (canvas.height - H * s) / 2;
  }
  function minScale() { return Math.min(canvas.width / W, canvas.height / H) * 0.25; }
  function zoomAt(dx, dy, factor) {
    const s2 = Math.min(32, Math.max(minScale(), view.s * factor));
    const u = (dx - view.x) / view.s, v = (dy - view.y) / view.s;
    view.s = s2; view.x = dx - u * s2; view.y = dy - v * s2;
    draw();
  }
  function toDevice(e) {
    const r = canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) * dpr, y: (e.clientY - r.top) * dpr };
  }
  function toImage(p) { return { x: (p.x - view.x) / view.s, y: (p.y - view.y) / view.s }; }

  // ---- drawing the screen ---------------------------------------------------------------------
  function checkerPattern() {
    const c = document.createElement("canvas"); const n = Math.round(7 * dpr);
    c.width = c.height = 2 * n;
    const g = c.getContext("2d");
    g.fillStyle = "#ffffff"; g.fillRect(0, 0, 2 * n, 2 * n);
    g.fillStyle = "#dfe3e8"; g.fillRect(0, 0, n, n); g.fillRect(n, n, n, n);
    return ctx.createPattern(c, "repeat");
  }
  function draw() {
    if (!photo) return;
    const smooth = view.s < 2;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalCompositeOperation = "source-over"; ctx.globalAlpha = 1;
    ctx.fillStyle = "#1f2937"; ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.imageSmoothingEnabled = smooth; tctx.imageSmoothingEnabled = smooth;
    const t = [view.s, 0, 0, view.s, view.x, view.y];
    if (viewMode === "cutout") {
      ctx.save(); ctx.beginPath(); ctx.rect(view.x, view.y, W * view.s, H * view.s); ctx.clip();
      ctx.fillStyle = checker || (checker = checkerPattern()); ctx.fillRect(0, 0, canvas.width, canvas.height); ctx.restore();
      tctx.setTransform(1, 0, 0, 1, 0, 0); tctx.globalCompositeOperation = "source-over"; tctx.clearRect(0, 0, tmp.width, tmp.height);
      tctx.setTransform(...t); tctx.drawImage(matte, 0, 0);
      tctx.globalCompositeOperation = "source-in"; tctx.drawImage(photo, 0, 0);
      ctx.drawImage(tmp, 0, 0);
    } else if (viewMode === "matte") {
      ctx.setTransform(...t); ctx.fillStyle = "#000"; ctx.fillRect(0, 0, W, H); ctx.drawImage(matte, 0, 0);
    } else {
      ctx.setTransform(...t); ctx.drawImage(photo, 0, 0);
      // red over what the matte removes
      tctx.setTransform(1, 0, 0, 1, 0, 0); tctx.globalCompositeOperation = "source-over"; tctx.clearRect(0, 0, tmp.width, tmp.height);
      tctx.setTransform(...t); tctx.fillStyle = "rgb(239, 68, 68)"; tctx.fillRect(0, 0, W, H);
      tctx.globalCompositeOperation = "destination-out"; tctx.drawImage(matte, 0, 0);
      ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.globalAlpha = 0.55; ctx.drawImage(tmp, 0, 0); ctx.globalAlpha = 1;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    if (cursor && (tool === "brush" || tool === "eraser") && !spaceDown) {
      const r = brushSize() / 2 * view.s;
      ctx.lineWidth = Math.max(1, dpr);
      ctx.strokeStyle = "rgba(0,0,0,.7)"; ctx.beginPath(); ctx.arc(cursor.x, cursor.y, r + dpr, 0, Math.PI * 2); ctx.stroke();
      ctx.strokeStyle = tool === "eraser" ? "#fca5a5" : "#fff"; ctx.beginPath(); ctx.arc(cursor.x, cursor.y, r, 0, Math.PI * 2); ctx.stroke();
      const inner = r * (1 - softness());
      if (inner > 3 && inner < r - 2) { ctx.setLineDash([3 * dpr, 3 * dpr]); ctx.beginPath(); ctx.arc(cursor.x, cursor.y, inner, 0, Math.PI * 2); ctx.stroke(); ctx.setLineDash([]); }
    }
    if (zoomOut) zoomOut.textContent = Math.round(view.s / dpr * 100) + "%";
  }
  let frame = 0;
  function requestDraw() { if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(); }); }

  // ---- painting -------------------------------------------------------------------------------
  function brushSize() { return Number(sizeInput.value); }
  function softness() { return Number(softInput.value) / 100; }
  function stamp(x, y) {
    const r = Math.max(0.5, brushSize() / 2);
    const inner = Math.min(r * (1 - softness()), r - 0.5);
    const g = mctx.createRadialGradient(x, y, Math.max(0, inner), x, y, r);
    g.addColorStop(0, "rgba(255,255,255,1)"); g.addColorStop(1, "rgba(255,255,255,0)");
    mctx.fillStyle = g;
    mctx.beginPath(); mctx.arc(x, y, r, 0, Math.PI * 2); mctx.fill();
  }
  let stroke = null;
  function strokeStart(p) {
    bctx.globalCompositeOperation = "copy"; bctx.drawImage(matte, 0, 0);
    mctx.globalCompositeOperation = tool === "eraser" ? "destination-out" : "source-over";
    const r = brushSize() / 2 + 2;
    stroke = { last: p, box: [p.x - r, p.y - r, p.x + r, p.y + r] };
    stamp(p.x, p.y);
  }
  function strokeTo(p) {
    const last = stroke.last, d = Math.hypot(p.x - last.x, p.y - last.y);
    const step = Math.max(0.75, brushSize() * 0.12);
    for (let t = step; t <= d; t += step) stamp(last.x + (p.x - last.x) * t / d, last.y + (p.y - last.y) * t / d);
    if (d >= step) stroke.last = p;
    const r = brushSize() / 2 + 2, b = stroke.box;
    b[0] = Math.min(b[0], p.x - r); b[1] = Math.min(b[1], p.y - r); b[2] = Math.max(b[2], p.x + r); b[3] = Math.max(b[3], p.y + r);
  }
  function pushUndo(x0, y0, x1, y1) {
    x0 = Math.max(0, Math.floor(x0)); y0 = Math.max(0, Math.floor(y0));
    x1 = Math.min(W, Math.ceil(x1)); y1 = Math.min(H, Math.ceil(y1));
    if (x1 <= x0 || y1 <= y0) return;
    undo.push({ x: x0, y: y0, data: bctx.getImageData(x0, y0, x1 - x0, y1 - y0) });
    if (undo.length > UNDO_MAX) undo.shift();
  }
  function strokeEnd() {
    if (!stroke) return;
    const b = stroke.box; stroke = null;
    pushUndo(b[0], b[1], b[2], b[3]);
    changed();
  }
  function changed() {
    dirty = true;
    undoButtons.forEach((b) => { b.disabled = !undo.length; }); resetButton.disabled = false; saveButton.disabled = false;
    stage.dataset.strokes = String(Number(stage.dataset.strokes || 0) + 1);
    requestDraw();
  }
  function doUndo() {
    const entry = undo.pop();
    if (!entry) return;
    mctx.globalCompositeOperation = "source-over";
    mctx.putImageData(entry.data, entry.x, entry.y);
    undoButtons.forEach((b) => { b.disabled = !undo.length; });
    requestDraw();
  }
  function doReset() {
    bctx.globalCompositeOperation = "copy"; bctx.drawImage(matte, 0, 0);
    pushUndo(0, 0, W, H);
    setMatteAlpha(originalAlpha);
    changed();
  }
  function setMatteAlpha(alpha) {
    const data = new ImageData(W, H);
    const px = data.data;
    for (let i = 0, j = 0; j < alpha.length; i += 4, j++) { px[i] = px[i + 1] = px[i + 2] = 255; px[i + 3] = alpha[j]; }
    mctx.globalCompositeOperation = "source-over";
    mctx.putImageData(data, 0, 0);
  }

  // ---- input ---------------------------------------------------------------------------------
  const pointers = new Map();
  let pan = null, pinch = null;
  function panning(e) { return tool === "hand" || spaceDown || e.button === 1; }
  canvas.addEventListener("pointerdown", (e) => {
    if (!photo) return;
    canvas.setPointerCapture(e.pointerId);
    const p = toDevice(e);
    pointers.set(e.pointerId, p);
    if (pointers.size === 2) {             // second finger: pinch-zoom and pan, cancel the stroke
      if (stroke) { const b = stroke.box; stroke = null; pushUndo(b[0], b[1], b[2], b[3]); doUndo(); }
      const [a, c] = Array.from(pointers.values());
      pinch = { d: Math.hypot(a.x - c.x, a.y - c.y), s: view.s, mx: (a.x + c.x) / 2, my: (a.y + c.y) / 2 };
      pan = null;
      return;
    }
    if (panning(e)) { pan = p; stage.classList.add("is-panning"); e.preventDefault(); return; }
    if (e.button === 0 && (tool === "brush" || tool === "eraser")) strokeStart(toImage(p));
    requestDraw();
  });
  canvas.addEventListener("pointermove", (e) => {
    const p = toDevice(e);
    cursor = p;
    if (pointers.has(e.pointerId)) pointers.set(e.pointerId, p);
    if (pinch && pointers.size >= 2) {
      const [a, c] = Array.from(pointers.values());
      const d = Math.hypot(a.x - c.x, a.y - c.y), mx = (a.x + c.x) / 2, my = (a.y + c.y) / 2;
      view.x += mx - pinch.mx; view.y += my - pinch.my; pinch.mx = mx; pinch.my = my;
      zoomAt(mx, my, (pinch.s * d / Math.max(1, pinch.d)) / view.s);
      return;
    }
    if (pan) { view.x += p.x - pan.x; view.y += p.y - pan.y; pan = p; requestDraw(); return; }
    if (stroke) {
      const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
      for (const ev of events.length ? events : [e]) strokeTo(toImage(toDevice(ev)));
    }
    requestDraw();
  });
  function pointerEnd(e) {
    pointers.delete(e.pointerId);
    if (pointers.size < 2) pinch = null;
    if (pan && !pointers.size) { pan = null; stage.classList.remove("is-panning"); }
    if (stroke && !pointers.size) strokeEnd();
  }
  canvas.addEventListener("pointerup", pointerEnd);
  canvas.addEventListener("pointercancel", pointerEnd);
  canvas.addEventListener("pointerleave", () => { cursor = null; requestDraw(); });
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    const p = toDevice(e);
    zoomAt(p.x, p.y, Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : (e.ctrlKey ? 0.01 : 0.0015))));
  }, { passive: false });

  function selectTool(name) {
    tool = name; stage.dataset.tool = name;
    form.querySelectorAll("[data-tool]").forEach((b) => { if (b.tagName === "BUTTON") b.setAttribute("aria-pressed", String(b.dataset.tool === name)); });
    requestDraw();
  }
  form.querySelectorAll("button[data-tool]").forEach((b) => b.addEventListener("click", () => selectTool(b.dataset.tool)));
  form.querySelectorAll("[data-view]").forEach((r) => r.addEventListener("change", () => { viewMode = r.value; requestDraw(); }));
  function zoomCentre(f) { zoomAt(canvas.width / 2, canvas.height / 2, f); }
  form.querySelector("[data-action=zoom-in]").addEventListener("click", () => zoomCentre(1.5));
  form.querySelector("[data-action=zoom-out]").addEventListener("click", () => zoomCentre(1 / 1.5));
  form.querySelector("[data-action=fit]").addEventListener("click", () => { fit(); draw(); });
  undoButtons.forEach((b) => b.addEventListener("click", doUndo));
  resetButton.addEventListener("click", doReset);
  function sliders() {
    sizeOut.textContent = sizeInput.value + " px"; softOut.textContent = softInput.value + "%"; requestDraw();
  }
  sizeInput.addEventListener("input", sliders); softInput.addEventListener("input", sliders);

  document.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type !== "range" && e.target.type !== "radio") return;
    const k = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && k === "z") { e.preventDefault(); doUndo(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (k === " ") { if (!spaceDown) { spaceDown = true; stage.dataset.tool = "hand"; } e.preventDefault(); }
    else if (k === "b") selectTool("brush");
    else if (k === "e") selectTool("eraser");
    else if (k === "h") selectTool("hand");
    else if (k === "[" || k === "]") {
      const v = Number(sizeInput.value), step = Math.max(1, Math.round(v * 0.15));
      sizeInput.value = String(k === "[" ? v - step : v + step); sliders();
    } else if (k === "+" || k === "=") zoomCentre(1.5);
    else if (k === "-") zoomCentre(1 / 1.5);
    else if (k === "0") { fit(); draw(); }
  });
  document.addEventListener("keyup", (e) => { if (e.key === " ") { spaceDown = false; stage.dataset.tool = tool; requestDraw(); } });

  // ---- saving ---------------------------------------------------------------------------------
  function matteBlob() {
    const alpha = mctx.getImageData(0, 0, W, H).data;
    const out = document.createElement("canvas"); out.width = W; out.height = H;
    const octx = out.getContext("2d");
    const data = octx.createImageData(W, H), px = data.data;
    for (let i = 0; i < px.length; i += 4) { const a = alpha[i + 3]; px[i] = px[i + 1] = px[i + 2] = a; px[i + 3] = 255; }
    octx.putImageData(data, 0, 0);
    return new Promise((resolve) => out.toBlob(resolve, "image/png"));
  }
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (saving || !photo) return;
    saving = true; saveButton.disabled = true; setStatus(form.dataset.msgSaving);
    try {
      const blob = await matteBlob();
      const body = new FormData();
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      body.append("matte", blob, "matte.png");
      const response = await fetch(form.action || window.location.href, {
        method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      const data = await response.json().catch(() => ({}));
      if (response.ok && data.url) { dirty = false; window.location.assign(data.url); return; }
      setStatus((data.errors || [form.dataset.msgFailed]).join(" "), true);
    } catch (err) {
      setStatus(form.dataset.msgFailed, true);
    }
    saving = false; saveButton.disabled = false;
  });
  window.addEventListener("beforeunload", (e) => { if (dirty) { e.preventDefault(); e.returnValue = form.dataset.msgLeave; } });

  // ---- start ----------------------------------------------------------------------------------
  Promise.all([loadImage(form.dataset.photo), loadImage(form.dataset.cutout)]).then(([p, cut]) => {
    photo = p;
    const c = document.createElement("canvas"); c.width = W; c.height = H;
    const cctx = c.getContext("2d", { willReadFrequently: true });
    cctx.drawImage(cut, 0, 0, W, H);
    const rgba = cctx.getImageData(0, 0, W, H).data;
    originalAlpha = new Uint8ClampedArray(W * H);
    for (let i = 0, j = 0; j < originalAlpha.length; i += 4, j++) originalAlpha[j] = rgba[i + 3];
    setMatteAlpha(originalAlpha);
    const side = Math.min(W, H);
    sizeInput.max = String(Math.max(100, Math.round(side / 2)));
    sizeInput.value = String(Math.max(6, Math.round(side / 25)));
    sliders();
    resize(); fit(); draw();
    form.querySelector("[data-loading]").hidden = true;
    stage.dataset.ready = "true";
  }).catch(() => { setStatus(form.dataset.msgLoadFailed, true); });
  window.addEventListener("resize", () => {
    if (!photo) return;
    const cx = (canvas.width / 2 - view.x) / view.s, cy = (canvas.height / 2 - view.y) / view.s;
    resize(); view.x = canvas.width / 2 - cx * view.s; view.y = canvas.height / 2 - cy * view.s; draw();
  });
})();
