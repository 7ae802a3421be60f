"""A reader on a live coverage page in a real browser: posts arriving at the top, the "N new
updates" button further down, edits and deletions in place, a permalink deep in the page,
reading without JavaScript, the end of polling when the coverage closes, and axe."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.helpers import ROOT, serious_axe_violations

SCREENSHOTS = ROOT / "docs" / "screenshots"
HEADLINE = "Typhoon Kalmaegi makes landfall in Eastern Samar"

# A live page written the way the desk does it (newsroom.live), with posts a few minutes apart.
SETUP = """
import json
from datetime import timedelta
import sqlalchemy as sa
from extensions import db
from newsroom import live
from newsroom.models import Photo, Story, utcnow
from tests.factories import LiveStoryFactory, UserFactory
from web.urls import media_url

editor = UserFactory(name="Maria Santos", role="editor", email=f"santos{COUNT}@asian-news.test")
story = LiveStoryFactory(
    headline=HEADLINE,
    body_md="",
    standfirst="The strongest storm of the year crosses the central Philippines, "
    "bringing winds of 185 km/h and a storm surge to coastal towns.",
)
live.set_summary(
    story,
    "- Kalmaegi made landfall near **Guiuan**, Eastern Samar, at 05:40\\n"
    "- More than 40,000 people spent the night in evacuation centres\\n"
    "- Flights in and out of Tacloban are suspended until Thursday",
    None,
)
photo = db.session.scalar(sa.select(Photo).order_by(Photo.id))
with app.test_request_context():
    photo_src = media_url(photo, photo.best_width(800))
other = db.session.scalar(sa.select(Story).where(Story.kind == "news").order_by(Story.id))
ids = []
for n in range(1, COUNT + 1):
    body = f"Update {n}: wind gauges at the coast read {100 + n * 3} km/h as the eye moved inland."
    title = ""
    if n == 2:
        title, body = "Landfall near Guiuan", "The eye of the storm crossed the coast near Guiuan at 05:40 local time, the weather service said."
    if n == COUNT - 1:
        body = f"Rescue crews reached the outskirts of Borongan.\\n\\n![Rescue crews wade through floodwater]({photo_src})"
    if n == COUNT:
        title = "Evacuation centres full in Tacloban"
        body = f"> \\"We have no more room,\\" said the city's disaster officer.\\n\\n[[nid:{other.id}]]"
    post = live.add_post(story, editor, body, title=title, key_event=n in (2, COUNT))
    post.posted_at = post.changed_at = utcnow() - timedelta(minutes=(COUNT - n) * 7)
    ids.append(post.id)
story.live_changed_at = utcnow()
db.session.commit()
print(json.dumps({"slug": story.slug, "id": story.id, "posts": ids}))
"""


@pytest.fixture
def live_server_env() -> dict:
    """Readers' pages poll their live page every second here (15 s on the real site)."""
    return {"HTTP_MAX_AGE": "0", "LIVE_POLL_SECONDS": "1"}


def open_coverage(live_server, count: int = 25) -> dict:
    """A live page with `count` posts; its slug, id and post ids (oldest first)."""
    code = f"HEADLINE = {HEADLINE!r}\nCOUNT = {count}\n" + SETUP
    return json.loads(live_server.python(code).strip().splitlines()[-1])


def add_to_summary(live_server, slug: str, line: str) -> None:
    change(
        live_server,
        f"story = live.story_by_slug({slug!r})\n"
        f"live.set_summary(story, story.live_summary_md + '\\n- ' + {line!r}, None)\n",
    )


def post(live_server, slug: str, text: str, *extra: str) -> None:
    live_server.flask("live", "post", slug, text, *extra)


def change(live_server, code: str) -> None:
    """Run code with `live` (newsroom.live) and `post_of(id)` at hand, as the desk would."""
    live_server.python(
        "from extensions import db\nfrom newsroom import live\nfrom newsroom.models import LivePost\n"
        "def post_of(ident): return db.session.get(LivePost, ident)\n" + code
    )


def polls(page) -> list[int]:
    statuses: list[int] = []
    page.on("response", lambda r: "/live/coverage/" in r.url and statuses.append(r.status))
    return statuses


def first_post(page):
    return page.locator("#live-posts article.live-post").first


def test_a_reader_at_the_top_sees_a_new_post_slide_in(page, live_server):
    coverage = open_coverage(live_server)
    statuses = polls(page)
    page.goto(f"{live_server.url}/article/{coverage['slug']}")
    expect(page.locator("#live-status")).to_contain_text("Live")
    page.evaluate("window.sameDocument = true")
    page.wait_for_timeout(1500)
    assert statuses and set(statuses) == {204}, statuses

    post(live_server, coverage["slug"], "The storm surge reached 3 metres in Guiuan.")
    expect(first_post(page)).to_contain_text("The storm surge reached 3 metres", timeout=6000)
    expect(first_post(page)).to_have_class(re.compile("live-post--arriving"))
    expect(page.locator("#live-announcer")).to_have_text("1 new update")
    expect(page.locator("#live-new")).to_be_hidden()
    assert page.title().startswith(HEADLINE), "no count in the title for a reader at the top"
    assert page.evaluate("window.sameDocument === true"), "no reload"
    assert page.evaluate("window.scrollY") == 0
    assert page.evaluate("document.activeElement === document.body"), "focus stays put"
    assert 200 in statuses


def test_without_motion_new_posts_arrive_without_sliding(browser, live_server):
    coverage = open_coverage(live_server, count=3)
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{live_server.url}/article/{coverage['slug']}")
    page.wait_for_timeout(500)
    post(live_server, coverage["slug"], "Power is out across Eastern Samar.")
    expect(first_post(page)).to_contain_text("Power is out across Eastern Samar", timeout=6000)
    expect(first_post(page)).not_to_have_class(re.compile("live-post--arriving"))
    context.close()


def test_a_reader_further_down_gets_a_button_and_a_count_and_is_not_moved(page, live_server):
    coverage = open_coverage(live_server)
    page.goto(f"{live_server.url}/article/{coverage['slug']}")
    page.locator(f"#post-{coverage['posts'][-12]}").scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(300)
    y = page.evaluate("window.scrollY")
    assert y > 1000
    newest_before = first_post(page).get_attribute("id")

    post(live_server, coverage["slug"], "The weather service lowered the storm signal for Leyte.")
    post(live_server, coverage["slug"], "Bridges on the Maharlika Highway are closed.")
    button = page.locator("#live-new")
    expect(button).to_have_text(re.compile(r"2 new updates"), timeout=8000)
    expect(button).to_be_in_viewport()
    assert page.title().startswith("(2) " + HEADLINE)
    assert page.evaluate("window.scrollY") == y, "the reader is not moved"
    assert first_post(page).get_attribute("id") == newest_before, "nothing inserted above them"
    expect(page.locator("#live-announcer")).to_have_text(re.compile(r"new update"))

    button.click()
    expect(first_post(page)).to_contain_text("Bridges on the Maharlika Highway are closed.")
    expect(page.locator("#live-posts article.live-post").nth(1)).to_contain_text("storm signal")
    expect(button).to_be_hidden()
    assert page.title() == page.evaluate("document.title") and not page.title().startswith("(")
    expect(page.locator("#live-title")).to_be_in_viewport()
    assert page.evaluate(
        "document.activeElement === document.querySelector('#live-posts article.live-post')"
    ), "the reader pressed the button: focus goes to the first new update"


def test_edited_posts_change_in_place_and_deleted_ones_disappear(page, live_server):
    coverage = open_coverage(live_server)
    newest, second = coverage["posts"][-1], coverage["posts"][-2]
    page.goto(f"{live_server.url}/article/{coverage['slug']}")
    expect(page.locator(f"#post-{newest}")).to_contain_text("We have no more room")
    # A keyboard reader on a key event keeps their place when the page's key events refresh.
    page.locator("#live-key-events a").first.focus()
    add_to_summary(live_server, coverage["slug"], "Storm signal 4 raised over Samar")
    expect(page.locator("#live-summary")).to_contain_text("Storm signal 4", timeout=6000)
    assert page.evaluate("document.activeElement.closest('#live-key-events') !== null")
    # ... and one on the permalink of a post that is corrected keeps theirs in the new post.
    page.locator(f"#post-{newest} .live-post__share").focus()
    change(
        live_server,
        f"live.edit_post(post_of({newest}), None, 'Correction: the centres in Tacloban still have"
        f" room for 2,000 people.', title='Evacuation centres near capacity')\n"
        f"live.delete_post(post_of({second}), None)\n",
    )
    edited = page.locator(f"#post-{newest}")
    expect(edited).to_contain_text("still have room for 2,000 people", timeout=6000)
    expect(edited).to_contain_text("Evacuation centres near capacity")
    expect(edited).to_contain_text("Updated")
    expect(page.locator(f"#post-{second}")).to_have_count(0)
    assert first_post(page).get_attribute("id") == f"post-{newest}", "an edit stays in its place"
    assert page.evaluate(
        f"document.activeElement === document.querySelector('#post-{newest} .live-post__share')"
    ), "focus stays on the same link"
    expect(page.locator("#live-new")).to_be_hidden()


def test_a_permalink_deep_in_the_page_opens_with_that_post_in_view(page, live_server):
    coverage = open_coverage(live_server, count=45)
    deep = coverage["posts"][3]
    page.goto(f"{live_server.url}/article/{coverage['slug']}#post-{deep}")
    target = page.locator(f"#post-{deep}")
    expect(target).to_be_in_viewport(timeout=6000)
    expect(target).to_contain_text("Update 4:")
    assert page.url.endswith(f"#post-{deep}")
    # The key event beyond the first twenty posts: the same, from its link.
    page.goto(f"{live_server.url}/article/{coverage['slug']}")
    key = coverage["posts"][1]
    page.locator("#live-key-events a", has_text="Landfall near Guiuan").click()
    expect(page.locator(f"#post-{key}")).to_be_in_viewport(timeout=6000)
    assert page.url.endswith(f"/article/{coverage['slug']}#post-{key}")


def test_show_older_updates_loads_in_place(page, live_server):
    coverage = open_coverage(live_server)
    page.goto(f"{live_server.url}/article/{coverage['slug']}")
    expect(page.locator("#live-posts article.live-post")).to_have_count(20)
    page.locator("a.live-posts__older").click()
    expect(page.locator("#live-posts article.live-post")).to_have_count(25)
    expect(page.locator(".live-posts__end")).to_have_text("This is where the coverage began.")
    assert page.url == f"{live_server.url}/article/{coverage['slug']}"
    assert page.evaluate("document.activeElement.id") == f"post-{coverage['posts'][4]}"


def test_without_javascript_a_reader_reads_every_post_with_show_older_updates(browser, live_server):
    coverage = open_coverage(live_server, count=45)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/article/{coverage['slug']}")
    expect(page.locator("#live-summary")).to_contain_text("What we know")
    shown = page.eval_on_selector_all("#live-posts article.live-post", "a => a.map(e => e.id)")
    while page.locator("a.live-posts__older").count():
        page.locator("a.live-posts__older").click()
        page.wait_for_load_state()
        assert re.search(r"\?before=\d+-\d+$", page.url)
        expect(page.locator(".live__back a")).to_have_text("Back to the latest updates")
        shown += page.eval_on_selector_all("#live-posts article.live-post", "a => a.map(e => e.id)")
    assert shown == [f"post-{i}" for i in reversed(coverage["posts"])]
    # A key event deep in the page: a real link to the page down to its post.
    page.goto(f"{live_server.url}/article/{coverage['slug']}")
    page.locator("#live-key-events a", has_text="Landfall near Guiuan").click()
    page.wait_for_load_state()
    expect(page.locator(f"#post-{coverage['posts'][1]}")).to_be_in_viewport()
    context.close()


def test_closing_the_coverage_stops_polling(page, live_server):
    coverage = open_coverage(live_server, count=3)
    statuses = polls(page)
    page.goto(f"{live_server.url}/article/{coverage['slug']}")
    page.wait_for_timeout(1500)
    assert statuses
    live_server.flask("live", "close", coverage["slug"])
    expect(page.locator("#live-status")).to_contain_text("Live coverage ended", timeout=6000)
    expect(page.locator("#live-poll")).not_to_have_attribute("hx-get", re.compile("."))
    seen = len(statuses)
    page.wait_for_timeout(3000)
    assert len(statuses) == seen, "no poll after the coverage closed"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_live_page_has_no_serious_axe_violations_and_fits_phones(browser, live_server, scheme):
    coverage = open_coverage(live_server)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((375, 812), (1280, 900)):
        context = browser.new_context(
            bypass_csp=True, color_scheme=scheme, viewport={"width": width, "height": height}
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/article/{coverage['slug']}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the live page overflows by {overflow}px at {width}px"
        problems = serious_axe_violations(page)
        assert not problems, "\n".join(problems)
        if scheme == "light" or width == 375:
            name = f"live-page-{width}" + ("-dark" if scheme == "dark" else "")
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
            page.evaluate("document.getElementById('live').scrollIntoView()")
            page.screenshot(path=str(SCREENSHOTS / f"{name}-posts.png"))
        if scheme == "light" and width == 1280:
            # The "new updates" button as a reader further down sees it.
            page.locator(f"#post-{coverage['posts'][-8]}").scroll_into_view_if_needed()
            post(live_server, coverage["slug"], "Classes are suspended in Samar and Leyte.")
            expect(page.locator("#live-new")).to_be_visible(timeout=8000)
            page.screenshot(path=str(SCREENSHOTS / "live-page-1280-new-updates.png"))
        context.close()


# --- answers from shared caches, and focus in posts that change ----------------------------


def shared_cache(context, pattern) -> None:
    """Keep the first answer to each URL matching `pattern` and give it again, however old, as
    nginx's micro-cache and the browser's cache may (`public, max-age=10,
    stale-while-revalidate=20` on the live page's fragments)."""
    kept: dict[tuple, dict] = {}

    def answer(route):
        key = (route.request.url, route.request.headers.get("hx-request"))
        if key not in kept:
            response = route.fetch()
            kept[key] = {
                "status": response.status,
                "headers": response.headers,
                "body": response.body(),
            }
        route.fulfill(**kept[key])

    context.route(pattern, answer)


def post_ids(page) -> list[str]:
    return page.eval_on_selector_all("#live-posts article.live-post", "a => a.map(e => e.id)")


def edit_and_delete_at_the_top(live_server, coverage) -> None:
    """A new post, the newest corrected and the one before deleted, as the reader's poll sees."""
    newest, second = coverage["posts"][-1], coverage["posts"][-2]
    post(live_server, coverage["slug"], "Storm surge warnings are lifted for Leyte.")
    change(
        live_server,
        f"live.edit_post(post_of({newest}), None, 'Correction: the centres in Tacloban still"
        f" have room for 2,000 people.')\nlive.delete_post(post_of({second}), None)\n",
    )


def expect_the_top_as_edited(page, coverage) -> None:
    expect(first_post(page)).to_contain_text("Storm surge warnings are lifted", timeout=6000)
    expect(page.locator(f"#post-{coverage['posts'][-1]}")).to_contain_text("still have room")
    expect(page.locator(f"#post-{coverage['posts'][-2]}")).to_have_count(0)


def test_loading_down_to_a_post_keeps_what_the_page_already_shows(page, live_server):
    coverage = open_coverage(live_server, count=45)
    posts, url = coverage["posts"], f"{live_server.url}/article/{coverage['slug']}"
    shared_cache(page.context, re.compile(r"\?(.*&)?upto="))
    # Another reader loads the page down to the key event: a shared cache keeps their answer.
    other = page.context.new_page()
    other.goto(url)
    other.locator("#live-key-events a", has_text="Landfall near Guiuan").click()
    expect(other.locator(f"#post-{posts[1]}")).to_be_in_viewport(timeout=6000)
    other.close()
    # An older post is deleted before this reader comes; then their poll brings three changes.
    change(live_server, f"live.delete_post(post_of({posts[10]}), None)\n")
    page.goto(url)
    edit_and_delete_at_the_top(live_server, coverage)
    expect_the_top_as_edited(page, coverage)

    page.locator("#live-key-events a", has_text="Landfall near Guiuan").click()
    expect(page.locator(f"#post-{posts[1]}")).to_be_in_viewport(timeout=6000)
    expect_the_top_as_edited(page, coverage)
    expect(page.locator(f"#post-{posts[10]}")).to_have_count(0)
    assert post_ids(page)[1:] == [
        f"post-{i}" for i in reversed(posts[1:]) if i not in (posts[-2], posts[10])
    ]


def test_show_older_updates_never_brings_back_a_deleted_post(page, live_server):
    coverage = open_coverage(live_server, count=45)
    posts, url = coverage["posts"], f"{live_server.url}/article/{coverage['slug']}"
    shared_cache(page.context, re.compile(r"\?(.*&)?before="))
    other = page.context.new_page()
    other.goto(url)
    other.locator("a.live-posts__older").click()
    expect(other.locator("#live-posts article.live-post")).to_have_count(40)
    other.close()
    change(live_server, f"live.delete_post(post_of({posts[22]}), None)\n")
    page.goto(url)

    page.locator("a.live-posts__older").click()
    expect(page.locator(f"#post-{posts[5]}")).to_have_count(1)
    expect(page.locator(f"#post-{posts[22]}")).to_have_count(0)
    # The next twenty after the newest twenty, without the deleted one.
    assert post_ids(page) == [f"post-{i}" for i in reversed(posts[4:]) if i != posts[22]]
    assert page.evaluate("document.activeElement.id") == f"post-{posts[24]}"


def test_an_answer_overtaken_by_a_poll_does_not_undo_it(page, live_server):
    """The poll may bring changes while the page down to a post is on its way: they stay."""
    coverage = open_coverage(live_server, count=45)
    posts, url = coverage["posts"], f"{live_server.url}/article/{coverage['slug']}"
    held = []
    page.route(re.compile(r"\?(.*&)?upto="), lambda route: held.append((route, route.fetch())))
    page.goto(url)
    page.locator("#live-key-events a", has_text="Landfall near Guiuan").click()
    while not held:
        page.wait_for_timeout(50)
    # Meanwhile: changes at the top, and to two older posts this page has not loaded yet.
    edit_and_delete_at_the_top(live_server, coverage)
    change(
        live_server,
        f"live.edit_post(post_of({posts[12]}), None, 'Update 13, corrected: 180 km/h.')\n"
        f"live.delete_post(post_of({posts[15]}), None)\n",
    )
    expect_the_top_as_edited(page, coverage)
    page.wait_for_timeout(2500)  # a poll or two more, bringing the older posts' changes

    route, response = held[0]
    route.fulfill(response=response)
    expect(page.locator(f"#post-{posts[1]}")).to_be_in_viewport(timeout=6000)
    expect_the_top_as_edited(page, coverage)
    expect(page.locator(f"#post-{posts[12]}")).to_contain_text("Update 13, corrected")
    expect(page.locator(f"#post-{posts[15]}")).to_have_count(0)


def test_focus_stays_on_a_link_in_a_post_that_changes_and_moves_on_when_it_goes(page, live_server):
    coverage = open_coverage(live_server, count=5)
    target, below = coverage["posts"][-3], coverage["posts"][-4]
    change(
        live_server,
        f"live.edit_post(post_of({target}), None, 'The [weather service](/search?q=Kalmaegi)"
        f" raised signal 3.')\n",
    )
    page.goto(f"{live_server.url}/article/{coverage['slug']}")
    link = f"#post-{target} .live-post__body a"
    page.locator(link).focus()
    change(
        live_server,
        f"live.edit_post(post_of({target}), None, 'The [weather service](/search?q=Kalmaegi)"
        f" raised signal 4 over Samar.')\n",
    )
    expect(page.locator(f"#post-{target}")).to_contain_text("signal 4 over Samar", timeout=6000)
    assert page.evaluate(f"document.activeElement === document.querySelector('{link}')"), (
        "focus stays on the same link in the edited post"
    )
    announced = page.locator("#live-announcer").text_content()

    change(live_server, f"live.delete_post(post_of({target}), None)\n")
    expect(page.locator(f"#post-{target}")).to_have_count(0, timeout=6000)
    assert page.evaluate("document.activeElement.id") == f"post-{below}", (
        "focus goes to the next post, not to the start of the page"
    )
    page.wait_for_timeout(300)
    expect(page.locator("#live-announcer")).to_have_text(announced)
