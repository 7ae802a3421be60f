"""In-process timing: milliseconds per request through app.test_client(), no server, no
network, the page cache off (PAGE_CACHE_NEW_PER_CLIENT=0: no page is kept; the content
version and anything else the app keeps stay warm; the content version is renewed first, so
no page a server kept is found). The runner starts it with the app's environment:

    python -m bench.inproc '{"article": "/article/x", ...}' ROUNDS SECONDS

and reads one JSON line: per case the median, min and max over rounds of the mean time per
request in a round, rounds interleaved (round 1 runs every case, then round 2 ...).
"""

from __future__ import annotations

import json
import statistics
import sys
import time


def main(argv: list[str]) -> None:
    from app import create_app
    from bench.build import MARK
    from web.caching import invalidate_content

    cases, rounds, seconds = json.loads(argv[0]), int(argv[1]), float(argv[2])
    app = create_app()
    if app.config["PAGE_CACHE_NEW_PER_CLIENT"] != 0:
        raise SystemExit("run with PAGE_CACHE_NEW_PER_CLIENT=0: the page cache must be off")
    with app.app_context():
        # A new content version: no page a server kept (the cached home) is found here.
        invalidate_content()
    client = app.test_client()
    per_round: dict[str, list[float]] = {name: [] for name in cases}
    for name, path in cases.items():  # warm-up: every case once before any is timed
        for _ in range(3):
            status = client.get(path).status_code
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}")
    for _round in range(rounds):
        for name, path in cases.items():
            count, started = 0, time.perf_counter()
            while count < 5 or time.perf_counter() - started < seconds:
                response = client.get(path)
                response.get_data()  # the whole body, as a server would send it
                if response.status_code != 200:
                    raise SystemExit(f"{name}: {path} answered {response.status_code}")
                count += 1
            per_round[name].append((time.perf_counter() - started) * 1000 / count)
    result = {
        name: {
            "median_ms": statistics.median(times),
            "min_ms": min(times),
            "max_ms": max(times),
            "rounds_ms": times,
        }
        for name, times in per_round.items()
    }
    print(MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
