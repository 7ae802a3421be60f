/*
 * Why this file exists: counting readers without cookies (newsroom/readership.py). A page is
 * served from caches, so the server cannot count it; after the page has loaded, this sends one
 * beacon per page load to /count with the story's id and where the reader came from, reduced to
 * a host name (never a path) or a channel: "feed" or "email" when the link carried ?via=feed or
 * ?via=email, "search" from the site's own search, "internal" from another of its pages, "direct"
 * without a referrer. Nothing is sent
 * when the browser asks not to be tracked (Global Privacy Control, Do Not Track). Robots that
 * run no script are never counted.
 */
(function () {
  "use strict";
  var sent = false;

  function source() {
    var via = new URLSearchParams(window.location.search).get("via");
    if (via === "feed" || via === "email") return via;
    if (!document.referrer) return "direct";
    var from;
    try {
      from = new URL(document.referrer);
    } catch (err) {
      return "direct";
    }
    if (from.host === window.location.host) {
      return from.pathname.indexOf("/search") === 0 ? "search" : "internal";
    }
    return from.hostname || "direct";
  }

  function count() {
    var story = document.querySelector("[data-count-story]");
    if (sent || !story || !navigator.sendBeacon) return;
    if (navigator.globalPrivacyControl || navigator.doNotTrack === "1") return;
    sent = true;
    var beacon = new URLSearchParams();
    beacon.set("story", story.getAttribute("data-count-story"));
    beacon.set("from", source());
    navigator.sendBeacon(story.getAttribute("data-count-url"), beacon);
  }

  if (document.readyState === "complete") count();
  else window.addEventListener("load", count, { once: true });
})();
