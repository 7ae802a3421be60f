/*
 * Why this file exists: two newsroom safeguards that HTML alone cannot give, and inline handlers
 * are not allowed by our Content-Security-Policy.
 *   1. A story form with unsaved changes warns before the page is left (data-warn-unsaved).
 *   2. Destructive forms ask for confirmation first (data-confirm="question").
 *   3. Enter in the story form's photo search looks for photos: the form's default button is
 *      Save (Enter in the headline saves), and HTML cannot give one field another default.
 */
(function () {
  "use strict";
  var dirty = false;

  document.addEventListener("input", function (evt) {
    if (evt.target.closest && evt.target.closest("form[data-warn-unsaved]")) dirty = true;
  });
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      evt.preventDefault();
      return;
    }
    if (form.hasAttribute("data-warn-unsaved")) dirty = false;
  });
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Enter" || evt.target.id !== "photo-q") return;
    evt.preventDefault();
    evt.target.dispatchEvent(new Event("search"));
  });
  window.addEventListener("beforeunload", function (evt) {
    if (dirty) {
      evt.preventDefault();
      evt.returnValue = "";
    }
  });
})();
