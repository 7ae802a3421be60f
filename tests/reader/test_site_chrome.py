"""The masthead's menu and the footer (about ninety links made of the navigation and the
configuration) are rendered once per navigation in each worker, not on every page
(web.templating.site_chrome), and a change to a section or a country shows in both at once."""

from __future__ import annotations

import re

from extensions import db
from newsroom.models import Country, Section

CHROME = ("partials/_nav.html", "partials/_footer.html")


def _menu(html: str) -> str:
    return re.search(r'<details class="[^"]*\bmenu\b[^"]*"[^>]*>.*?</details>', html, re.S)[0]


def _footer(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def test_the_menu_and_footer_are_rendered_once_not_on_every_page(app, client, monkeypatch):
    client.get("/")
    loaded = []
    get_template = app.jinja_env.get_template

    def spy(name, *args, **kwargs):
        loaded.append(name)
        return get_template(name, *args, **kwargs)

    monkeypatch.setattr(app.jinja_env, "get_template", spy)
    first = client.get("/about").text
    second = client.get("/contact").text
    assert "partials/_ticker.html" in loaded, "the spy sees the page's partials"
    assert not set(CHROME) & set(loaded), loaded
    # Kept, and the same as rendered on the first page.
    assert _menu(first) == _menu(second) and 'href="/section/politics"' in _menu(first)
    assert _footer(first) == _footer(second) and "Owner: SNOWLAND s.r.o." in _footer(first)


def test_a_renamed_section_or_country_shows_in_the_menu_and_footer_of_the_next_page(client, query):
    before = client.get("/about").text
    assert ">Economy<" not in before and ">Republic of the Philippines<" not in before

    def rename():
        db.session.scalar(db.select(Section).where(Section.slug == "business")).name = "Economy"
        country = db.session.scalar(db.select(Country).where(Country.slug == "philippines"))
        country.name = "Republic of the Philippines"
        db.session.commit()

    query(rename)
    after = client.get("/about").text
    assert '<a class="site-nav__link" href="/section/business">Economy</a>' in after
    assert ">Economy<" in _menu(after) and ">Economy<" in _footer(after)
    assert ">Republic of the Philippines<" in _menu(after)
