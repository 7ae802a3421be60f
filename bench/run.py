"""Benchmarks on loopback: the site against the physical limit of this machine, side by side.

Builds a database with N synthetic stories (100,000 by default), serves it with gunicorn and
the shipped nginx config, and measures with wrk (or a small Python load generator when wrk is
absent): nginx serving a static copy of the home page, the home page through nginx's
micro-cache, the app's cached home page, a bare Flask "hello" under the same gunicorn settings,
uncached home/article/country pages (first page and cursor depth 500), a search, and the
ticker's 204. Then the live-page case (bench/live.py): 2,000 readers polling one live page
while an editor posts. Every request goes to 127.0.0.1 only; every run is bounded in time.

    python bench/run.py [--stories 100000] [--seconds 5] [--connections 32] [--live-seconds 120]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nginx_site import loopback_site  # noqa: E402

PY = sys.executable
WRK = shutil.which("wrk")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str = "/healthz", timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path, headers={"Host": "asian-news.net"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port}")


def gunicorn(
    env: dict, port: int, app: str, log: Path, workers: int = 2, extra: tuple | list = ()
) -> subprocess.Popen:
    out = log.open("w")
    process = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            *extra,
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    wait_for(port, "/" if "hello" in app else "/healthz")
    return process


def worker_rss_mb(master: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    sizes = []
    for pid in children.read_text().split() if children.exists() else []:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def run_wrk(url: str, seconds: int, connections: int, headers: dict) -> dict:
    args = [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(label):
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": pct("50"),
        "p99_ms": pct("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def run_python(url: str, seconds: int, connections: int, headers: dict) -> dict:
    """A bounded thread-per-connection load generator, used only where wrk is missing."""
    match = re.match(r"http://127\.0\.0\.1:(\d+)(/.*)", url)
    port, path = int(match.group(1)), match.group(2)
    latencies: list[float] = []
    bad = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status >= 400:
                bad[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        "non_2xx": bad[0],
    }


def prepare_instance(env: dict, *demo_args: str) -> None:
    """Migrate the database named by env and load the demo newsroom into it."""
    flask = [PY, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*flask, "demo", "load", *demo_args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def nginx_conf(tmp: Path, port: int, app_port: int, static_root: Path, media: Path) -> Path:
    site = loopback_site(port, app_port, media, tmp / "nginx-cache", snippets_dir=None)
    # The physical limit: nginx serving a saved copy of the home page from disk.
    site = site.replace(
        "    location /static/ {",
        f"    location = /bench-static.html {{ root {static_root}; }}\n    location /static/ {{",
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"user root; worker_processes 2; pid {tmp}/nginx.pid; error_log {tmp}/nginx-error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; "
        f"client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;\n{site}\n}}\n"
    )
    return conf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--live-seconds",
        type=int,
        default=120,
        help="each setup of the live-page case (bench/live.py); 0 leaves the case out",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="an-bench-"))
    instance = tmp / "instance"
    env = {
        **os.environ,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "bench-only",
        "PAGE_CACHE_SECONDS": "600",
        "HTTP_MAX_AGE": "10",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    print(f"building a database with {args.stories} synthetic stories in {instance} ...")
    started = time.monotonic()
    prepare_instance(env, "--synthetic", str(args.stories))
    print(f"  built in {time.monotonic() - started:.0f} s")
    probe = subprocess.run(
        [
            PY,
            "-c",
            "from app import create_app\nfrom newsroom.models import Story, Country\n"
            "import sqlalchemy as sa\nfrom extensions import db\n"
            "app = create_app()\nctx = app.app_context(); ctx.push()\n"
            "c = db.session.scalar(sa.select(Country).where(Country.slug == 'japan'))\n"
            "stories = Story.latest(country=c, limit=500 * 12 + 13)\n"
            "deep = min(500 * 12, len(stories) - 13)\n"
            "print(stories[deep - 1].cursor, Story.latest(limit=1)[0].slug, deep // 12)\n",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    deep_cursor, article_slug, depth = probe[0], probe[1], int(probe[2])
    print(f"  the country page's deepest full page is at depth {depth}")

    cached_port, uncached_port, hello_port, nginx_port = (free_port() for _ in range(4))
    servers = {
        "cached": gunicorn(env, cached_port, "app:create_app()", tmp / "cached.log"),
        "uncached": gunicorn(
            {**env, "CACHE_TYPE": "NullCache"},
            uncached_port,
            "app:create_app()",
            tmp / "uncached.log",
        ),
        "hello": gunicorn(env, hello_port, "bench.hello:app", tmp / "hello.log"),
    }
    static_root = tmp / "static-copy"
    static_root.mkdir()
    conn = http.client.HTTPConnection("127.0.0.1", cached_port)
    conn.request("GET", "/")
    (static_root / "bench-static.html").write_bytes(conn.getresponse().read())
    conn.close()
    conf = nginx_conf(tmp, nginx_port, cached_port, static_root, instance / "media")
    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"])
    wait_for(nginx_port, "/about")
    conn = http.client.HTTPConnection("127.0.0.1", cached_port)
    conn.request("GET", "/")
    ticker = re.search(r'data-ticker-version="(\w+)"', conn.getresponse().read().decode()).group(1)
    conn.close()

    host = {"Host": "asian-news.net"}
    htmx = {"HX-Request": "true", "HX-Request-Type": "partial"}
    cases = [
        ("nginx static copy of home", nginx_port, "/bench-static.html", host),
        ("home via nginx micro-cache", nginx_port, "/", host),
        ("bare Flask hello (same gunicorn)", hello_port, "/", {}),
        ("app: cached home", cached_port, "/", {}),
        ("app: ticker 204", cached_port, f"/live/ticker?v={ticker}", htmx),
        ("app: uncached home", uncached_port, "/", {}),
        ("app: uncached article", uncached_port, f"/article/{article_slug}", {}),
        ("app: uncached country, first page", uncached_port, "/country/japan", {}),
        (
            "app: uncached country, deep page",
            uncached_port,
            f"/country/japan?before={deep_cursor}",
            {},
        ),
        ("app: uncached search", uncached_port, "/search?q=budget", {}),
    ]
    load = run_wrk if WRK else run_python
    results = []
    try:
        for name, port, path, headers in cases:
            for _warm in range(3):  # fill caches and JIT-free warm-up
                c = http.client.HTTPConnection("127.0.0.1", port)
                c.request("GET", path, headers=headers)
                c.getresponse().read()
                c.close()
            figures = load(
                f"http://127.0.0.1:{port}{path}", args.seconds, args.connections, headers
            )
            results.append({"case": name, **figures})
            print(
                f"  {name:<38} {figures['rps']:>9.0f} req/s  p50 {figures['p50_ms']:6.1f} ms"
                f"  p99 {figures['p99_ms']:6.1f} ms  non-2xx {figures['non_2xx']}"
            )
        memory = {name: worker_rss_mb(process) for name, process in servers.items()}
    finally:
        nginx.terminate()
        for process in servers.values():
            process.terminate()
        for process in [nginx, *servers.values()]:
            process.wait(timeout=15)

    by = {r["case"]: r for r in results}
    limit = by["nginx static copy of home"]["rps"]
    hello = by["bare Flask hello (same gunicorn)"]["rps"]
    for row in results:
        row["x_nginx_static"] = round(row["rps"] / limit, 3)
    targets = [
        ("cached home >= 0.8x bare Flask", by["app: cached home"]["rps"] >= 0.8 * hello),
        (
            "micro-cache >= 0.8x nginx static",
            by["home via nginx micro-cache"]["rps"] >= 0.8 * limit,
        ),
        ("micro-cache p99 < 20 ms", by["home via nginx micro-cache"]["p99_ms"] < 20),
        ("ticker 204 >= 0.8x bare Flask", by["app: ticker 204"]["rps"] >= 0.8 * hello),
        (
            "uncached home >= 430 req/s (10x WordPress) and >= 416 (4x Wagtail)",
            by["app: uncached home"]["rps"] >= 430,
        ),
        ("uncached home p99 < 100 ms", by["app: uncached home"]["p99_ms"] < 100),
        (
            "country deep page within 1.25x of first page",
            by["app: uncached country, deep page"]["rps"] * 1.25
            >= by["app: uncached country, first page"]["rps"],
        ),
        (
            "search within 2x of article",
            by["app: uncached search"]["rps"] * 2 >= by["app: uncached article"]["rps"],
        ),
        ("worker RSS < 120 MB", all(m < 120 for ms in memory.values() for m in ms)),
    ]
    print("\nmemory per worker (MB):", {k: [round(m) for m in v] for k, v in memory.items()})
    print("\ntargets:")
    for name, ok in targets:
        print(f"  {'HOLDS' if ok else 'MISSES'}  {name}")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "when": stamp,
        "stories": args.stories,
        "seconds": args.seconds,
        "connections": args.connections,
        "tool": "wrk" if WRK else "python",
        "results": results,
        "memory_mb": memory,
        "targets": {name: ok for name, ok in targets},
    }
    (out_dir / f"bench-{stamp}.json").write_text(json.dumps(report, indent=2))
    print(f"\nwritten to bench/results/bench-{stamp}.json")
    shutil.rmtree(tmp, ignore_errors=True)
    if args.live_seconds:
        from bench import live  # here, not at the top: bench/live.py builds on this module

        print()
        live.main(["--seconds", str(args.live_seconds)])


if __name__ == "__main__":
    main()
