// Text to image form: sizes and limits follow the chosen model, template preview without a reload,
// character counters. The form works without this script (the server re-renders on preview).
(function () {
  "use strict";
  const form = document.getElementById("gen-form");
  const data = document.getElementById("gen-catalog");
  if (!form || !data) return;
  const catalog = JSON.parse(data.textContent);
  const byName = Object.fromEntries(catalog.models.map((m) => [m.name, m]));
  const model = form.elements.model;
  const size = form.elements.size;
  const n = form.elements.n;

  // On load the size the page rendered stays (a re-shown form, "generate again"); a model the user
  // picks takes that model's default size, as the server does when no size is sent.
  function applyModel(event) {
    const spec = byName[model.value];
    if (!spec) return;
    const current = size.value;
    size.replaceChildren(...spec.sizes.map((s) => new Option(s, s, false, s === current)));
    if (event || !spec.sizes.includes(current)) size.value = spec.default_size;
    n.max = spec.n_max;
    if (+n.value > spec.n_max) n.value = spec.n_max;
    form.elements.prompt.maxLength = spec.prompt_max;
    form.elements.negative_prompt.maxLength = spec.negative_max;
    document.querySelectorAll("[data-backend-only]").forEach((el) => {
      el.hidden = el.dataset.backendOnly !== spec.backend;
    });
    counters();
  }

  // A template suggests an orientation (a postcard is landscape, a phone case portrait): take the
  // model's default size when it fits, else its first size that does.
  function pickSize(hint) {
    const spec = byName[model.value];
    if (!spec || !hint) return;
    const fits = (s) => {
      const [w, h] = s.split("*").map(Number);
      return hint === "square" ? w === h : hint === "landscape" ? w > h : w < h;
    };
    const choice = fits(spec.default_size) ? spec.default_size : spec.sizes.find(fits);
    if (choice) size.value = choice;
  }

  function counters() {
    document.querySelectorAll("[data-counter]").forEach((el) => {
      const field = form.elements[el.dataset.counter];
      el.textContent = `${field.value.length} / ${field.maxLength}`;
    });
  }

  async function preview(event) {
    event.preventDefault();
    const csrf = form.elements.csrfmiddlewaretoken.value;
    const response = await fetch("/api/v1/generation/templates/expand/", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ template: form.elements.template.value, subject: form.elements.subject.value, model: model.value }),
    });
    if (!response.ok) return form.requestSubmit(event.submitter);
    const body = await response.json();
    form.elements.prompt.value = body.prompt;
    form.elements.negative_prompt.value = body.negative_prompt;
    pickSize(body.size_hint);
    counters();
  }

  model.addEventListener("change", applyModel);
  form.elements.prompt.addEventListener("input", counters);
  form.elements.negative_prompt.addEventListener("input", counters);
  form.querySelector("[data-testid=preview]").addEventListener("click", (e) => {
    if (form.elements.template.value) preview(e);
  });
  form.elements.seed.addEventListener("input", () => { form.querySelector("[data-testid=seed-fixed]").checked = true; });
  form.elements.api_key.addEventListener("input", () => { form.querySelector("[data-testid=key-typed]").checked = true; });
  applyModel(null);
})();
