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
 * It also keeps "5 min ago" current, and loads older posts in place ("Show older updates", and
 * a permalink to a post beyond those shown: ?upto=N), merging them into the list (see merge()).
 * Without JavaScript the page is complete: the newest posts, "Show older updates" links, and
 * key events that load the page down to their post.
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
  // Polls' news of posts not on the page (id -> the post as edited, or null once deleted), for
  // older posts loaded later, whose answer may have left the server before that news.
  var offPage = {};
  var FOCUSABLE = "a[href], button, input, [tabindex]";

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

  function focusOn(element) {
    if (!element.matches(FOCUSABLE)) element.setAttribute("tabindex", "-1");
    element.focus({ preventScroll: true });
  }

  // A reader on a link inside a post that is edited stays on the same link in the new post,
  // found again by its place among the post's focusable elements (links in a post's text have
  // no class or id); on the post itself when the new post has fewer.
  function replaceKeepingFocus(old, post) {
    var active = document.activeElement;
    var inside = active && old.contains(active);
    var index = inside ? Array.prototype.indexOf.call(old.querySelectorAll(FOCUSABLE), active) : -1;
    old.replaceWith(post);
    if (inside) focusOn((index >= 0 && post.querySelectorAll(FOCUSABLE)[index]) || post);
  }

  function nextPost(element, direction) {
    var sibling = element[direction];
    return sibling && sibling.matches("article.live-post") ? sibling : null;
  }

  // A deleted post holding focus hands it to the next post (or the previous, or the list),
  // without a word: focus must not fall back to the top of the page.
  function removeKeepingFocus(old) {
    var active = document.activeElement;
    var heir = active && old.contains(active)
      ? nextPost(old, "nextElementSibling") || nextPost(old, "previousElementSibling") || list
      : null;
    old.remove();
    if (heir) focusOn(heir);
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
          if (onPage) removeKeepingFocus(onPage);
          if (held >= 0) pending.splice(held, 1);
          offPage[post.id] = null;
          changed = true;
        } else if (held >= 0) {
          pending[held] = post;
        } else if (onPage) {
          post.removeAttribute("data-state");
          replaceKeepingFocus(onPage, post); // an edit, or a post the page already had
        } else if (state === "new") {
          fresh.push(post);
        } else {
          offPage[post.id] = post; // an edit to an older post not loaded: kept for merge()
        }
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

  document.addEventListener("htmx:after:swap", takeChanges);

  // --- older posts, loaded in place --------------------------------------------------------

  // The page's stamp: the poller's, which each poll's answer moves on (a page of older posts
  // has no poller, and keeps the stamp it was served with).
  function stamp() {
    var poller = document.getElementById("live-poll");
    return (poller || section).getAttribute("data-since");
  }

  function lastPost() {
    var posts = list.querySelectorAll("article.live-post");
    return posts.length ? posts[posts.length - 1] : null;
  }

  // An answer of older posts ("Show older updates", or ?upto=N) is merged into the list, never
  // put in its place, for two reasons:
  //   - shared caches (nginx, the browser) keep such answers up to 30 s (max-age=10,
  //     stale-while-revalidate=20) while a poll's answer is kept 2 s, so the page may be newer.
  //     Each request therefore carries the page's stamp (?since=, part of every cache key): any
  //     copy of that URL was made after the reader's state, and is never older than it;
  //   - a poll may still overtake the answer on its way. So posts the page shows stay as the
  //     polls left them; posts newer than all those shown are left to the poller (which
  //     announces them); posts not shown are added in order, as the polls last knew them
  //     (offPage), deleted ones not at all.
  // `after`: where the answer's posts go when they do not meet one shown (null: above them all).
  // Returns the first post added.
  function merge(html, after) {
    var answer = new DOMParser().parseFromString(html, "text/html").body; // inert: no scripts run
    var added = null;
    answer.querySelectorAll("article.live-post").forEach(function (post) {
      var onPage = shown(post.id);
      if (onPage) {
        after = onPage;
      } else if (after && offPage[post.id] !== null) {
        if (offPage[post.id]) post = offPage[post.id];
        delete offPage[post.id];
        post.removeAttribute("data-state");
        after.after(post);
        after = post;
        added = added || post;
      }
    });
    // The answer's "Show older updates" (or the end) replaces the page's when it reaches as far.
    var more = answer.querySelector(".live-posts__more, .live-posts__end");
    var ours = list.querySelector(":scope > .live-posts__more, :scope > .live-posts__end");
    if (more && after && after === lastPost()) {
      if (ours) ours.replaceWith(more);
      else list.appendChild(more);
    }
    refreshTimes();
    return added;
  }

  function load(url, after) {
    var address = new URL(url, window.location.href);
    if (stamp()) address.searchParams.set("since", stamp());
    return window
      .fetch(address.pathname + address.search, { headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        return merge(html, after);
      });
  }

  // "Show older updates": the reader pressed it, so focus goes to the first post it brought.
  var loadingOlder = false;
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest("#live-posts a.live-posts__older");
    if (!link || evt.button !== 0 || evt.metaKey || evt.ctrlKey || evt.shiftKey || evt.altKey) {
      return;
    }
    evt.preventDefault();
    if (loadingOlder) return;
    loadingOlder = true;
    link.setAttribute("aria-busy", "true");
    load(link.getAttribute("href"), lastPost())
      .then(function (first) {
        var next = first || list.querySelector(".live-posts__older");
        if (next) focusOn(next);
      })
      .catch(function () {
        link.removeAttribute("aria-busy"); // nothing changed: the reader may press it again
      })
      .finally(function () {
        loadingOlder = false;
      });
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

  // The page from the newest post down to post `id`, merged in above nothing (posts held back
  // stay held); if it cannot be fetched, the page down to it as a link without script opens it.
  function loadDownTo(id) {
    var url = pageUrl + "?upto=" + encodeURIComponent(id);
    load(url, null).then(
      function () {
        showPost(id);
      },
      function () {
        window.location.assign(url + "#post-" + id);
      }
    );
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
