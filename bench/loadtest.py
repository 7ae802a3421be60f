"""Load test with faults, on loopback, bounded in time: mixed readers, htmx fragments and contact
submitters against gunicorn, while workers are stopped (SIGTERM), killed (SIGKILL) and the
master is reloaded (HUP). Every acknowledged contact message is then looked for in the database.

    python bench/loadtest.py [--seconds 60] [--readers 12] [--writers 4] [--soak]

Two phases of --seconds each: steady load, then the same load with the faults.

With LOADTEST_DATABASE_URL (and optionally LOADTEST_REDIS_URL) it runs on PostgreSQL/Redis.
It exits 1 when a single acknowledged message is missing, when any answer is a 5xx, or when
more requests failed in transport than the faults explain (one in-flight request per SIGKILL,
plus one). --soak runs without faults and instead fails when a worker's memory grows by more
than 10 % or its open files keep growing between the first tenth of the run and the end (R19).
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import free_port, prepare_instance, wait_for, worker_rss_mb  # noqa: E402


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.status: dict[int, int] = {}
        self.failures = 0
        self.acknowledged: list[str] = []

    def record(self, status: int, ms: float):
        with self.lock:
            self.latencies.append(ms)
            self.status[status] = self.status.get(status, 0) + 1


def fetch(opener, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=10) as response:
            body = response.read()
            return response.status, body, (time.perf_counter() - started) * 1000
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, b"", (time.perf_counter() - started) * 1000


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def reader(base: str, stop: float, tally: Tally, paths: list[tuple[str, dict]]):
    opener = urllib.request.build_opener()
    n = 0
    while time.monotonic() < stop:
        path, headers = paths[n % len(paths)]
        n += 1
        try:
            status, _, ms = fetch(opener, base + path, headers=headers)
            tally.record(status, ms)
        except (OSError, http.client.HTTPException):  # a worker killed mid-answer: cut short
            with tally.lock:
                tally.failures += 1


def writer(base: str, stop: float, tally: Tally):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    while time.monotonic() < stop:
        try:
            _, page, _ = fetch(opener, base + "/contact")
            token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
            if not token:
                with tally.lock:
                    tally.failures += 1
                continue
            marker = uuid.uuid4().hex
            data = urllib.parse.urlencode(
                {
                    "csrf_token": token.group(1).decode(),
                    "name": "Load Tester",
                    "email": "load@example.org",
                    "subject": f"load {marker}",
                    "message": f"Load-test message {marker}, please ignore.",
                }
            ).encode()
            status, _, ms = fetch(opener, base + "/contact", data=data)
            tally.record(status, ms)
            if status == 303:
                with tally.lock:
                    tally.acknowledged.append(marker)
        except (OSError, http.client.HTTPException):
            with tally.lock:
                tally.failures += 1


FAULTS = [(0.3, "TERM"), (0.45, "KILL"), (0.6, "HUP"), (0.75, "HUP")]


def workers(master: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def watch(master: subprocess.Popen, seconds: int, samples: dict):
    """For --soak: each worker's RSS and open files after a tenth of the run, and at the end."""
    time.sleep(seconds / 10)
    samples["start"] = {
        pid: (rss, open_files(pid))
        for pid, rss in zip(workers(master), worker_rss_mb(master), strict=True)
    }


def chaos(master: subprocess.Popen, seconds: int, log: list[str]):
    """SIGTERM one worker, SIGKILL another, then two graceful reloads, spread over the run."""
    plan = FAULTS
    start = time.monotonic()
    for fraction, what in plan:
        time.sleep(max(0, start + fraction * seconds - time.monotonic()))
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
        if what == "HUP":
            os.kill(master.pid, signal.SIGHUP)
        elif children:
            os.kill(int(children[0]), signal.SIGTERM if what == "TERM" else signal.SIGKILL)
        log.append(f"{time.monotonic() - start:5.1f}s {what}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of each phase")
    parser.add_argument("--readers", type=int, default=12)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--soak", action="store_true", help="no faults; check memory and files")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="an-load-"))
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "load-only",
        "CONTACT_RATE_LIMIT": "100000 per minute",
        "HTTP_MAX_AGE": "0",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if os.environ.get("LOADTEST_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["LOADTEST_DATABASE_URL"]
    if os.environ.get("LOADTEST_REDIS_URL"):
        env["REDIS_URL"] = os.environ["LOADTEST_REDIS_URL"]
        env["CACHE_KEY_PREFIX"] = f"load{uuid.uuid4().hex[:6]}:"
    prepare_instance(env, "--if-empty", "--no-images")
    backend = "PostgreSQL" if "DATABASE_URL" in env else "SQLite"
    port = free_port()
    log_file = (tmp / "gunicorn.log").open("w")
    master = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "10",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    wait_for(port)
    base = f"http://127.0.0.1:{port}"
    page = urllib.request.urlopen(base + "/").read().decode()  # noqa: S310 - loopback only
    version = re.search(r'data-ticker-version="(\w+)"', page).group(1)
    article = re.search(r'href="(/article/[^"]+)"', page).group(1)
    htmx = {"HX-Request": "true", "HX-Request-Type": "partial"}
    paths = [
        ("/", {}),
        (article, {}),
        ("/latest", htmx),
        (f"/live/ticker?v={version}", htmx),
        ("/country/japan", {}),
        ("/search?q=port", {}),
    ]
    phases = [("steady", False), ("faults", True)] if not args.soak else [("soak", False)]
    results = []
    for name, faults in phases:
        results.append(run_phase(name, faults, args, master, base, paths))
        if faults:
            wait_for(port)  # the reloaded workers are up before anything else is measured
    memory = worker_rss_mb(master)
    end = {pid: (rss, open_files(pid)) for pid, rss in zip(workers(master), memory, strict=True)}
    master.send_signal(signal.SIGTERM)
    master.wait(timeout=30)

    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "from app import create_app\nimport sqlalchemy as sa\nfrom extensions import db\n"
            "from newsroom.models import ContactMessage\napp = create_app()\nctx = app.app_context(); ctx.push()\n"
            "for s in db.session.scalars(sa.select(ContactMessage.subject)): print(s)\n",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    stored = {line.removeprefix("load ") for line in found if line.startswith("load ")}
    print(
        f"{'soak' if args.soak else 'load'} test on {backend}: {args.readers} readers, "
        f"{args.writers} contact writers, {args.seconds} s a phase"
    )
    problems = []
    for phase in results:
        problems += report(phase, stored)
    print(f"worker RSS after the run (MB): {[round(m) for m in memory]}")
    if args.soak:
        problems += soak_problems(results[0].samples, end)
    for problem in problems:
        print("FAIL:", problem)
    sys.exit(1 if problems else 0)


class Phase:
    def __init__(self, name: str, faults: bool):
        self.name, self.faults = name, faults
        self.tally, self.events, self.samples = Tally(), [], {}


def run_phase(name, faults, args, master, base, paths) -> Phase:
    """Readers and writers for args.seconds; with faults, workers stopped, killed, reloaded."""
    phase = Phase(name, faults)
    stop = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=reader, args=(base, stop, phase.tally, paths))
        for _ in range(args.readers)
    ]
    threads += [
        threading.Thread(target=writer, args=(base, stop, phase.tally)) for _ in range(args.writers)
    ]
    if faults:
        threads.append(threading.Thread(target=chaos, args=(master, args.seconds, phase.events)))
    elif args.soak:
        threads.append(threading.Thread(target=watch, args=(master, args.seconds, phase.samples)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return phase


def report(phase: Phase, stored: set[str]) -> list[str]:
    """Print one phase's figures; return what failed."""
    tally = phase.tally
    markers = set(tally.acknowledged)
    lost = markers - stored
    lat = sorted(tally.latencies)
    total = len(lat)
    server_errors = sum(n for code, n in tally.status.items() if code >= 500)
    print(f"-- {phase.name}" + (f" (faults: {', '.join(phase.events)})" if phase.faults else ""))
    print(
        f"   requests {total}, transport failures {tally.failures}, 5xx {server_errors}, "
        f"statuses {dict(sorted(tally.status.items()))}"
    )
    print(
        f"   latency ms: p50 {statistics.median(lat):.1f}, p95 {lat[int(total * 0.95) - 1]:.1f}, "
        f"p99 {lat[int(total * 0.99) - 1]:.1f}"
    )
    print(
        f"   contact messages acknowledged {len(markers)}, stored {len(markers & stored)}, "
        f"lost {len(lost)}"
    )
    problems = []
    if lost:
        problems.append(f"{phase.name}: {len(lost)} acknowledged messages are missing")
    if server_errors:
        problems.append(f"{phase.name}: {server_errors} answers were 5xx")
    allowed = sum(1 for _, what in FAULTS if what == "KILL") + 1 if phase.faults else 0
    if tally.failures > allowed:
        problems.append(
            f"{phase.name}: {tally.failures} transport failures (the faults explain {allowed})"
        )
    return problems


def soak_problems(samples: dict, end: dict) -> list[str]:
    problems = []
    for pid, (rss, files) in samples.get("start", {}).items():
        if pid not in end:
            problems.append(f"worker {pid} did not last the soak")
            continue
        rss_end, files_end = end[pid]
        print(f"worker {pid}: RSS {rss:.1f} -> {rss_end:.1f} MB, open files {files} -> {files_end}")
        if rss_end > rss * 1.10:
            problems.append(f"worker {pid} memory grew {100 * (rss_end / rss - 1):.0f} %")
        if files_end > files + 2:
            problems.append(f"worker {pid} open files grew {files} -> {files_end}")
    return problems


if __name__ == "__main__":
    main()
