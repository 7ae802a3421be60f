"""The story form: fill it from a story, apply it, and move the story through the workflow."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from blueprints.admin.common import form_response, require, search_text
from blueprints.admin.forms import PhotoForm, StoryForm
from blueprints.admin.photos import PICKER_PAGE
from extensions import db
from newsroom.content import make_slug, render_story_body
from newsroom.models import (
    AuditEntry,
    Author,
    Country,
    Photo,
    Role,
    Section,
    SlugRedirect,
    Status,
    Story,
    Tag,
    TickerItem,
    utcnow,
)
from web import auth

# A body of 200,000 characters in any script, percent-encoded (up to 12 bytes a character), and
# the other fields (nginx allows 3 MB on these addresses).
STORY_FORM_BYTES = 5 * 512 * 1024

ACTIONS = {"save", "submit", "publish", "schedule", "unpublish"}
# Without JavaScript, "Find photos" sends the whole story form back to be shown again with the
# photos found; nothing is saved.
FIND_PHOTOS = "find-photos"


def story_form(story: Story | None):
    """Show the story form (GET) or save it and take the action its button asked for (POST)."""
    form = StoryForm(story=story)
    _story_choices(form)
    if request.method == "GET":
        if story is not None:
            _fill_form(form, story)
        else:
            form.lang.data = "en"
            form.revision.data = "0"
        return _render_story_form(form, story)

    _keep_photos_not_sent(form, story)
    action = request.form.get("action", "save")
    if action == FIND_PHOTOS:
        return _render_story_form(form, story, photo_q=request.form.get("photo_q", ""))
    if action not in ACTIONS:
        abort(400, description="Unknown action.")
    # The view needs a writer; what it may do depends on the button: saving or sending a story
    # for review is any writer's, publishing, scheduling and unpublishing are an editor's.
    if action in ("publish", "schedule", "unpublish"):
        require(Role.EDITOR)
    if not form.validate():
        return _render_story_form(form, story, status=422)
    if story is not None and form.revision.data != str(story.revision):
        form.revision.errors = []
        return _render_story_form(
            form,
            story,
            status=409,
            conflict=(
                "Someone else saved this story while you were editing it. Your version is below, "
                "not saved; copy what you need, then reload to see theirs."
            ),
        )
    if story is not None and story.status == Status.KILLED and action != "save":
        return _render_story_form(
            form,
            story,
            status=409,
            conflict="This story was killed: it cannot go back to the site. Write a new story.",
        )
    when = form.publication_time()
    if action == "schedule" and (when is None or when <= utcnow()):
        form.published_at.errors = ["Choose a time in the future to schedule the story."]
        return _render_story_form(form, story, status=422)

    creating = story is None
    if creating:
        story = Story(created_by_id=current_user.id, status=Status.DRAFT.value, revision=0)
        db.session.add(story)
    before = {
        "status": story.status,
        "slug": story.slug,
        "published": story.is_visible,
        "breaking": bool(story.is_visible and story.is_breaking),
    }
    with db.session.no_autoflush:  # the new story is incomplete until the form is applied
        _apply_form(form, story)
        _apply_action(action, story, when)
    was_public = before["published"] or before["status"] == Status.KILLED  # links to it exist
    if was_public and before["slug"] and before["slug"] != story.slug:
        db.session.add(SlugRedirect(old_slug=before["slug"], article_id=story.id))
        db.session.execute(sa.delete(SlugRedirect).where(SlugRedirect.old_slug == story.slug))
    story.revision = (story.revision or 0) + 1
    story.modified_by_id = current_user.id
    try:
        db.session.flush()
        _follow_breaking_box(story, was_breaking=before["breaking"])
        summary = f"{action}: {story.headline}"
        if before["status"] != story.status:
            summary += f" ({before['status'] or 'new'} → {story.status})"
        AuditEntry.record(current_user, "create" if creating else action, story, summary)
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another story took this web address between our check and our write (two editors
        # at once on PostgreSQL). Nothing is lost: the form comes back with the text in it.
        db.session.rollback()
        form.slug.errors = ["Another story took this web address a moment ago; choose another."]
        return _render_story_form(form, None if creating else story, status=409)
    flash(_saved_message(action, story), "success")
    return redirect(url_for("admin.story_edit", ident=story.id), 303)


def _render_story_form(form, story, status=200, conflict=None, photo_q=None):
    history = []
    embedded_by = []
    if story is not None and story.id:
        history = AuditEntry.about(story, limit=20)
        embedded_by = Story.embedding(story.id, auth.stories_seen_by(current_user))
    return form_response(
        "admin/story_form.html",
        status,
        form=form,
        story=story,
        history=history,
        embedded_by=embedded_by,
        conflict=conflict,
        photo_form=PhotoForm(prefix="photo"),
        chosen=_chosen_photos(form, story),
        photo_q=search_text(photo_q),
        found=None if photo_q is None else Photo.library(search_text(photo_q), limit=PICKER_PAGE),
    )


def _chosen_photos(form: StoryForm, story: Story | None) -> list[Photo]:
    """The gallery in its order, the hero, then the story's own (so an unticked one can be ticked
    again), however old: they are always shown, so a save always sends them back."""
    ids = [*(form.gallery.data or []), *(form.hero_photo.data or [])]
    if story is not None:
        ids += [*(story.gallery_ids or []), story.hero_photo_id]
    ids = list(dict.fromkeys(i for i in ids if i))
    found = Photo.by_ids(ids)
    return [found[i] for i in ids if i in found]


def _story_choices(form: StoryForm) -> None:
    countries = Country.all_by_name()
    sections = {s.id: s.name for s in Section.ordered()}
    form.section_ids = set(sections)
    form.section.choices = sections
    form.countries.choices = {c.id: c.name for c in countries}
    form.dateline_country.choices = {0: "(none)", **form.countries.choices}
    form.authors.choices = {a.id: a.name for a in Author.all_by_name()}


def _tags_from(text: str) -> list[Tag]:
    """The tags named in the form, one per web address: "AI, ai" is one tag, not two."""
    tags: dict[str, Tag] = {}
    for name in (t.strip() for t in (text or "").split(",")):
        slug = make_slug(name, max_length=60, fallback="")
        if not slug or slug in tags:  # the form refused names that make no address
            continue
        tag = Tag.by_slug(slug)
        if tag is None:
            tag = Tag(slug=slug, name=name[:80])
            db.session.add(tag)
        tags[slug] = tag
    return list(tags.values())


def _follow_breaking_box(story: Story, was_breaking: bool) -> None:
    """A story that goes live marked Breaking leads the ticker; unmarked or taken off the
    site, it leaves it. Saving it again changes nothing, so an expired item stays expired."""
    is_breaking = bool(story.is_visible and story.is_breaking)
    if is_breaking and not was_breaking:
        item = TickerItem.announce(story)
        db.session.flush()
        AuditEntry.record(current_user, "create", item, item.text)
    elif not story.is_visible:
        TickerItem.withdraw(story)
    elif was_breaking and not story.is_breaking:
        TickerItem.withdraw(story, only_announced=True)


def _keep_photos_not_sent(form: StoryForm, story: Story | None) -> None:
    """A form that did not carry the photo fields leaves the story's photos as they are."""
    if story is None:
        return
    if not getattr(form.hero_photo, "sent", False):
        form.hero_photo.data = [story.hero_photo_id] if story.hero_photo_id else []
    if not getattr(form.gallery, "sent", False):
        form.gallery.data = list(story.gallery_ids or [])


def _saved_message(action: str, story: Story) -> str:
    if story.status == Status.SCHEDULED and story.published_at:
        return f"Story scheduled for {story.published_at:%d %b %Y %H:%M} UTC."
    return {
        "submit": "Story sent to the editors for review.",
        "publish": "Story published.",
        "unpublish": "Story taken off the site.",
    }.get(action, "Story saved.")


def _fill_form(form: StoryForm, story: Story) -> None:
    form.headline.data = story.headline
    form.slug.data = story.slug
    form.standfirst.data = story.standfirst
    form.dateline.data = story.dateline
    form.dateline_country.data = story.dateline_country_id or 0
    form.body.data = story.body_md
    form.kind.data = story.kind
    form.section.data = story.section_id
    form.countries.data = [c.id for c in story.countries]
    form.authors.data = [a.id for a in story.authors]
    form.tags.data = ", ".join(t.name for t in story.tags)
    form.lang.data = story.lang
    form.published_at.data = (
        story.published_at.replace(tzinfo=None, second=0, microsecond=0)
        if story.published_at
        else None
    )
    form.hero_photo.data = [story.hero_photo_id] if story.hero_photo_id else []
    form.correction.data = story.correction
    form.source_name.data = story.source_name
    form.source_url.data = story.source_url
    form.video_url.data = story.video_url
    form.gallery.data = list(story.gallery_ids or [])
    form.is_featured.data = story.is_featured
    form.is_breaking.data = story.is_breaking
    form.revision.data = str(story.revision)


def _apply_form(form: StoryForm, story: Story) -> None:
    story.headline = form.headline.data.strip()
    story.slug = form.slug.data or story.slug or Story.free_slug(story.headline)
    story.standfirst = (form.standfirst.data or "").strip()
    story.dateline = (form.dateline.data or "").strip()
    story.body_md = form.body.data or ""
    story.body_html, story.embed_ids = render_story_body(story.dateline, story.body_md)
    story.kind = form.kind.data
    story.section_id = form.section.data
    story.countries = Country.with_ids(form.countries.data)
    story.dateline_country_id = form.dateline_country.data or None
    authors = Author.with_ids(form.authors.data)
    order = {ident: n for n, ident in enumerate(form.authors.data or [])}
    story.authors = sorted(authors, key=lambda a: order[a.id])
    story.tags = _tags_from(form.tags.data)
    story.lang = form.lang.data
    story.hero_photo_id = form.hero_photo.data[0] if form.hero_photo.data else None
    correction = (form.correction.data or "").strip()
    if correction != (story.correction or ""):
        story.correction = correction
        story.correction_at = utcnow() if correction else None
    story.source_name = (form.source_name.data or "").strip()
    story.source_url = (form.source_url.data or "").strip()
    story.video_url = (form.video_url.data or "").strip()
    story.gallery_ids = list(form.gallery.data)
    story.is_featured = form.is_featured.data
    story.is_breaking = form.is_breaking.data
    if form.mark_updated.data and story.published_at:
        story.updated_at = utcnow()


def _apply_action(action: str, story: Story, when) -> None:
    now = utcnow()
    if action == "submit":
        story.status = Status.REVIEW.value
    elif action == "publish":
        if when and when > now:
            story.status, story.published_at = Status.SCHEDULED.value, when
        else:
            story.status = Status.PUBLISHED.value
            story.published_at = when or story.published_at or now
            if story.published_at > now:
                story.published_at = now
    elif action == "schedule":
        story.status, story.published_at = Status.SCHEDULED.value, when
    elif action == "unpublish":
        story.status = Status.UNPUBLISHED.value
    # A plain save changes the publication time only for an editor (depends on the role, so here).
    elif when is not None and current_user.can(Role.EDITOR):
        story.published_at = when
