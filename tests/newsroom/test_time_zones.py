"""Times in the editor's zone: a Bangkok editor types 09:00 and means 09:00 in Bangkok; the
database keeps UTC; the form, the line beside it and every admin list read it back on her clock,
beside UTC and the dateline's, across daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import AuditEntry, Country, Status, Story, User, utcnow
from newsroom.zones import to_utc
from tests.factories import StoryFactory, story_form
from tests.helpers import field_value, form_values, sign_in

BANGKOK_DAY = (utcnow() + timedelta(days=2)).date()  # any day ahead: Bangkok has no DST
NEXT_YEAR = utcnow().year + 1


@pytest.fixture
def form_data(query):
    return lambda **fields: query(lambda: story_form(**fields))


def set_zone(client, zone: str):
    return client.post("/admin/account/time-zone", data={"timezone": zone})


def stored(query, ident: int) -> Story:
    return query(lambda: db.session.get(Story, ident))


def new_story(client, form_data, **fields) -> int:
    response = client.post("/admin/stories/new", data=form_data(**fields))
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_bangkok_editor_schedules_09_00_which_is_02_00_utc_and_reads_09_00_back(
    editor, form_data, query
):
    assert set_zone(editor, "Asia/Bangkok").status_code == 303
    typed = f"{BANGKOK_DAY:%Y-%m-%d}T09:00"
    response = editor.post(
        "/admin/stories/new", data=form_data(action="publish", published_at=typed)
    )
    assert response.status_code == 303
    flash = editor.get(response.headers["Location"]).text
    assert f"Story scheduled for {BANGKOK_DAY:%d %b %Y}, 09:00 ICT." in flash
    ident = int(response.headers["Location"].rsplit("/", 1)[1])
    story = stored(query, ident)
    assert story.status == Status.SCHEDULED
    assert story.published_at == datetime.combine(BANGKOK_DAY, datetime.min.time(), UTC).replace(
        hour=2
    )

    page = editor.get(f"/admin/stories/{ident}").text
    assert field_value(page, "published_at") == typed, "shown back on her clock"
    assert "on your clock, Asia/Bangkok" in page
    # The dateline is Guwahati, India: 02:00 UTC is 07:30 there.
    assert "09:00 ICT (Bangkok) · 02:00 UTC · 07:30 IST Guwahati dateline" in page
    assert ">Schedule for " in page and "09:00 ICT</button>" in page


def test_a_bangkok_editor_types_the_embargo_on_her_clock_too(editor, form_data, query):
    assert set_zone(editor, "Asia/Bangkok").status_code == 303
    typed = f"{BANGKOK_DAY:%Y-%m-%d}T09:00"
    response = editor.post(
        "/admin/stories/new", data=form_data(action="publish", embargo_until=typed)
    )
    assert response.status_code == 303, response.text
    ident = int(response.headers["Location"].rsplit("/", 1)[1])
    story = stored(query, ident)
    nine_in_bangkok = datetime.combine(BANGKOK_DAY, datetime.min.time(), UTC).replace(hour=2)
    assert story.embargo_until == nine_in_bangkok and not story.is_visible
    page = editor.get(f"/admin/stories/{ident}").text
    assert field_value(page, "embargo_until") == typed, "shown back on her clock"


def test_an_editor_without_a_zone_types_on_the_sites_clock(make_app, newsroom, form_data):
    app = make_app(SITE_TIMEZONE="Asia/Singapore")
    client = app.test_client()
    sign_in(client, "editor")
    with app.app_context():
        data = story_form(action="save", published_at=f"{NEXT_YEAR}-03-02T08:00")
    response = client.post("/admin/stories/new", data=data)
    assert response.status_code == 303
    ident = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        story = db.session.get(Story, ident)
        assert story.published_at == datetime(NEXT_YEAR, 3, 2, 0, 0, tzinfo=UTC)
    page = client.get(f"/admin/stories/{ident}").text
    assert "on your clock, Asia/Singapore" in page and "Choose your time zone" in page
    assert "08:00 SGT (Singapore) · 00:00 UTC" in page


@pytest.mark.parametrize(
    ("day", "utc_hour", "line"),
    [
        (date(NEXT_YEAR, 7, 1), 8, "09:00 BST (London) · 08:00 UTC"),  # summer time
        (date(NEXT_YEAR, 1, 15), 9, "09:00 GMT (London) · 09:00 UTC"),  # winter
    ],
)
def test_london_times_follow_daylight_saving(editor, form_data, query, day, utc_hour, line):
    set_zone(editor, "Europe/London")
    ident = new_story(editor, form_data, published_at=f"{day:%Y-%m-%d}T09:00")
    assert stored(query, ident).published_at == datetime(
        day.year, day.month, day.day, utc_hour, tzinfo=UTC
    )
    page = editor.get(f"/admin/stories/{ident}").text
    assert field_value(page, "published_at") == f"{day:%Y-%m-%d}T09:00"
    assert line in page


def test_a_time_the_clocks_skip_is_refused_and_the_form_kept(editor, form_data, query):
    set_zone(editor, "Europe/London")
    # The last Sunday of March: London's clocks go from 01:00 to 02:00.
    march_end = date(NEXT_YEAR, 3, 31)
    sunday = march_end - timedelta(days=(march_end.weekday() + 1) % 7)
    response = editor.post(
        "/admin/stories/new",
        data=form_data(published_at=f"{sunday:%Y-%m-%d}T01:30", headline="Kept headline"),
    )
    assert response.status_code == 422
    assert "01:30 does not exist" in response.text and "clocks go forward" in response.text
    assert field_value(response.text, "headline") == "Kept headline"
    assert query(lambda: db.session.scalar(sa.select(sa.func.count(Story.id)))) == 0


def test_the_line_follows_the_time_as_it_is_typed(editor, query, htmx):
    set_zone(editor, "Asia/Bangkok")
    japan = query(lambda: Country.by_slug("japan").id)
    typed = f"{BANGKOK_DAY:%Y-%m-%d}T09:00"
    line = editor.get(
        "/admin/stories/publish-line",
        query_string={"published_at": typed, "dateline_country": japan, "dateline": "Tokyo"},
        headers=htmx,
    )
    assert line.status_code == 200 and "<html" not in line.text
    assert "09:00 ICT (Bangkok) · 02:00 UTC · 11:00 JST Tokyo dateline" in line.text
    assert '<hx-partial hx-target="#publish-button"' in line.text
    assert "Schedule for " in line.text and "09:00 ICT</button>" in line.text

    past = (utcnow() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert (
        "Publish now</button>"
        in editor.get(
            "/admin/stories/publish-line", query_string={"published_at": past}, headers=htmx
        ).text
    )
    empty = editor.get("/admin/stories/publish-line", headers=htmx).text
    assert "goes live when it is published" in empty and "Publish now</button>" in empty


def test_writers_see_the_line_but_get_no_publish_button(signed_in, htmx):
    writer = signed_in("writer")
    line = writer.get(
        "/admin/stories/publish-line",
        query_string={"published_at": f"{NEXT_YEAR}-01-15T09:00"},
        headers=htmx,
    ).text
    assert "09:00 UTC" in line and "publish-button" not in line


def test_account_page_keeps_a_zone_and_refuses_a_made_up_one(editor, query):
    page = editor.get("/admin/account").text
    assert "data-offer-browser-zone" in page, "the browser's zone is offered until one is chosen"
    assert "js/time-zone.js" in page and 'list="zone-names"' in page
    assert '<option value="Asia/Bangkok">' in page

    bad = set_zone(editor, "Asia/Atlantis")
    assert bad.status_code == 422 and "is not a time zone" in bad.text
    assert field_value(bad.text, "timezone") == "Asia/Atlantis", "what was typed is kept"

    assert set_zone(editor, "Asia/Bangkok").status_code == 303
    page = editor.get("/admin/account").text
    assert "data-offer-browser-zone" not in page
    assert field_value(page, "timezone") == "Asia/Bangkok"

    def zone_and_log():
        user = db.session.scalar(sa.select(User).where(User.email == "editor@asian-news.test"))
        entry = AuditEntry.about(user, limit=1)[0]
        return user.timezone, entry.action, entry.summary

    zone, action, summary = query(zone_and_log)
    assert zone == "Asia/Bangkok" and action == "time-zone" and "→ Asia/Bangkok" in summary
    assert set_zone(editor, "").status_code == 303
    assert query(zone_and_log)[0] is None, "empty: back to the site's"


def test_an_admin_sets_a_colleagues_zone_and_only_an_admin(signed_in, newsroom, query):
    admin, editor = signed_in("admin"), signed_in("editor")
    writer_id = newsroom["writer"]
    assert 'list="zone-names"' in admin.get("/admin/users").text
    url = f"/admin/users/{writer_id}/time-zone"
    assert editor.post(url, data={"timezone": "Asia/Tokyo"}).status_code == 403
    assert admin.post(url, data={"timezone": "Asia/Tokyo"}).status_code == 303
    assert query(lambda: db.session.get(User, writer_id).timezone) == "Asia/Tokyo"
    refused = admin.post(url, data={"timezone": "Tokyo"}, follow_redirects=True)
    assert "is not a time zone" in refused.text
    assert query(lambda: db.session.get(User, writer_id).timezone) == "Asia/Tokyo"


def test_admin_lists_show_times_on_the_editors_clock(editor, query):
    when = to_utc(datetime.combine(BANGKOK_DAY, datetime.min.time()).replace(hour=9), _bkk())
    ident = query(
        lambda: (
            StoryFactory(
                headline="Scheduled for the Bangkok desk", status="scheduled", published_at=when
            ).id
        )
    )
    set_zone(editor, "Asia/Bangkok")
    dashboard = editor.get("/admin/").text
    assert f"{BANGKOK_DAY.day} {BANGKOK_DAY:%b %Y}, 09:00 ICT" in dashboard
    assert 'datetime="' + f"{BANGKOK_DAY:%Y-%m-%d}T09:00:00+07:00" in dashboard
    set_zone(editor, "Europe/London")
    assert "09:00 ICT" not in editor.get("/admin/").text
    assert editor.get(f"/admin/stories/{ident}").status_code == 200


def test_a_site_zone_that_does_not_exist_stops_the_start(make_app):
    with pytest.raises(SystemExit):
        make_app(SITE_TIMEZONE="Mars/Olympus_Mons")


def _bkk():
    return ZoneInfo("Asia/Bangkok")


def test_a_save_leaves_a_time_in_the_hour_that_happens_twice_where_it_was(editor, query):
    """London's clocks go back at 01:00 UTC on the last Sunday of October: 01:30 on the wall
    comes twice. A story embargoed until the second one keeps it through a plain save."""
    set_zone(editor, "Europe/London")
    october_end = date(NEXT_YEAR, 10, 31)
    sunday = october_end - timedelta(days=(october_end.weekday() + 1) % 7)
    second = datetime(sunday.year, sunday.month, sunday.day, 1, 30, tzinfo=UTC)
    ident = query(
        lambda: (
            StoryFactory(
                headline="Polls close across the region", embargo_until=second, published_at=second
            ).id
        )
    )
    form = form_values(editor.get(f"/admin/stories/{ident}").text)
    assert form["embargo_until"] == f"{sunday:%Y-%m-%d}T01:30"
    form.update(action="save", standfirst="A typo fixed in the standfirst.")
    assert editor.post(f"/admin/stories/{ident}", data=form).status_code == 303
    story = stored(query, ident)
    assert story.embargo_until == second, "not moved to the first 01:30, an hour earlier"
    assert story.published_at == second
