"""axe-core finds no serious or critical accessibility problems on the main page types."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = (Path(__file__).resolve().parent.parent / "vendor" / "axe-4.14.1.min.js").read_text()

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
    page.evaluate(AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    context.close()
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)
