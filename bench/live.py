"""The live-page benchmark: thousands of readers polling one live page while an editor posts.

Each simulated reader behaves as the page's poller does (the poll contract, issue 14): it holds
the stamp it was last given, polls `GET /live/coverage/<id>?since=<STAMP>` with `HX-Request:
true` every --poll seconds, keeps its stamp on a 204 and, on a 200, takes the URL the fragment's
new poller element (`id="live-poll"`, its hx-get / data-since) gives. Meanwhile an editor posts
every --post-every seconds through newsroom.live.add_post (the service the admin and the `live
post` command call; it commits before returning, so the time taken just before the call is when
"Post" was pressed, less the form's round trip).

Reported per setup: the requests that reached the app per second (from gunicorn's access log)
beside the target of one per distinct poll state per cache period, the p99 poll latency as the
readers saw it, and the time from "Post" to the post being in a reader's poll answer (p95, target
under the poll interval + 2 s). Setups: the embedded default (SQLite, file cache) served straight
by gunicorn as `make run` does, the same behind the shipped nginx, and PostgreSQL + Redis behind
nginx when --database-url (or BENCH_DATABASE_URL / TEST_DATABASE_URL) names a server.

    python bench/live.py [--seconds 120] [--readers 2000] [--poll 15] [--post-every 10]
    python bench/live.py --seconds 45 --readers 500 --setup embedded-nginx   # about a minute
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.live_readers import Readers, percentile  # noqa: E402
from bench.servers import (  # noqa: E402
    NGINX,
    PY,
    free_port,
    gunicorn,
    nginx_conf,
    pg_database,
    prepare_instance,
    wait_for,
)

SETUPS = ("embedded-direct", "embedded-nginx", "postgres")
# gunicorn's access log, one line a request: status, milliseconds, path and query.
ACCESS_FORMAT = '%(s)s %(M)s "%(U)s?%(q)s"'
LIVE_SLUG_PROBE = (
    "from app import create_app\nimport sqlalchemy as sa\nfrom extensions import db\n"
    "from newsroom.models import Story\napp = create_app()\nctx = app.app_context(); ctx.push()\n"
    "s = db.session.scalar(sa.select(Story).where(Story.kind == 'live', "
    "Story.live_closed_at.is_(None)).order_by(Story.id))\n"
    "print(s.id, s.slug, int(s.live_changed_at.timestamp() * 1_000_000))\n"
)
# The editor: a long-lived process in the app's context, so a post costs what the service costs,
# not a Python start-up. It reads "post" lines and answers "<id> <pressed> <returned>".
EDITOR = (
    "import sys, time\nfrom app import create_app\nfrom newsroom import live\n"
    "app = create_app()\nctx = app.app_context(); ctx.push()\n"
    "story = live.story_by_slug(sys.argv[1])\nn = 0\n"
    "for line in sys.stdin:\n"
    "    n += 1\n"
    "    pressed = time.time()\n"
    "    post = live.add_post(story, None, f'Bench update {n}: the river gauge reads '\n"
    "                         f'{7 + n / 10:.1f} metres and the rain has not stopped.')\n"
    "    print(post.id, pressed, time.time(), flush=True)\n"
)


def count_app_polls(log: Path, offset: int) -> dict[int, int]:
    """Poll requests in gunicorn's access log after `offset` bytes, by status."""
    found: dict[int, int] = {}
    with log.open("rb") as handle:
        handle.seek(offset)
        for line in handle.read().decode(errors="replace").splitlines():
            match = re.match(r'(\d{3}) \d+ "(/live/coverage/[^"]*)"', line)
            if match:
                status = int(match.group(1))
                found[status] = found.get(status, 0) + 1
    return found


class Setup:
    """One way of serving the site: its processes, where readers go, and its app's access log."""

    def __init__(self, name: str, tmp: Path, env: dict, behind_nginx: bool):
        self.name, self.tmp, self.env, self.behind_nginx = name, tmp, env, behind_nginx
        self.processes: list[subprocess.Popen] = []
        self.cleanup: list[callable] = []

    def start(self) -> None:
        prepare_instance(self.env, "--no-images")
        self.app_port = free_port()
        self.log = self.tmp / "access.log"
        extra = ["--access-logfile", str(self.log), "--access-logformat", ACCESS_FORMAT]
        self.processes.append(
            gunicorn(self.env, self.app_port, "app:create_app()", self.tmp / "app.log", extra=extra)
        )
        self.port, self.host = self.app_port, f"127.0.0.1:{self.app_port}"
        if self.behind_nginx:
            self.port, self.host = free_port(), "asian-news.net"
            conf = nginx_conf(self.tmp, self.port, self.app_port, self.tmp, self.tmp / "media")
            nginx = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"])
            self.processes.append(nginx)
            wait_for(self.port, "/about")
        probe = subprocess.run(
            [PY, "-c", LIVE_SLUG_PROBE],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        self.story_id, self.slug, self.stamp = int(probe[0]), probe[1], int(probe[2])

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for step in self.cleanup:
            step()


async def editor(setup: Setup, until: float, every: float, posts: list) -> None:
    """Post every `every` seconds until `until` (monotonic); record (id, pressed, returned)."""
    process = await asyncio.create_subprocess_exec(
        PY,
        "-c",
        EDITOR,
        setup.slug,
        cwd=ROOT,
        env=setup.env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        next_post = time.monotonic() + every / 2
        while next_post < until:
            await asyncio.sleep(max(0, next_post - time.monotonic()))
            process.stdin.write(b"post\n")
            await process.stdin.drain()
            line = await process.stdout.readline()
            if not line:
                raise SystemExit("the editor process stopped; see its error above")
            ident, pressed, returned = line.split()
            posts.append((int(ident), float(pressed), float(returned)))
            next_post += every
    finally:
        process.stdin.close()
        await process.wait()


async def measure(setup: Setup, args) -> dict:
    """Readers for args.seconds, an editor posting until the last poll interval and a margin."""
    start_url = f"/live/coverage/{setup.story_id}?since={setup.stamp}"
    readers = Readers(setup.port, setup.host, start_url, args.readers, args.poll)
    offset = setup.log.stat().st_size if setup.log.exists() else 0
    began = time.monotonic()
    until = began + args.seconds
    posts: list = []
    # The editor stops early enough for every reader to poll twice more after the last post.
    await asyncio.gather(
        readers.run(until), editor(setup, until - 2 * args.poll - 4, args.post_every, posts)
    )
    elapsed = time.monotonic() - began
    app_polls = count_app_polls(setup.log, offset)
    delays, missed = readers.delivery(posts)
    lat = sorted(readers.latencies)
    period = readers.cache_seconds or 1
    ideal = readers.distinct_states_per(period) / elapsed
    reached = sum(app_polls.values()) / elapsed
    return {
        "setup": setup.name,
        "readers": args.readers,
        "seconds": round(elapsed, 1),
        "polls_sent_per_s": round(len(lat) / elapsed, 1),
        "statuses": readers.statuses,
        "transport_failures": readers.failures,
        "answers_without_poller": readers.malformed,
        "micro_cache": readers.cache_status,
        "cache_period_s": readers.cache_seconds,
        "app_polls_per_s": round(reached, 2),
        "app_poll_statuses": app_polls,
        "target_app_polls_per_s": round(ideal, 2),
        "poll_p50_ms": round(percentile(lat, 50), 1),
        "poll_p99_ms": round(percentile(lat, 99), 1),
        "posts": len(posts),
        "post_service_ms_p95": round(
            percentile(sorted((r - p) * 1000 for _, p, r in posts), 95), 1
        ),
        "delivery_p50_s": round(percentile(delays, 50), 2),
        "delivery_p95_s": round(percentile(delays, 95), 2),
        "deliveries_missed": missed,
    }


def targets(row: dict, args) -> list[tuple[str, bool]]:
    found = [
        (
            f"post to poll answer p95 < {args.poll + 2} s",
            row["delivery_p95_s"] < args.poll + 2 and not row["deliveries_missed"],
        ),
        ("no 5xx or transport failures", not row["transport_failures"]),
    ]
    found[-1] = (found[-1][0], found[-1][1] and not any(s >= 500 for s in row["statuses"]))
    if "nginx" in row["setup"]:
        found.append(
            (
                "app polls about one per distinct poll state per cache period (<= 1.5x)",
                row["app_polls_per_s"] <= 1.5 * row["target_app_polls_per_s"] + 0.1,
            )
        )
    return found


def setups(args, tmp: Path) -> list[Setup]:
    base = {
        **os.environ,
        "SECRET_KEY": "bench-only",
        "LIVE_POLL_SECONDS": str(args.poll),
        "HTTP_MAX_AGE": "10",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_TYPE", "CACHE_KEY_PREFIX"):
        base.pop(name, None)
    found = []
    for name, nginx in (("embedded, gunicorn direct", False), ("embedded behind nginx", True)):
        folder = tmp / f"embedded-{'nginx' if nginx else 'direct'}"
        if folder.name not in args.setup:
            continue
        folder.mkdir()
        found.append(Setup(name, folder, {**base, "INSTANCE_PATH": str(folder)}, nginx))
    if "postgres" in args.setup and not args.database_url:
        print("-- PostgreSQL + Redis left out: give --database-url or BENCH_DATABASE_URL")
    if "postgres" in args.setup and args.database_url:
        folder = tmp / "postgres"
        folder.mkdir()
        env = {**base, "INSTANCE_PATH": str(folder), "REDIS_URL": args.redis_url}
        env["CACHE_KEY_PREFIX"] = f"bench{uuid.uuid4().hex[:6]}:"
        setup = Setup("PostgreSQL + Redis behind nginx", folder, env, True)
        env["DATABASE_URL"], drop = pg_database(args.database_url)
        setup.cleanup.append(drop)
        found.append(setup)
    return found


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=120, help="length of each setup's run")
    parser.add_argument("--readers", type=int, default=2000)
    parser.add_argument("--poll", type=int, default=15, help="the readers' poll interval (s)")
    parser.add_argument("--post-every", type=float, default=10)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"),
        help="a PostgreSQL server (a database is created on it and dropped after)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL")
        or os.environ.get("TEST_REDIS_URL")
        or "redis://127.0.0.1:6379/15",
    )
    parser.add_argument(
        "--setup",
        action="append",
        choices=SETUPS,
        help="run only this setup (repeatable); all three by default",
    )
    args = parser.parse_args(argv)
    args.setup = args.setup or list(SETUPS)
    if args.seconds < 2 * args.poll + 15:
        parser.error(
            f"--seconds must leave room for posts and two polls: at least {2 * args.poll + 15}"
        )
    tmp = Path(tempfile.mkdtemp(prefix="an-live-bench-"))
    rows = []
    print(
        f"live page: {args.readers} readers polling every {args.poll} s, a post every "
        f"{args.post_every:g} s, {args.seconds} s a setup"
    )
    try:
        for setup in setups(args, tmp):
            print(f"-- {setup.name}: loading the demo newsroom ...")
            try:
                setup.start()
                row = asyncio.run(measure(setup, args))
            finally:
                setup.stop()
            rows.append(row)
            print_row(row, targets(row, args))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {"when": stamp, "args": {k: v for k, v in vars(args).items() if "url" not in k}}
    report["results"] = [{**r, "targets": dict(targets(r, args))} for r in rows]
    (out_dir / f"live-{stamp}.json").write_text(json.dumps(report, indent=2))
    print(f"\nwritten to bench/results/live-{stamp}.json")
    return rows


def print_row(row: dict, held: list[tuple[str, bool]]) -> None:
    print(
        f"   polls sent {row['polls_sent_per_s']}/s, statuses {row['statuses']}, "
        f"transport failures {row['transport_failures']}, micro-cache {row['micro_cache']}"
    )
    print(
        f"   reaching the app {row['app_polls_per_s']}/s {row['app_poll_statuses']} "
        f"(one per distinct poll state per {row['cache_period_s']} s cache period: "
        f"{row['target_app_polls_per_s']}/s)"
    )
    print(f"   poll latency p50 {row['poll_p50_ms']} ms, p99 {row['poll_p99_ms']} ms")
    print(
        f"   {row['posts']} posts (service p95 {row['post_service_ms_p95']} ms); post to poll "
        f"answer p50 {row['delivery_p50_s']} s, p95 {row['delivery_p95_s']} s, "
        f"missed {row['deliveries_missed']}"
    )
    for name, ok in held:
        print(f"   {'HOLDS' if ok else 'MISSES'}  {name}")


if __name__ == "__main__":
    main()
