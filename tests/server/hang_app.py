"""The site plus one route that hangs, for the R18 test only: the real app has no such route."""

from __future__ import annotations

import time

from app import create_app as create_site


def create_app():
    app = create_site()

    @app.get("/__test__/hang")
    def hang():
        time.sleep(600)  # far beyond gunicorn's --timeout
        return "never sent"

    return app
