"""Benchmarks on loopback: the site against bare Flask and nginx, the same cases at each scale.

For each backend (SQLite and the file cache; PostgreSQL + Redis too when BENCH_DATABASE_URL and
BENCH_REDIS_URL name servers, a new database created on the first and dropped afterwards) the
bench builds the demo newsroom plus synthetic stories up to each scale (10,000 and 100,000 by
default; bulk INSERTs, bench/build.py), serves it with gunicorn (2 workers, the same settings
for the bare Flask "hello" it is compared with) and measures with wrk (a Python load generator
when wrk is absent), every request to 127.0.0.1:

- cached home (plain, and with `Accept-Encoding: gzip, br` as browsers send it), the ticker's
  204, the home page's unchanged live/latest poll, against bare Flask hello;
- uncached home, every cache off (plain and gzip, br);
- home right after a publish: a story edited and committed as a publish does (the page cache is
  retired, anything else the app keeps stays), then the next --publish-burst requests at
  --publish-connections; again until the case's time is up (a small asyncio client sends
  these, as wrk cannot publish between requests; its ceiling, measured on hello beside it, is
  lower than wrk's);
- with the page cache off (every other cache warm): a section page, an article, an untagged
  article, a country's first page and one >= 500 pages deep (by cursor), search for a common
  and a rare word, a tag page, an author page;
- nginx serving a static copy of home, and home through nginx's micro-cache (not in --quick).

Every case runs --rounds times, interleaved (round 1 runs every case, then round 2 ...), after
a warm-up each time; the medians of the rounds and their min-max are printed, scales side by
side. Then the in-process timings (app.test_client(), ms per request, page cache off,
bench/inproc.py), the issue's targets as HOLDS / MISSES, and the JSON in
bench/results/<timestamp>-<backend>.json. Then the live-page case (bench/live.py).

    python bench/run.py [--scales 10000,100000] [--seconds 5] [--rounds 3] [--connections 32]
    python bench/run.py --quick              # one scale (10k), 2 s a case, 3 rounds: < 3 min
    python bench/run.py --table bench/results/X-sqlite.json bench/results/X-postgres.json
                                             # those runs' tables as Markdown
    BENCH_SCALE=1000000 python bench/run.py  # adds the 1M scale (minutes more to build)

    make bench BENCH_ARGS="--quick"
    make bench BENCH_ARGS="--only beacons"   # counting: 2,000 beacons/s for 30 s while an
        # editor saves stories (bench/beacons.py; --backend postgres for PostgreSQL + Redis)
    make bench BENCH_ARGS="--scales 10000,100000,1000000 --live-seconds 0"
    make bench BENCH_ARGS="--backend postgres --seconds 3"   # with BENCH_DATABASE_URL and
        # BENCH_REDIS_URL set, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres and
        # redis://127.0.0.1:6379/14 (the bench's keys have a prefix of their own and are
        # deleted afterwards, as is the database)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.build import MARK  # noqa: E402
from bench.load import WRK, after_publish, run_load, settle, warm_up  # noqa: E402
from bench.report import (  # noqa: E402
    ARTICLE,
    AUTHOR,
    CACHED,
    CACHED_GZ,
    COUNTRY,
    DEEP,
    HELLO,
    HELLO_BURST,
    HOME,
    LATEST,
    MICRO,
    NGINX_STATIC,
    PUBLISH,
    PUBLISH_BASE,
    RENDERED,
    SEARCH_COMMON,
    SEARCH_RARE,
    SECTION,
    TAG,
    TICKER,
    UNCACHED,
    UNCACHED_BASE,
    UNCACHED_GZ,
    UNTAGGED,
)
from bench.servers import (  # noqa: E402
    NGINX,
    PY,
    Publisher,
    app_helper,
    baseline_tree,
    free_port,
    gunicorn,
    nginx_conf,
    pg_database,
    prepare_instance,
    stop,
    wait_for,
    worker_rss_mb,
)

RESULTS = ROOT / "bench" / "results"
DEFAULT_SCALES = (10_000, 100_000)
BROWSER = {"Accept-Encoding": "gzip, br"}
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--scales",
        help="stories in the database for each leg, comma-separated (default 10000,100000, "
        "plus BENCH_SCALE when set)",
    )
    parser.add_argument("--stories", type=int, help="one scale only (same as --scales N)")
    parser.add_argument("--seconds", type=int, default=5, help="each case, each round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of each case (the in-process timings taken again at the end: 5 or more)",
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--publish-burst", type=int, default=1000)
    parser.add_argument("--publish-connections", type=int, default=16)
    parser.add_argument("--inproc-seconds", type=float, default=0.5, help="each case, each round")
    parser.add_argument("--warm-up", type=float, default=0.5, help="seconds before each case")
    parser.add_argument("--backend", choices=("all", "sqlite", "postgres"), default="all")
    parser.add_argument(
        "--baseline",
        metavar="GIT_REF",
        help="also serve the code as it was at GIT_REF (same database, caches of its own) for "
        "the uncached home and home right after a publish, to compare with today",
    )
    parser.add_argument("--no-images", action="store_true", help="the demo without its photos")
    parser.add_argument("--no-nginx", action="store_true", help="leave out the nginx cases")
    parser.add_argument(
        "--live-seconds",
        type=int,
        default=120,
        help="each setup of the live-page case (bench/live.py); 0 leaves the case out",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="10k stories, 2 s a case, 3 rounds, no photos, no nginx or live cases",
    )
    parser.add_argument(
        "--only",
        choices=("beacons",),
        help="run one case alone: beacons (bench/beacons.py: 2,000 beacons a second for 30 s "
        "while an editor saves stories; --seconds and --backend apply)",
    )
    parser.add_argument(
        "--table", metavar="JSON", nargs="+", help="print results' tables as Markdown"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.scales, args.seconds, args.rounds = "10000", 2, 3
        args.inproc_seconds, args.warm_up = 0.1, 0.1
        args.no_images = args.no_nginx = True
        args.live_seconds = 0
    if args.stories:
        args.scales = str(args.stories)
    if args.scales:
        scales = {int(s) for s in args.scales.split(",") if s.strip()}
    else:
        scales = set(DEFAULT_SCALES)
        scales |= {int(s) for s in os.environ.get("BENCH_SCALE", "").split(",") if s.strip()}
    args.scale_list = sorted(scales)
    return args


def fetch(port: int, path: str, headers: dict | None = None) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    body = conn.getresponse().read().decode()
    conn.close()
    return body


class Leg:
    """One backend at one scale: its servers, its cases, its figures."""

    def __init__(self, args, env: dict, tmp: Path, data: dict):
        self.args, self.env, self.tmp, self.data = args, env, tmp, data
        self.servers: dict = {}
        self.nginx = None
        self.publisher = self.base_publisher = None

    def start(self) -> None:
        env, tmp = self.env, self.tmp
        self.publisher = Publisher(env)
        self.publisher.publish()  # retire pages cached at the previous scale
        ports = {name: free_port() for name in ("cached", "nopage", "nocache", "hello")}
        self.ports = ports
        app = "app:create_app()"
        nopage = {**self.own_cache(env, "nopage"), "PAGE_CACHE_NEW_PER_CLIENT": "0"}
        nocache = {**env, "CACHE_TYPE": "NullCache", "STORY_CARDS_KEPT": "0"}
        # Started together, then waited for: four start-ups at once, not one after another.
        self.servers = {
            "cached": gunicorn(env, ports["cached"], app, tmp / "cached.log", wait=False),
            "page cache off": gunicorn(
                nopage, ports["nopage"], app, tmp / "nopage.log", wait=False
            ),
            "every cache off": gunicorn(
                nocache, ports["nocache"], app, tmp / "nocache.log", wait=False
            ),
            "hello": gunicorn(
                env, ports["hello"], "bench.hello:app", tmp / "hello.log", wait=False
            ),
        }
        if self.args.baseline:
            self.start_baseline()
        for name, port in ports.items():
            wait_for(port, "/" if name == "hello" else "/healthz")
        home = fetch(ports["cached"], "/")
        self.ticker = re.search(r'data-ticker-version="(\w+)"', home).group(1)
        latest = re.search(r'hx-get="(/live/latest\?[^"]+)"', home)
        self.latest = latest.group(1).replace("&amp;", "&") if latest else None
        if not self.args.no_nginx:
            static_root = tmp / "static-copy"
            static_root.mkdir(exist_ok=True)
            (static_root / "bench-static.html").write_text(home)
            self.nginx_port = free_port()
            conf = nginx_conf(tmp, self.nginx_port, ports["cached"], static_root, tmp / "media")
            self.nginx = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"])
            wait_for(self.nginx_port, "/about")

    def own_cache(self, env: dict, name: str) -> dict:
        """The same database with a cache of its own (an instance folder, a Redis key prefix):
        the pages the cached server stores must not answer another server's requests (its
        fast path would serve them)."""
        own = {
            **env,
            "INSTANCE_PATH": str(self.tmp / f"{name}-instance"),
            "DATABASE_URL": env.get("DATABASE_URL")
            or f"sqlite:///{self.tmp / 'instance' / 'asian-news.sqlite'}",
        }
        if "CACHE_KEY_PREFIX" in own:
            own["CACHE_KEY_PREFIX"] += f"{name}:"
        return own

    def start_baseline(self) -> None:
        """The baseline code on the same database with an instance (so a file cache) and a
        Redis key prefix of its own: its cached pages and the current code's never mix."""
        tree = self.tmp / "baseline"
        if not tree.exists():
            baseline_tree(self.args.baseline, tree)
        env = self.own_cache(self.env, "baseline")
        app = "app:create_app()"
        self.ports["base-cached"], self.ports["base-nocache"] = free_port(), free_port()
        self.servers["baseline cached"] = gunicorn(
            env, self.ports["base-cached"], app, self.tmp / "base.log", wait=False, cwd=tree
        )
        self.servers["baseline, every cache off"] = gunicorn(
            {**env, "CACHE_TYPE": "NullCache"},
            self.ports["base-nocache"],
            app,
            self.tmp / "base-nocache.log",
            wait=False,
            cwd=tree,
        )
        self.base_publisher = Publisher(env, cwd=tree)

    def stop(self) -> dict:
        memory = {
            name: [round(m, 1) for m in worker_rss_mb(p)]
            for name, p in self.servers.items()
            if name != "hello" and not name.startswith("baseline")
        }
        stop([p for p in [self.nginx, *self.servers.values()] if p is not None])
        for publisher in (self.publisher, self.base_publisher):
            if publisher:
                publisher.close()
        return memory

    def paths(self) -> dict[str, str]:
        d = self.data
        return {
            HOME: "/",
            SECTION: f"/section/{d['section']}",
            ARTICLE: f"/article/{d['article']}",
            UNTAGGED: f"/article/{d['untagged']}",
            COUNTRY: f"/country/{d['country']}",
            DEEP: f"/country/{d['country']}?before={quote(d['deep_cursor'])}",
            SEARCH_COMMON: f"/search?q={d['common_word']}",
            SEARCH_RARE: f"/search?q={d['rare_word']}",
            TAG: f"/tag/{d['tag']}",
            AUTHOR: f"/author/{d['author']}",
        }

    def cases(self) -> list[tuple[str, str, int, str, dict]]:
        """(case, served by, port, path, headers)."""
        p, paths = self.ports, self.paths()
        cases = []
        if self.nginx:
            host = {"Host": "asian-news.net"}
            cases += [
                (NGINX_STATIC, "nginx", self.nginx_port, "/bench-static.html", host),
                (MICRO, "nginx", self.nginx_port, "/", host),
            ]
        cases += [
            (HELLO, "hello", p["hello"], "/", {}),
            (CACHED, "cached", p["cached"], "/", {}),
            (CACHED_GZ, "cached", p["cached"], "/", BROWSER),
            (TICKER, "cached", p["cached"], f"/live/ticker?v={self.ticker}", HTMX),
        ]
        if self.latest:
            cases.append((LATEST, "cached", p["cached"], self.latest, HTMX))
        cases += [
            (UNCACHED, "every cache off", p["nocache"], "/", {}),
            (UNCACHED_GZ, "every cache off", p["nocache"], "/", BROWSER),
            (PUBLISH, "cached", p["cached"], "/", {}),
            (RENDERED, "page cache off", p["nopage"], "/", {}),
            (HELLO_BURST, "hello", p["hello"], "/", {}),
        ]
        if self.args.baseline:
            cases += [
                (UNCACHED_BASE, "baseline, every cache off", p["base-nocache"], "/", {}),
                (PUBLISH_BASE, "baseline cached", p["base-cached"], "/", {}),
            ]
        for name in (SECTION, ARTICLE, UNTAGGED, COUNTRY, DEEP):
            cases.append((name, "page cache off", p["nopage"], paths[name], {}))
        for name in (SEARCH_COMMON, SEARCH_RARE, TAG, AUTHOR):
            cases.append((name, "page cache off", p["nopage"], paths[name], {}))
        return cases

    def measure(self) -> dict:
        """Every case, --rounds times interleaved; per case the medians and the rounds."""
        args = self.args
        cases = self.cases()
        rounds: dict[str, list[dict]] = {name: [] for name, *_ in cases}
        answers = {}
        for number in range(1, args.rounds + 1):
            print(f"  round {number} of {args.rounds}", flush=True)
            for name, server, port, path, headers in cases:
                began = time.monotonic()
                if name in (PUBLISH, PUBLISH_BASE, HELLO_BURST):
                    publish = {
                        PUBLISH: self.publisher and self.publisher.publish,
                        PUBLISH_BASE: self.base_publisher and self.base_publisher.publish,
                    }.get(name)
                    if publish:
                        publish()
                    answers[name] = warm_up(port, path, headers, args.warm_up)
                    got = after_publish(
                        port,
                        path,
                        headers,
                        publish,
                        args.seconds,
                        args.publish_burst,
                        args.publish_connections,
                    )
                else:
                    answers[name] = warm_up(port, path, headers, args.warm_up)
                    # The target for a home rendered from stored pieces is at 16 connections.
                    connections = args.publish_connections if name == RENDERED else args.connections
                    got = run_load(port, path, args.seconds, connections, headers)
                if server != "nginx":  # nginx keeps no queue behind a stopped client
                    settle(port, "/" if server == "hello" else "/healthz")
                rounds[name].append(got)
                print(
                    f"    {name:<42} {got['rps']:>8.0f} req/s  p50 {got['p50_ms']:6.1f} ms"
                    f"  p99 {got['p99_ms']:6.1f} ms  non-2xx {got['non_2xx']}"
                    f"  ({time.monotonic() - began:.1f} s)",
                    flush=True,
                )
        out = {}
        for name, server, _port, path, headers in cases:
            runs = rounds[name]
            out[name] = {
                "server": server,
                "path": path,
                "headers": headers,
                "rps": statistics.median(r["rps"] for r in runs),
                "min_rps": min(r["rps"] for r in runs),
                "max_rps": max(r["rps"] for r in runs),
                "p50_ms": statistics.median(r["p50_ms"] for r in runs),
                "p99_ms": statistics.median(r["p99_ms"] for r in runs),
                "non_2xx": sum(r["non_2xx"] for r in runs),
                "answer": answers[name],
                "rounds": runs,
            }
        return out


def inproc(args, env: dict, paths: dict, rounds: int | None = None) -> dict:

    result = subprocess.run(
        [
            PY,
            "-m",
            "bench.inproc",
            json.dumps(paths),
            str(rounds or args.rounds),
            str(args.inproc_seconds),
        ],
        cwd=ROOT,
        env={**env, "PAGE_CACHE_NEW_PER_CLIENT": "0"},
        capture_output=True,
        text=True,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith(MARK)]
    if result.returncode or not lines:
        raise SystemExit(f"the in-process timings failed:\n{result.stderr[-3000:]}")
    return json.loads(lines[-1][len(MARK) :])


def snapshot(env: dict, backend: str, scale: int, tmp: Path) -> tuple[dict, callable | None]:
    """A copy of the instance as it stands at this scale, so that its in-process timings can be
    taken again beside the larger scales' (interleaved_inproc), and how to drop it."""
    copy = dict(env)
    if backend == "postgres":
        copy["CACHE_KEY_PREFIX"] = f"{env['CACHE_KEY_PREFIX']}s{scale}:"
        copy["DATABASE_URL"], drop = pg_database(
            os.environ["BENCH_DATABASE_URL"], copy_of=env["DATABASE_URL"]
        )
        return copy, drop
    copy["INSTANCE_PATH"] = str(tmp / f"instance-{scale}")
    shutil.copytree(env["INSTANCE_PATH"], copy["INSTANCE_PATH"])
    return copy, None


INTERLEAVED_ROUNDS = 5


def interleaved_inproc(args, runs: dict[int, tuple[dict, dict]]) -> dict[int, dict]:
    """The in-process timings of every scale again, rounds interleaved across scales (round 1
    times each scale in turn, then round 2 ...). Each scale's own phase comes minutes after the
    last (a million stories take five to build), and this machine's speed drifts by more than
    the 1.3x the targets allow between scales: a 10k phase and a 1M phase taken 20 minutes apart
    differed by a uniform 1.37x that the same two databases did not show side by side.

    At least INTERLEAVED_ROUNDS rounds: each case runs half a second a round, and a moment in
    which the machine slows takes a whole round with it (10k's article ran 6.3, 12.7 and 7.1 ms
    in three rounds, its common-word search 15.2, 15.6 and 9.9); a median of five outlasts two
    such moments, at about 12 s a round for two scales."""
    times: dict[int, dict[str, list[float]]] = {scale: {} for scale in runs}
    for _round in range(max(args.rounds, INTERLEAVED_ROUNDS)):
        for scale, (env, paths) in runs.items():
            for name, case in inproc(args, env, paths, rounds=1).items():
                times[scale].setdefault(name, []).append(case["median_ms"])
    return {
        scale: {
            name: {
                "median_ms": statistics.median(rounds),
                "min_ms": min(rounds),
                "max_ms": max(rounds),
                "rounds_ms": rounds,
            }
            for name, rounds in cases.items()
        }
        for scale, cases in times.items()
    }


def forget_redis_keys(url: str, prefix: str) -> None:
    """The leg's cache and limiter keys, so that nothing of the bench stays in Redis."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}*", count=1000):
        client.delete(key)
    client.close()


def run_backend(args, backend: str) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"an-bench-{backend}-"))
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "bench-only",
        "PAGE_CACHE_SECONDS": "600",
        "HTTP_MAX_AGE": "10",
        # One client (127.0.0.1) adds every page: a new page after each publish is no flood.
        "PAGE_CACHE_NEW_PER_CLIENT": "1000000",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_TYPE"):
        env.pop(name, None)
    drop = None
    if backend == "postgres":
        env["DATABASE_URL"], drop = pg_database(os.environ["BENCH_DATABASE_URL"])
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
        env["CACHE_KEY_PREFIX"] = prefix = f"bench{uuid.uuid4().hex[:6]}:"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    result = {
        "when": stamp,
        "backend": backend,
        "tool": "wrk" if WRK else "python",
        "seconds": args.seconds,
        "rounds": args.rounds,
        "connections": args.connections,
        "publish_burst": args.publish_burst,
        "publish_connections": args.publish_connections,
        "photos": not args.no_images,
        "baseline": args.baseline,
        "cpus": os.cpu_count(),
        "scales": {},
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{stamp}-{backend}.json"
    # Each scale's instance as it stood, and the paths its cases request (interleaved_inproc).
    runs: dict[int, tuple[dict, dict]] = {}
    drops = []
    try:
        print(f"\n== {backend}: the demo newsroom in {tmp} ...", flush=True)
        prepare_instance(env, *(["--no-images"] if args.no_images else []))
        for scale in args.scale_list:
            started = time.monotonic()
            print(f"== {backend}: synthetic stories up to {scale:,} ...", flush=True)
            data = app_helper(env, "grow", str(scale))
            built = time.monotonic() - started
            print(f"  built in {built:.0f} s: {json.dumps(data)}", flush=True)
            leg = Leg(args, env, tmp, data)
            try:
                mark = time.monotonic()
                leg.start()
                print(f"  servers up in {time.monotonic() - mark:.0f} s", flush=True)
                mark = time.monotonic()
                figures = leg.measure()
                print(f"  cases measured in {time.monotonic() - mark:.0f} s", flush=True)
            finally:
                memory = leg.stop()
            mark = time.monotonic()
            timings = inproc(args, env, leg.paths())
            print(f"  in-process timings in {time.monotonic() - mark:.0f} s", flush=True)
            if scale != args.scale_list[-1]:
                copy, drop_copy = snapshot(env, backend, scale, tmp)
                drops += [drop_copy] if drop_copy else []
                runs[scale] = (copy, leg.paths())
            else:
                runs[scale] = (env, leg.paths())
            result["scales"][str(scale)] = {
                "data": data,
                "build_seconds": round(built, 1),
                "http": figures,
                "inproc": timings,
                "memory_mb": memory,
            }
            result["targets"] = [
                {"target": name, "verdicts": verdicts} for name, verdicts in report.targets(result)
            ]
            out.write_text(json.dumps(result, indent=2) + "\n")
        if len(runs) > 1:
            mark = time.monotonic()
            print(f"== {backend}: in-process timings again, scales interleaved ...", flush=True)
            for scale, timings in interleaved_inproc(args, runs).items():
                figures = result["scales"][str(scale)]
                figures["inproc_own_phase"], figures["inproc"] = figures["inproc"], timings
            result["inproc_interleaved"] = True
            result["targets"] = [
                {"target": name, "verdicts": verdicts} for name, verdicts in report.targets(result)
            ]
            out.write_text(json.dumps(result, indent=2) + "\n")
            print(f"  in {time.monotonic() - mark:.0f} s", flush=True)
    finally:
        for drop_copy in drops:
            try:
                drop_copy()
            except Exception as error:  # noqa: BLE001 - the rest must still be cleaned up
                print(f"  could not drop a copy: {error}", flush=True)
        if drop:
            drop()
            forget_redis_keys(os.environ["BENCH_REDIS_URL"], prefix)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{report.summary(result)}\n\nwritten to {out.relative_to(ROOT)}", flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.table:
        for path in args.table:
            print(report.summary(json.loads(Path(path).read_text()), markdown=True) + "\n")
        return
    if args.only == "beacons":
        from bench import beacons

        backend = "postgres" if args.backend == "postgres" else "sqlite"
        seconds = args.seconds if "--seconds" in (argv or sys.argv) else 30
        beacons.main(["--seconds", str(seconds), "--backend", backend])
        return
    backends = ["sqlite"] if args.backend in ("all", "sqlite") else []
    has_servers = os.environ.get("BENCH_DATABASE_URL") and os.environ.get("BENCH_REDIS_URL")
    if args.backend == "postgres" and not has_servers:
        raise SystemExit("--backend postgres needs BENCH_DATABASE_URL and BENCH_REDIS_URL")
    if args.backend in ("all", "postgres") and has_servers:
        backends.append("postgres")
    started = time.monotonic()
    for backend in backends:
        run_backend(args, backend)
    print(f"\nbench done in {time.monotonic() - started:.0f} s")
    if args.live_seconds:
        from bench import live

        print()
        live.main(["--seconds", str(args.live_seconds)])


if __name__ == "__main__":
    main()
