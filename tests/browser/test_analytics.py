"""Newsroom analytics in a real browser: an editor reads the site's page and one story's, at phone
and desktop width, in light and dark mode, with no serious axe finding, no sideways scrolling and
nothing the CSP refuses. Screenshots go to test-artifacts/browser/analytics-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers import ARTIFACTS, PASSWORD, serious_axe_violations, sign_in_browser

NO_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# A month of readers for twelve of the demo's stories, set to have gone live over the last four
# weeks: each read most in its first hours, less each day after, more by day than by night; a
# few referrers and searches, one of each hostile. Prints the id of a story a week old.
READERS = """
import math, random
from datetime import timedelta
import sqlalchemy as sa
from extensions import db
from newsroom.models import ReferrerDay, SearchMissDay, Story, StoryViewHour, User, utcnow
from web.auth import hash_password

db.session.add(User(email='desk@example.org', name='Desk Editor', role='editor',
                    password_hash=hash_password(PASSWORD)))
rng = random.Random(17)
now = utcnow().replace(minute=0, second=0, microsecond=0)
stories = db.session.scalars(
    sa.select(Story).where(Story.visible()).order_by(Story.live_at.desc()).limit(12)).all()
ages = [3, 20, 44, 70, 100, 160, 200, 260, 330, 420, 520, 640]
for story, age, weight in zip(stories, ages, [900, 700, 520, 600, 380, 450, 300, 260, 500, 200, 240, 180]):
    story.published_at = now - timedelta(hours=age, minutes=-17)
    went_live = now - timedelta(hours=age)
    hour = went_live
    while hour <= now:
        age = (hour - went_live).total_seconds() / 3600
        daytime = 0.55 + 0.45 * math.sin((hour.hour - 4) / 24 * 2 * math.pi)
        views = int((weight * math.exp(-age / 30) + 4) * daytime * rng.uniform(0.8, 1.2))
        if views:
            db.session.add(StoryViewHour(article_id=story.id, hour=hour, views=views))
        hour += timedelta(hours=1)
today = now.date()
for host, views in [('news.google.com', 5400), ('direct', 8800), ('feed', 1300),
                    ('email', 950), ('search', 420), ('t.co', 870), ('www.reddit.com', 610),
                    ('<script>alert(1)</script>.example', 3)]:
    db.session.add(ReferrerDay(day=today, host=host, views=views))
for words, searches in [('monsoon ferry timetable', 41), ('mekong dam', 17),
                        ('<img src=x onerror=alert(2)>', 2)]:
    db.session.add(SearchMissDay(day=today, query=words, searches=searches))
db.session.commit()
print(stories[5].id)
"""


@pytest.fixture
def top_story(live_server):
    """The demo newsroom with a month of readers; the id of its most read story."""
    return int(live_server.python(f"PASSWORD = {PASSWORD!r}\n" + READERS).strip().splitlines()[-1])


@pytest.mark.usefixtures("top_story")
def test_an_editor_reads_the_analytics_in_a_real_browser(page, live_server):
    """With the CSP enforced: the charts draw, the numbers open beneath, links lead on."""
    sign_in_browser(page, live_server)
    page.click("text=Analytics")
    expect(page.locator("h1")).to_have_text("Analytics")
    expect(page.locator("#site-views svg[role=img]")).to_be_visible()
    page.click("#site-views summary")
    expect(page.locator("#site-views table caption")).to_be_visible()
    expect(page.locator("text=<script>alert(1)</script>.example")).to_be_visible()
    page.click("text=Last 7 days")
    expect(page.locator("#site-views rect.chart__bar")).to_have_count(7)
    most_read = page.locator("section[aria-labelledby=top-h] tbody a").first
    headline = most_read.inner_text()
    most_read.click()
    expect(page.locator("h1")).to_have_text(headline)
    expect(page.locator("#story-hours svg[role=img]")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_analytics_pages_are_accessible_and_photographed(browser, live_server, top_story, scheme):
    problems = []
    for width, height in ((375, 812), (1280, 800)):
        phone = width < 600
        # bypass_csp lets the test inject axe; the site itself never allows inline script.
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            bypass_csp=True,
            is_mobile=phone,
            has_touch=phone,
        )
        page = context.new_page()
        sign_in_browser(page, live_server)
        for name, path in (
            ("site", "/admin/analytics"),
            ("story", f"/admin/analytics/stories/{top_story}"),
        ):
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            for summary in page.locator("summary").all():
                summary.click()  # the tables beneath the charts are checked too
            if page.evaluate(NO_OVERFLOW) > 0:
                problems.append(f"{path} scrolls sideways at {width} px")
            problems += serious_axe_violations(page)
            suffix = "-dark" if scheme == "dark" else ""
            page.screenshot(
                path=str(ARTIFACTS / f"analytics-{name}-{width}{suffix}.png"), full_page=True
            )
        context.close()
    assert not problems, "\n".join(problems)
