/*
 * Why this file exists: htmx attributes cover every live feature except two that need a few
 * lines of script, and inline handlers (hx-on, trigger filters) would need 'unsafe-eval',
 * which our Content-Security-Policy forbids.
 *   1. Polling pauses while the tab is hidden (elements marked data-live-poll), and a
 *      "visible-again" event lets them refresh as soon as the reader comes back.
 *   2. When infinite scroll fails to load a page (network or server error), the "Older stories"
 *      item shows a retry message instead of a dead spinner (elements marked data-retry-on-error).
 * Everything still works without this file; it only saves requests and explains failures.
 */
(function () {
  "use strict";

  function source(evt) {
    var ctx = evt.detail && evt.detail.ctx;
    return (ctx && ctx.sourceElement) || evt.target;
  }

  document.addEventListener("htmx:config:request", function (evt) {
    var elt = source(evt);
    if (document.hidden && elt && elt.hasAttribute && elt.hasAttribute("data-live-poll")) {
      evt.preventDefault();
    }
    if (elt && elt.hasAttribute && elt.hasAttribute("data-retry-on-error")) {
      var item = elt.closest("li");
      if (item) item.classList.remove("is-failed");
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) document.dispatchEvent(new CustomEvent("visible-again"));
  });

  function markFailed(evt) {
    var elt = source(evt);
    if (elt && elt.hasAttribute && elt.hasAttribute("data-retry-on-error")) {
      var item = elt.closest("li");
      if (item) item.classList.add("is-failed");
    }
  }
  document.addEventListener("htmx:error", markFailed);
  document.addEventListener("htmx:response:error", markFailed);
})();
