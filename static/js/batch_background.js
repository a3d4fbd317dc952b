/* "New background for all" (templates/matting/_batch_background.html): shows the chosen mode's
   options only, and previews the chosen colour behind the batch's cutouts above. Without it every
   option shows and the form still posts. */
(function () {
  "use strict";
  const form = document.querySelector("[data-batch-bg-form]");
  if (!form) return;
  form.classList.add("is-enhanced");
  const colour = form.querySelector("[data-color-input]");
  const blur = form.querySelector("[data-blur-input]");
  const blurOut = form.querySelector("[data-blur-value]");
  const swatches = Array.from(form.querySelectorAll("[data-swatch]"));
  const previews = Array.from(document.querySelectorAll("[data-batch-preview]"));

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
    previews.forEach((p) => {
      p.classList.toggle("co-checker", m !== "color");
      p.style.backgroundColor = m === "color" ? colour.value : "";
    });
    if (blurOut && blur) blurOut.textContent = blur.value;
  }
  swatches.forEach((s) => s.addEventListener("click", () => { colour.value = s.dataset.swatch; update(); }));
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  form.addEventListener("submit", () => {
    const button = form.querySelector("[type=submit]");
    if (button) window.setTimeout(() => { button.disabled = true; }, 0);
  });
  update();
})();
