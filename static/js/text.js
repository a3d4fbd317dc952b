/* Text in images (templates/imagetext/text.html and the result page). Plain JS, no build step.

   The stage is the image with an SVG overlay whose viewBox is the image's pixel size, so every
   coordinate here is an image pixel, exactly what the server validates and draws with.
   - add: drag on the image to draw a box (up to data-max-boxes), drag a box to move it, drag a
     corner to resize it (or, with "Perspective", to move that corner alone); Delete removes it.
   - modify: click a detected line (from the find-lines job, in #tx-lines) and type its new text.
   - remove: all text; the lines clicked; or an area painted with a round brush.
   - generate: like add, on an empty canvas of the chosen size (model and size from #tx-models);
     changing the size scales the boxes with it.
   On submit the state goes into hidden JSON fields (boxes, edits, lines, strokes). */
(function () {
  "use strict";

  /* ---- result page: the debug view toggle (the partial is swapped in by htmx) ---------------- */
  document.addEventListener("change", (e) => {
    const toggle = e.target.closest && e.target.closest("[data-debug-toggle]");
    if (!toggle) return;
    const debug = toggle.closest(".tx-figure").querySelector("[data-debug]");
    if (debug) debug.classList.toggle("is-on", toggle.checked);
  });

  const form = document.querySelector("[data-text-editor]");
  if (!form) return;

  const SVGNS = "http://www.w3.org/2000/svg";
  const PREVIEW_URL = form.dataset.previewUrl || "";  // add mode: boxes are rendered by the server
  let W = parseInt(form.dataset.width, 10);   // "generate": the canvas follows the chosen size
  let H = parseInt(form.dataset.height, 10);
  const MODE = form.dataset.mode;
  const MAX = parseInt(form.dataset.maxBoxes, 10) || 8;
  const svg = form.querySelector("[data-overlay]");
  const cardsEl = form.querySelector("[data-cards]");
  const errorEl = form.querySelector("[data-client-error]");
  const msg = form.dataset;
  const linesData = JSON.parse((document.getElementById("tx-lines") || {}).textContent || "[]");
  const state = (name) => form.querySelector('[data-state="' + name + '"]');

  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const r1 = (v) => Math.round(v * 10) / 10;
  const el = (name, attrs) => {
    const node = document.createElementNS(SVGNS, name);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    return node;
  };
  const pointsAttr = (quad) => quad.map((p) => p[0] + "," + p[1]).join(" ");
  function parse(input) {
    try { const v = JSON.parse(input && input.value ? input.value : "[]"); return Array.isArray(v) ? v : []; }
    catch (err) { return []; }
  }
  /** Image pixels per screen pixel (handles and the brush keep a constant size on screen). */
  function scale() {
    const rect = svg.getBoundingClientRect();
    return rect.width ? W / rect.width : 1;
  }
  function toImage(e) {
    const rect = svg.getBoundingClientRect();
    return [clamp(((e.clientX - rect.left) / rect.width) * W, 0, W), clamp(((e.clientY - rect.top) / rect.height) * H, 0, H)];
  }
  function showError(text) {
    errorEl.textContent = text || "";
    errorEl.hidden = !text;
  }
  const rectQuad = (x0, y0, x1, y1) => {
    const [a, b] = [Math.min(x0, x1), Math.max(x0, x1)];
    const [c, d] = [Math.min(y0, y1), Math.max(y0, y1)];
    return [[a, c], [b, c], [b, d], [a, d]];
  };
  const bounds = (quad) => {
    const xs = quad.map((p) => p[0]);
    const ys = quad.map((p) => p[1]);
    return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
  };

  /** Automatic colour on: the colour picker gives way to what automatic means here. */
  function showAuto(card, on) {
    const colour = card.querySelector('[data-field="color"]');
    colour.disabled = on;
    colour.hidden = on;
    const auto = card.querySelector("[data-auto-colour]");
    if (auto) auto.hidden = !on;
  }

  /* ---- cards in the side panel ------------------------------------------------------------------ */
  const template = document.querySelector("[data-box-template], [data-edit-template]");
  function makeCard(index, item, labelPrefix, summary) {
    const card = template.content.firstElementChild.cloneNode(true);
    card.dataset.index = index;
    card.querySelector("[data-number]").textContent = String(index + 1);
    const sum = card.querySelector("[data-summary]");
    sum.textContent = summary || msg.msgEmptyText;
    sum.classList.toggle("is-empty", !summary);
    const text = card.querySelector('[data-field="text"]');
    text.value = item.text || "";
    text.dataset.testid = (MODE === "add" ? "box-text-" : "edit-text-") + (index + 1);
    text.setAttribute("aria-label", labelPrefix + " " + (index + 1));
    const font = card.querySelector('[data-field="font"]');
    if (font) font.value = item.font || font.value;
    const auto = card.querySelector('[data-field="auto"]');
    const colour = card.querySelector('[data-field="color"]');
    auto.checked = !item.color;
    if (item.color) colour.value = item.color;
    showAuto(card, !item.color);
    card.querySelectorAll("[data-align]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.align === (item.align || "center"))));
    ["vertical", "outline", "shadow", "persp"].forEach((name) => {
      const box = card.querySelector('[data-field="' + name + '"]');
      if (box) box.checked = !!item[name];
    });
    return card;
  }

  /* ================================================================================================
     ADD
     ================================================================================================ */
  if (MODE === "add" || MODE === "generate") {
    const countEl = form.querySelector("[data-box-count]");
    const emptyEl = form.querySelector("[data-box-empty]");
    let boxes = parse(state("boxes")).map((b) => ({
      quad: b.quad, text: b.text || "", font: b.font || "sans", color: b.color || null, align: b.align || "center",
      vertical: !!b.vertical, outline: !!b.outline, shadow: !!b.shadow, persp: !!b.persp,
    }));
    let selected = boxes.length ? 0 : -1;
    let drag = null;

    const styleOf = (b) => ({ font: b.font, color: b.color, align: b.align, vertical: b.vertical, outline: b.outline, shadow: b.shadow });

    function draw() {
      svg.textContent = "";
      const k = scale();
      boxes.forEach((b, i) => {
        const g = el("g", { "data-box": i });
        const poly = el("polygon", { class: "tx-box" + (i === selected ? " is-selected" : ""), points: pointsAttr(b.quad), "data-role": "box", "data-index": i });
        g.appendChild(poly);
        g.appendChild(el("polygon", { class: "tx-box-line", points: pointsAttr(b.quad) }));
        const bb = bounds(b.quad);
        const shown = PREVIEW_URL ? previewShown(b) : null;
        if (shown) {
          // the job's own renderer drew this (imagetext:text-preview): what is seen is what is made
          poly.classList.add("has-preview");
          const [x0, y0, x1, y1] = shown.region;
          const image = el("image", { class: "tx-preview-img" + (shown.stale ? " is-stale" : ""), href: shown.url, x: x0, y: y0,
            width: x1 - x0, height: y1 - y0, preserveAspectRatio: "none", "data-testid": "preview-" + (i + 1) });
          g.insertBefore(image, poly);
        } else if (b.text && !PREVIEW_URL) {
          const lines = b.text.split("\n");
          const longest = Math.max(...lines.map((l) => l.length), 1);
          const bw = bb.x1 - bb.x0;
          const bh = bb.y1 - bb.y0;
          let size = b.vertical ? Math.min(bw * 0.8, bh / longest) : Math.min((bh * 0.8) / lines.length, (bw / longest) * 1.1);
          size = Math.max(size, 6 * k);
          const t = el("text", { class: "tx-preview", "font-size": size, "stroke-width": Math.max(1, size / 14), "text-anchor": "middle", "dominant-baseline": "central" });
          if (b.vertical) {
            t.setAttribute("writing-mode", "vertical-rl");
            t.setAttribute("x", (bb.x0 + bb.x1) / 2);
            t.setAttribute("y", (bb.y0 + bb.y1) / 2);
            t.textContent = b.text.replace(/\n/g, " ");
          } else {
            lines.forEach((line, n) => {
              const span = el("tspan", { x: (bb.x0 + bb.x1) / 2, y: (bb.y0 + bb.y1) / 2 + (n - (lines.length - 1) / 2) * size * 1.15 });
              span.textContent = line;
              t.appendChild(span);
            });
          }
          g.appendChild(t);
        }
        // the number tag at the first corner
        const tag = 18 * k;
        const [tx, ty] = b.quad[0];
        g.appendChild(el("rect", { class: "tx-tag", x: tx, y: Math.max(0, ty - tag), width: tag, height: tag, rx: 3 * k }));
        const label = el("text", { class: "tx-tag-text", x: tx + tag / 2, y: Math.max(0, ty - tag) + tag / 2, "font-size": 12 * k, "text-anchor": "middle", "dominant-baseline": "central" });
        label.textContent = String(i + 1);
        g.appendChild(label);
        if (i === selected) {
          b.quad.forEach((p, c) => {
            g.appendChild(el("circle", { class: "tx-handle" + (b.persp ? " is-free" : ""), cx: p[0], cy: p[1], r: 6 * k, "data-role": "handle", "data-index": i, "data-corner": c }));
          });
        }
        svg.appendChild(g);
      });
      countEl.textContent = boxes.length + " / " + MAX;
      emptyEl.hidden = boxes.length > 0;
      if (PREVIEW_URL) schedulePreviews();
    }

    /* ---- previews: the server renders each box with the job's renderer (add mode) -------------- */
    const renderKey = (b) => JSON.stringify([b.quad, b.text, b.font, b.color, b.align, b.vertical, b.outline, b.shadow]);
    const renderParams = (b) => ({ quad: b.quad, text: b.text, font: b.font, color: b.color, align: b.align,
      vertical: b.vertical, outline: b.outline, shadow: b.shadow });
    let previewTimer = 0;

    /** The picture to show for a box: its current render, or the last one while the next is on its
        way if the box has not moved (a stale one is never shown somewhere else). */
    function previewShown(b) {
      const p = b.preview;
      if (!p || !p.url || !b.text.trim()) return null;
      if (p.key === renderKey(b)) return p;
      return JSON.stringify(p.quad) === JSON.stringify(b.quad) ? { ...p, stale: true } : null;
    }

    function schedulePreviews() {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(fetchPreviews, 250);
    }

    function fetchPreviews() {
      if (drag) { schedulePreviews(); return; }  // while a box is dragged, wait until it is let go
      const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
      const k = scale();
      boxes.forEach((b, i) => {
        const key = renderKey(b);
        if (!b.text.trim() || b.pending === key || (b.preview && b.preview.key === key)) return;
        b.pending = key;
        const bb = bounds(b.quad);
        const body = new FormData();
        body.append("source", form.dataset.sourceId);
        body.append("index", String(i));
        body.append("boxes", JSON.stringify([renderParams(b)]));
        // as many pixels as the box has on this screen, no more
        const side = Math.max(bb.x1 - bb.x0, bb.y1 - bb.y0) / k * (window.devicePixelRatio || 1);
        body.append("max_side", String(Math.ceil(side) + 8));
        fetch(PREVIEW_URL, { method: "POST", body, headers: { "X-CSRFToken": csrf }, credentials: "same-origin" })
          .then((response) => (response.ok ? response.blob() : response.json().then((data) => { throw data; }))
            .then((blob) => {
              if (b.pending !== key) return;
              if (b.preview && b.preview.url) URL.revokeObjectURL(b.preview.url);
              const header = (name) => response.headers.get(name) || "";
              b.preview = { key, quad: JSON.parse(key)[0], url: URL.createObjectURL(blob),
                region: header("X-Preview-Region").split(",").map(Number), size: parseInt(header("X-Preview-Size"), 10),
                color: header("X-Preview-Color"), outline: header("X-Preview-Outline") === "1", error: "" };
            }))
          .catch((data) => {
            if (b.pending !== key) return;
            if (b.preview && b.preview.url) URL.revokeObjectURL(b.preview.url);
            b.preview = { key, quad: b.quad, url: "", error: (data && data.error && data.error.message) || msg.msgPreviewFailed };
          })
          .finally(() => {
            if (b.pending !== key) return;
            b.pending = null;
            draw();
            previewNotes();
          });
      });
    }

    /** Under each card: the size, colour and outline the renderer chose (or why it cannot draw). */
    function previewNotes() {
      if (!PREVIEW_URL) return;
      boxes.forEach((b, i) => {
        const card = cardsEl.querySelector('[data-index="' + i + '"]');
        if (!card) return;
        const note = card.querySelector("[data-preview-note]");
        const p = b.preview && b.preview.key === renderKey(b) ? b.preview : null;
        note.hidden = !p;
        card.dataset.previewState = p ? (p.error ? "error" : "ok") : "pending";
        if (!p) return;
        note.classList.toggle("is-error", !!p.error);
        if (p.error) { note.textContent = p.error; return; }
        let text = msg.msgPreviewSize.replace("{size}", String(p.size)).replace("{colour}", p.color);
        if (p.outline && !b.outline) text += " " + msg.msgPreviewOutline;
        note.textContent = text;
        const colour = card.querySelector('[data-field="color"]');
        if (!b.color && colour) colour.value = p.color;  // unticking "automatic" starts from it
        const swatch = card.querySelector("[data-auto-swatch]");
        if (swatch) { swatch.hidden = false; swatch.style.backgroundColor = p.color; }
        const autoText = card.querySelector("[data-auto-text]");
        if (autoText) autoText.textContent = p.color;
      });
    }

    function summary(b) { return (b.text || "").replace(/\s+/g, " ").trim(); }

    function renderCards(focus) {
      cardsEl.textContent = "";
      boxes.forEach((b, i) => {
        const card = makeCard(i, b, msg.msgBox, summary(b));
        card.classList.toggle("is-selected", i === selected);
        cardsEl.appendChild(card);
      });
      previewNotes();
      if (focus && selected >= 0) {
        const input = cardsEl.querySelector('[data-index="' + selected + '"] [data-field="text"]');
        if (input) input.focus({ preventScroll: true });
      }
    }

    function select(i, focus) {
      selected = i;
      draw();
      renderCards(focus);
    }

    function remove(i) {
      boxes.splice(i, 1);
      selected = boxes.length ? Math.min(i, boxes.length - 1) : -1;
      draw();
      renderCards(false);
    }

    cardsEl.addEventListener("click", (e) => {
      const card = e.target.closest("[data-card]");
      if (!card) return;
      const i = parseInt(card.dataset.index, 10);
      const action = e.target.closest("[data-action]");
      if (action && action.dataset.action === "delete") { remove(i); return; }
      if (action && action.dataset.action === "select") { select(i, true); return; }
      const align = e.target.closest("[data-align]");
      if (align) {
        boxes[i].align = align.dataset.align;
        card.querySelectorAll("[data-align]").forEach((b) => b.setAttribute("aria-pressed", String(b === align)));
      }
    });
    cardsEl.addEventListener("input", (e) => {
      const card = e.target.closest("[data-card]");
      if (!card) return;
      const i = parseInt(card.dataset.index, 10);
      const field = e.target.dataset.field;
      const b = boxes[i];
      if (field === "text") {
        b.text = e.target.value;
        const sum = card.querySelector("[data-summary]");
        sum.textContent = summary(b) || msg.msgEmptyText;
        sum.classList.toggle("is-empty", !summary(b));
        showError("");
      } else if (field === "font") b.font = e.target.value;
      else if (field === "color") b.color = e.target.value;
      else if (field === "auto") {
        showAuto(card, e.target.checked);
        b.color = e.target.checked ? null : card.querySelector('[data-field="color"]').value;
      } else if (field === "persp") {
        b.persp = e.target.checked;
        if (!b.persp) { const bb = bounds(b.quad); b.quad = rectQuad(bb.x0, bb.y0, bb.x1, bb.y1); }
      } else if (field) b[field] = e.target.checked;
      draw();
    });

    svg.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      const role = e.target.dataset && e.target.dataset.role;
      const p = toImage(e);
      showError("");
      if (role === "handle") {
        const i = parseInt(e.target.dataset.index, 10);
        drag = { type: "corner", i, c: parseInt(e.target.dataset.corner, 10) };
      } else if (role === "box") {
        const i = parseInt(e.target.dataset.index, 10);
        if (i !== selected) select(i, false);
        drag = { type: "move", i, start: p, orig: boxes[i].quad.map((q) => q.slice()) };
      } else {
        if (boxes.length >= MAX) { showError(msg.msgMaxBoxes); return; }
        const style = selected >= 0 ? styleOf(boxes[selected]) : { font: null, color: null, align: "center", vertical: false, outline: false, shadow: false };
        const fontSelect = template.content.querySelector('[data-field="font"]');
        boxes.push({ quad: rectQuad(p[0], p[1], p[0], p[1]), text: "", persp: false, ...style, font: style.font || fontSelect.value });
        selected = boxes.length - 1;
        drag = { type: "draw", i: selected, start: p, moved: false };
        draw();
      }
      svg.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    svg.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const p = toImage(e);
      const b = boxes[drag.i];
      if (drag.type === "draw") {
        b.quad = rectQuad(drag.start[0], drag.start[1], p[0], p[1]);
        drag.moved = true;
      } else if (drag.type === "move") {
        const bb = bounds(drag.orig);
        const dx = clamp(p[0] - drag.start[0], -bb.x0, W - bb.x1);
        const dy = clamp(p[1] - drag.start[1], -bb.y0, H - bb.y1);
        b.quad = drag.orig.map((q) => [q[0] + dx, q[1] + dy]);
      } else if (drag.type === "corner") {
        if (b.persp) b.quad[drag.c] = p;
        else {
          const o = b.quad[(drag.c + 2) % 4];
          const q = rectQuad(o[0], o[1], p[0], p[1]);
          b.quad = q;
          // keep dragging the corner that is now under the pointer
          drag.c = q.findIndex((pt) => pt[0] === p[0] && pt[1] === p[1]);
          if (drag.c < 0) drag.c = 2;
        }
      }
      draw();
    });
    function endDrag() {
      if (!drag) return;
      const d = drag;
      drag = null;
      const b = boxes[d.i];
      b.quad = b.quad.map((q) => [r1(q[0]), r1(q[1])]);
      if (d.type === "draw") {
        const bb = bounds(b.quad);
        const k = scale();
        if ((bb.x1 - bb.x0) / k < 8 || (bb.y1 - bb.y0) / k < 8) {  // a click, not a drag: deselect
          boxes.splice(d.i, 1);
          select(-1, false);
          return;
        }
        select(d.i, true);
        return;
      }
      draw();
      renderCards(false);
    }
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);

    document.addEventListener("keydown", (e) => {
      if (selected < 0) return;
      const tag = (e.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select") return;
      if (e.key === "Delete" || e.key === "Backspace") { remove(selected); e.preventDefault(); return; }
      const step = e.shiftKey ? 10 : 1;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (!moves[e.key]) return;
      const b = boxes[selected];
      const bb = bounds(b.quad);
      const dx = clamp(moves[e.key][0], -bb.x0, W - bb.x1);
      const dy = clamp(moves[e.key][1], -bb.y0, H - bb.y1);
      b.quad = b.quad.map((q) => [q[0] + dx, q[1] + dy]);
      draw();
      e.preventDefault();
    });

    form.addEventListener("submit", (e) => {
      if (e.submitter && e.submitter.name === "action") return;
      if (!boxes.length) { showError(msg.msgNeedBox); e.preventDefault(); return; }
      const empty = boxes.findIndex((b) => !b.text.trim());
      if (empty >= 0) { select(empty, true); showError(msg.msgNeedText); e.preventDefault(); return; }
      state("boxes").value = JSON.stringify(boxes.map((b) => ({
        quad: b.quad, text: b.text, font: b.font, color: b.color, align: b.align, vertical: b.vertical,
        outline: b.outline, shadow: b.shadow, persp: b.persp,
      })));
    });

    window.addEventListener("resize", draw);
    const img = form.querySelector("[data-image]");
    if (img.complete) draw(); else img.addEventListener("load", draw);
    if (MODE === "generate") {
      const models = JSON.parse((document.getElementById("tx-models") || {}).textContent || "[]");
      const byName = Object.fromEntries(models.map((m) => [m.name, m]));
      const modelEl = form.querySelector("[data-gen-model]");
      const sizeEl = form.querySelector("[data-gen-size]");
      const drawsLabel = form.querySelector("[data-draws-option]");
      const sizeFacts = form.querySelector("[data-canvas-size]");
      const resize = () => {
        const [w, h] = sizeEl.value.split("*").map(Number);
        if (!w || !h || (w === W && h === H)) return;
        const sx = w / W, sy = h / H;
        boxes.forEach((b) => { b.quad = b.quad.map((q) => [r1(q[0] * sx), r1(q[1] * sy)]); });
        W = w; H = h;
        form.dataset.width = w; form.dataset.height = h;
        img.setAttribute("width", w); img.setAttribute("height", h);
        img.src = "data:image/svg+xml," + encodeURIComponent("<svg xmlns='http://www.w3.org/2000/svg' width='" + w + "' height='" + h + "'/>");
        svg.setAttribute("viewBox", "0 0 " + w + " " + h);
        if (sizeFacts) sizeFacts.textContent = sizeFacts.textContent.replace(/^\d+ × \d+/, w + " × " + h);
        draw();
      };
      const applyModel = () => {
        const spec = byName[modelEl.value];
        if (!spec) return;
        const current = sizeEl.value;
        sizeEl.replaceChildren(...spec.sizes.map((v) => new Option(v, v, false, v === current)));
        if (!spec.sizes.includes(current)) sizeEl.value = spec.default_size;
        const draws = drawsLabel.querySelector("input");
        drawsLabel.hidden = !spec.draws_text;
        draws.disabled = !spec.draws_text;
        if (!spec.draws_text) draws.checked = false;
        form.querySelectorAll("[data-backend-only]").forEach((node) => { node.hidden = node.dataset.backendOnly !== spec.backend; });
        resize();
      };
      modelEl.addEventListener("change", applyModel);
      sizeEl.addEventListener("change", resize);
    }
    renderCards(false);
    return;
  }

  /* ================================================================================================
     MODIFY and REMOVE: clickable lines; REMOVE also paints
     ================================================================================================ */
  const lineButtons = Array.from(form.querySelectorAll("[data-line]"));
  const lineCount = form.querySelector("[data-line-count]");
  const targets = Array.from(form.querySelectorAll("[data-target]"));
  const brush = form.querySelector("[data-brush]");
  const brushValue = form.querySelector("[data-brush-value]");
  let edits = [];        // modify: {line, text, font, color}
  let picked = new Set(); // remove: line indices
  let strokes = parse(state("strokes"));
  let selected = -1;
  let painting = null;

  const target = () => (targets.find((t) => t.checked) || { value: "all" }).value;

  if (MODE === "modify") {
    edits = parse(state("edits")).filter((ed) => Number.isInteger(ed.line) && linesData[ed.line])
      .map((ed) => ({ line: ed.line, text: ed.text || "", font: ed.font || "auto", color: ed.color || null }));
    selected = edits.length ? 0 : -1;
  } else {
    parse(state("lines")).forEach((l) => { if (Number.isInteger(l.line) && linesData[l.line]) picked.add(l.line); });
  }

  function drawLines() {
    svg.textContent = "";
    const t = MODE === "remove" ? target() : "lines";
    svg.classList.toggle("is-region", t === "region");
    svg.classList.toggle("is-all", t === "all");
    const active = MODE === "modify" ? new Set(edits.map((ed) => ed.line)) : picked;
    const current = MODE === "modify" && selected >= 0 ? edits[selected].line : -1;
    linesData.forEach((line, i) => {
      const cls = "tx-line" + (active.has(i) || t === "all" ? " is-selected" : "") + (i === current ? " is-current" : "");
      svg.appendChild(el("polygon", { class: cls, points: pointsAttr(line.quad), "data-role": "line", "data-index": i, "data-testid": "overlay-line-" + (i + 1) }));
    });
    strokes.forEach((s) => {
      const attrs = { class: "tx-stroke", "stroke-width": s.size, points: s.points.map((p) => p.join(",")).join(" ") };
      if (s.points.length === 1) {
        svg.appendChild(el("circle", { cx: s.points[0][0], cy: s.points[0][1], r: s.size / 2, fill: "rgba(220, 38, 38, .45)", "pointer-events": "none" }));
      } else svg.appendChild(el("polyline", attrs));
    });
    lineButtons.forEach((b) => b.setAttribute("aria-pressed", String(active.has(parseInt(b.dataset.line, 10)))));
    if (lineCount) lineCount.textContent = active.size + " / " + linesData.length;
    form.querySelectorAll("[data-show-for]").forEach((panel) => { panel.hidden = panel.dataset.showFor !== t; });
  }

  function renderEditCards(focus) {
    if (!cardsEl) return;
    cardsEl.textContent = "";
    edits.forEach((ed, i) => {
      const card = makeCard(i, ed, msg.msgLine, linesData[ed.line].text);
      card.querySelector("[data-number]").textContent = String(ed.line + 1);
      card.classList.toggle("is-selected", i === selected);
      cardsEl.appendChild(card);
    });
    if (focus && selected >= 0) {
      const input = cardsEl.querySelector('[data-index="' + selected + '"] [data-field="text"]');
      if (input) { input.focus({ preventScroll: true }); input.select(); }
    }
  }

  function toggleLine(i) {
    showError("");
    if (MODE === "modify") {
      const at = edits.findIndex((ed) => ed.line === i);
      if (at >= 0) selected = at;
      else {
        if (edits.length >= MAX) { showError(msg.msgMaxBoxes); return; }
        edits.push({ line: i, text: linesData[i].text, font: "auto", color: null });
        selected = edits.length - 1;
      }
      renderEditCards(true);
    } else {
      if (picked.has(i)) picked.delete(i); else picked.add(i);
    }
    drawLines();
  }

  lineButtons.forEach((b) => b.addEventListener("click", () => toggleLine(parseInt(b.dataset.line, 10))));
  targets.forEach((t) => t.addEventListener("change", () => { showError(""); drawLines(); }));
  if (brush) brush.addEventListener("input", () => { brushValue.textContent = brush.value; });

  if (cardsEl) {
    cardsEl.addEventListener("click", (e) => {
      const card = e.target.closest("[data-card]");
      if (!card) return;
      const i = parseInt(card.dataset.index, 10);
      const action = e.target.closest("[data-action]");
      if (action && action.dataset.action === "delete") {
        edits.splice(i, 1);
        selected = edits.length ? Math.min(i, edits.length - 1) : -1;
        renderEditCards(false);
        drawLines();
      } else if (action && action.dataset.action === "select") {
        selected = i;
        renderEditCards(true);
        drawLines();
      }
    });
    cardsEl.addEventListener("input", (e) => {
      const card = e.target.closest("[data-card]");
      if (!card) return;
      const ed = edits[parseInt(card.dataset.index, 10)];
      const field = e.target.dataset.field;
      if (field === "text") { ed.text = e.target.value; showError(""); }
      else if (field === "font") ed.font = e.target.value;
      else if (field === "color") ed.color = e.target.value;
      else if (field === "auto") {
        showAuto(card, e.target.checked);
        ed.color = e.target.checked ? null : card.querySelector('[data-field="color"]').value;
      }
    });
  }

  svg.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    if (MODE === "remove" && target() === "region") {
      const k = scale();
      const size = r1((brush ? parseInt(brush.value, 10) : 28) * k);
      painting = { points: [toImage(e).map(r1)], size };
      strokes.push(painting);
      svg.setPointerCapture(e.pointerId);
      drawLines();
      e.preventDefault();
      return;
    }
    if (e.target.dataset && e.target.dataset.role === "line") {
      if (MODE === "remove" && target() === "all") return;
      toggleLine(parseInt(e.target.dataset.index, 10));
    }
  });
  svg.addEventListener("pointermove", (e) => {
    if (!painting) return;
    const p = toImage(e).map(r1);
    const last = painting.points[painting.points.length - 1];
    if (Math.hypot(p[0] - last[0], p[1] - last[1]) < painting.size / 6) return;
    if (painting.points.length < 3900) painting.points.push(p);
    drawLines();
  });
  const stopPaint = () => { painting = null; };
  svg.addEventListener("pointerup", stopPaint);
  svg.addEventListener("pointercancel", stopPaint);
  form.addEventListener("click", (e) => {
    const action = e.target.closest("[data-action]");
    if (!action) return;
    if (action.dataset.action === "undo-stroke") { strokes.pop(); drawLines(); }
    if (action.dataset.action === "clear-strokes") { strokes = []; drawLines(); }
  });

  form.addEventListener("submit", (e) => {
    if (e.submitter && e.submitter.name === "action") return;
    if (MODE === "modify") {
      if (!edits.length) { showError(msg.msgNeedEdit); e.preventDefault(); return; }
      const empty = edits.findIndex((ed) => !ed.text.trim());
      if (empty >= 0) { selected = empty; renderEditCards(true); showError(msg.msgNeedText); e.preventDefault(); return; }
      state("edits").value = JSON.stringify(edits.map((ed) => ({
        line: ed.line, quad: linesData[ed.line].quad, old: linesData[ed.line].text, text: ed.text,
        font: ed.font === "auto" ? null : ed.font, color: ed.color,
      })));
    } else {
      const t = target();
      if (t === "lines") {
        if (!picked.size) { showError(linesData.length ? msg.msgNeedLines : ""); if (linesData.length) { e.preventDefault(); return; } }
        state("lines").value = JSON.stringify(Array.from(picked).sort((a, b) => a - b)
          .map((i) => ({ line: i, quad: linesData[i].quad, text: linesData[i].text })));
      } else if (t === "region") {
        if (!strokes.length) { showError(msg.msgNeedRegion); e.preventDefault(); return; }
        state("strokes").value = JSON.stringify(strokes);
      }
    }
  });

  window.addEventListener("resize", drawLines);
  drawLines();
  renderEditCards(false);
})();
