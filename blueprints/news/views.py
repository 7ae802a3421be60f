"""Reader pages for stories: home, article, and every story list."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup

from blueprints.news import live_page
from blueprints.news.lists import (
    FRONT_KINDS,
    ListScope,
    countries_by_latest,
    down_to,
    find_slug,
    first_page_with_front,
    front_ids,
    scope_for,
    stream_arg,
    stream_depth,
)
from extensions import cache, db
from newsroom import fronts
from newsroom.content import expand_embeds
from newsroom.models import SlugRedirect, Status, Story, StoryUpdate, card_page, related_stories
from newsroom.models.region_front import countries_with_latest
from newsroom.profiles import profile_links
from newsroom.video import host_name
from newsroom.zones import utc_offset, zone_name
from web.caching import cached_page, content_version
from web.pages import render_page_or_fragment, wants_fragment
from web.params import cursor_arg

bp = Blueprint("news", __name__)

SLUG_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,200}")
CORRECTIONS_PER_PAGE = 25


@bp.get("/")
@cached_page
def home():
    """The front page: open live coverage, the lead and top stories editors chose (or the
    newest), blocks per kind, region and section, each story once, then the latest stream."""
    per_page = current_app.config["STORIES_PER_PAGE"]
    front = fronts.front_for(content_version(), per_page)
    stories, next_cursor = front.stream, front.stream_cursor
    upto, depth = stream_depth()
    if upto is not None:
        # Back from a story: the stream as far down as the reader had scrolled.
        stories, next_cursor = down_to(upto, {}, exclude_ids=front.shown_ids)
    return render_template(
        "news/home.html",
        live_pages=front.live_pages,
        lead=front.lead,
        top=front.top,
        stories=stories,
        next_cursor=next_cursor,
        depth=depth,
        regions=front.regions,
        sections=front.sections,
        voices=front.voices,
        visuals=front.visuals,
        scope=ListScope(),
        newest=front.newest,
    )


@bp.get("/latest")
@cached_page
def latest():
    """Every published story, newest first."""
    return _story_list(ListScope(), "Latest stories", "Every story, newest first.")


@bp.get("/section/<slug>")
@cached_page
def section(slug):
    """A section's front: its lead and top stories, then its newest stories."""
    scope = scope_for("section", slug)
    return _story_list(scope, scope.subject.name, scope.subject.description)


@bp.get("/country/<slug>")
@cached_page
def country(slug):
    """A country's front: its capital and local time, its lead and top stories, then its newest."""
    scope = scope_for("country", slug)
    subject = scope.subject
    local_now = datetime.now(subject.zone)
    return _story_list(
        scope,
        subject.name,
        f"News from {subject.name}, {subject.region.name}.",
        # The time now, for readers without script; live.js keeps it current on a cached page.
        local_now=local_now,
        zone_label=zone_name(subject.zone, local_now),
        zone_offset=utc_offset(local_now),
    )


@bp.get("/region/<slug>")
@cached_page
def region(slug):
    """A region's front: its lead and top stories, its countries each with their latest story,
    then its newest stories."""
    countries = None
    if request.args.get("before") is None and not wants_fragment():
        # The first page finds the region with its countries and their latest stories in one
        # query; the next pages' fragments need the region only.
        subject, pairs = countries_with_latest(find_slug(slug))
        if subject is None:
            abort(404)
        scope = ListScope(kind="region", subject=subject, filters={"region": subject})
        countries = countries_by_latest(pairs)
    else:
        scope = scope_for("region", slug)
    return _story_list(scope, scope.subject.name, scope.subject.description, countries=countries)


@bp.get("/tag/<slug>")
@cached_page
def tag(slug):
    """A tag's front: its lead and top stories, then the newest stories with the tag."""
    scope = scope_for("tag", slug)
    return _story_list(scope, scope.subject.name, f"Stories tagged “{scope.subject.name}”.")


@bp.get("/author/<slug>")
@cached_page
def author(slug):
    """An author's portrait, role, biography and profiles elsewhere, and their newest stories."""
    scope = scope_for("author", slug)
    profiles = profile_links(scope.subject.profile_urls)
    return _story_list(scope, scope.subject.name, scope.subject.bio, profiles=profiles)


def _story_list(scope: ListScope, title: str, introduction: str, **extra):
    """One page of a list, as a whole page or, for infinite scroll, as the next cards. A
    section's, country's, region's or tag's first page opens with its front (lead and top
    stories), which neither that page's list nor the next pages repeat."""
    before = cursor_arg("before")
    upto, depth = stream_depth()
    if before is not None and upto is not None:
        abort(400, description="This list link is not valid. Start again from the first page.")
    per_page = current_app.config["STORIES_PER_PAGE"]
    # The front page's stream pages through /latest without taking over the front page's URL,
    # and skips the stories the front page shows above it.
    home_stream = stream_arg() == "home" and scope.kind == "latest"
    front = None
    if scope.kind in FRONT_KINDS and before is None:
        front = first_page_with_front(scope, per_page)
        stories, next_cursor = front.stories, front.next_cursor
        if upto is not None:
            # Back from a story: the front, then the list as far down as the reader had scrolled.
            stories, next_cursor = down_to(upto, scope.filters, exclude_ids=frozenset(front.ids))
        if wants_fragment():
            # The first page as list items only (no front above them): the front's stories
            # lead it, so the list read from its start still has every story once.
            stories = [s for s in [front.lead, *front.top] if s is not None] + stories
    else:
        if home_stream:
            skip = fronts.shown_on_front(content_version(), per_page)
        elif scope.kind in FRONT_KINDS:
            skip = frozenset(front_ids(scope, per_page))
        else:
            skip = frozenset()
        if upto is not None:
            stories, next_cursor = down_to(upto, scope.filters, exclude_ids=skip)
        elif home_stream:
            page = fronts.stream_page(skip, before, per_page)
            stories, next_cursor = page.rows, page.next_cursor
        else:
            page = card_page(
                before=before, limit=per_page, exclude_ids=tuple(sorted(skip)), **scope.filters
            )
            stories, next_cursor = page.rows, page.next_cursor
    response = render_page_or_fragment(
        "news/list.html",
        "partials/_story_list_page.html",
        scope=scope,
        title=title,
        introduction=introduction,
        stories=stories,
        next_cursor=next_cursor,
        is_first_page=before is None,
        depth=depth,
        front=front,
        # A section's cards do not repeat the section's name as their kicker.
        omit_section=scope.kind == "section",
        # The front page's stream pages through /latest: cards without pictures, and the
        # address bar keeps the front page's own URL.
        home_stream=home_stream,
        **extra,
    )
    if wants_fragment() and before is not None and stories:
        # Infinite scroll: the address bar records how far the reader has loaded, so that Back
        # from a story opens the list with the same cards above it (see `_down_to`).
        reached = {"upto": stories[-1].cursor, "depth": depth}
        url = (
            url_for("news.home", **reached)
            if home_stream
            else url_for(request.endpoint, **(request.view_args or {}), **reached)
        )
        response.headers["HX-Replace-Url"] = url
    return response


@bp.get("/article/<slug>", endpoint="story")
@cached_page
def story_page(slug):
    """One story in full, with its embeds expanded and related stories beneath; a live page
    with its newest posts (or, for htmx, the older posts or those down to a permalink's)."""
    if not SLUG_PATTERN.fullmatch(slug):
        abort(404)
    story = Story.for_reading(slug)
    if story is None:
        moved = db.session.scalar(sa.select(SlugRedirect).where(SlugRedirect.old_slug == slug))
        if moved is not None and moved.article.status == Status.KILLED:
            return _gone(moved.article)
        if moved is not None and moved.article.is_visible:
            return redirect(url_for("news.story", slug=moved.article.slug), 301)
        abort(404)
    if story.status == Status.KILLED:
        return _gone(story)
    preview = not story.is_visible
    if preview and not _may_preview(story):
        abort(404)
    live = live_page.for_reading(story, embed_cards) if story.is_live_page else None
    if live is not None and wants_fragment():
        # "Show older updates" and a permalink's load: the posts, in place under those shown.
        response = make_response(render_template("news/_live_posts_page.html", live=live))
        response.vary.add("HX-Request")
        return response
    return render_template(
        "news/story.html",
        story=story,
        body=render_body(story),
        related=related_stories(story),
        updates=StoryUpdate.of(story),
        preview=preview,
        video_host=host_name(story.video_url) if story.video_url else "",
        live=live,
    )


def _gone(story: Story):
    """A killed story's addresses: 410 Gone, with the newsroom's notice saying why."""
    return render_template("news/killed.html", story=story), 410


def _may_preview(story: Story) -> bool:
    """Newsroom members see the unpublished stories they may see in the admin, at their address."""
    return current_user.is_authenticated and story.is_seen_by(current_user)


@bp.get("/article/<slug>/video")
def video(slug):
    """The video player of a video story, loaded only when the reader presses play."""
    story = Story.for_reading(slug) if SLUG_PATTERN.fullmatch(slug) else None
    if story is None or not story.is_visible or not story.video_embed:
        abort(404)
    return render_page_or_fragment(
        "news/video.html",
        "news/_video_player.html",
        story=story,
        video_host=host_name(story.video_url),
    )


@bp.get("/n/<int:ident>")
def by_id(ident):
    """Short link by story number: a permanent redirect to the story's canonical URL."""
    story = db.session.get(Story, ident)
    if story is not None and story.status == Status.KILLED:
        return _gone(story)
    if story is None or not story.is_visible:
        abort(404)
    return redirect(url_for("news.story", slug=story.slug), 301)


@bp.get("/corrections")
@cached_page
def corrections():
    """Every correction we have published, newest first, each with a link to its story."""
    before = cursor_arg("before")
    page = StoryUpdate.corrections_page(before=before, limit=CORRECTIONS_PER_PAGE)
    return render_template(
        "news/corrections.html",
        corrections=page.rows,
        next_cursor=page.next_cursor,
        is_first_page=before is None,
    )


def render_body(story: Story) -> Markup:
    """The story's sanitized body with [[nid:N]] tokens turned into cards of the current stories."""
    if not story.embed_ids:
        return Markup(story.body_html)  # sanitized at save  # noqa: S704  # nosec B704
    cards, links = embed_cards(tuple(story.embed_ids))
    return expand_embeds(story.body_html, cards, links)


def embed_cards(ids: tuple[int, ...]) -> tuple[dict, dict]:
    """Rendered cards and inline links for embedded stories, cached per content version."""
    key = f"embeds:{content_version()}:{','.join(map(str, ids))}"
    found = cache.get(key)
    if found is None:
        stories = Story.by_ids(ids)
        found = (
            {i: render_template("partials/_embed_card.html", story=s) for i, s in stories.items()},
            {i: render_template("partials/_embed_link.html", story=s) for i, s in stories.items()},
        )
        cache.set(key, found, timeout=600)
    cards, links = found
    # Both were rendered by our own templates with autoescaping on.
    cards = {i: Markup(h) for i, h in cards.items()}  # noqa: S704  # nosec B704
    links = {i: Markup(h) for i, h in links.items()}  # noqa: S704  # nosec B704
    return cards, links
