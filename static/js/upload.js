/* Upload zone (templates/includes/upload_form.html): drag and drop, and a list of the chosen files
   with thumbnails before submitting. Without this file the form is a plain file input + button.
   User-visible strings come from data-msg-* attributes (translated server-side). */
(function () {
  "use strict";

  const ACCEPTED = ["image/png", "image/jpeg", "image/bmp", "image/webp"];
  const EXTENSIONS = /\.(png|jpe?g|bmp|webp)$/i;

  function accepted(file) {
    return ACCEPTED.includes(file.type) || (!file.type && EXTENSIONS.test(file.name));
  }

  function humanSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + " KB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function init(form) {
    if (form.dataset.uploadReady) return;
    form.dataset.uploadReady = "1";
    const input = form.querySelector("[data-upload-input]");
    const zone = form.querySelector("[data-upload-drop]");
    const list = form.querySelector("[data-upload-list]");
    const status = form.querySelector("[data-upload-status]");
    const choose = form.querySelector("[data-upload-choose]");
    const submit = form.querySelector("[data-upload-submit]");
    const msg = (key) => form.dataset["msg" + key] || "";
    let urls = [];

    form.classList.add("is-enhanced");
    if (choose) choose.hidden = false;

    function setFiles(files) {
      const dt = new DataTransfer();
      const rejected = [];
      for (const file of files) {
        if (!accepted(file)) { rejected.push(file.name); continue; }
        if (!input.multiple && dt.items.length) break;
        dt.items.add(file);
      }
      input.files = dt.files;
      render(rejected);
    }

    function render(rejected) {
      urls.forEach((u) => URL.revokeObjectURL(u));
      urls = [];
      list.replaceChildren();
      const files = Array.from(input.files);
      files.forEach((file, index) => {
        const li = document.createElement("li");
        li.className = "upload-item";
        const thumb = document.createElement("img");
        const url = URL.createObjectURL(file);
        urls.push(url);
        thumb.src = url;
        thumb.alt = "";
        thumb.className = "upload-thumb";
        const text = document.createElement("span");
        text.className = "upload-name";
        text.textContent = file.name;
        const size = document.createElement("span");
        size.className = "upload-size";
        size.textContent = humanSize(file.size);
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "upload-remove";
        remove.setAttribute("aria-label", msg("Remove") + " " + file.name);
        remove.title = msg("Remove");
        remove.textContent = "×";
        remove.addEventListener("click", () => {
          const rest = Array.from(input.files).filter((_, i) => i !== index);
          setFiles(rest);
        });
        // A file named like an image that the browser cannot decode: say so at once, not a broken icon.
        thumb.addEventListener("error", () => {
          const mark = document.createElement("span");
          mark.className = "upload-thumb upload-thumb-bad";
          mark.textContent = "!";
          thumb.replaceWith(mark);
          li.classList.add("is-not-image");
          li.dataset.testid = "upload-not-image";
          size.textContent = msg("NotImage");
        }, { once: true });
        li.append(thumb, text, size, remove);
        list.append(li);
      });
      let line = "";
      if (files.length === 1) line = msg("SelectedOne");
      else if (files.length > 1) line = msg("SelectedMany").replace("%(n)s", String(files.length));
      if (rejected && rejected.length) line += (line ? " · " : "") + msg("Rejected") + " " + rejected.join(", ");
      status.textContent = line;
      form.classList.toggle("has-files", files.length > 0);
    }

    input.addEventListener("change", () => setFiles(Array.from(input.files)));

    let depth = 0;
    zone.addEventListener("dragenter", (event) => {
      event.preventDefault();
      depth += 1;
      zone.classList.add("is-dragover");
    });
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    });
    zone.addEventListener("dragleave", () => {
      depth = Math.max(0, depth - 1);
      if (!depth) zone.classList.remove("is-dragover");
    });
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      depth = 0;
      zone.classList.remove("is-dragover");
      const files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) setFiles(Array.from(files));
    });

    form.addEventListener("submit", (event) => {
      if (!input.files.length) return; // the browser's "required" message shows
      if (form.dataset.submitting) { event.preventDefault(); return; }
      form.dataset.submitting = "1";
      form.classList.add("is-uploading");
      status.textContent = msg("Uploading");
      // Disable after the submission has been built, so the button's own value is not lost.
      window.setTimeout(() => { if (submit) submit.disabled = true; }, 0);
    });
    // Back/forward cache: a page restored after submitting must be usable again.
    window.addEventListener("pageshow", () => {
      delete form.dataset.submitting;
      form.classList.remove("is-uploading");
      if (submit) submit.disabled = false;
    });
    if (input.files.length) render([]);
  }

  function initAll(scope) {
    (scope || document).querySelectorAll("form[data-upload-form]").forEach(init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => initAll());
  else initAll();
  document.addEventListener("htmx:load", (event) => initAll(event.target));
})();
