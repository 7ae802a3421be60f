"""axe-core finds no serious or critical accessibility problems on the main page types."""

from __future__ import annotations

import pytest

from tests.helpers import axe_source, serious_axe_violations

PAGES = [
    "/",
    "/article/pyongyang-rejects-tokyos-offer-of-talks-as-abductee-issue-stalls",
    "/country/japan",
    "/contact",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_axe_violations(browser, live_server, path, scheme):
    # bypass_csp lets the test inject axe; the site itself never allows inline script.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_server.url + path)
    page.evaluate(axe_source())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    context.close()
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def test_newsroom_pages_have_no_serious_axe_violations(browser, live_server):
    """Editors use the admin all day: sign-in, the code step, the account page, the story form."""
    live_server.python(
        "from web.auth import hash_password\nfrom extensions import db\nfrom newsroom.models import User\n"
        "db.session.add(User(email='a11y@example.org', name='Axe Admin', role='admin',"
        " password_hash=hash_password('a long accessible passphrase')))\n"
        "db.session.add(User(email='coded@example.org', name='Coded', role='writer',"
        " totp_secret='JBSWY3DPEHPK3PXP', password_hash=hash_password('another long passphrase')))\n"
        "db.session.commit()\n"
    )
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    problems = []
    page.goto(live_server.url + "/admin/login")
    problems += serious_axe_violations(page)
    page.fill("#email", "coded@example.org")
    page.fill("#password", "another long passphrase")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/login/code")
    problems += serious_axe_violations(page)
    page.goto(live_server.url + "/admin/login")
    page.fill("#email", "a11y@example.org")
    page.fill("#password", "a long accessible passphrase")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    for path in (
        "/admin/",
        "/admin/account",
        "/admin/stories/new",
        "/admin/stories/1",
        "/admin/stories/1/kill",
        "/admin/users",
    ):
        page.goto(live_server.url + path)
        problems += serious_axe_violations(page)
    page.goto(live_server.url + "/admin/account")
    page.click("text=Set up two-step sign-in")
    page.wait_for_selector(".totp-key")  # the QR code and the key to type
    problems += serious_axe_violations(page)
    context.close()
    assert not problems, "\n".join(problems)
