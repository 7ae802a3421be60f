/*
 * Why this file exists: htmx attributes cover every live feature except two that need a few
 * lines of script, and inline handlers (hx-on, trigger filters) would need 'unsafe-eval',
 * which our Content-Security-Policy forbids.
 *   1. Polling pauses while the tab is hidden (elements marked data-live-poll), and a
 *      "visible-again" event lets them refresh as soon as the reader comes back.
 *   2. When infinite scroll fails to load a page (network or server error), the "Older stories"
 *      item shows a retry message instead of a dead spinner (elements marked data-retry-on-error).
 *   3. Times: a card's time, the live box's and any <time data-ago> read "12 min ago",
 *      "3 h ago", then a date on the reader's clock, computed here from its datetime so the
 *      cached HTML never goes stale; the absolute UTC time stays in the markup without script,
 *      and in the title on hover. An article's <time data-yours> (the dateline's clock) gets
 *      the same moment on the reader's own clock under it.
 *   4. A country front's "Local time" (<time data-clock="Asia/Manila">) is written when the page
 *      is rendered; a cached page would show it stale, so it is set from the reader's clock.
 *   5. Sharing: the native share sheet and "Copy link" buttons need script, so they are hidden
 *      until it runs (and the browser offers them); the plain share links work without it.
 *   6. Back to a list: infinite scroll records in the URL how far the reader has loaded
 *      (?upto=, from the server's HX-Replace-Url), so Back renders the same cards. The browser
 *      restores the scroll position; when it cannot (a picture above changed height, the
 *      window's size changed), the story the reader opened is brought back into view here.
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

  var MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function day(d) {
    return d.getDate() + " " + MONTHS[d.getMonth()] + " " + d.getFullYear();
  }
  function utc(minutes) {
    var a = Math.abs(minutes);
    if (!a) return "UTC";
    return "UTC" + (minutes < 0 ? "-" : "+") + Math.floor(a / 60) + (a % 60 ? ":" + pad(a % 60) : "");
  }
  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function showTimes() {
    var now = Date.now();
    each("time[data-ago], .story-card__meta time, time.live-box__time", function (t) {
      var ms = Date.parse(t.getAttribute("datetime"));
      if (isNaN(ms)) return;
      if (!t.title) t.title = t.textContent;
      var min = Math.floor((now - ms) / 60000);
      t.textContent = min < 1 ? "just now" : min < 60 ? min + " min ago" : min < 1440 ? Math.floor(min / 60) + " h ago" : day(new Date(ms));
    });
    each("time[data-yours]", function (t) {
      var iso = t.getAttribute("datetime"), d = new Date(Date.parse(iso));
      var m = /([+-])(\d\d):(\d\d)$/.exec(iso);
      var there = m ? (m[1] === "-" ? -1 : 1) * (m[2] * 60 + +m[3]) : 0;
      var mine = -d.getTimezoneOffset();
      if (isNaN(d) || mine === there || t.hasAttribute("data-shown")) return;
      var note = document.createElement("span");
      note.className = "your-time";
      note.textContent = "Your time: " + day(d) + ", " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + " (" + utc(mine) + ")";
      t.setAttribute("data-shown", "");
      t.title = note.textContent;
      t.parentNode.appendChild(note);
    });
  }
  document.addEventListener("htmx:after:swap", showTimes);
  setInterval(showTimes, 60000);

  (function clocks() {
    each("time[data-clock]", function (t) {
      try {
        t.textContent = new Intl.DateTimeFormat("en-GB", { timeZone: t.getAttribute("data-clock"), hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date());
      } catch (e) {}
    });
    setTimeout(clocks, 60000 - (Date.now() % 60000));
  })();

  function setUp() {
    showTimes();
    each("[data-share-native]", function (b) {
      if (navigator.share) b.parentNode.hidden = false;
    });
    each("[data-copy-link]", function (b) {
      if (navigator.clipboard) b.parentNode.hidden = false;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();

  var BACK = "list-place";
  function remember(evt) {
    var a = evt.target.closest && evt.target.closest("#story-list a[href]");
    try {
      if (a) sessionStorage.setItem(BACK, location.href + " " + a.getAttribute("href"));
    } catch (e) {}
  }
  window.addEventListener("pageshow", function (evt) {
    var nav = performance.getEntriesByType("navigation")[0], saved, a, box;
    try {
      saved = (sessionStorage.getItem(BACK) || "").split(" ");
    } catch (e) {
      return;
    }
    if (evt.persisted || !nav || nav.type !== "back_forward" || saved[0] !== location.href) return;
    a = document.querySelector('#story-list a[href="' + CSS.escape(saved[1]) + '"]');
    box = a && a.getBoundingClientRect();
    if (box && (box.top < 0 || box.bottom > window.innerHeight)) a.closest("li").scrollIntoView({ block: "center" });
  });

  document.addEventListener("click", function (evt) {
    remember(evt);
    var b = evt.target.closest && evt.target.closest("[data-share-native], [data-copy-link]");
    var box = b && b.closest("[data-share-url]");
    if (!box) return;
    var url = box.getAttribute("data-share-url");
    var status = box.querySelector("[role=status]");
    if (b.hasAttribute("data-share-native")) {
      navigator.share({ title: box.getAttribute("data-share-title"), url: url }).catch(function () {});
      return;
    }
    navigator.clipboard.writeText(url).then(
      function () {
        status.textContent = "Link copied.";
      },
      function () {
        status.textContent = "Could not copy the link: copy it from the address bar.";
      }
    );
  });
})();
