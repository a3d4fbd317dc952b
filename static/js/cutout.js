/* Portrait cutout viewer: three panes (original, cutout on a checkerboard, cutout on the chosen
   background) zoomed and panned together (wheel, pinch, drag, buttons), and a live preview of the
   new-background form. Without JavaScript the panes show the whole images and the form still posts. */
(function () {
  "use strict";

  function initViewer(root) {
    const panes = Array.from(root.querySelectorAll("[data-pane]"));
    const layers = panes.map((p) => p.querySelector("[data-layer]"));
    const range = root.querySelector("[data-zoom-range]");
    const valueOut = root.querySelector("[data-zoom-value]");
    const imgW = Number(root.dataset.width), imgH = Number(root.dataset.height);
    root.querySelectorAll("[data-js-only]").forEach((el) => { el.hidden = false; });
    const MAX = 8;
    // view in fractions of the pane: scale s, offset (x, y) in pane-relative units
    const view = { s: 1, x: 0, y: 0 };

    function paneSize() {
      const r = panes[0].getBoundingClientRect();
      return { w: r.width, h: r.height };
    }
    function clamp() {
      view.s = Math.min(MAX, Math.max(1, view.s));
      const min = 1 - view.s;
      view.x = Math.min(0, Math.max(min, view.x));
      view.y = Math.min(0, Math.max(min, view.y));
    }
    function apply() {
      clamp();
      const { w, h } = paneSize();
      const t = `translate(${view.x * w}px, ${view.y * h}px) scale(${view.s})`;
      layers.forEach((l) => { l.style.transform = t; });
      panes.forEach((p) => {
        p.classList.toggle("is-zoomed", view.s > 1.001);
        // past the photo's own pixels, show them crisp (hair is checked pixel by pixel)
        p.classList.toggle("is-pixelated", view.s * w > imgW * 1.5);
      });
      if (range) range.value = String(view.s);
      if (valueOut) valueOut.textContent = Math.round(view.s * 100) + "%";
    }
    function zoomAt(pane, clientX, clientY, factor) {
      const r = pane.getBoundingClientRect();
      const px = (clientX - r.left) / r.width, py = (clientY - r.top) / r.height;
      const s2 = Math.min(MAX, Math.max(1, view.s * factor));
      // keep the point under the pointer still: px = x + u * s  (u = content coordinate)
      const u = (px - view.x) / view.s, v = (py - view.y) / view.s;
      view.s = s2; view.x = px - u * s2; view.y = py - v * s2;
      apply();
    }
    function zoomCentre(s2) {
      const u = (0.5 - view.x) / view.s, v = (0.5 - view.y) / view.s;
      view.s = Math.min(MAX, Math.max(1, s2)); view.x = 0.5 - u * view.s; view.y = 0.5 - v * view.s;
      apply();
    }

    const pointers = new Map();
    let pinch = null;
    panes.forEach((pane) => {
      pane.addEventListener("wheel", (e) => {
        e.preventDefault();
        zoomAt(pane, e.clientX, e.clientY, Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)));
      }, { passive: false });
      pane.addEventListener("pointerdown", (e) => {
        pane.setPointerCapture(e.pointerId);
        pointers.set(e.pointerId, { x: e.clientX, y: e.clientY, pane });
        if (pointers.size === 2) {
          const [a, b] = Array.from(pointers.values());
          pinch = { d: Math.hypot(a.x - b.x, a.y - b.y), s: view.s };
        }
        pane.classList.add("is-dragging");
      });
      pane.addEventListener("pointermove", (e) => {
        const p = pointers.get(e.pointerId);
        if (!p) return;
        const r = pane.getBoundingClientRect();
        if (pointers.size >= 2 && pinch) {
          p.x = e.clientX; p.y = e.clientY;
          const [a, b] = Array.from(pointers.values());
          const d = Math.hypot(a.x - b.x, a.y - b.y);
          const target = pinch.s * d / Math.max(1, pinch.d);
          zoomAt(pane, (a.x + b.x) / 2, (a.y + b.y) / 2, target / view.s);
          return;
        }
        view.x += (e.clientX - p.x) / r.width;
        view.y += (e.clientY - p.y) / r.height;
        p.x = e.clientX; p.y = e.clientY;
        apply();
      });
      const end = (e) => {
        pointers.delete(e.pointerId);
        if (pointers.size < 2) pinch = null;
        if (!pointers.size) pane.classList.remove("is-dragging");
      };
      pane.addEventListener("pointerup", end);
      pane.addEventListener("pointercancel", end);
      pane.addEventListener("dblclick", (e) => zoomAt(pane, e.clientX, e.clientY, view.s > 1.5 ? 1 / view.s : 3));
    });
    root.querySelectorAll("[data-zoom]").forEach((button) => {
      button.addEventListener("click", () => {
        const what = button.dataset.zoom;
        if (what === "in") zoomCentre(view.s * 1.5);
        else if (what === "out") zoomCentre(view.s / 1.5);
        else if (what === "fit") { view.s = 1; view.x = 0; view.y = 0; apply(); }
        else if (what === "hair") hair();
      });
    });
    if (range) range.addEventListener("input", () => zoomCentre(Number(range.value)));
    window.addEventListener("resize", apply);

    // "Check hair": zoom 3x onto the top of the person, found from the cutout's alpha.
    function hair() {
      const img = panes[1].querySelector("img");
      let cx = 0.5, top = 0.1;
      try {
        const c = document.createElement("canvas");
        const w = 96, h = Math.max(1, Math.round(96 * imgH / imgW));
        c.width = w; c.height = h;
        const ctx = c.getContext("2d");
        ctx.drawImage(img, 0, 0, w, h);
        const data = ctx.getImageData(0, 0, w, h).data;
        outer: for (let y = 0; y < h; y++) {
          let sum = 0, n = 0;
          for (let x = 0; x < w; x++) if (data[(y * w + x) * 4 + 3] > 128) { sum += x; n++; }
          if (n > 2) { top = y / h; cx = sum / n / w; break outer; }
        }
      } catch (err) { /* image not ready: zoom on the upper middle */ }
      // the content box of an object-fit: contain image inside the pane
      const { w: pw, h: ph } = paneSize();
      const fit = Math.min(pw / imgW, ph / imgH);
      const bx = (pw - imgW * fit) / 2 / pw, by = (ph - imgH * fit) / 2 / ph;
      const u = bx + cx * (imgW * fit / pw), v = by + (top + 0.06) * (imgH * fit / ph);
      view.s = 3; view.x = 0.5 - u * 3; view.y = 0.35 - v * 3;
      apply();
    }
    apply();
  }

  function initBackgroundForm(form, viewer) {
    const pane = viewer && viewer.querySelector("[data-bg-pane]");
    if (!pane) return;
    form.classList.add("is-enhanced");
    const bgImage = pane.querySelector("[data-bg-image]");
    const blurImg = pane.querySelector("[data-bg-blur]");
    const colour = form.querySelector("[data-color-input]");
    const blur = form.querySelector("[data-blur-input]");
    const blurOut = form.querySelector("[data-blur-value]");
    const file = form.querySelector("[data-bg-file]");
    const swatches = Array.from(form.querySelectorAll("[data-swatch]"));
    const genPane = pane.querySelector("[data-bg-generated]");
    const genModel = form.querySelector("[data-gen-model]");
    const genKey = form.querySelector("[data-gen-key]");
    const genSize = form.querySelector("[data-gen-size]");
    let fileUrl = null;

    function mode() {
      const checked = form.querySelector("input[name=mode]:checked");
      return checked ? checked.value : "color";
    }
    function update() {
      const m = mode();
      form.querySelectorAll("[data-mode-panel]").forEach((panel) => {
        panel.hidden = !panel.dataset.modePanel.split(" ").includes(m);
      });
      swatches.forEach((s) => s.classList.toggle("is-active", s.dataset.swatch.toLowerCase() === colour.value.toLowerCase()));
      pane.style.backgroundColor = colour.value;
      bgImage.hidden = m !== "image";
      if (genPane) genPane.hidden = m !== "generated";
      if (genModel) {
        const option = genModel.selectedOptions[0];
        if (genKey) genKey.hidden = !option || option.dataset.backend !== "dashscope";
        if (genSize && option) genSize.textContent = option.dataset.size;
      }
      if (blurImg) blurImg.hidden = m !== "blur";
      if (m === "image") {
        const picked = form.querySelector("input[name=background]:checked");
        const url = fileUrl || (picked ? picked.dataset.bgUrl : null);
        bgImage.style.backgroundImage = url ? `url("${url}")` : "none";
        const fit = form.querySelector("input[name=fit]:checked");
        bgImage.style.backgroundSize = fit && fit.value === "fit" ? "contain" : "cover";
      }
      if (m === "blur" && blurImg) {
        const r = pane.getBoundingClientRect();
        const px = Number(blur.value) / 100 * Math.hypot(r.width, r.height);
        blurImg.style.filter = `blur(${px.toFixed(1)}px)`;
        // a blur pulls in transparent edges; a slight scale hides them, as the server's edge handling does
        blurImg.style.transform = "scale(1.04)";
      }
      if (blurOut) blurOut.textContent = blur.value;
    }
    swatches.forEach((s) => s.addEventListener("click", () => { colour.value = s.dataset.swatch; update(); }));
    form.addEventListener("input", update);
    form.addEventListener("change", (e) => {
      if (e.target === file) {
        if (fileUrl) URL.revokeObjectURL(fileUrl);
        fileUrl = file.files && file.files[0] ? URL.createObjectURL(file.files[0]) : null;
        if (fileUrl) form.querySelectorAll("input[name=background]").forEach((r) => { r.checked = false; });
      } else if (e.target.name === "background" && file) {
        file.value = "";
        if (fileUrl) { URL.revokeObjectURL(fileUrl); fileUrl = null; }
      }
      update();
    });
    form.addEventListener("submit", () => {
      const button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
    });
    window.addEventListener("resize", update);
    update();
  }

  function init() {
    const viewer = document.querySelector("[data-cutout-viewer]");
    if (viewer) initViewer(viewer);
    const form = document.querySelector("[data-bg-form]");
    if (form) initBackgroundForm(form, viewer);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
