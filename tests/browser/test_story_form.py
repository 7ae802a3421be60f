"""The story form under deadline, in a real browser: two columns and an action bar that stays in
view, chip pickers worked from the keyboard, the error summary, the preview at two widths; and
every admin page at a phone's and a desktop's width (no sideways scrolling, 44 px touch targets,
nothing serious for axe). Screenshots of the form go to docs/screenshots/."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.helpers import ARTIFACTS, PASSWORD, ROOT, serious_axe_violations
from tests.helpers import sign_in_browser as sign_in

# Holds back the answer to a chip choice for 0.6 s, as a slow connection would.
SLOW_PICKER = """() => {
  const fetchNow = window.fetch;
  window.fetch = (input, init) => fetchNow(input, init).then((answer) =>
    /\\/admin\\/pickers\\/tags\\?/.test(String(input.url || input))
      ? new Promise((done) => setTimeout(() => done(answer), 600))
      : answer);
}"""

SCREENSHOTS = ROOT / "docs" / "screenshots"
WIDTHS = {"phone": (375, 812), "desktop": (1280, 800)}

# Admin GET routes that are not pages a person opens, each with why; every other GET route in the
# URL map must be visited below, so a new admin page fails the walk until it is added there.
NOT_PAGES = {
    "/admin/photos/choose",  # the story form's photo search results, fetched by htmx
    "/admin/pickers/<kind>",  # a chip picker, swapped into the story form by htmx
    "/admin/pickers/<kind>/options",  # a picker's options as you type, fetched by htmx
    "/admin/stories/preview/<key>",  # the reader's page framed by the preview, keyed by a POST
    "/admin/login/code",  # the sign-in code's page needs the password step first
    "/admin/stories/<int:ident>/editing",  # who else is editing: polled by the open form
    "/admin/stories/publish-line",  # the line beside the publication time, fetched as you type
    "/admin/ticker/stories",  # stories matching a ticker item's link words, fetched as you type
}

# What the browser measures: sideways scrolling, and links and buttons (main area, admin bar) smaller
# than 44 x 44 px (links inside a sentence are exempt, as WCAG's target-size rule allows).
MEASURE = """() => {
  const doc = document.documentElement;
  const small = [];
  for (const el of document.querySelectorAll('#main a[href], #main button, #main summary, .admin-bar a, .admin-bar button')) {
    if (el.closest('.visually-hidden')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const block = el.parentElement;
    const inSentence = el.tagName === 'A' && block &&
      block.textContent.trim().length > el.textContent.trim().length + 2 &&
      getComputedStyle(el).display === 'inline';
    if (inSentence) continue;
    if (box.width < 44 || box.height < 44) {
      small.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return {sideways: doc.scrollWidth - doc.clientWidth, small};
}"""


# The desk's data, made in the live server's database: an editor, and on one published story two
# saved versions, an update entry and the editor's unsaved text; a reader's message; a live page
# with a post (each admin page then has something to show).
DESK = """
import json
import sqlalchemy as sa
from web.auth import hash_password
from extensions import db
from newsroom import revisions, story_updates
from newsroom.models import ContactMessage, Photo, Revision, Section, Status, Story, TickerItem, User
from newsroom.models.revision import snapshot_of
from newsroom.stories import save_story
editor = User(email='desk@example.org', name='Desk Editor', role='admin',
              password_hash=hash_password(password))
message = ContactMessage(name='A reader', email='reader@example.org', subject='A typo',
                         message='The dateline of your Luzon story says Samar.')
db.session.add_all([editor, message])
db.session.commit()
first = lambda model, *w: db.session.scalar(sa.select(model.id).where(*w).limit(1))
story = db.session.get(Story, first(Story, Story.status == Status.PUBLISHED))
changes = revisions.changes_from(snapshot_of(story), story)
changes.standfirst += ' Officials confirmed the figures on Tuesday.'
save_story(story, changes, 'save', editor)
entry = story_updates.add_entry(story, 'update', 'Updated with the figures officials gave.', editor)
text = snapshot_of(story)
typed = {'headline': [text['headline'] + ' (draft)'], 'standfirst': [text['standfirst']],
         'body': [text['body_md']], 'dateline': [text['dateline']], 'kind': [text['kind']],
         'lang': [text['lang']], 'section': [str(text['section']['id'])],
         'countries': [str(c['id']) for c in text['countries']],
         'authors': [str(a['id']) for a in text['authors']],
         'tags': [', '.join(t['name'] for t in text['tags'])]}
revisions.autosave(story, editor, story.revision, typed, unchanged=False)
from newsroom import live
coverage = db.session.get(Story, first(Story, Story.status == Status.PUBLISHED, Story.id != story.id))
live.open_coverage(coverage, editor)
live.set_summary(coverage, '- Landfall near Guiuan at 04:40', editor)
post = live.add_post(coverage, editor, 'Power is out in Tacloban.', title='Landfall', key_event=True)
from datetime import timedelta
from newsroom.briefings_editions import assemble, edition_due
from newsroom.models import Region, utcnow
region = Region.by_slug('east-asia')
day, _ = edition_due(region, utcnow())
briefing = assemble(region, day + timedelta(days=1), utcnow())
print(json.dumps({'story': story.id, 'update': entry.id, 'photo': first(Photo),
    'briefing': briefing.id,
    'live': coverage.id, 'live_post': post.id,
    'message': message.id, 'ticker': first(TickerItem), 'section': first(Section),
    'revisions': len(Revision.of(story)),
    'rules': sorted(r.rule for r in app.url_map.iter_rules()
                    if r.endpoint.startswith('admin.') and 'GET' in r.methods)}))
"""


@pytest.fixture
def desk(live_server):
    """An editor account, and the numbers of things the admin pages name."""
    out = live_server.python(f"password = {PASSWORD!r}\n" + DESK)
    return json.loads(out.strip().splitlines()[-1])


def pickers_ready(page):
    """htmx has swapped the plain selects for the chip pickers."""
    for kind in ("countries", "authors", "tags"):
        expect(page.locator(f"input#{kind}[role=combobox]")).to_be_attached()


def test_the_form_fits_the_screen_at_both_widths_with_its_actions_in_view(page, live_server, desk):
    sign_in(page, live_server)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server.url + "/admin/stories/new")
        pickers_ready(page)
        bar = page.locator(".editor__actions")
        save = bar.get_by_role("button", name="Save", exact=True)
        expect(save).to_be_in_viewport()
        expect(bar.get_by_role("button", name="Publish")).to_be_in_viewport()
        main = page.locator(".editor__main").bounding_box()
        side = page.locator(".editor__side").bounding_box()
        if name == "desktop":
            assert side["x"] > main["x"] + main["width"] - 1, "status, filing, photos on the right"
            assert abs(side["y"] - main["y"]) < 2
        else:
            assert side["y"] >= main["y"] + main["height"], "one column on a phone"
        page.screenshot(path=str(SCREENSHOTS / f"story-form-{width}.png"))
        page.screenshot(path=str(ARTIFACTS / f"story-form-{width}-full.png"), full_page=True)
        # Scrolled to the middle of the form, the actions are still there, at the bottom.
        page.locator("#photo-picker").scroll_into_view_if_needed()
        expect(save).to_be_in_viewport()
        assert bar.bounding_box()["y"] + bar.bounding_box()["height"] <= height + 1

        # Saved with no headline and a bad video address: the summary says so, focused.
        page.fill("#video_url", "https://example.org/not-a-video")
        save.click()
        summary = page.locator("#error-summary")
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Headline")
        expect(summary).to_contain_text("Video address")
        expect(page.locator("#video_url")).to_have_value("https://example.org/not-a-video")
        pickers_ready(page)
        page.screenshot(path=str(SCREENSHOTS / f"story-form-{width}-error.png"))
        summary.get_by_role("link", name="Video address").click()
        expect(page.locator("#video_url")).to_be_focused()
        expect(page.locator("#video_url")).to_be_in_viewport()


def test_chips_from_the_keyboard_keep_the_byline_order_and_preview_at_two_widths(
    page, live_server, desk
):
    sign_in(page, live_server)
    page.goto(live_server.url + "/admin/stories/new")
    pickers_ready(page)
    page.fill("#headline", "Typhoon season opens early over Luzon")
    page.fill("#standfirst", "Forecasters expect three storms before June.")
    page.fill("#body", "The first storm formed east of Samar on Monday.")

    countries = page.locator("input#countries")
    countries.press_sequentially("philip")
    option = page.locator("#countries-options [role=option]").first
    expect(option).to_have_text("Philippines")
    expect(countries).to_have_attribute("aria-expanded", "true")
    countries.press("ArrowDown")
    expect(countries).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    countries.press("Enter")
    expect(page.locator("#countries-picker .picker__chip")).to_have_text(["Philippines ×"])
    expect(page.locator("input#countries")).to_be_focused()
    assert page.url.endswith("/admin/stories/new"), "Enter chose a country; it did not save"

    authors = page.locator("input#authors")
    names = []
    for typed in ("park", "tan"):
        authors.press_sequentially(typed)
        first = page.locator("#authors-options [role=option]").first
        expect(first).to_be_visible()
        names.append(first.inner_text())
        page.locator("input#authors").press("Enter")
        expect(page.locator("#authors-picker .picker__chip")).to_have_count(len(names))
        authors = page.locator("input#authors")
    chips = page.locator("#authors-picker .picker__chip span")
    expect(chips).to_have_text(names)

    tags = page.locator("input#tags")
    tags.press_sequentially("Typhoon")
    expect(page.locator("#tags-options [role=option]").first).to_be_visible()
    # Typed at once after Enter, before the new picker arrives (held back here for a moment, as
    # on a slow connection): carried into it, not lost.
    page.evaluate(SLOW_PICKER)
    tags.press("Enter")
    tags.press_sequentially("zzz-no-such")
    expect(page.locator("#tags-picker .picker__chip span")).to_have_text(["Typhoon"])
    expect(page.locator("input#tags")).to_have_value("zzz-no-such")
    expect(page.locator("#tags-options [role=option]").first).to_be_visible()
    page.locator("input#tags").press("Escape")
    expect(page.locator("#tags-options [role=option]")).to_have_count(0)
    expect(page.locator("input#tags")).to_have_attribute("aria-expanded", "false")
    page.locator("input#tags").fill("")
    page.locator("input#tags").press("Backspace")  # removes the last chip: Typhoon
    expect(page.locator("#tags-picker .picker__chip")).to_have_count(0)

    # Preview: a tab of its own, the reader's page in a frame, at a phone's width on request.
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview").click()
    preview = opened.value
    expect(preview.locator(".preview-bar__flag")).to_contain_text("PREVIEW")
    frame = preview.frame_locator(".preview-frame")
    expect(frame.locator(".story__headline")).to_have_text("Typhoon season opens early over Luzon")
    expect(frame.locator(".story__byline")).to_contain_text(" and ".join(names))
    expect(frame.locator(".preview-flag")).to_contain_text("PREVIEW")
    preview.get_by_label("A phone (375 px)").check()
    assert preview.locator(".preview-frame").bounding_box()["width"] == 375
    expect(frame.locator(".story__headline")).to_be_visible()
    preview.screenshot(path=str(ARTIFACTS / "story-preview-phone.png"))
    preview.get_by_label("A desktop (1280 px)").check()
    assert preview.locator(".preview-frame").bounding_box()["width"] == 1280
    preview.close()

    page.select_option("#section", index=1)
    page.locator(".editor__actions").get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".notice--success")).to_have_text("Story saved.")
    pickers_ready(page)
    expect(page.locator("#authors-picker .picker__chip span")).to_have_text(names)
    expect(page.locator("#countries-picker .picker__chip span")).to_have_text(["Philippines"])


@pytest.mark.parametrize("width", [375, 1280])
def test_every_admin_page_works_at_phone_and_desktop_widths(browser, live_server, desk, width):
    kinds = ("sections", "regions", "countries", "tags", "authors")
    pages = {
        "/admin/login": ["/admin/login"],
        "/admin/": ["/admin/"],
        "/admin/account": ["/admin/account"],
        "/admin/stories": ["/admin/stories"],
        "/admin/front": ["/admin/front"],
        "/admin/stories/new": ["/admin/stories/new"],
        "/admin/stories/<int:ident>": [f"/admin/stories/{desk['story']}"],
        "/admin/stories/<int:ident>/kill": [f"/admin/stories/{desk['story']}/kill"],
        "/admin/stories/<int:ident>/autosave": [f"/admin/stories/{desk['story']}/autosave"],
        "/admin/stories/<int:ident>/revisions": [f"/admin/stories/{desk['story']}/revisions"],
        "/admin/stories/<int:ident>/revisions/compare": [
            f"/admin/stories/{desk['story']}/revisions/compare"
        ],
        "/admin/stories/<int:ident>/updates": [f"/admin/stories/{desk['story']}/updates"],
        "/admin/stories/<int:ident>/live": [
            f"/admin/stories/{desk['live']}/live",
            f"/admin/stories/{desk['story']}/live",  # not a live page: the offer to open one
        ],
        "/admin/live-posts/<int:ident>": [f"/admin/live-posts/{desk['live_post']}"],
        "/admin/updates/<int:ident>": [f"/admin/updates/{desk['update']}"],
        "/admin/photos": ["/admin/photos"],
        "/admin/photos/<int:ident>": [f"/admin/photos/{desk['photo']}"],
        "/admin/ticker": ["/admin/ticker"],
        "/admin/ticker/<int:ident>": [f"/admin/ticker/{desk['ticker']}"],
        "/admin/messages": ["/admin/messages"],
        "/admin/messages/<int:ident>": [f"/admin/messages/{desk['message']}"],
        "/admin/users": ["/admin/users"],
        "/admin/analytics": ["/admin/analytics"],
        "/admin/analytics/stories/<int:ident>": [f"/admin/analytics/stories/{desk['story']}"],
        "/admin/briefings": ["/admin/briefings"],
        "/admin/briefings/<int:ident>": [f"/admin/briefings/{desk['briefing']}"],
        "/admin/taxonomy/<kind>": [f"/admin/taxonomy/{kind}" for kind in kinds],
        "/admin/taxonomy/<kind>/<int:ident>": [f"/admin/taxonomy/sections/{desk['section']}"],
    }
    unvisited = set(desk["rules"]) - set(pages) - NOT_PAGES
    assert not unvisited, f"visit these admin pages too: {unvisited}"

    assert desk["revisions"] >= 2, "two versions of the story to compare"
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 800})
    page = context.new_page()
    problems = []
    page.goto(live_server.url + "/admin/login")
    problems += check(page)
    sign_in(page, live_server)
    story_forms = {"/admin/stories/new", f"/admin/stories/{desk['story']}"}
    story_forms.add(f"/admin/stories/{desk['story']}/autosave")
    for url in (u for urls in pages.values() for u in urls if u != "/admin/login"):
        response = page.goto(live_server.url + url)
        # The page itself, not a redirect elsewhere (the autosave page with no unsaved text).
        assert (response.status, page.url) == (200, live_server.url + url)
        if url in story_forms:
            pickers_ready(page)
        problems += check(page)
    context.close()
    assert not problems, "\n".join(problems)


def check(page) -> list[str]:
    found = page.evaluate(MEASURE)
    path = page.url.split("127.0.0.1", 1)[-1]
    problems = [f"{path}: scrolls sideways by {found['sideways']} px"] if found["sideways"] else []
    problems += [f"{path}: small touch target {small}" for small in found["small"]]
    return problems + serious_axe_violations(page)
