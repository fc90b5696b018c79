// The landing editor's live preview: a change to the form sends it, after a short pause, to
// the preview frame (the "Preview" button does the same without JavaScript).
(function () {
  "use strict";
  var form = document.getElementById("landing-form");
  var button = form && form.querySelector("[data-landing-preview]");
  if (!form || !button || !form.requestSubmit) return;
  var timer = null;
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(function () { form.requestSubmit(button); }, 400);
  }
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
})();
