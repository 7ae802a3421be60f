/*
 * Why this file exists: on the live desk, a post sent with htmx whose request never reaches the
 * server (no signal in the field, a timeout) fires no response that HTML could show: htmx only
 * raises an htmx:error event. This says so in the post form's status line, so the reporter knows
 * the post was not sent and that their text and photo are still in the form to send again.
 * Without JavaScript the form posts normally and the browser shows its own error page; going
 * back keeps what was typed.
 */
(function () {
  "use strict";

  function form(evt) {
    var ctx = evt.detail && evt.detail.ctx;
    var elt = (ctx && ctx.sourceElement) || evt.target;
    return elt && elt.closest ? elt.closest("#live-post-form") : null;
  }

  document.addEventListener("htmx:error", function (evt) {
    var sent = form(evt);
    var status = sent && sent.querySelector("#live-post-status");
    if (!status) return;
    var note = document.createElement("p");
    note.className = "notice notice--error";
    note.setAttribute("role", "alert");
    note.textContent =
      "Not posted: the connection failed. Your text is still here; press Post again.";
    status.replaceChildren(note);
  });
})();
