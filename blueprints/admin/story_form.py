"""The story form: fill it from a story, and hand what it says to the story workflow
(newsroom.stories), which saves it and moves the story on."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from blueprints.admin.common import form_response, require, search_text
from blueprints.admin.editing import editing_context
from blueprints.admin.forms import StoryForm
from blueprints.admin.photo_forms import PhotoForm
from blueprints.admin.photos import PICKER_PAGE
from blueprints.admin.publishing import publishing_context
from newsroom import stories, zones
from newsroom.models import AuditEntry, Author, Country, Photo, Role, Section, Status, Story

# A body of 200,000 characters in any script, percent-encoded (up to 12 bytes a character), and
# the other fields (nginx allows 3 MB on these addresses).
STORY_FORM_BYTES = 5 * 512 * 1024

STALE = (
    "Someone else saved this story while you were editing it. Your version is below, not saved; "
    "copy what you need, then reload to see theirs."
)
# Without JavaScript, "Find photos" sends the whole story form back to be shown again with the
# photos found; nothing is saved.
FIND_PHOTOS = "find-photos"


# What a story form's post holds that is not the story: kept out of autosaves and previews.
NOT_KEPT = {"csrf_token", "action", "photo_q"}


def form_for(story: Story | None, **options) -> StoryForm:
    """The story form with its times on the signed-in person's clock: every view that reads
    or fills the form (save, autosave, preview) builds it here, so none reads times as UTC."""
    return StoryForm(story=story, zone=zones.zone_of(current_user), **options)


def story_form(story: Story | None):
    """Show the story form (GET) or save it and take the action its button asked for (POST)."""
    form = form_for(story)
    _story_choices(form)
    if request.method == "GET":
        if story is not None:
            _fill_form(form, story)
        else:
            form.lang.data = "en"
            form.revision.data = "0"
        return _render_story_form(form, story)

    _keep_photos_not_sent(form, story)
    form.tags.data = typed_tags(form, request.form)
    action = request.form.get("action", "save")
    if action == FIND_PHOTOS:
        return _render_story_form(form, story, photo_q=request.form.get("photo_q", ""))
    if action not in stories.ACTIONS:
        abort(400, description="Unknown action.")
    # The view needs a writer; what it may do depends on the button: saving or sending a story
    # for review is any writer's, publishing, scheduling and unpublishing are an editor's.
    if action in stories.EDITOR_ACTIONS:
        require(Role.EDITOR)
    if not form.validate():
        return _render_story_form(form, story, status=422)
    try:
        saved = stories.save_story(
            story, _changes(form), action, by=current_user, expected_revision=_sent_revision(form)
        )
    except stories.NotAllowed:
        abort(403)
    except stories.StaleRevision:
        return _render_story_form(form, story, status=409, conflict=STALE, yours=_changes(form))
    except stories.SlugTaken as taken:
        # Nothing is lost: the form comes back with the text in it.
        form.slug.errors = [str(taken)]
        return _render_story_form(form, story, status=409)
    except stories.StoryConflict as conflict:
        return _render_story_form(form, story, status=409, conflict=str(conflict))
    except stories.StoryRefused as refused:
        getattr(form, refused.field).errors = [str(refused)]
        return _render_story_form(form, story, status=422)
    flash(_saved_message(action, saved), "success")
    return redirect(url_for("admin.story_edit", ident=saved.id), 303)


def typed_tags(form: StoryForm, formdata) -> str:
    """The tags, and one typed in the tag picker but not added yet: what was typed is kept."""
    typed = (formdata.get("tags_q") or "").strip()
    return ", ".join(part for part in (form.tags.data or "", typed) if part.strip())


def _sent_revision(form: StoryForm) -> int:
    """The revision the form was filled from; an unreadable one matches no story's (stale)."""
    raw = form.revision.data or ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else -1


def _changes(form: StoryForm) -> stories.StoryChanges:
    """The form's values, for the story service."""
    return stories.StoryChanges(
        headline=form.headline.data,
        slug=form.slug.data or "",
        standfirst=form.standfirst.data or "",
        dateline=form.dateline.data or "",
        dateline_country_id=form.dateline_country.data or None,
        body_md=form.body.data or "",
        kind=form.kind.data,
        section_id=form.section.data,
        country_ids=list(form.countries.data or []),
        author_ids=list(form.authors.data or []),
        tag_names=(form.tags.data or "").split(","),
        lang=form.lang.data,
        hero_photo_id=form.hero_photo.data[0] if form.hero_photo.data else None,
        gallery_ids=list(form.gallery.data),
        source_name=form.source_name.data or "",
        source_url=form.source_url.data or "",
        video_url=form.video_url.data or "",
        is_featured=form.is_featured.data,
        is_breaking=form.is_breaking.data,
        mark_updated=form.mark_updated.data,
        published_at=form.publication_time(),
        no_photo=form.no_photo.data,
        checklist_override=form.checklist_override.data or "",
        embargo_until=form.embargo_time(),
    )


def _render_story_form(form, story, status=200, conflict=None, photo_q=None, yours=None):
    history = []
    embedded_by = []
    if story is not None and story.id:
        history = AuditEntry.about(story, limit=20)
        embedded_by = Story.embedding(story.id, Story.seen_by(current_user))
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
        **publishing_context(form, _changes(form)),
        editing=editing_context(story, yours),
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


def _keep_photos_not_sent(form: StoryForm, story: Story | None) -> None:
    """A form that did not carry the photo fields leaves the story's photos as they are."""
    if story is None:
        return
    if not getattr(form.hero_photo, "sent", False):
        form.hero_photo.data = [story.hero_photo_id] if story.hero_photo_id else []
    if not getattr(form.gallery, "sent", False):
        form.gallery.data = list(story.gallery_ids or [])


def _saved_message(action: str, story: Story) -> str:
    if story.status == Status.SCHEDULED and story.published_at and not story.is_visible:
        zone = zones.zone_of(current_user)
        there = story.published_at.astimezone(zone)
        return f"Story scheduled for {there:%d %b %Y}, {zones.clock(there, zone)}."
    if action == "publish" and story.is_embargoed:
        zone = zones.zone_of(current_user)
        there = story.embargo_until.astimezone(zone)
        return (
            f"Story published under embargo: readers see it from {there:%d %b %Y}, "
            f"{zones.clock(there, zone)}."
        )
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
        zones.wall_clock(story.published_at, form.zone) if story.published_at else None
    )
    form.hero_photo.data = [story.hero_photo_id] if story.hero_photo_id else []
    form.source_name.data = story.source_name
    form.source_url.data = story.source_url
    form.video_url.data = story.video_url
    form.gallery.data = list(story.gallery_ids or [])
    form.is_featured.data = story.is_featured
    form.is_breaking.data = story.is_breaking
    form.revision.data = str(story.revision)
    if story.embargo_until:  # on the editor's clock, like the publication time
        form.embargo_until.data = zones.wall_clock(story.embargo_until, form.zone)
