"""The counting benchmark: a burst of readers' beacons while an editor saves stories.

wrk (bench/beacons.lua) sends --rate beacon POSTs a second to /count for --seconds, spread over
the demo's live stories, as browsers send them (same-origin, a browser's user agent); at the
same time an editor signed in over HTTP opens a story's edit form and saves it again and again
(the form as the browser would send it, CSRF token and all). The server is gunicorn as `make
run` starts it, with the site's settings but for the per-address beacon limit (every beacon comes
from 127.0.0.1 here); the fold runs as in production, from the beacon endpoint at most once a
minute, and once more at the end by the command.

Reported: the beacons sent a second and their p50/p99, the editor's save p50/p99 (and the same
saves with no beacons, before the burst, to compare), and the count's accuracy: the views the
tables gained against the beacons answered 204.

    python bench/beacons.py [--seconds 30] [--rate 2000] [--backend sqlite|postgres]
    make bench BENCH_ARGS="--only beacons"                 # the same, from bench/run.py
    make bench BENCH_ARGS="--only beacons --backend postgres"   # BENCH_DATABASE_URL and
        # BENCH_REDIS_URL set: PostgreSQL + Redis (counts buffered in Redis)
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
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import WRK, percentile  # noqa: E402
from bench.servers import (  # noqa: E402
    PY,
    flask,
    free_port,
    gunicorn,
    pg_database,
    prepare_instance,
    stop,
    wait_for,
)

RESULTS = ROOT / "bench" / "results"
LUA = Path(__file__).with_name("beacons.lua")
EDITOR = "bench-editor@asian-news.test"
PASSWORD = "bench editor password 1"  # noqa: S105  # nosec B105 - a throwaway bench account
TOTAL_VIEWS = (
    "from app import create_app\nimport sqlalchemy as sa\nfrom extensions import db\n"
    "from newsroom.models import Story, StoryViewHour\napp = create_app()\n"
    "with app.app_context():\n"
    "    views = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(StoryViewHour.views), 0)))\n"
    "    ids = list(db.session.scalars(sa.select(Story.id).where(Story.visible())"
    ".order_by(Story.id.desc()).limit(50)))\n"
    "    print('BENCH-JSON', __import__('json').dumps({'views': views, 'ids': ids}))\n"
)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rate", type=int, default=2000, help="beacons a second, all together")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    return parser.parse_args(argv)


def probe(env: dict) -> dict:
    out = subprocess.run(
        [PY, "-c", TOTAL_VIEWS], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("BENCH-JSON "))
    return json.loads(line.split(" ", 1)[1])


class Editor:
    """An editor in a browser: signs in, then opens a story's form and saves it, over and over."""

    def __init__(self, port: int, story_id: int):
        self.port, self.story_id = port, story_id
        self.cookies: dict[str, str] = {}
        self.saves: list[float] = []
        self.failures = 0

    def request(self, method: str, path: str, form: list | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.headers, data

    def sign_in(self) -> None:
        _, _, page = self.request("GET", "/admin/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _, _ = self.request(
            "POST",
            "/admin/login",
            [("csrf_token", token), ("email", EDITOR), ("password", PASSWORD)],
        )
        if status != 302:
            raise SystemExit(f"the bench editor could not sign in ({status})")

    def save_once(self, n: int) -> None:
        path = f"/admin/stories/{self.story_id}"
        _, _, page = self.request("GET", path)
        form = next(f for f in lxml.html.fromstring(page).forms if f.action.endswith(path))
        values = [(k, v) for k, v in form.form_values() if k != "action"]
        values = [
            (k, f"Saved by the bench, {n} times." if k == "standfirst" else v) for k, v in values
        ]
        values.append(("action", "save"))
        began = time.perf_counter()
        status, _, _ = self.request("POST", path, values)
        elapsed = (time.perf_counter() - began) * 1000
        if status in (200, 302, 303):
            self.saves.append(elapsed)
        else:
            self.failures += 1

    def run_until(self, deadline: float) -> None:
        n = 0
        while time.monotonic() < deadline:
            n += 1
            self.save_once(n)


def paced(port: int, rate: int, connections: int, ids: list[int]) -> float:
    """The pause (ms) each connection keeps between its beacons to send `rate` a second in all.
    A connection's period is its pause plus the time a beacon takes (answer, wrk, scheduling):
    a 3-second trial at the plain pause measures that time, and the pause is shortened by it, so
    the run sends the rate asked for rather than a third less."""
    plain = connections * 1000 / rate
    trial = run_wrk(port, 3, rate, connections, ids, delay_ms=plain)
    overhead = connections * 1000 / max(trial["rps"], 1) - plain
    return max(plain - max(overhead, 0.0), 0.0)


def run_wrk(
    port: int,
    seconds: int,
    rate: int,
    connections: int,
    ids: list[int],
    delay_ms: float | None = None,
) -> dict:
    if delay_ms is None:
        delay_ms = paced(port, rate, connections, ids)
    env = {
        **os.environ,
        "BEACON_IDS": ",".join(map(str, ids)),
        "BEACON_DELAY_MS": f"{delay_ms:.2f}",
    }
    args = [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    args += ["-s", str(LUA), f"http://127.0.0.1:{port}/count"]
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=seconds + 60).stdout

    def pct(label):
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": total,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": pct("50"),
        "p99_ms": pct("99"),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
        "timeouts": int(errors.group(4)) if errors else 0,
    }


def summary(saves: list[float]) -> dict:
    if not saves:
        return {"saves": 0}
    return {
        "saves": len(saves),
        "p50_ms": round(statistics.median(saves), 1),
        "p99_ms": round(percentile(saves, 0.99), 1),
        "max_ms": round(max(saves), 1),
    }


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    if not WRK:
        raise SystemExit("the beacon case needs wrk (apt-get install wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="an-bench-beacons-"))
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "bench-only",
        "SITE_URL": "http://127.0.0.1",
        # Every beacon comes from 127.0.0.1 here: the per-address limit would refuse them.
        "COUNT_RATE_LIMIT": "100000000 per minute",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_TYPE"):
        env.pop(name, None)
    drop = prefix = None
    if args.backend == "postgres":
        if not (os.environ.get("BENCH_DATABASE_URL") and os.environ.get("BENCH_REDIS_URL")):
            raise SystemExit("--backend postgres needs BENCH_DATABASE_URL and BENCH_REDIS_URL")
        env["DATABASE_URL"], drop = pg_database(os.environ["BENCH_DATABASE_URL"])
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
        env["CACHE_KEY_PREFIX"] = prefix = f"bench{uuid.uuid4().hex[:6]}:"
    server = None
    try:
        print(f"== beacons, {args.backend}: the demo newsroom in {tmp} ...", flush=True)
        prepare_instance(env, "--no-images")
        subprocess.run(
            [PY, "-m", "flask", "--app", "app", "users", "create", EDITOR, "--role", "editor",
             "--name", "Bench Editor", "--password-stdin"],
            cwd=ROOT, env=env, input=PASSWORD + "\n", capture_output=True, text=True, check=True,
        )  # fmt: skip
        before = probe(env)
        port = free_port()
        access = tmp / "access.log"
        server = gunicorn(
            env,
            port,
            "app:create_app()",
            tmp / "gunicorn.log",
            extra=("--access-logfile", str(access), "--access-logformat", "%(s)s %(m)s %(U)s"),
        )
        wait_for(port, "/healthz")
        ids = before["ids"]
        editor = Editor(port, ids[-1])
        editor.sign_in()
        quiet_until = time.monotonic() + min(10, args.seconds)
        editor.run_until(quiet_until)
        quiet = summary(editor.saves)
        print(f"  editor alone: {json.dumps(quiet)}", flush=True)
        editor.saves, editor.failures = [], 0
        thread = threading.Thread(
            target=editor.run_until, args=(time.monotonic() + args.seconds,), daemon=True
        )
        thread.start()
        load = run_wrk(port, args.seconds, args.rate, args.connections, ids)
        thread.join()
        busy = summary(editor.saves)
        flask(env, "readership", "fold")
        after = probe(env)
        # Answered 204 as the server logged them: wrk leaves out those in flight at its end.
        accepted = sum(1 for line in access.read_text().splitlines() if line == "204 POST /count")
        folded = after["views"] - before["views"]
        result = {
            "when": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
            "backend": args.backend,
            "seconds": args.seconds,
            "target_rate": args.rate,
            "cpus": os.cpu_count(),
            "beacons": load,
            "editor_alone": quiet,
            "editor_during_beacons": {**busy, "failures": editor.failures},
            "accepted": accepted,
            "answered_in_wrk": load["requests"] - load["non_2xx"],
            "folded": folded,
            "accuracy": round(folded / accepted, 5) if accepted else None,
        }
        print(
            f"  beacons: {load['rps']:.0f}/s (target {args.rate}), p50 {load['p50_ms']:.1f} ms,"
            f" p99 {load['p99_ms']:.1f} ms, non-2xx {load['non_2xx']},"
            f" socket errors {load['socket_errors']}\n"
            f"  editor's saves during the beacons: {json.dumps(result['editor_during_beacons'])}\n"
            f"  count: {accepted} beacons answered 204, {folded} views folded"
            f" (accuracy {result['accuracy']})",
            flush=True,
        )
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"{result['when']}-beacons-{args.backend}.json"
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"  written to {out.relative_to(ROOT)}", flush=True)
        return result
    finally:
        if server is not None:
            stop([server])
        if drop:
            drop()
            from bench.run import forget_redis_keys

            forget_redis_keys(os.environ["BENCH_REDIS_URL"], prefix)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
