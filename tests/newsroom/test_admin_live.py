"""The live desk in the admin (/admin/stories/<id>/live), as the newsroom uses it: an editor opens
a story as a live page, reporters post (a paragraph and a photo), editors change, delete and mark
key events, pin the summary, choose the writers, close and reopen. A post that is refused keeps
its text, with and without htmx."""

from __future__ import annotations

import io
import re

import lxml.html
import pytest
import sqlalchemy as sa

from extensions import db
from newsroom import live
from newsroom.models import AuditEntry, Kind, LivePost, Photo, Story, User
from tests.factories import LivePostFactory, LiveStoryFactory, StoryFactory, UserFactory, jpeg
from tests.helpers import form_values, statements

TEXT = "Winds of 180 km/h were measured at Guiuan as the eye came ashore."
TITLE = "Landfall in Eastern Samar"


@pytest.fixture
def page(query):
    """An open live page with no posts: its id."""
    return query(lambda: LiveStoryFactory(headline="Typhoon Kalmaegi makes landfall").id)


def desk(ident: int) -> str:
    return f"/admin/stories/{ident}/live"


def posts_of(query, ident: int) -> list[LivePost]:
    return query(lambda: LivePost.latest(db.session.get(Story, ident), 50))


def audit(query, ident: int) -> list[str]:
    return query(
        lambda: db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.subject_type == "story", AuditEntry.subject_id == ident)
            .order_by(AuditEntry.id)
        ).all()
    )


def compose(html: str) -> dict:
    """What the post form on this page would send as it stands."""
    return form_values(html, "live-post-form")


def add_writer(query, ident: int, email: str = "writer@asian-news.test") -> None:
    def add():
        story = db.session.get(Story, ident)
        live.set_contributors(story, [User.by_email(email)], by=None)

    query(add)


# --- opening a live page ---------------------------------------------------------------------


def test_an_editor_opens_live_coverage_from_a_story(editor, query):
    ident = query(lambda: StoryFactory(headline="Polls close in Jakarta").id)
    story_form = editor.get(f"/admin/stories/{ident}").text
    assert f'href="{desk(ident)}"' in story_form, "the story form links to its live desk"

    before = editor.get(desk(ident))
    assert before.status_code == 200
    assert "Not a live page yet" in before.text and "Open live coverage" in before.text
    assert 'id="live-post-form"' not in before.text, "no post form before the page is live"

    opened = editor.post(f"{desk(ident)}/open")
    assert opened.status_code == 303 and opened.headers["Location"] == desk(ident)
    after = editor.get(desk(ident)).text
    assert "This story is now a live page" in after
    assert 'id="live-post-form"' in after
    assert query(lambda: db.session.get(Story, ident).kind) == Kind.LIVE
    assert audit(query, ident)[-1] == "live-open"


def test_a_new_story_can_be_written_as_live_coverage(editor):
    form = editor.get("/admin/stories/new").text
    kinds = lxml.html.fromstring(form).xpath('//select[@name="kind"]/option')
    assert ("live", "Live coverage") in [(o.get("value"), o.text) for o in kinds]


def test_a_writer_cannot_open_or_close_coverage(signed_in, query):
    ident = query(lambda: StoryFactory().id)
    writer = signed_in("writer")
    assert writer.post(f"{desk(ident)}/open").status_code == 403
    assert query(lambda: db.session.get(Story, ident).kind) == "news"


# --- posting ---------------------------------------------------------------------------------


def test_an_editor_posts_and_the_post_is_on_the_desk_newest_first(editor, page, query):
    LivePostFactory.reset_sequence()
    query(lambda: LivePostFactory(story=db.session.get(Story, page), minutes_ago=5))
    form = compose(editor.get(desk(page)).text)
    form.update(title=TITLE, body=TEXT, key_event="y")
    sent = editor.post(desk(page), data=form)
    assert sent.status_code == 303
    (post, older) = posts_of(query, page)
    assert sent.headers["Location"] == f"{desk(page)}#post-{post.id}"
    assert (post.title, post.body_md, post.is_key_event) == (TITLE, TEXT, True)

    shown = editor.get(desk(page)).text
    assert "Posted: readers see it now." in shown
    ids = lxml.html.fromstring(shown).xpath('//ol[@id="live-posts"]/li/@id')
    assert ids == [f"post-{post.id}", f"post-{older.id}"]
    assert "Key event" in shown and "180 km/h" in shown
    assert compose(shown)["body"] == "", "the form is empty for the next post"
    assert audit(query, page)[-1] == "live-post"


def test_with_htmx_a_post_comes_back_as_an_empty_form_and_the_new_post(editor, page, query, htmx):
    sent = editor.post(desk(page), data={"body": TEXT, "title": TITLE}, headers=htmx)
    assert sent.status_code == 200 and "<html" not in sent.text
    assert "HX-Request" in sent.headers["Vary"]
    (post,) = posts_of(query, page)
    fragment = lxml.html.fromstring(f"<div>{sent.text}</div>")
    assert fragment.xpath('//form[@id="live-post-form"]//textarea[@name="body"]')[0].text in (
        None,
        "",
        "\n",
    )
    assert "Posted: readers see it now." in sent.text
    partial = fragment.xpath("//hx-partial")[0]
    assert partial.get("hx-target") == "#live-posts" and partial.get("hx-swap") == "afterbegin"
    assert partial.xpath(f'.//li[@id="post-{post.id}"]'), "the new post for the top of the list"


def test_a_reporter_posts_a_paragraph_and_a_photo(editor, page, query):
    form = compose(editor.get(desk(page)).text)
    form.update(body=TEXT, photo_alt="Fishing boats thrown onto the Guiuan sea wall")
    form.update(photo_credit="Ana Reyes/Asian-News.net")
    form["photo"] = (io.BytesIO(jpeg(1600, 1200)), "boats.jpg")
    sent = editor.post(desk(page), data=form, content_type="multipart/form-data")
    assert sent.status_code == 303
    (post,) = posts_of(query, page)
    photo = query(lambda: db.session.scalar(sa.select(Photo).order_by(Photo.id.desc())))
    assert photo.alt == "Fishing boats thrown onto the Guiuan sea wall"
    assert post.body_md.startswith(TEXT), "the text first, the photo after it"
    img = lxml.html.fromstring(post.body_html).xpath("//figure/img")[0]
    assert img.get("src") == f"/media/{photo.key}-1024.jpg"
    assert (img.get("alt"), img.get("width"), img.get("height")) == (photo.alt, "1024", "768")
    assert "Ana Reyes/Asian-News.net" in post.body_html
    shown = editor.get(desk(page)).text
    assert f'src="/media/{photo.key}-1024.jpg"' in shown
    with editor.get(f"/media/{photo.key}-1024.jpg") as served:
        assert served.status_code == 200


def test_a_photo_without_words_for_blind_readers_is_refused_and_the_text_kept(
    editor, page, query, htmx
):
    form = {"body": TEXT, "photo": (io.BytesIO(jpeg()), "boats.jpg")}
    plain = editor.post(desk(page), data=dict(form), content_type="multipart/form-data")
    assert plain.status_code == 422
    assert "Describe the photo" in plain.text and compose(plain.text)["body"] == TEXT
    assert "Choose the photo again" in plain.text
    form["photo"] = (io.BytesIO(jpeg()), "boats.jpg")
    fragment = editor.post(desk(page), data=form, headers=htmx, content_type="multipart/form-data")
    assert fragment.status_code == 422 and "Describe the photo" in fragment.text
    assert "<form" not in fragment.text, "htmx leaves the form (and its text) alone"
    assert posts_of(query, page) == [] and query(lambda: Photo.library()) == []


def test_a_post_refused_as_too_long_once_its_photo_is_added_leaves_no_photo_behind(
    editor, page, query
):
    long_text = "Word " * 3999  # 19,995 characters: the photo's markup takes it past 20,000
    form = {"body": long_text, "photo_alt": "Fishing boats on the Guiuan sea wall"}
    form["photo"] = (io.BytesIO(jpeg()), "boats.jpg")
    refused = editor.post(desk(page), data=form, content_type="multipart/form-data")
    assert refused.status_code == 422 and "Keep a post under 20,000 characters" in refused.text
    assert compose(refused.text)["body"].strip() == long_text.strip(), "the text is kept"
    assert posts_of(query, page) == [] and query(lambda: Photo.library()) == []


@pytest.mark.parametrize(
    ("body", "title", "says"),
    [
        ("   ", "", "Write the post: its text is empty."),
        ("x" * 20_001, "", "Keep a post under 20,000 characters."),
        (TEXT, "t" * 201, "Field cannot be longer than 200 characters."),
    ],
)
def test_a_bad_post_is_refused_with_its_text_kept(editor, page, query, htmx, body, title, says):
    refused = editor.post(desk(page), data={"body": body, "title": title})
    assert refused.status_code == 422 and says in refused.text
    kept = compose(refused.text)
    assert (kept["body"], kept["title"]) == (body, title)
    fragment = editor.post(desk(page), data={"body": body, "title": title}, headers=htmx)
    assert fragment.status_code == 422 and "<form" not in fragment.text
    assert 'role="alert"' in fragment.text
    assert posts_of(query, page) == []


def test_a_writer_not_added_is_refused_and_keeps_the_text(signed_in, page, query, htmx):
    writer = signed_in("writer")
    assert writer.get(desk(page)).status_code == 403
    refused = writer.post(desk(page), data={"body": TEXT, "title": TITLE})
    assert refused.status_code == 403
    assert "ask one to add you" in refused.text
    assert (compose(refused.text)["body"], compose(refused.text)["title"]) == (TEXT, TITLE)
    fragment = writer.post(desk(page), data={"body": TEXT}, headers=htmx)
    assert fragment.status_code == 403 and "ask one to add you" in fragment.text
    assert "<form" not in fragment.text
    assert posts_of(query, page) == []


def test_a_writer_added_by_an_editor_posts_and_changes_only_their_own(
    signed_in, page, query, newsroom
):
    editor = signed_in("editor")
    writers = lxml.html.fromstring(editor.get(desk(page)).text).xpath(
        '//section[@id="live-writers"]//input[@name="writers"]/@value'
    )
    assert writers == [str(newsroom["writer"])], "the editor chooses from active writers"
    saved = editor.post(f"{desk(page)}/writers", data={"writers": [str(newsroom["writer"])]})
    assert saved.status_code == 303
    assert "live-contributors" in audit(query, page)

    theirs = query(lambda: LivePostFactory(story=db.session.get(Story, page), minutes_ago=3).id)
    writer = signed_in("writer")
    shown = writer.get(desk(page)).text
    assert 'name="key_event"' not in shown, "key events are an editor's call"
    assert 'id="live-summary"' not in shown and 'id="live-writers"' not in shown
    sent = writer.post(desk(page), data={"body": "From the field in Tacloban.", "key_event": "y"})
    assert sent.status_code == 303
    mine = posts_of(query, page)[0]
    assert mine.author_id == newsroom["writer"] and not mine.is_key_event

    page_html = writer.get(desk(page)).text
    assert f"/admin/live-posts/{mine.id}" in page_html
    assert f"/admin/live-posts/{theirs}" not in page_html, "no Edit or Delete on others' posts"
    assert writer.get(f"/admin/live-posts/{theirs}").status_code == 403
    changed = writer.post(f"/admin/live-posts/{theirs}", data={"body": "Rewritten"})
    assert changed.status_code == 403 and compose_edit(changed.text)["body"] == "Rewritten"
    assert writer.post(f"/admin/live-posts/{theirs}/delete").status_code == 403
    assert writer.post(f"/admin/live-posts/{theirs}/key-event", data={"on": "1"}).status_code == 403

    edited = writer.post(f"/admin/live-posts/{mine.id}", data={"body": "From Tacloban city."})
    assert edited.status_code == 303
    assert writer.post(f"/admin/live-posts/{mine.id}/delete").status_code == 303
    assert [p.id for p in posts_of(query, page)] == [theirs]


def compose_edit(html: str) -> dict:
    return form_values(html, "live-post-edit")


def test_an_editor_edits_any_post_and_its_time_stays(editor, page, query):
    post = query(lambda: LivePostFactory(story=db.session.get(Story, page), minutes_ago=7))
    form = compose_edit(editor.get(f"/admin/live-posts/{post.id}").text)
    assert form["body"] == post.body_md
    form.update(body="Corrected: winds of 160 km/h.", title="Correction")
    assert editor.post(f"/admin/live-posts/{post.id}", data=form).status_code == 303
    (after,) = posts_of(query, page)
    assert (after.title, after.body_md) == ("Correction", "Corrected: winds of 160 km/h.")
    assert after.posted_at == post.posted_at and after.edited_at is not None
    assert "edited" in editor.get(desk(page)).text
    assert audit(query, page)[-1] == "live-edit"


def test_an_edit_that_is_refused_keeps_the_text(editor, page, query):
    post = query(lambda: LivePostFactory(story=db.session.get(Story, page)).id)
    refused = editor.post(f"/admin/live-posts/{post}", data={"body": "  ", "title": "Kept"})
    assert refused.status_code == 422 and "its text is empty" in refused.text
    assert compose_edit(refused.text)["title"] == "Kept"
    query(lambda: live.delete_post(db.session.get(LivePost, post), by=None))
    late = editor.post(f"/admin/live-posts/{post}", data={"body": "My careful rewrite"})
    assert late.status_code == 409 and "This post was deleted." in late.text
    assert compose_edit(late.text)["body"] == "My careful rewrite"
    assert editor.get(f"/admin/live-posts/{post}").status_code == 404


def test_deleting_asks_first_and_works_without_javascript(editor, page, query, htmx):
    first, second = query(
        lambda: [
            LivePostFactory(story=db.session.get(Story, page), minutes_ago=m).id for m in (9, 4)
        ]
    )
    shown = lxml.html.fromstring(editor.get(desk(page)).text)
    (question,) = shown.xpath(f'//li[@id="post-{first}"]//details')
    assert question.xpath("summary")[0].text_content().strip() == "Delete…"
    assert question.xpath(".//form/@action") == [f"/admin/live-posts/{first}/delete"]
    assert "Delete this post?" in question.text_content()

    gone = editor.post(f"/admin/live-posts/{first}/delete")
    assert gone.status_code == 303 and gone.headers["Location"] == desk(page)
    fragment = editor.post(f"/admin/live-posts/{second}/delete", headers=htmx)
    assert fragment.status_code == 200 and "Post deleted" in fragment.text
    assert f'id="post-{second}"' in fragment.text
    assert posts_of(query, page) == []
    assert audit(query, page).count("live-delete") == 2


def test_an_editor_marks_and_unmarks_a_key_event(editor, page, query, htmx):
    post = query(lambda: LivePostFactory(story=db.session.get(Story, page)).id)
    marked = editor.post(f"/admin/live-posts/{post}/key-event", data={"on": "1"})
    assert marked.status_code == 303 and marked.headers["Location"].endswith(f"#post-{post}")
    assert query(lambda: [p.id for p in LivePost.key_events(db.session.get(Story, page))]) == [post]
    fragment = editor.post(f"/admin/live-posts/{post}/key-event", data={"on": "0"}, headers=htmx)
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith(
        f'<li id="post-{post}"'
    )
    assert "Key event</button>" in fragment.text
    assert query(lambda: LivePost.key_events(db.session.get(Story, page))) == []
    assert audit(query, page)[-2:] == ["live-key-event", "live-key-event-off"]


# --- the page: summary, closing --------------------------------------------------------------


def test_the_summary_is_pinned_and_a_refused_one_keeps_its_text(editor, page, query, htmx):
    saved = editor.post(f"{desk(page)}/summary", data={"summary": "- 3 dead\n- 200,000 moved"})
    assert saved.status_code == 303
    story = query(lambda: db.session.get(Story, page))
    assert "<li>200,000 moved</li>" in story.live_summary_html
    shown = editor.get(desk(page)).text
    assert "200,000 moved" in form_values(shown, "live-summary-form")["summary"]

    too_long = "x" * 5_001
    refused = editor.post(f"{desk(page)}/summary", data={"summary": too_long}, headers=htmx)
    assert refused.status_code == 422 and "under 5,000 characters" in refused.text
    assert form_values(f"<div>{refused.text}</div>", "live-summary-form")["summary"] == too_long
    fragment = editor.post(f"{desk(page)}/summary", data={"summary": ""}, headers=htmx)
    assert fragment.status_code == 200 and "The summary was taken away." in fragment.text
    assert audit(query, page).count("live-summary") == 2


def test_closing_refuses_posts_with_409_and_keeps_the_text_until_reopened(
    editor, page, query, htmx
):
    closed = editor.post(f"{desk(page)}/close")
    assert closed.status_code == 303
    shown = editor.get(desk(page)).text
    assert "Coverage ended" in shown and "Reopen coverage" in shown
    assert 'id="live-post-form"' not in shown

    refused = editor.post(desk(page), data={"body": TEXT, "title": TITLE})
    assert refused.status_code == 409 and "reopen it to post again" in refused.text
    assert compose(refused.text)["body"] == TEXT
    fragment = editor.post(desk(page), data={"body": TEXT}, headers=htmx)
    assert fragment.status_code == 409 and "<form" not in fragment.text
    assert posts_of(query, page) == []

    assert editor.post(f"{desk(page)}/open").status_code == 303
    assert editor.post(desk(page), data={"body": TEXT}).status_code == 303
    assert audit(query, page)[-3:] == ["live-close", "live-reopen", "live-post"]


def test_closing_a_page_that_is_not_open_says_so(editor, query):
    ident = query(lambda: StoryFactory().id)
    refused = editor.post(f"{desk(ident)}/close")
    assert refused.status_code == 409 and "no open live coverage" in refused.text


# --- lists that lead to the desk -------------------------------------------------------------


def test_the_dashboard_and_the_story_list_lead_to_open_live_pages(signed_in, page, query):
    query(lambda: LivePostFactory(story=db.session.get(Story, page)))
    editor = signed_in("editor")
    dashboard = editor.get("/admin/").text
    assert "Live pages" in dashboard and f'href="{desk(page)}"' in dashboard
    assert "1 post" in dashboard
    assert f'href="{desk(page)}"' in editor.get("/admin/stories").text

    writer = signed_in("writer")
    assert f'href="{desk(page)}"' not in writer.get("/admin/").text, "not added: not listed"
    add_writer(query, page)
    assert f'href="{desk(page)}"' in writer.get("/admin/").text


def test_the_desk_reads_the_page_in_a_few_queries_however_many_posts(editor, page, query, app):
    def make():
        story = db.session.get(Story, page)
        for n in range(30):
            LivePostFactory(story=story, minutes_ago=n, author=UserFactory())

    query(make)
    editor.get(desk(page))  # warm the site-wide caches (navigation, ticker)
    with app.app_context(), statements() as seen:
        assert editor.get(desk(page)).status_code == 200
    reads = [s for s in seen if "live_posts" in s or "users" in s]
    assert len(seen) <= 12, seen
    assert len(reads) <= 6, reads


def test_the_photo_markup_is_what_the_body_sanitizer_keeps(app, query):
    from blueprints.admin.live import photo_markup
    from newsroom.content import render_markdown
    from tests.factories import PhotoFactory

    def check():
        photo = PhotoFactory(alt='A "quoted" <b>alt</b>', caption="Boats & nets", credit="AN")
        with app.test_request_context():
            markup = photo_markup(photo)
        html = render_markdown(f"Text first.\n\n{markup}")
        assert re.search(r"<figure><img [^>]*alt=\"A &quot;quoted&quot; &lt;b&gt;alt", html)
        assert "<figcaption>Boats &amp; nets <small>AN</small></figcaption>" in html

    query(check)
