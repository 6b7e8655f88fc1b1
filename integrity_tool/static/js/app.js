/* Progressive enhancement only: every feature also works without JavaScript. */
(function () {
  "use strict";

  // Focus the error summary so screen-reader and keyboard users hear what went wrong.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      // A fragment inherited through a redirect (e.g. #inhoud after the skip link) moves focus to its
      // target once the page has loaded; the error summary must keep it.
      window.addEventListener("load", function () {
        if (document.activeElement !== summary) { summary.focus(); }
      });
    }

    // Prevent double submission: disable submit buttons once a form is sent.
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.submitted === "1") { event.preventDefault(); return; }
        form.dataset.submitted = "1";
        var submitter = event.submitter;
        if (submitter && submitter.name) {
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = submitter.name; hidden.value = submitter.value;
          form.appendChild(hidden);
        }
        window.setTimeout(function () {
          form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    });

    // Confirmation for destructive actions (the server also asks for confirmation where it matters).
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });

    // Conditional questions: instant show/hide. The server re-renders without JS.
    var form = document.querySelector("form[data-conditional]");
    if (form) {
      var update = function () {
        form.querySelectorAll("[data-show-if]").forEach(function (el) {
          var rule;
          try { rule = JSON.parse(el.getAttribute("data-show-if")); } catch (e) { return; }
          var visible = evaluate(rule, form);
          if (visible === null) { return; }  // too complex for the client: leave to the server
          el.hidden = !visible;
          el.querySelectorAll("input, select, textarea, button").forEach(function (input) { input.disabled = !visible; });
        });
      };
      form.addEventListener("change", update);
      update();
    }
  });

  function valuesOf(form, name) {
    var out = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if (input.disabled) { return; }  // a hidden question counts as unanswered (chains of conditions)
      if ((input.type === "radio" || input.type === "checkbox")) { if (input.checked) { out.push(input.value); } }
      else if (input.value !== "") { out.push(input.value); }
    });
    return out;
  }

  // Evaluates the questionnaire's simple operators (docs/questionnaire-format.md §5) on fields of
  // this page; returns null when it cannot decide (other pages, parameters, numbers, dates, lists).
  function evaluate(rule, form) {
    if (!rule || typeof rule !== "object" || Array.isArray(rule)) { return null; }
    var keys = Object.keys(rule);
    if (keys.length !== 1) { return null; }
    var op = keys[0], arg = rule[op];
    if (op === "all" || op === "any") {
      if (!Array.isArray(arg)) { return null; }
      var results = arg.map(function (r) { return evaluate(r, form); });
      if (results.indexOf(null) !== -1) { return null; }
      return op === "all" ? results.every(Boolean) : results.some(Boolean);
    }
    if (op === "not") { var r = evaluate(arg, form); return r === null ? null : !r; }
    var name = (typeof arg === "string") ? arg : (arg && typeof arg === "object" ? arg.question : null);
    if (typeof name !== "string" || !/^[a-z0-9_]+$/.test(name)) { return null; }
    if (!form.querySelector("[name='" + name + "']")) { return null; }
    var vals = valuesOf(form, name);
    var norm = function (v) { return v === true ? "ja" : v === false ? "nee" : String(v); };
    var isPlain = function (v) { return v === null || typeof v !== "object"; };
    if (op === "is_yes") { return vals.indexOf("ja") !== -1; }
    if (op === "is_no") { return vals.indexOf("nee") !== -1; }
    if (op === "answered") { return vals.length > 0; }
    if (op === "equals") { return isPlain(arg.value) ? vals.indexOf(norm(arg.value)) !== -1 : null; }
    if (op === "in") {
      if (!Array.isArray(arg.values) || !arg.values.every(isPlain)) { return null; }
      return arg.values.map(norm).some(function (v) { return vals.indexOf(v) !== -1; });
    }
    return null;
  }
})();
