"""What each gunicorn worker does once the app is built (gunicorn.conf.py)."""

from __future__ import annotations

import re
import time
import urllib.request


def test_each_worker_freezes_its_start_up_objects_out_of_garbage_collection(live_server):
    """gc.freeze() runs in every worker after the app is built, so a full collection no longer
    walks the app's tens of thousands of start-up objects in the middle of a reader's request."""
    with urllib.request.urlopen(live_server.url + "/about", timeout=5):  # noqa: S310 - loopback
        pass
    deadline = time.monotonic() + 10
    while True:
        lines = re.findall(r"gc\.freeze: (\d+) objects", live_server.log.read_text())
        if len(lines) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(lines) == 2, live_server.log.read_text()  # two workers, each once
    assert all(int(count) > 50_000 for count in lines), lines
