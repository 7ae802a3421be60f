/*
 * Why this file exists: only the browser knows the time zone of the computer in front of the
 * editor (Intl.DateTimeFormat), and HTML cannot read it. While someone has not chosen a time zone
 * (the form carries data-offer-browser-zone), the account page offers the browser's: it fills the
 * empty field and says so; nothing is saved until they press "Save time zone". Without
 * JavaScript the field stays empty and the site's zone applies.
 */
(function () {
  "use strict";
  function offer() {
    var form = document.querySelector("form[data-offer-browser-zone]");
    if (!form) return;
    var field = form.querySelector("input[name=timezone]");
    var note = document.getElementById("time-zone-offer");
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (err) {
      return;
    }
    if (!field || field.value || !zone) return;
    field.value = zone;
    if (note) {
      note.textContent = "Your browser's time zone, " + zone + ", is filled in: save to use it.";
      note.hidden = false;
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", offer);
  else offer();
})();
