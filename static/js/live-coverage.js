/*
 * Why this file exists: a live coverage page (loaded there only) receives its new, edited and
 * deleted posts from the poller (#live-poll, polled by htmx), and placing them depends on where
 * the reader is, which no htmx attribute can express:
 *   - a reader at the top sees new posts slide in (no slide with prefers-reduced-motion);
 *   - a reader further down is not moved: a "3 new updates" button appears and the tab title
 *     shows "(3) "; pressing the button shows them and scrolls to the top of the posts;
 *   - edited posts are replaced in place and deleted ones disappear, wherever the reader is;
 *   - one short announcement per batch ("2 new updates") for screen readers, never the text;
 *     focus never moves unless the reader pressed something.
 * It also keeps "5 min ago" current, and opens a permalink to a post that is not among the
 * first posts by loading the page down to it (?upto=N). Without JavaScript the page is
 * complete: the newest posts, "Show older updates" links, and key events that load the page
 * down to their post.
 */
(function () {
  "use strict";

  var section = document.getElementById("live");
  var list = document.getElementById("live-posts");
  if (!section || !list) return;
  var button = document.getElementById("live-new");
  var announcer = document.getElementById("live-announcer");
  var pageUrl = section.getAttribute("data-live-page");
  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  var baseTitle = document.title;
  var pending = []; // new posts held back while the reader is further down, newest first
  var focusAfterOlder = null; // the last post before "Show older updates" was pressed

  function plural(n) {
    return n + " new update" + (n === 1 ? "" : "s");
  }

  function announce(text) {
    // Emptied first, so that the same words twice in a row are still read out.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 50);
  }

  function shown(id) {
    return list.querySelector("#" + CSS.escape(id));
  }

  // The reader is "at the top" while the start of the posts is on screen or below it: new
  // posts go in above nothing they are reading.
  function readerAtTop() {
    return list.getBoundingClientRect().top >= 0;
  }

  function refreshButton() {
    if (!pending.length) {
      button.hidden = true;
      document.title = baseTitle;
      return;
    }
    button.querySelector(".live-new__count").textContent = plural(pending.length);
    button.hidden = false;
    document.title = "(" + pending.length + ") " + baseTitle;
  }

  function insert(posts, slide) {
    var empty = list.querySelector(".live-posts__end--empty");
    if (empty) empty.remove();
    var first = list.querySelector("article.live-post");
    var batch = document.createDocumentFragment();
    posts.forEach(function (post) {
      post.removeAttribute("data-state");
      if (slide && !reduceMotion.matches) post.classList.add("live-post--arriving");
      batch.appendChild(post);
    });
    list.insertBefore(batch, first || list.firstChild);
    refreshTimes(); // held back a while, they may say "just now" no longer
  }

  function place(fresh) {
    if (!pending.length && readerAtTop()) {
      var y = window.scrollY;
      insert(fresh, true);
      // The browser's scroll anchoring may follow the older posts down: stay where we were.
      if (window.scrollY !== y) window.scrollTo(window.scrollX, y);
    } else {
      pending = fresh.concat(pending);
      refreshButton();
    }
    announce(plural(fresh.length));
  }

  // A reader on a link inside a post that is edited stays on the same link in the new post.
  function replaceKeepingFocus(old, post) {
    var active = document.activeElement;
    var had = active && active !== old && old.contains(active) && active.classList[0];
    old.replaceWith(post);
    if (active === old || had) {
      var again = had ? post.querySelector("." + had) : post;
      if (again === post) post.setAttribute("tabindex", "-1");
      if (again) again.focus({ preventScroll: true });
    }
  }

  // A poll's answer: the new poller, holding the posts that changed since the last one.
  function takeChanges() {
    var poller = document.getElementById("live-poll");
    if (!poller) return;
    var fresh = [];
    var changed = false;
    Array.prototype.slice.call(poller.querySelectorAll(":scope > article.live-post")).forEach(
      function (post) {
        post.remove();
        var state = post.getAttribute("data-state");
        var onPage = shown(post.id);
        var held = pending.findIndex(function (p) {
          return p.id === post.id;
        });
        if (state === "deleted") {
          if (onPage) onPage.remove();
          if (held >= 0) pending.splice(held, 1);
          changed = true;
        } else if (held >= 0) {
          pending[held] = post;
        } else if (onPage) {
          post.removeAttribute("data-state");
          replaceKeepingFocus(onPage, post); // an edit, or a post the page already had
        } else if (state === "new") {
          fresh.push(post);
        }
        // An edit to an older post this page has not loaded: nothing to change.
      }
    );
    if (changed) refreshButton();
    if (fresh.length) place(fresh);
  }

  button.addEventListener("click", function () {
    var posts = pending;
    pending = [];
    refreshButton();
    if (!posts.length) return;
    insert(posts, false);
    posts[0].setAttribute("tabindex", "-1");
    posts[0].focus({ preventScroll: true });
    section.scrollIntoView({ block: "start", behavior: reduceMotion.matches ? "auto" : "smooth" });
  });

  // "Show older updates": the reader pressed it, so focus goes to the first post it brought.
  document.addEventListener("htmx:before:request", function (evt) {
    var ctx = evt.detail && evt.detail.ctx;
    var source = (ctx && ctx.sourceElement) || evt.target;
    if (source && source.classList && source.classList.contains("live-posts__older")) {
      var posts = list.querySelectorAll("article.live-post");
      focusAfterOlder = posts.length ? posts[posts.length - 1] : null;
    }
  });

  document.addEventListener("htmx:after:swap", function () {
    takeChanges();
    if (focusAfterOlder && focusAfterOlder.isConnected) {
      var next = focusAfterOlder.nextElementSibling;
      focusAfterOlder = null;
      if (next && next.matches("article.live-post")) {
        next.setAttribute("tabindex", "-1");
        next.focus({ preventScroll: true });
      }
    }
  });

  // --- permalinks to posts deeper than the page shows -------------------------------------

  function postId(hash) {
    var match = /^#post-(\d+)$/.exec(hash || "");
    return match ? match[1] : null;
  }

  function showPost(id) {
    var post = shown("post-" + id);
    if (post) post.scrollIntoView({ block: "start" });
    return !!post;
  }

  function loadDownTo(id) {
    var url = pageUrl + "?upto=" + encodeURIComponent(id);
    if (!window.htmx) {
      window.location.assign(url + "#post-" + id);
      return;
    }
    window.htmx.ajax("GET", url, { target: list, swap: "innerHTML" }).then(function () {
      // The answer holds the newest posts too: those held back are now on the page.
      pending = pending.filter(function (p) {
        return !shown(p.id);
      });
      refreshButton();
      showPost(id);
    });
  }

  function openHash() {
    var id = postId(window.location.hash);
    if (id && !showPost(id)) loadDownTo(id);
  }

  // Key events link to "?upto=N#post-N" so they work without JavaScript; here they stay on the
  // page, loading the posts down to theirs only when it is not there yet.
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest("a.live-key-events__link");
    if (!link || evt.button !== 0 || evt.metaKey || evt.ctrlKey || evt.shiftKey || evt.altKey) {
      return;
    }
    var id = postId("#" + link.getAttribute("data-post"));
    if (!id) return;
    evt.preventDefault();
    window.history.pushState(null, "", "#post-" + id);
    if (!showPost(id)) loadDownTo(id);
  });

  window.addEventListener("hashchange", openHash);
  openHash();

  // --- "5 min ago", kept current ----------------------------------------------------------

  function ago(then, now) {
    var minutes = Math.max(0, Math.floor((now - then) / 60000));
    if (minutes < 1) return "just now";
    if (minutes < 60) return minutes + " min ago";
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return hours === 1 ? "1 hour ago" : hours + " hours ago";
    var days = Math.floor(hours / 24);
    return days === 1 ? "1 day ago" : days + " days ago";
  }

  function refreshTimes() {
    var now = Date.now();
    document.querySelectorAll("#live [data-ago]").forEach(function (span) {
      var then = Date.parse(span.getAttribute("data-ago"));
      if (!isNaN(then)) span.textContent = ago(then, now);
    });
  }
  refreshTimes();
  window.setInterval(refreshTimes, 30000);
})();
