"""The home page's front as editors arrange it: the lead, the top stories and each section's
block, chosen by story; any place left empty (or whose story readers can no longer see) shows the
newest story that fits. A plain form: each place is a text field with the browser's own
type-ahead (a datalist of recent stories), so it works the same with or without JavaScript."""

from __future__ import annotations

import re

from flask import flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from blueprints.admin.common import bp, form_response, requires, search_text
from extensions import db
from newsroom import fronts
from newsroom.models import Role, Section, Story
from web.caching import content_version
from web.params import parse_int

CHOICES_OFFERED = 150  # the newest stories the type-ahead offers; any other by its number
# What a field may hold: a story's number, alone or as the type-ahead writes it ("123 · Headline");
# a headline that merely starts with a number ("2026 budget ...") is not taken for one.
STORY_NUMBER = re.compile(r"#?\s*(\d{1,10})\s*(?:·.*)?", re.S)


@bp.route("/front", methods=["GET", "POST"])
@requires(Role.EDITOR)
def front():
    """The home page's places, each with the story chosen for it or what fills it now."""
    sections = Section.ordered()
    places = fronts.places(sections)
    saved = fronts.home_front()
    if request.method == "GET":
        chosen = fronts.chosen_ids(saved)
        stories = fronts.stories_for_choice(chosen.values())
        texts = {
            place.field: choice_text(stories.get(chosen.get(place.key)))
            if place.key in chosen
            else ""
            for place in places
        }
        return _page(places, texts, saved)
    texts = {place.field: search_text(request.form.get(place.field))[:300] for place in places}
    sent_revision = parse_int(request.form.get("revision"), minimum=1)
    choices: dict[fronts.Place, int | None] = {}
    errors: dict[str, str] = {}
    for place in places:
        text = texts[place.field]
        match = STORY_NUMBER.fullmatch(text)
        if not text:
            choices[place] = None
        elif match is None:
            errors[place.field] = (
                "Choose a story from the suggestions, or type its number (e.g. 1234)."
            )
        else:
            choices[place] = int(match.group(1))
    stories = fronts.stories_for_choice(choices.values())
    found = fronts.check_choices(choices, stories)
    errors.update({name: message for name, message in found.items() if name not in errors})
    if sent_revision is None:
        errors["revision"] = "This form is incomplete. Reload the page and arrange the front again."
    if errors:
        return _page(places, texts, saved, errors=errors, status=422)
    try:
        changes = fronts.arrange_front(current_user, sent_revision, choices, stories)
        db.session.commit()
    except (fronts.StaleFront, IntegrityError):
        # IntegrityError: two first-ever saves at once, each creating the front.
        db.session.rollback()
        saved = fronts.home_front()
        who = saved.arranged_by.display_name if saved and saved.arranged_by else "Another editor"
        conflict = (
            f"{who} arranged the front page after you opened this form, so it was not saved. "
            "What readers see now is listed under each place; your choices are kept in the "
            "fields. Save again to replace theirs with yours."
        )
        return _page(places, texts, saved, conflict=conflict, status=409)
    if not changes:
        flash("Nothing changed: the front page is as it was.", "success")
        return redirect(url_for("admin.front"), 303)
    flash("The front page is arranged: readers see it now.", "success")
    return redirect(url_for("admin.front"), 303)


def choice_text(story: Story | None) -> str:
    """How a chosen story reads in its field and in the type-ahead: its number, then headline."""
    return f"{story.id} · {story.headline}" if story is not None else ""


def _page(places, texts, saved, *, errors=None, conflict=None, status=200):
    """The form, with what readers see in each place now: the saved choice, or the story that
    fills it automatically (and why, when a chosen story can no longer be shown)."""
    now = fronts.assemble_front(content_version(), per_page=1)
    by_field = {"lead": now.lead}
    by_field.update({f"top_{n + 1}": story for n, story in enumerate(now.top)})
    for section, block in now.sections:
        by_field.update({f"section_{section.id}_{n + 1}": s for n, s in enumerate(block)})
    saved_ids = fronts.chosen_ids(saved)
    showing = {}
    for place in places:
        story, chosen = by_field.get(place.field), saved_ids.get(place.key)
        if chosen is not None and (story is None or story.id != chosen):
            how = "replaced"  # chosen, but unpublished since (or shown in the live box)
        else:
            how = "chosen" if chosen is not None else "automatic"
        showing[place.field] = (story, how, chosen)
    offered = Story.latest(limit=CHOICES_OFFERED)
    return form_response(
        "admin/front.html",
        status,
        places=places,
        texts=texts,
        revision=saved.revision if saved else 1,
        errors=errors or {},
        conflict=conflict,
        showing=showing,
        live_pages=[page for page, _ in now.live_pages],
        offered=offered,
        choice_text=choice_text,
    )
