"""Most read on the home page and on every section, country and region front: the last 24
hours, or the last 7 days when traffic is thin; live stories only; nothing before any counts."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest

from extensions import cache, db
from newsroom import readership
from newsroom.models import Status, Story, utcnow
from tests.factories import make_story


def most_read(page: bytes) -> tuple[str, list[str]]:
    """The box's heading and its headlines, in order ("" and [] when there is no box)."""
    tree = lxml.html.fromstring(page)
    box = tree.xpath("//section[@class='most-read']")
    if not box:
        return "", []
    heading = box[0].xpath(".//h2")[0].text_content()
    return " ".join(heading.split()), [a.text_content() for a in box[0].xpath(".//ol/li/a")]


def read(story_id: int, times: int, hours_ago: float) -> None:
    """`times` views of a story, `hours_ago`, as beacons record them."""
    when = utcnow() - timedelta(hours=hours_ago)
    for _ in range(times):
        readership.record_view(story_id, "direct", now=when)


@pytest.fixture
def day_of_reading(query):
    """A day of readers, folded: Tokyo most, then Beijing, then Osaka; a story read most of all
    but unpublished since, and an old favourite read last week."""

    def build():
        tokyo = make_story(headline="Tokyo opens its first floating school", countries=["japan"])
        beijing = make_story(
            headline="Beijing tightens rules on ride-hailing apps",
            section="business",
            countries=["china"],
        )
        osaka = make_story(headline="Osaka votes on the casino resort", countries=["japan"])
        pulled = make_story(headline="A story the desk pulled", countries=["japan"])
        old = make_story(
            headline="Seoul's subway turns fifty",
            countries=["south-korea"],
            published_at=utcnow() - timedelta(days=6),
        )
        for hour in range(0, 24, 3):  # spread over the day
            read(tokyo.id, 5, hour)
            read(beijing.id, 4, hour + 0.5)
            read(osaka.id, 2, hour + 1)
            read(pulled.id, 9, hour + 2)
        read(old.id, 500, 24 * 5)
        readership.fold()
        pulled.status = Status.UNPUBLISHED.value
        db.session.commit()
        cache.clear()

    query(build)


def test_the_home_page_shows_the_days_most_read_in_order(client, day_of_reading):
    heading, headlines = most_read(client.get("/").data)
    assert heading == "Most read in the last 24 hours"
    assert headlines == [
        "Tokyo opens its first floating school",
        "Beijing tightens rules on ride-hailing apps",
        "Osaka votes on the casino resort",
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/section/politics",
            ["Tokyo opens its first floating school", "Osaka votes on the casino resort"],
        ),
        ("/section/business", ["Beijing tightens rules on ride-hailing apps"]),
        (
            "/country/japan",
            ["Tokyo opens its first floating school", "Osaka votes on the casino resort"],
        ),
        (
            "/region/east-asia",
            [
                "Tokyo opens its first floating school",
                "Beijing tightens rules on ride-hailing apps",
                "Osaka votes on the casino resort",
            ],
        ),
    ],
)
def test_each_front_shows_its_own_most_read(client, day_of_reading, make_app, url, expected):
    app = make_app(MOST_READ_MIN_VIEWS=10)  # a section's day is thinner than the site's
    heading, headlines = most_read(app.test_client().get(url).data)
    assert heading == "Most read in the last 24 hours"
    assert headlines == expected


def test_a_thin_day_falls_back_to_the_last_7_days(make_app, day_of_reading):
    app = make_app(MOST_READ_MIN_VIEWS=1000)
    heading, headlines = most_read(app.test_client().get("/").data)
    assert heading == "Most read in the last 7 days"
    assert headlines[0] == "Seoul's subway turns fifty"
    assert "A story the desk pulled" not in headlines


def test_a_story_unpublished_after_the_ranking_drops_out_at_once(client, query, day_of_reading):
    assert "Tokyo opens its first floating school" in most_read(client.get("/").data)[1]

    def pull():
        story = db.session.scalar(
            db.select(Story).where(Story.headline == "Tokyo opens its first floating school")
        )
        story.status = Status.UNPUBLISHED.value
        db.session.commit()

    query(pull)  # the ranking stays cached; the page is rendered anew
    headlines = most_read(client.get("/").data)[1]
    assert headlines == [
        "Beijing tightens rules on ride-hailing apps",
        "Osaka votes on the casino resort",
    ]


def test_no_box_before_there_are_counts(client, query):
    query(lambda: make_story(headline="A quiet day in Ulaanbaatar"))
    assert most_read(client.get("/").data) == ("", [])
    assert b"most-read" not in client.get("/section/politics").data


def test_the_box_is_part_of_the_cached_page(client, day_of_reading):
    first = client.get("/")
    second = client.get("/")
    assert second.headers["X-Cache"] == "HIT"
    assert most_read(first.data) == most_read(second.data)


def test_most_read_asks_the_database_once_for_its_ranking(app, day_of_reading):
    from tests.helpers import statements

    with app.test_request_context():
        cache.clear()
        with statements() as seen:
            result = readership.most_read(None)
    assert len(result.stories) == 3
    assert len(seen) == 2  # the ranking, then the stories it names
