/* Image Studio: small progressive enhancements, no framework. Every page works without this file. */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  /* --- Sidebar (phones: hidden behind the hamburger button) ---------------------------------- */
  function setNav(open) {
    var toggle = document.querySelector(".nav-toggle");
    var sidebar = document.getElementById("sidebar");
    if (!toggle || !sidebar) return;
    document.body.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = sidebar.querySelector("a, button");
      if (first) first.focus();
    } else if (sidebar.contains(document.activeElement)) {
      toggle.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;

    if (target.closest(".nav-toggle")) {
      setNav(!document.body.classList.contains("nav-open"));
      return;
    }
    if (target.closest("[data-sidebar-close]")) {
      setNav(false);
      return;
    }

    /* Dismissible banners */
    var dismiss = target.closest("[data-dismiss]");
    if (dismiss) {
      var box = dismiss.closest("[data-dismissible]");
      if (box) box.remove();
      return;
    }

    /* confirm() before destructive submits: <button data-confirm="..."> */
    var confirmer = target.closest("[data-confirm]");
    if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }

    /* Copy to clipboard: <button data-copy-target="#id"> */
    var copier = target.closest("[data-copy-target]");
    if (copier) {
      var source = document.querySelector(copier.getAttribute("data-copy-target"));
      if (source) copyText(source, copier);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.body.classList.contains("nav-open")) setNav(false);
  });

  /* Leaving phone width with the menu open must not leave the page locked. */
  var wide = window.matchMedia("(min-width: 800px)");
  var onWide = function () { if (wide.matches) setNav(false); };
  if (wide.addEventListener) wide.addEventListener("change", onWide);

  function copyText(source, button) {
    var text = "value" in source ? source.value : source.textContent;
    var done = function () {
      var label = button.querySelector("[data-copy-label]");
      if (!label) return;
      var original = label.getAttribute("data-copy-label");
      label.textContent = button.getAttribute("data-copied-text") || original;
      button.classList.add("is-copied");
      window.setTimeout(function () {
        label.textContent = original;
        button.classList.remove("is-copied");
      }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { legacyCopy(source) && done(); });
    } else if (legacyCopy(source)) {
      done();
    }
  }

  function legacyCopy(source) {
    if (!source.select) return false;
    source.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  /* --- Bulk selection in the gallery: checkboxes with form="<bulk form id>" -------------------- */
  function initBulk(form) {
    if (form.dataset.bulkReady) return;
    form.dataset.bulkReady = "1";
    var boxes = document.querySelectorAll('input[type=checkbox][form="' + form.id + '"]');
    var all = form.querySelector("[data-select-all]");
    var count = form.querySelector("[data-bulk-count]");
    var buttons = form.querySelectorAll("button[name=action]");
    var template = count ? count.getAttribute("data-template") : "";

    function update() {
      var n = 0;
      boxes.forEach(function (box) {
        if (box.checked) n += 1;
        var tile = box.closest(".tile");
        if (tile) tile.classList.toggle("is-selected", box.checked);
      });
      if (count) count.textContent = template.replace("__n__", n);
      buttons.forEach(function (b) { b.disabled = n === 0; });
      form.classList.toggle("has-selection", n > 0);
      if (all) {
        all.checked = n > 0 && n === boxes.length;
        all.indeterminate = n > 0 && n < boxes.length;
      }
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    if (all) {
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
        update();
      });
    }
    update();
  }

  function init(scope) {
    (scope || document).querySelectorAll("form[data-bulk]").forEach(initBulk);
  }

  ready(function () { init(document); });
  /* Content swapped in by htmx gets the same behaviour. */
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
