/*
 * Why this file exists: an editor sets a photo's focal point by clicking on the subject, and HTML
 * cannot turn a click on an image into coordinates (an image map or <input type="image"> would
 * submit the form with each click; inline handlers are not allowed by our Content-Security-Policy).
 * It fills the two "focal point" number fields, which work on their own without JavaScript, and
 * shows a marker where the point is. Nothing is saved until the editor presses Save.
 */
(function () {
  "use strict";

  function setUp(picker) {
    var photo = picker.querySelector("img");
    var marker = picker.querySelector(".focal-picker__marker");
    var across = document.getElementById(picker.getAttribute("data-focal-x"));
    var down = document.getElementById(picker.getAttribute("data-focal-y"));
    if (!photo || !marker || !across || !down) return;

    function show() {
      var x = Number(across.value), y = Number(down.value);
      if (isNaN(x) || isNaN(y) || x < 0 || x > 100 || y < 0 || y > 100) {
        marker.hidden = true;
        return;
      }
      marker.style.left = x + "%";
      marker.style.top = y + "%";
      marker.hidden = false;
    }

    photo.addEventListener("click", function (evt) {
      var box = photo.getBoundingClientRect();
      var percent = function (offset, size) {
        return Math.min(100, Math.max(0, Math.round((offset / size) * 100)));
      };
      across.value = percent(evt.clientX - box.left, box.width);
      down.value = percent(evt.clientY - box.top, box.height);
      // admin.js warns before leaving a form with unsaved changes: tell it this one changed.
      across.dispatchEvent(new Event("input", { bubbles: true }));
      show();
    });
    across.addEventListener("input", show);
    down.addEventListener("input", show);
    photo.classList.add("focal-picker__photo--clickable");
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var picker = document.getElementById("focal-picker");
    if (picker) setUp(picker);
  });
})();
