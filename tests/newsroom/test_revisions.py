"""A story's versions, as the story workflow keeps them: every save keeps one, a restore is a
new one and brings back text only, comparisons mark words (and never let HTML through), and
autosave keeps unsaved text only while nobody saved since. No HTTP here; the screens are in
test_editing_together.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template_string

from extensions import db
from newsroom import revisions
from newsroom.diffs import tokens, word_diff
from newsroom.models import Autosave, Country, Revision, Status, Story, utcnow
from newsroom.models.revision import snapshot_of
from newsroom.stories import StaleRevision, StoryChanges, kill_story, save_story
from tests.factories import StoryFactory, story_changes
from web import presence

HEADLINE = "Typhoon Mawar nears the coast of Luzon"


def changes(**overrides) -> StoryChanges:
    return story_changes(**{"tag_names": ["Weather"], **overrides})


def kept(story: Story) -> list[Revision]:
    return list(reversed(Revision.of(story)))  # oldest first


def test_every_save_keeps_a_revision_with_who_when_and_what_changed(people):
    story = save_story(None, changes(), "save", by=people["writer"])
    save_story(
        story,
        changes(headline="Typhoon Mawar makes landfall", body_md="Winds reached 200 km/h."),
        "save",
        by=people["writer"],
        expected_revision=1,
    )
    save_story(story, changes(), "publish", by=people["editor"], expected_revision=2)
    first, second, third = kept(story)
    assert [r.number for r in kept(story)] == [1, 2, 3] and story.revision == 3
    assert [r.action for r in kept(story)] == ["create", "save", "publish"]
    assert [r.user_id for r in kept(story)] == [people["writer"].id] * 2 + [people["editor"].id]
    assert first.snapshot["headline"] == HEADLINE and first.snapshot["status"] == Status.DRAFT
    assert first.snapshot["countries"] == [
        {"id": Country.by_slug("philippines").id, "name": "Philippines"}
    ]
    assert second.changed_labels == ["Headline", "Body"]
    assert third.changed_labels == ["Headline", "Body", "Status", "Publication time"]
    assert first.at <= second.at <= third.at


def test_a_story_saved_before_revisions_were_kept_keeps_its_earlier_version_too(people):
    story = StoryFactory(headline="Old headline from before revisions")
    save_story(story, changes(), "save", by=people["editor"], expected_revision=1)
    earlier, saved = kept(story)
    assert (earlier.number, earlier.action, saved.number) == (1, "earlier", 2)
    assert earlier.snapshot["headline"] == "Old headline from before revisions"
    assert "Headline" in saved.changed_labels


def test_restoring_brings_back_the_text_as_a_new_revision_and_never_the_status(people):
    story = save_story(None, changes(), "save", by=people["writer"])
    embargo = utcnow() + timedelta(days=1)
    story = save_story(
        story,
        changes(headline="A later headline", embargo_until=embargo),
        "publish",
        by=people["editor"],
    )
    story.is_featured = True  # placement is the desk's, not the text's
    db.session.commit()
    restored = revisions.restore(story, 1, by=people["editor"], expected_revision=2)
    assert story.embargo_until == embargo and not story.is_visible, "the embargo holds"
    assert (restored.number, restored.action, restored.restored_from) == (3, "restore", 1)
    assert restored.action_label == "Restored revision 1"
    assert story.headline == HEADLINE and story.revision == 3
    assert story.status == Status.PUBLISHED, "revision 1 was a draft; the story stays published"
    assert story.is_featured
    assert len(kept(story)) == 3, "restoring keeps every version, the restored one too"


def test_a_restore_over_a_newer_save_is_refused_and_writes_nothing(people):
    story = save_story(None, changes(), "save", by=people["writer"])
    save_story(story, changes(headline="Second"), "save", by=people["writer"])
    with pytest.raises(StaleRevision):
        revisions.restore(story, 1, by=people["editor"], expected_revision=1)
    db.session.rollback()
    assert story.headline == "Second" and len(kept(story)) == 2
    with pytest.raises(LookupError):
        revisions.restore(story, 9, by=people["editor"], expected_revision=2)


def test_killing_keeps_a_revision_too(people):
    story = save_story(None, changes(), "publish", by=people["editor"])
    kill_story(story, "Removed after a court order.", by=people["editor"])
    assert [(r.number, r.action) for r in kept(story)] == [(1, "create"), (2, "kill")]
    assert kept(story)[-1].changed_labels == ["Status"]


def test_words_are_marked_not_letters_and_scripts_without_spaces_by_character():
    assert word_diff("The quick brown fox jumps.", "The slow red fox jumps!") == [
        ("same", "The "),
        ("del", "quick brown"),
        ("ins", "slow red"),
        ("same", " fox jumps"),
        ("del", "."),
        ("ins", "!"),
    ]
    assert word_diff("東京で地震", "大阪で地震") == [
        ("del", "東京"),
        ("ins", "大阪"),
        ("same", "で地震"),
    ]
    assert "".join(tokens("ข่าว 東京 news, 7.1")) == "ข่าว 東京 news, 7.1"
    assert word_diff("One.\r\nTwo.", "One.\nTwo.") == [("same", "One.\nTwo.")]


def test_a_long_body_is_compared_paragraph_by_paragraph():
    paragraphs = [f"Paragraph {n} says what happened at hour {n}." for n in range(3000)]
    edited = paragraphs.copy()
    edited[1500] = "Paragraph 1500 says what happened at noon."
    parts = word_diff("\n\n".join(paragraphs), "\n\n".join(edited))
    assert [p for p in parts if p[0] != "same"] == [("del", "hour 1500"), ("ins", "noon")]


def test_a_comparison_shows_the_text_fields_and_only_the_other_fields_that_changed(people):
    older = snapshot_of(save_story(None, changes(), "save", by=people["writer"]))
    newer = {
        **older,
        "headline": "Typhoon <b>Mawar</b> hits",
        "tags": [{"id": 1, "name": "Storms"}],
    }
    shown = revisions.compare(older, newer)
    assert [c.label for c in shown] == ["Headline", "Standfirst", "Body", "Tags"]
    assert [c.changed for c in shown] == [True, False, False, True]
    html = render_template_string(
        '{% from "_macros/diff.html" import diff_fields %}{{ diff_fields(changes) }}',
        changes=shown,
    )
    assert (
        "Typhoon <ins>&lt;b&gt;</ins>Mawar<del> nears the coast of Luzon</del>"
        "<ins>&lt;/b&gt; hits</ins>" in html
    )
    assert "<b>" not in html
    assert "<del>Weather</del><ins>Storms</ins>" in html


def test_autosave_keeps_one_slot_only_while_nobody_saved_since(people):
    story = save_story(None, changes(), "save", by=people["writer"])
    editor = people["editor"]
    revisions.autosave(story, editor, 1, {"headline": ["Draft one"]}, unchanged=False)
    revisions.autosave(story, editor, 1, {"headline": ["Draft two"]}, unchanged=False)
    slots = db.session.scalars(sa.select(Autosave)).all()
    assert [s.fields for s in slots] == [{"headline": ["Draft two"]}], "one slot, overwritten"
    assert Autosave.offered(story, editor) is not None
    assert len(kept(story)) == 1, "an autosave is not a revision"

    save_story(story, changes(headline="Saved by the writer"), "save", by=people["writer"])
    assert Autosave.offered(story, editor) is None, "a newer save: nothing offered back"
    with pytest.raises(StaleRevision):
        revisions.autosave(story, editor, 1, {"headline": ["Draft three"]}, unchanged=False)
    assert Autosave.slot(story, editor).fields == {"headline": ["Draft two"]}

    revisions.autosave(story, editor, 2, {"headline": ["Again"]}, unchanged=False)
    revisions.autosave(story, editor, 2, {"headline": [HEADLINE]}, unchanged=True)
    assert Autosave.slot(story, editor) is None, "back to the saved text: nothing to offer"

    revisions.autosave(story, editor, 2, {"headline": ["Mine"]}, unchanged=False)
    save_story(story, changes(), "save", by=editor)
    assert Autosave.slot(story, editor) is None, "saving ends your autosave"


def test_presence_names_the_others_and_forgets_whoever_stopped_polling(people, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(presence, "clock", lambda: now[0])
    assert presence.mark_editing(7, people["editor"]) == []
    now[0] += 20
    others = presence.mark_editing(7, people["admin"])
    assert [(e.name, e.since.timestamp()) for e in others] == [("Test Editor", 1_000_000.0)]
    now[0] = 1_000_000.0 + presence.TTL_SECONDS - 1  # the editor closed the tab at the start
    assert [e.name for e in presence.mark_editing(7, people["admin"])] == ["Test Editor"]
    now[0] += 2
    assert presence.mark_editing(7, people["admin"]) == []
    assert [e.name for e in presence.editing(7)] == ["Test Admin"]


def test_a_changed_paragraph_of_thousands_of_words_reads_as_replaced_whole():
    old = " ".join(f"word{i}" for i in range(6001))
    new = " ".join(f"word{i}" if i % 2 else f"term{i}" for i in range(6001))
    assert word_diff(old, new) == [("del", old), ("ins", new)]
    # What the versions share at both ends stays unmarked, however long the paragraph.
    edited = old.replace("word3000 ", "word3000 inserted ")
    assert word_diff(old, edited) == [
        ("same", old.split("word3001")[0]),
        ("ins", "inserted "),
        ("same", "word3001" + old.split("word3001")[1]),
    ]
