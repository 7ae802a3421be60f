"""Helpers shared by test modules: settings, sign-in, the story form, photos, form data.

Plain functions and constants only; fixtures live in the conftest.py files.
"""

from __future__ import annotations

import functools
import io
import os
import socket
from contextlib import contextmanager
from pathlib import Path

import lxml.html
import sqlalchemy as sa
from PIL import Image as PILImage

from extensions import db
from newsroom.models import Photo

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
PASSWORD = "correct horse battery staple"
# Where the browser tests leave their screenshots.
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "test-artifacts" / "browser"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- signing in ------------------------------------------------------------------------------


def sign_in(client, role: str, password: str = PASSWORD):
    return client.post(
        "/admin/login", data={"email": f"{role}@asian-news.test", "password": password}
    )


def client_at(app, address: str):
    """A browser at this client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


# --- the story form --------------------------------------------------------------------------


def story_data(**overrides):
    data = {
        "headline": "Monsoon floods cut rail links across Assam",
        "standfirst": "Hundreds of villages are cut off.",
        "dateline": "Guwahati",
        "dateline_country": "23",
        "body": 'Floodwater covered the tracks on Tuesday.\n\n"We are moving people," an official said.',
        "kind": "news",
        "section": "1",
        "countries": ["23"],
        "authors": ["2"],
        "tags": "Climate, Monsoon",
        "lang": "en",
        "hero_photo": "0",
        "revision": "0",
        "action": "save",
    }
    data.update(overrides)
    return data


def inputs(html: str, name: str) -> list:
    """Every input, select and textarea named `name` on the page (lxml elements)."""
    return lxml.html.fromstring(html).xpath(
        "//input[@name=$n] | //select[@name=$n] | //textarea[@name=$n]", n=name
    )


def field_value(html: str, name: str) -> str:
    """The value of the first field named `name` (a hidden token, a revision, a text box)."""
    found = inputs(html, name)
    assert found, f"no field named {name!r} on the page"
    return found[0].value or ""


def csrf_token(html: str) -> str:
    return field_value(html, "csrf_token")


def revision_of(html: str) -> str:
    return field_value(html, "revision")


def offered_values(html: str, name: str) -> list[str]:
    """The values offered by the check boxes or radios named `name`, in page order."""
    return [box.get("value") for box in inputs(html, name)]


def checked_values(html: str, name: str) -> list[str]:
    """The values of the check boxes or radios named `name` that are checked."""
    return [box.get("value") for box in inputs(html, name) if box.checked]


def form_values(html: str, form_id: str = "story-form") -> dict:
    """The values a browser would submit for that form on this page (lxml applies the HTML
    rules: checked radios and boxes only, a select's first option when none is selected)."""
    form = lxml.html.fromstring(html).get_element_by_id(form_id)
    values: dict = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    for textarea in form.iter("textarea"):
        # A browser drops the one newline that follows <textarea>; lxml keeps it.
        values[textarea.name] = [textarea.value.removeprefix("\n")]
    return {name: found[0] if len(found) == 1 else found for name, found in values.items()}


# --- photos ----------------------------------------------------------------------------------


def photo_bytes(fmt="JPEG", size=(1200, 800), exif=None) -> bytes:
    image = PILImage.new("RGB", size, (180, 40, 30))
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def gps_exif() -> bytes:
    exif = PILImage.Exif()
    exif[0x8825] = {1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)}
    exif[0x010F] = "Test camera maker"
    exif[0x0112] = 6  # rotated: the stored photo must come out upright (portrait)
    return exif.tobytes()


def upload(client, data: bytes, filename="photo.jpg", alt="Rice terraces in Bali", htmx=False):
    return client.post(
        "/admin/photos",
        data={
            "photo-photo": (io.BytesIO(data), filename),
            "photo-alt": alt,
            "photo-caption": "Terraces at dawn",
            "photo-credit": "Staff",
        },
        content_type="multipart/form-data",
        headers={"HX-Request": "true"} if htmx else {},
    )


def media_files(app) -> set[str]:
    return {p.name for p in Path(app.config["MEDIA_ROOT"]).iterdir()}


def image_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Photo))


# --- what visitors send ----------------------------------------------------------------------

# A good contact form.
GOOD = {
    "name": "Ana Reyes",
    "email": "ana@example.org",
    "subject": "Correction on the typhoon story",
    "message": "The evacuation figure for Isabela was updated this morning.",
}


# Story bodies an attacker would write.
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=x></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="https://tracker.example/pixel.gif" alt="">',
    "[click](javascript:alert(1))",
    '<p onclick="alert(1)">text</p>',
]


# --- accessibility (the browser tests) ------------------------------------------------------


@functools.cache
def axe_source() -> str:
    """axe-core, vendored in tests/vendor/, to inject into a page."""
    return (ROOT / "tests" / "vendor" / "axe-4.14.1.min.js").read_text()


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page a Playwright `page` shows.

    Finite animations (a bar fading in) are let finish first: half-way through a fade the text is
    part-transparent, which axe reads as low contrast though no reader is left looking at it.
    """
    # A function, not an expression: Playwright polls an expression through eval(), which the
    # site's CSP refuses once the first test was false.
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running'"
        " || a.effect.getComputedTiming().iterations === Infinity)",
        timeout=5000,
    )
    page.evaluate(axe_source())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@contextmanager
def statements():
    """The SQL statements run inside the block (BEGIN, COMMIT and PRAGMAs left out)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def save_over_each_other(mine_client, theirs_client, url: str, mine: str, theirs: str):
    """Two people open the same story form; they save the headline `theirs` first, then the
    first saves `mine` from the form read before. Returns (the first's form, its answer)."""
    my_form = form_values(mine_client.get(url).text)
    their_form = form_values(theirs_client.get(url).text)
    their_form.update(action="save", headline=theirs)
    assert theirs_client.post(url, data=their_form).status_code == 303
    my_form.update(action="save", headline=mine)
    return my_form, mine_client.post(url, data=my_form)


def sign_in_browser(page, live_server, email: str = "desk@example.org", name: str = "Desk Editor"):
    """Sign a browser page in through the sign-in form, as a person would; waits for the
    dashboard's greeting."""
    from playwright.sync_api import expect

    page.goto(live_server.url + "/admin/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text(f"Good to see you, {name}")
