"""Morning briefings in a real browser: the sign-up at 375 and 1280 px in light and dark mode,
a reader's whole path from the form to the confirmation link in the email (through a loopback
SMTP server), and a sent edition in the archive (screenshots in test-artifacts/browser)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import smtp
from tests.helpers import ARTIFACTS, serious_axe_violations

NO_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
SENT_EDITION = """
from datetime import timedelta
from newsroom.briefings_editions import assemble, edition_due
from newsroom.models import Region, utcnow
from extensions import db
region = Region.by_slug("east-asia")
now = utcnow()
day, _ = edition_due(region, now)
briefing = assemble(region, day, now)
briefing.intro = "Good morning. Typhoon season and a tech boom lead today's briefing."
briefing.queued_at = briefing.sent_at = now
db.session.commit()
print(day.isoformat(), len(briefing.story_ids))
"""


@pytest.fixture
def live_server_env(inbox):
    return {"HTTP_MAX_AGE": "0", "SMTP_URL": f"smtp://127.0.0.1:{inbox.port}"}


def test_a_reader_signs_up_and_confirms_from_the_email(page, live_server, inbox):
    page.goto(live_server.url + "/")
    page.locator(".site-footer").get_by_role("link", name="Morning briefings by email").click()
    expect(page.locator("h1")).to_have_text("Morning briefings")

    page.get_by_label("Email address").fill("not an address")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".field__error").first).to_contain_text("Enter an email address")
    expect(page.get_by_label("Email address")).to_have_value("not an address")

    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_role("checkbox", name="South Asia").check()
    page.get_by_role("checkbox", name="West Asia").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Check your inbox.")).to_be_visible()

    [mail] = inbox.to("ana@example.org")
    confirm = re.search(r"http://\S+/briefings/confirm/\S+", smtp.text_of(mail)).group(0)
    page.goto(confirm)
    expect(page.get_by_text("South Asia, West Asia")).to_be_visible()
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.locator("h1")).to_have_text("You are subscribed")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_the_sign_up_and_the_archive(browser, live_server, scheme):
    day, count = live_server.python(SENT_EDITION).split()
    assert int(count) > 0
    pages = {
        "briefings-signup": "/briefings",
        "briefings-edition": f"/briefings/east-asia/{day}",
        "briefings-archive": "/briefings/east-asia",
    }
    suffix = "-dark" if scheme == "dark" else ""
    errors: list[str] = []
    for width, height in ((375, 812), (1280, 900)):
        context = browser.new_context(
            color_scheme=scheme, viewport={"width": width, "height": height}
        )
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            expect(page.locator("h1")).to_be_visible()
            problems = serious_axe_violations(page)
            assert not problems, "\n".join(problems)
            overflow = page.evaluate(NO_OVERFLOW)
            assert overflow <= 0, f"{path} overflows by {overflow}px at {width}px"
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}{suffix}.png"), full_page=True)
        context.close()
    assert not errors, errors
