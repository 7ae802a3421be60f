"""Analytics for the newsroom: who may see it, charts whose bars and tables say what was counted,
a story's first 48 hours by hour then by day, the most read by section and country, referrers and
searches shown as text, and the empty state.

Counts are written straight into the folded tables (as the readership fold leaves them); the
newsroom's clock is Bangkok's (UTC+7), so a day here is not a UTC day."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from extensions import db
from newsroom.models import ReferrerDay, SearchMissDay, StoryViewHour, utcnow
from tests.factories import StoryFactory
from tests.helpers import statements
from web.charts import nice_ticks

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def app(make_app):
    return make_app(SITE_TIMEZONE="Asia/Bangkok")


def count_views(story_id: int, at: datetime, views: int) -> None:
    """Views of a story in the hour `at` falls in, as the fold would leave them."""
    hour = at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    row = db.session.get(StoryViewHour, (story_id, hour))
    if row is None:
        db.session.add(StoryViewHour(article_id=story_id, hour=hour, views=views))
    else:
        row.views += views
    db.session.commit()


def local_noon(days_ago: int) -> datetime:
    """Noon in Bangkok, `days_ago` days before today there."""
    today = utcnow().astimezone(BANGKOK).date()
    day = today - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 12, tzinfo=BANGKOK)


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def page(html: str):
    return lxml.html.fromstring(html)


def bars(root, chart_id: str) -> list[tuple[int, float]]:
    """(value, height) of each bar of a chart, left to right."""
    return [
        (int(rect.get("data-value")), float(rect.get("height")))
        for rect in root.xpath(f"//figure[@id='{chart_id}']//rect[@class='chart__bar']")
    ]


def table(root, chart_id: str) -> dict[str, str]:
    """The chart's table: its rows' labels and their numbers, as shown."""
    rows = root.xpath(f"//figure[@id='{chart_id}']//table/tbody/tr")
    return {row.xpath("th")[0].text_content(): row.xpath("td")[0].text_content() for row in rows}


# --- who may see it -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/analytics", "/admin/analytics/stories/{id}"])
def test_readers_and_writers_are_refused_editors_and_admins_see_analytics(
    app, client, signed_in, query, url
):
    story_id = query(lambda: StoryFactory().id)
    url = url.format(id=story_id)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/admin/login")
    assert signed_in("writer").get(url).status_code == 403
    for role in ("editor", "admin"):
        response = signed_in(role).get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"


def test_the_admin_navigation_links_to_analytics_for_editors_only(signed_in):
    assert "/admin/analytics" in signed_in("editor").get("/admin/").text
    assert "/admin/analytics" not in signed_in("writer").get("/admin/").text


def test_the_story_list_links_each_published_story_to_its_analytics(editor, query):
    story_id = query(lambda: StoryFactory(headline="Rice exports rise").id)
    assert f"/admin/analytics/stories/{story_id}" in editor.get("/admin/stories").text


# --- the site's chart ---------------------------------------------------------------------------


def test_the_site_chart_and_its_table_show_the_views_counted_per_local_day(editor, query):
    def write():
        one, two = StoryFactory().id, StoryFactory().id
        count_views(one, local_noon(0), 1000)
        count_views(two, local_noon(0), 200)
        count_views(one, local_noon(2), 40)
        count_views(two, local_noon(10), 5)
        count_views(one, local_noon(45), 7000)  # outside the 30 days shown
        # 23:30 UTC is 06:30 the next day in Bangkok: it counts on that local day.
        yesterday = local_noon(1).astimezone(UTC).replace(hour=23, minute=30) - timedelta(days=1)
        count_views(two, yesterday, 3)
        return yesterday.astimezone(BANGKOK).date()

    morning_day = query(write)
    root = page(editor.get("/admin/analytics").text)
    today = utcnow().astimezone(BANGKOK).date()
    expected = {today - timedelta(days=n): 0 for n in range(30)}
    expected[today] = 1200
    expected[today - timedelta(days=2)] += 40
    expected[today - timedelta(days=10)] += 5
    expected[morning_day] += 3

    drawn = bars(root, "site-views")
    assert [value for value, _ in drawn] == [expected[day] for day in sorted(expected)]
    shown = table(root, "site-views")
    assert shown == {day_label(day): f"{views:,}" for day, views in expected.items()}
    assert shown[day_label(today)] == "1,200"  # thousands separated
    # The y axis runs to a round 1,500, and each bar's height is its share of it.
    y_labels = root.xpath("//figure[@id='site-views']//g[contains(@class,'chart__labels--y')]/text")
    assert [t.text for t in y_labels] == ["0", "500", "1,000", "1,500"]
    tallest = max(height for _, height in drawn)
    for value, height in drawn:
        assert height == pytest.approx(tallest * value / 1200, abs=0.02)
    svg = root.xpath("//figure[@id='site-views']//svg")[0]
    assert svg.get("role") == "img"
    title = svg.xpath("title")[0].text
    assert title == "Views per day, last 30 days"
    assert "1,248 views in all" in svg.xpath("desc")[0].text
    assert root.xpath("//figure[@id='site-views']//table/tfoot//td")[0].text == "1,248"


def test_the_period_links_choose_7_30_or_90_days(editor, query):
    query(lambda: count_views(StoryFactory().id, local_noon(45), 7000))
    week = page(editor.get("/admin/analytics?days=7").text)
    assert len(bars(week, "site-views")) == 0  # nothing counted in the last 7 days
    assert "No views counted yet" in week.text_content()
    quarter = page(editor.get("/admin/analytics?days=90").text)
    assert len(bars(quarter, "site-views")) == 90
    assert sum(value for value, _ in bars(quarter, "site-views")) == 7000
    current = quarter.xpath("//nav[@aria-label='Period']//a[@aria-current='page']")
    assert [a.text for a in current] == ["Last 90 days"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/admin/analytics?days=45", 400),
        ("/admin/analytics?days=seven", 400),
        ("/admin/analytics?section=politics", 400),
        ("/admin/analytics?country=99999", 404),
        ("/admin/analytics/stories/99999", 404),
    ],
)
def test_bad_choices_get_a_clear_answer_not_an_error(editor, url, status):
    response = editor.get(url)
    assert response.status_code == status
    assert "<html" in response.text


def test_with_nothing_counted_every_part_says_so(editor):
    html = editor.get("/admin/analytics").text
    root = page(html)
    assert not root.xpath("//svg")
    assert "No views counted yet." in html
    assert "No views counted yet today." in html
    assert "No reader came from another site yet." in html
    assert "Every search found something." in html


# --- one story ----------------------------------------------------------------------------------


def test_a_story_shows_its_first_48_hours_by_hour_then_each_day(editor, query):
    went_live = utcnow().replace(minute=20, second=0, microsecond=0) - timedelta(days=5)

    def write():
        story = StoryFactory(published_at=went_live)
        count_views(story.id, went_live, 5)  # its first hour
        count_views(story.id, went_live + timedelta(hours=1), 7)
        count_views(story.id, went_live + timedelta(hours=47), 3)  # its 48th hour
        count_views(story.id, went_live + timedelta(hours=48), 11)  # the first of the days
        count_views(story.id, went_live + timedelta(days=4), 20)
        return story.id

    story_id = query(write)
    root = page(editor.get(f"/admin/analytics/stories/{story_id}").text)
    assert root.xpath("//p[@class='analytics-total']/strong")[0].text == "46"

    hourly = [value for value, _ in bars(root, "story-hours")]
    assert len(hourly) == 48
    assert hourly[0] == 5 and hourly[1] == 7 and hourly[47] == 3 and sum(hourly) == 15
    first_hour = went_live.replace(minute=0).astimezone(BANGKOK)
    hours_table = table(root, "story-hours")
    label = f"{day_label(first_hour.date())}, {first_hour:%H:%M} ICT"
    assert hours_table[label] == "5"

    daily = bars(root, "story-days")
    assert sum(value for value, _ in daily) == 31
    end_of_first_hours = (went_live + timedelta(hours=48)).astimezone(BANGKOK).date()
    days_table = table(root, "story-days")
    assert days_table[day_label(end_of_first_hours)] == "11"
    assert days_table[day_label((went_live + timedelta(days=4)).astimezone(BANGKOK).date())] == (
        "20"
    )
    assert list(days_table)[-1] == day_label(utcnow().astimezone(BANGKOK).date())


def test_a_story_in_its_first_hours_has_no_daily_chart_yet(editor, query):
    went_live = utcnow() - timedelta(hours=3)

    def write():
        story = StoryFactory(published_at=went_live)
        count_views(story.id, went_live, 9)
        return story.id

    html = editor.get(f"/admin/analytics/stories/{query(write)}").text
    assert sum(value for value, _ in bars(page(html), "story-hours")) == 9
    assert len(bars(page(html), "story-hours")) <= 4  # no bars for hours still to come
    assert "The story's first 48 hours are not over yet." in html


def test_a_story_older_than_13_months_keeps_its_total_and_says_why_hours_are_gone(editor, query):
    went_live = utcnow() - timedelta(days=430)

    def write():
        story = StoryFactory(published_at=went_live)
        month = went_live.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        count_views(story.id, month, 12_345)  # its first month, as the fold keeps it
        count_views(story.id, local_noon(1), 6)
        return story.id

    html = editor.get(f"/admin/analytics/stories/{query(write)}").text
    root = page(html)
    assert root.xpath("//p[@class='analytics-total']/strong")[0].text == "12,351"
    assert "Hourly counts are kept for 13 months" in html
    assert not bars(root, "story-hours")
    assert sum(value for value, _ in bars(root, "story-days")) == 6
    assert len(bars(root, "story-days")) == 90
    assert "The last 90 days." in html


def test_a_draft_says_it_has_not_gone_live(editor, query):
    story_id = query(lambda: StoryFactory(status="draft", published_at=None).id)
    html = editor.get(f"/admin/analytics/stories/{story_id}").text
    assert "This story has not gone live yet" in html
    assert "<svg" not in html


# --- most read ----------------------------------------------------------------------------------


@pytest.fixture
def read_stories(query):
    """Four stories read today or earlier this week, in two sections and two countries."""

    def write():
        made = {
            "tokyo": StoryFactory(headline="Tokyo budget", section="politics", countries=["japan"]),
            "mumbai": StoryFactory(
                headline="Mumbai markets", section="business", countries=["india"]
            ),
            "delhi": StoryFactory(headline="Delhi vote", section="politics", countries=["india"]),
            "osaka": StoryFactory(headline="Osaka port", section="business", countries=["japan"]),
        }
        count_views(made["tokyo"].id, local_noon(0), 100)
        count_views(made["mumbai"].id, local_noon(0), 50)
        count_views(made["delhi"].id, local_noon(0), 30)
        count_views(made["osaka"].id, local_noon(3), 500)  # earlier this week only
        return {name: story.id for name, story in made.items()}

    return query(write)


def top_lists(html: str) -> dict[str, list[str]]:
    """Each most-read table's caption and its headlines in order."""
    root = page(html)
    found = {}
    for tab in root.xpath("//section[@aria-labelledby='top-h']//table"):
        found[tab.xpath("caption")[0].text_content()] = [a.text for a in tab.xpath("tbody/tr/td/a")]
    return found


def test_the_most_read_today_and_this_week(editor, read_stories):
    lists = top_lists(editor.get("/admin/analytics").text)
    assert lists["Today"] == ["Tokyo budget", "Mumbai markets", "Delhi vote"]
    assert lists["Last 7 days"] == ["Osaka port", "Tokyo budget", "Mumbai markets", "Delhi vote"]


def test_the_most_read_by_section_and_by_country(editor, read_stories, query):
    from tests.factories import country, section

    politics, india = query(lambda: (section("politics").id, country("india").id))
    by_section = top_lists(editor.get(f"/admin/analytics?section={politics}").text)
    assert by_section["Today in Politics"] == ["Tokyo budget", "Delhi vote"]
    by_country = top_lists(editor.get(f"/admin/analytics?country={india}").text)
    assert by_country["Last 7 days in India"] == ["Mumbai markets", "Delhi vote"]
    both = editor.get(f"/admin/analytics?days=7&section={politics}&country={india}").text
    assert top_lists(both)["Today in Politics, India"] == ["Delhi vote"]
    # The form shows what was chosen, and the period links keep the filter.
    root = page(both)
    assert root.xpath("//select[@name='section']/option[@selected]")[0].text == "Politics"
    assert root.xpath("//input[@name='days']")[0].get("value") == "7"
    assert f"section={politics}" in root.xpath("//nav[@aria-label='Period']//a")[0].get("href")


def test_most_read_rows_link_to_each_story_analytics(editor, read_stories):
    root = page(editor.get("/admin/analytics").text)
    link = root.xpath("//a[text()='Tokyo budget']")[0]
    assert link.get("href") == f"/admin/analytics/stories/{read_stories['tokyo']}"
    assert "Tokyo budget" in editor.get(link.get("href")).text


def test_the_site_page_costs_the_same_few_queries_however_many_stories_were_read(
    app, editor, query
):
    def write(n):
        for _ in range(n):
            count_views(StoryFactory().id, local_noon(1), 3)

    query(lambda: write(2))
    with app.app_context(), statements() as few:
        editor.get("/admin/analytics")
    query(lambda: write(8))
    with app.app_context(), statements() as many:
        editor.get("/admin/analytics")
    # Sign-in and the chrome every admin page shares take 7; the analytics themselves 9.
    assert len(many) == len(few) <= 16


# --- referrers and searches ---------------------------------------------------------------------


def test_referrers_and_channels_over_the_period(editor, query):
    def write():
        today = utcnow().date()
        for day, host, views in [
            (today, "news.google.com", 40),
            (today - timedelta(days=3), "news.google.com", 2),
            (today, "reddit.com", 9),
            (today - timedelta(days=20), "old.example", 70),
            (today, "direct", 15),
            (today, "feed", 4),
            (today, "email", 6),
            (today, "internal", 30),  # from another page of the site: a channel, not a site
        ]:
            db.session.add(ReferrerDay(day=day, host=host, views=views))
        db.session.commit()

    query(write)
    root = page(editor.get("/admin/analytics?days=7").text)
    section = root.xpath("//section[@aria-labelledby='from-h']")[0]
    rows = {
        tab.xpath("caption")[0].text: [
            (tr.xpath("td")[0].text, tr.xpath("td")[1].text) for tr in tab.xpath("tbody/tr")
        ]
        for tab in section.xpath(".//table")
    }
    assert rows["Other sites"] == [("news.google.com", "42"), ("reddit.com", "9")]
    assert rows["Channels"][0] == ("Another page of this site", "30")
    assert [name for name, _ in rows["Channels"]][1].startswith("Direct")
    assert len(rows["Channels"]) == 4
    month = page(editor.get("/admin/analytics?days=30").text)
    assert "old.example" in month.text_content()


def test_hostile_referrers_and_searches_are_shown_as_text(editor, query):
    host = '"><script>alert(1)</script>.example'
    words = "<img src=x onerror=alert(2)>"

    def write():
        db.session.add(ReferrerDay(day=utcnow().date(), host=host, views=3))
        db.session.add(SearchMissDay(day=utcnow().date(), query=words, searches=5))
        db.session.add(SearchMissDay(day=utcnow().date(), query="monsoon ferry", searches=9))
        db.session.commit()

    query(write)
    html = editor.get("/admin/analytics").text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.example" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    misses = page(html).xpath("//section[@aria-labelledby='misses-h']//tbody/tr")
    assert [(tr[0].text, tr[1].text) for tr in misses] == [("monsoon ferry", "9"), (words, "5")]


# --- the chart's scale --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (100, [0, 25, 50, 75, 100]),
        (1200, [0, 500, 1000, 1500]),
        (98_765, [0, 25_000, 50_000, 75_000, 100_000]),
    ],
)
def test_the_y_axis_runs_to_round_ticks(peak, ticks):
    assert nice_ticks(peak) == ticks


def test_the_fullest_pages_stay_under_20_kb_compressed(editor, query):
    """90 days of bars and their table, full most-read lists, 15 referrers and 25 searches; and
    a story's 48 hours by hour and its last 90 days."""
    went_live = utcnow() - timedelta(days=100)

    def write():
        headline = "A headline long enough to wrap on a phone, story number {}"
        ids = [
            StoryFactory(headline=headline.format(n), published_at=went_live).id for n in range(12)
        ]
        for hour in range(48):
            count_views(ids[0], went_live + timedelta(hours=hour), 500 + hour)
        for day in range(90):
            for n, ident in enumerate(ids):
                count_views(ident, local_noon(day), 1000 + 37 * day + n)
        today = utcnow().date()
        for n in range(30):
            db.session.add(ReferrerDay(day=today, host=f"news{n}.example.com", views=n + 1))
            db.session.add(SearchMissDay(day=today, query=f"words nobody wrote {n}", searches=n))
        db.session.commit()
        return ids[0]

    story_id = query(write)
    site = editor.get("/admin/analytics?days=90").data
    story = editor.get(f"/admin/analytics/stories/{story_id}").data
    assert b"Last 7 days" in site and b"story-days" in story
    assert len(gzip.compress(site)) < 20_000
    assert len(gzip.compress(story)) < 20_000
