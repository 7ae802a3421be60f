"""Processes the benchmarks start on loopback: gunicorn serving the site or the bare Flask hello,
nginx in front with the shipped site config, and the app-side helpers of bench/build.py."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.nginx_site import loopback_site

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
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
    env: dict,
    port: int,
    app: str,
    log: Path,
    workers: int = 2,
    extra: tuple | list = (),
    wait: bool = True,
    cwd: Path = ROOT,
) -> subprocess.Popen:
    """gunicorn as `make run` starts it (and a gunicorn.conf.py in the project, if any)."""
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
        cwd=cwd,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    if wait:
        wait_for(port, "/" if "hello" in app else "/healthz")
    return process


def stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_rss_mb(master: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    sizes = []
    for pid in children.read_text().split() if children.exists() else []:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def flask(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PY, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_instance(env: dict, *demo_args: str) -> None:
    """Migrate the database named by env and load the demo newsroom into it."""
    flask(env, "db", "upgrade")
    flask(env, "demo", "load", *demo_args)


def app_helper(env: dict, *args: str) -> dict:
    """Run `python -m bench.build ARGS` in the app's environment; its JSON answer."""
    result = subprocess.run(
        [PY, "-m", "bench.build", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    from bench.build import MARK

    lines = [line for line in result.stdout.splitlines() if line.startswith(MARK)]
    if result.returncode or not lines:
        raise SystemExit(f"bench.build {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(lines[-1][len(MARK) :])


class Publisher:
    """A long-lived process in the app's context that edits and commits the newest story on
    demand, as a publish does, so a publish costs what the commit costs, not a Python start."""

    def __init__(self, env: dict, cwd: Path = ROOT):
        self.process = subprocess.Popen(
            [PY, "-m", "bench.build", "publish"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def publish(self) -> None:
        self.process.stdin.write("publish\n")
        self.process.stdin.flush()
        if self.process.stdout.readline().strip() != "ok":
            raise SystemExit("the publisher stopped; see its error above")

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=15)


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


def pg_database(server_url: str, copy_of: str | None = None) -> tuple[str, callable]:
    """A new database on the PostgreSQL server, empty or a copy of the database at `copy_of` (a
    URL; nothing may be connected to it), and how to drop it afterwards."""
    import sqlalchemy as sa

    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"an_bench_{uuid.uuid4().hex[:10]}"
    template = f' TEMPLATE "{sa.engine.make_url(copy_of).database}"' if copy_of else ""
    with admin.connect() as conn:
        for attempt in range(20):
            try:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"{template}')
                break
            except sa.exc.OperationalError:
                # A server's connections to the template can take a moment to close.
                if attempt == 19:
                    raise
                time.sleep(0.5)
        # As deploy/DEPLOY.md sets up the site's database: random reads cost what they do on an
        # SSD, or the planner reads a small archive's whole table for a search.
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    url = sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url, drop


def baseline_tree(ref: str, into: Path) -> Path:
    """The project as it was at git `ref` (git archive, no checkout or worktree), with this
    bench's bench/build.py in it so that a publish can be made there too."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    shutil.copy(ROOT / "bench" / "build.py", into / "bench" / "build.py")
    return into
