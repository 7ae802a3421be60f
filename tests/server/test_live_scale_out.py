"""Two app servers sharing PostgreSQL and Redis show a live page's posts alike, in one order."""

from __future__ import annotations

import re
import urllib.request

import pytest

from demo.files import read_stories
from newsroom.content import make_slug
from tests.helpers import PG_URL, REDIS_URL, free_port
from tests.servers import start_gunicorn

pytestmark = pytest.mark.skipif(
    not (PG_URL and REDIS_URL), reason="needs the PostgreSQL and Redis leg (TEST_DATABASE_URL)"
)

POST_ID = re.compile(r'<article\b[^>]*\bid="(post-\d+)"')
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


def typhoon_slug() -> str:
    (entry,) = [s for s in read_stories() if s["key"] == "typhoon-dalisay-live"]
    return make_slug(entry["headline"])


def posts_on_page(base: str, slug: str) -> list[str]:
    status, page = get(f"{base}/article/{slug}")
    assert status == 200
    return POST_ID.findall(page)


@pytest.fixture
def second_server(live_server, tmp_path):
    """Server B: another gunicorn on the same database and the same Redis as live_server."""
    port = free_port()
    env = {**live_server.env, "SITE_URL": f"http://127.0.0.1:{port}"}
    process, base = start_gunicorn(env, port, tmp_path / "gunicorn-b.log")
    yield base
    process.terminate()
    process.wait(timeout=10)


def post(live_server, slug: str, text: str) -> str:
    """Post as a wire tool does (the service every server writes through); the new post's id."""
    out = live_server.python(
        "from newsroom import live\n"
        f"story = live.story_by_slug({slug!r})\n"
        f"print(live.add_post(story, None, {text!r}).anchor)\n"
    )
    return out.split()[-1]


def test_posts_written_through_one_server_read_alike_on_both(live_server, second_server):
    slug = typhoon_slug()
    before = posts_on_page(second_server, slug)  # B has the page cached now, A too below
    assert before == posts_on_page(live_server.url, slug) and len(before) >= 12

    first = post(live_server, slug, "The Cagayan River has peaked at 10.2 metres in Tuguegarao.")
    second = post(live_server, slug, "Relief flights will land from first light, officials say.")

    on_a, on_b = posts_on_page(live_server.url, slug), posts_on_page(second_server, slug)
    assert on_a == on_b
    assert on_a[:3] == [second, first, before[0]]


def test_a_poll_through_either_server_brings_the_same_new_posts(live_server, second_server):
    slug = typhoon_slug()
    _, page = get(f"{live_server.url}/article/{slug}")
    poller = re.search(r'<[^>]*\bid="live-poll"[^>]*>', page).group(0)
    poll_url = re.search(r'hx-get="([^"]+)"', poller).group(1).replace("&amp;", "&")
    for base in (live_server.url, second_server):  # unchanged: both answer 204
        assert get(base + poll_url, HTMX)[0] == 204

    first = post(live_server, slug, "Power is back in parts of Tuguegarao's city centre.")
    second = post(live_server, slug, "The weather agency has lowered the wind signal to 3.")

    answers = [get(base + poll_url, HTMX) for base in (second_server, live_server.url)]
    assert [status for status, _ in answers] == [200, 200]
    (_, fragment_b), (_, fragment_a) = answers
    new_b, new_a = POST_ID.findall(fragment_b), POST_ID.findall(fragment_a)
    assert set(new_a) == set(new_b) == {first, second} and new_a == new_b
    since = [re.search(r'data-since="(\d+)"', f).group(1) for _, f in answers]
    assert since[0] == since[1] and since[0] not in poll_url
