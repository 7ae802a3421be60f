"""The story form under deadline: its two columns and action bar, the chip pickers and their plain
fallbacks, the error summary, and the preview of unsaved changes in the reader's own template."""

from __future__ import annotations

import lxml.html
import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import Story, Tag
from tests.factories import AuthorFactory, PhotoFactory, StoryFactory, story_form
from tests.helpers import ROOT, form_values


def page(html: str):
    return lxml.html.fromstring(html)


def ids_in(tree, selector_class: str) -> set[str]:
    """The ids of the fields inside the element of this class."""
    (box,) = tree.find_class(selector_class)
    return {el.get("id") for el in box.iter() if el.get("id")}


@pytest.fixture
def bylines(app):
    """Two reporters whose alphabetical order is not the byline's."""
    with app.app_context():
        return AuthorFactory(name="Zainab Qureshi").id, AuthorFactory(name="Arun Bose").id


def test_the_form_reads_in_two_columns_with_the_actions_in_a_bar(editor):
    tree = page(editor.get("/admin/stories/new").text)
    main, side = ids_in(tree, "editor__main"), ids_in(tree, "editor__side")
    assert {"headline", "standfirst", "body", "dateline"} <= main
    assert {"published_at", "section", "countries", "authors", "tags", "photo-picker"} <= side
    form = tree.get_element_by_id("story-form")
    (bar,) = form.find_class("editor__actions")
    assert [b.text_content().strip() for b in bar.iter("button")] == [
        "Save",
        "Preview",
        "Send for review",
        "Publish now",
    ]
    # Keyboard order: the text, then the right column, then the actions.
    parts = [el.get("class") for el in form if el.get("class", "").startswith("editor__")]
    assert parts == ["editor__main", "editor__side", "editor__actions"]
    css = (ROOT / "static/css/admin.css").read_text()
    bar_rule = css[css.index(".editor__actions {") :].split("}")[0]
    assert "position: sticky" in bar_rule and "bottom: 0" in bar_rule


def test_a_writer_gets_save_preview_and_review_only(signed_in):
    tree = page(signed_in("writer").get("/admin/stories/new").text)
    (bar,) = tree.find_class("editor__actions")
    assert [b.text_content().strip() for b in bar.iter("button")] == [
        "Save",
        "Preview",
        "Send for review",
    ]


def test_without_javascript_the_pickers_are_plain_fields_that_htmx_replaces(editor):
    tree = page(editor.get("/admin/stories/new").text)
    for name in ("countries", "authors"):
        (select,) = tree.xpath(f"//select[@id='{name}']")
        assert select.get("multiple") is not None and select.get("name") == name
    (tags,) = tree.xpath("//input[@id='tags']")
    assert tags.get("type") == "text" and tags.get("name") == "tags"
    for name in ("countries", "authors", "tags"):
        wrapper = tree.get_element_by_id(f"{name}-picker")
        assert wrapper.get("hx-get") == f"/admin/pickers/{name}"
        assert wrapper.get("hx-trigger") == "load" and wrapper.get("hx-include") == "this"


def test_without_javascript_the_multi_selects_save_and_keep_the_byline_order(
    editor, query, bylines
):
    zainab, arun = bylines
    data = query(lambda: story_form(authors=[str(zainab), str(arun)], tags="Floods, Rail"))
    saved = editor.post("/admin/stories/new", data=data)
    assert saved.status_code == 303
    edit = saved.headers["Location"]

    def byline():
        story = db.session.scalar(sa.select(Story).order_by(Story.id.desc()))
        return [a.name for a in story.authors], [t.name for t in story.tags]

    assert query(byline) == (["Zainab Qureshi", "Arun Bose"], ["Floods", "Rail"])
    # The form lists the byline first, in its order: saved again as it is, the order holds.
    html = editor.get(edit).text
    chosen = page(html).xpath("//select[@id='authors']/option[@selected]")
    assert [o.text for o in chosen] == ["Zainab Qureshi", "Arun Bose"]
    again = form_values(html)
    again["action"] = "save"
    assert editor.post(edit, data=again).status_code == 303
    assert query(byline) == (["Zainab Qureshi", "Arun Bose"], ["Floods", "Rail"])


def test_the_picker_suggests_matching_names_escaped_and_leaves_out_the_chosen(editor, htmx, query):
    hostile = query(lambda: AuthorFactory(name="<b>Ama</b> & Co").id)
    other = query(lambda: AuthorFactory(name="Ama Boateng").id)
    found = editor.get(
        f"/admin/pickers/authors/options?authors_q=ama&authors={other}", headers=htmx
    )
    assert found.status_code == 200 and "<html" not in found.text
    assert "&lt;b&gt;Ama&lt;/b&gt; &amp; Co" in found.text and "<b>Ama" not in found.text
    assert "Ama Boateng" not in found.text, "a chosen author is not offered again"
    option = page(found.text).xpath("//li[@role='option']")[0]
    assert option.get("hx-get") == f"/admin/pickers/authors?add={hostile}"
    nothing = editor.get("/admin/pickers/countries/options?countries_q=<script>", headers=htmx)
    assert "No country matches “&lt;script&gt;”" in nothing.text
    assert "<script>" not in nothing.text


def test_choosing_and_removing_chips_keeps_their_order(editor, htmx, query, bylines):
    zainab, arun = bylines
    added = editor.get(f"/admin/pickers/authors?authors={zainab}&add={arun}", headers=htmx)
    tree = page(added.text)
    assert [i.get("value") for i in tree.xpath("//input[@name='authors']")] == [
        str(zainab),
        str(arun),
    ]
    assert [s.text for s in tree.xpath("//li[@class='picker__chip']/span")] == [
        "Zainab Qureshi",
        "Arun Bose",
    ]
    combobox = tree.get_element_by_id("authors")
    assert combobox.get("role") == "combobox" and combobox.get("aria-controls") == "authors-options"
    assert tree.get_element_by_id("authors-options").get("role") == "listbox"
    remove = tree.xpath("//button[@aria-label='Remove Zainab Qureshi']")[0]
    assert remove.get("hx-get") == f"/admin/pickers/authors?remove={zainab}"
    removed = editor.get(
        f"/admin/pickers/authors?authors={zainab}&authors={arun}&remove={zainab}", headers=htmx
    )
    assert [i.get("value") for i in page(removed.text).xpath("//input[@name='authors']")] == [
        str(arun)
    ]


def test_the_tag_picker_offers_a_new_tag_and_carries_one_comma_list(editor, htmx, query):
    offered = editor.get(
        "/admin/pickers/tags/options?tags_q=Monsoon+rains&tags=Floods", headers=htmx
    )
    assert "Add new tag “Monsoon rains”" in offered.text
    added = editor.get("/admin/pickers/tags?tags=Floods&add=Monsoon+rains", headers=htmx)
    (carried,) = page(added.text).xpath("//input[@name='tags']")
    assert carried.get("value") == "Floods, Monsoon rains"
    # A tag typed in the picker but not added yet is saved with the others, not lost.
    data = query(lambda: story_form(tags="Floods", tags_q="Rail"))
    assert editor.post("/admin/stories/new", data=data).status_code == 303
    names = query(lambda: [t.name for t in db.session.scalar(sa.select(Story)).tags])
    assert names == ["Floods", "Rail"]


def test_picker_addresses_are_fragments_for_htmx_only(editor):
    assert editor.get("/admin/pickers/authors").status_code == 302
    assert editor.get("/admin/pickers/nothing", headers={"HX-Request": "true"}).status_code == 404


def test_the_error_summary_links_to_each_field_in_error_and_keeps_the_text(editor, query):
    data = query(
        lambda: story_form(
            headline="", slug="Not A Slug", video_url="https://example.org/clip", body="Kept."
        )
    )
    refused = editor.post("/admin/stories/new", data=data)
    assert refused.status_code == 422
    tree = page(refused.text)
    summary = tree.get_element_by_id("error-summary")
    assert summary.get("role") == "alert" and summary.get("autofocus") is not None
    links = {a.get("href"): a.text_content() for a in summary.iter("a")}
    assert set(links) == {"#headline", "#slug", "#video_url"}
    assert links["#video_url"].startswith("Video address: Give a YouTube or Vimeo")
    for href in links:
        field = tree.get_element_by_id(href[1:])
        error = tree.get_element_by_id(f"{href[1:]}-error")
        assert f"{href[1:]}-error" in field.get("aria-describedby").split()
        assert error.text_content() in links[href]
    assert form_values(refused.text)["body"] == "Kept."
    assert form_values(refused.text)["slug"] == "Not A Slug"


def test_a_stale_save_says_so_at_the_top_and_keeps_the_text(editor, query):
    ident = query(lambda: StoryFactory(revision=3).id)
    data = query(lambda: story_form(revision="2", headline="My newer headline"))
    stale = editor.post(f"/admin/stories/{ident}", data=data)
    assert stale.status_code == 409
    conflict = page(stale.text).get_element_by_id("conflict-summary")
    assert conflict.get("role") == "alert" and "Someone else saved" in conflict.text_content()
    assert form_values(stale.text)["headline"] == "My newer headline"


@pytest.fixture
def preview_world(app, bylines):
    """A published story with a related one in its section, a photo and a story to embed."""
    with app.app_context():
        photo = PhotoFactory(alt="Flooded rail tracks near Guwahati", credit="Staff")
        embedded = StoryFactory(headline="Earlier: the rail line reopened in March")
        related = StoryFactory(headline="Related: ferries stop on the Brahmaputra")
        story = StoryFactory(headline="Floods cut rail links", revision=4)
        return {
            "story": story.id,
            "photo": photo.id,
            "embedded": embedded.id,
            "related": related.id,
        }


def preview(client, query, world, **changes):
    """Press Preview on the story's form with these changes: the frame's address and page."""
    data = query(
        lambda: story_form(
            headline="Floods cut rail links across Assam for a third day",
            body=f"Water covered the tracks.\n\n[[nid:{world['embedded']}]]",
            hero_photo=str(world["photo"]),
            gallery=[str(world["photo"])],
            tags="Floods, A brand new tag",
            revision="4",
            **changes,
        )
    )
    shell = client.post(f"/admin/stories/preview?story={world['story']}", data=data)
    assert shell.status_code == 200
    frame = page(shell.text).xpath("//iframe[@class='preview-frame']")[0].get("src")
    return shell, frame, client.get(frame)


def test_preview_shows_the_unsaved_story_in_the_reader_template_and_saves_nothing(
    editor, query, preview_world, bylines
):
    before = query(
        lambda: (
            db.session.scalar(sa.select(sa.func.count()).select_from(Story)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Tag)),
            db.session.get(Story, preview_world["story"]).headline,
        )
    )
    zainab, arun = bylines
    shell, frame, shown = preview(editor, query, preview_world, authors=[str(zainab), str(arun)])
    assert "PREVIEW" in shell.text and "A phone (375 px)" in shell.text
    assert "frame-src 'self'" in shell.headers["Content-Security-Policy"]
    assert shown.status_code == 200
    tree = page(shown.text)
    assert tree.find_class("story__headline")[0].text == (
        "Floods cut rail links across Assam for a third day"
    )
    assert "PREVIEW" in tree.find_class("preview-flag")[0].text_content()
    hero = tree.xpath("//figure[@class='story__hero']//img")[0]
    assert hero.get("alt") == "Flooded rail tracks near Guwahati"
    assert tree.find_class("gallery__item"), "the gallery"
    assert (
        "Earlier: the rail line reopened in March"
        in tree.find_class("story__body")[0].text_content()
    )
    byline = tree.find_class("story__byline")[0].text_content()
    assert " ".join(byline.split()) == "By Zainab Qureshi and Arun Bose"
    assert (
        "Related: ferries stop on the Brahmaputra" in tree.find_class("related")[0].text_content()
    )
    assert "#A brand new tag" in shown.text
    assert '<meta name="robots" content="noindex, nofollow">' in shown.text
    assert shown.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert shown.headers["Cache-Control"] == "private, no-store"
    assert "frame-ancestors 'self'" in shown.headers["Content-Security-Policy"]
    assert shown.headers["X-Frame-Options"] == "SAMEORIGIN"
    after = query(
        lambda: (
            db.session.scalar(sa.select(sa.func.count()).select_from(Story)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Tag)),
            db.session.get(Story, preview_world["story"]).headline,
        )
    )
    assert after == before, "a preview writes nothing: no story, no tag, no change"


def test_a_new_story_previews_before_it_is_ever_saved(editor, query):
    data = query(lambda: story_form(headline="A story not saved yet"))
    shell = editor.post("/admin/stories/preview", data=data)
    frame = page(shell.text).xpath("//iframe[@class='preview-frame']")[0].get("src")
    assert "A story not saved yet" in editor.get(frame).text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(Story))) == 0


def test_a_preview_is_its_authors_alone(signed_in, query, preview_world):
    editor = signed_in("editor")
    _shell, frame, _shown = preview(editor, query, preview_world)
    assert signed_in("admin").get(frame).status_code == 404
    writer = signed_in("writer")
    data = query(lambda: story_form())
    refused = writer.post(f"/admin/stories/preview?story={preview_world['story']}", data=data)
    assert refused.status_code == 404, "a writer cannot preview a colleague's story"


def test_a_pickers_error_goes_along_when_htmx_replaces_the_plain_field(editor, htmx, query):
    refused = editor.post("/admin/stories/new", data=query(lambda: story_form(countries=["999"])))
    assert refused.status_code == 422
    wrapper = page(refused.text).get_element_by_id("countries-picker")
    assert wrapper.get("hx-vals") == '{"error": "Choose countries from the list."}'
    widget = page(editor.get("/admin/pickers/countries?error=Choose+countries", headers=htmx).text)
    assert widget.get_element_by_id("countries-error").text == "Choose countries"
    box = widget.get_element_by_id("countries")
    assert "countries-error" in box.get("aria-describedby").split()
    assert box.get("aria-invalid") == "true"


def test_a_scheduled_story_whose_time_has_come_reads_as_published_on_the_desk(editor, query):
    """Its stored status stays "scheduled" (live_at says it is live); the desk says what readers
    see, and a plain save does not claim it is still waiting."""
    from datetime import timedelta

    from newsroom.models import utcnow
    from tests.factories import StoryFactory

    ident = query(
        lambda: StoryFactory(status="scheduled", published_at=utcnow() - timedelta(minutes=5)).id
    )
    waiting = query(
        lambda: StoryFactory(status="scheduled", published_at=utcnow() + timedelta(hours=5)).id
    )
    for url in (f"/admin/stories/{ident}", "/admin/stories"):
        chips = page(editor.get(url).text).find_class("status")
        assert "published" in [c.text_content() for c in chips], url
    assert (
        "scheduled"
        in page(editor.get(f"/admin/stories/{waiting}").text).find_class("status")[0].text_content()
    )
