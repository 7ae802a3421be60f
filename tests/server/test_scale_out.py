"""Two app servers sharing PostgreSQL and Redis stay coherent."""

from __future__ import annotations

import re
import urllib.request

import pytest

from tests.helpers import PG_URL, REDIS_URL, free_port
from tests.servers import start_gunicorn

pytestmark = pytest.mark.skipif(
    not (PG_URL and REDIS_URL), reason="needs the PostgreSQL and Redis leg (TEST_DATABASE_URL)"
)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return response.read().decode()


def test_a_story_published_through_one_server_is_served_by_the_other(live_server, tmp_path):
    port = free_port()
    env_b = {**live_server.env, "SITE_URL": f"http://127.0.0.1:{port}"}
    process, server_b = start_gunicorn(env_b, port, tmp_path / "gunicorn-b.log")
    try:
        assert "Cambodia rice exports" not in get(server_b + "/latest")  # cached on B now
        live_server.python(
            "from tests.factories import make_story\n"
            "make_story(headline='Cambodia rice exports reach a record', countries=['cambodia'])\n"
        )
        assert "Cambodia rice exports reach a record" in get(server_b + "/latest")
        assert "Cambodia rice exports reach a record" in get(live_server.url + "/latest")

        live_server.flask("ticker", "add", "Power restored across Dhaka")
        version_a = re.search(r'data-ticker-version="(\w+)"', get(live_server.url + "/about"))
        version_b = re.search(r'data-ticker-version="(\w+)"', get(server_b + "/about"))
        assert version_a.group(1) == version_b.group(1)
        assert "Power restored across Dhaka" in get(server_b + "/live/ticker")
    finally:
        process.terminate()
        process.wait(timeout=10)
