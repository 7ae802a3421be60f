"""Every command the README shows, run as written from the checkout against a temporary instance.

Commands come from the README's ```sh blocks (one per line) and from inline code that starts
with a command (`make ...`, `.venv/bin/flask ...`). Each one is either run here, in the order the
README gives them, or listed in NOT_RUN with the reason. Only example values are swapped for
safe ones (a free port, a temporary backup folder, a feed fixture); INSTANCE_PATH points at a
temporary folder, so the developer's instance/ is never touched.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import ROOT, free_port

README = ROOT / "README.md"
FEED = ROOT / "tests" / "fixtures" / "feeds" / "partner.rss"
PASSWORD = "a long passphrase for the readme"

NOT_RUN = {
    "make test": "runs this suite, which would then run itself",
    "make dev": "Flask's debug server serves until stopped; `make run` is run instead and "
    "shares its steps (migrate, demo, HOST and PORT)",
    "make user": "names the target in the option list; it runs above with EMAIL= and ROLE=",
    "make lint": "installs semgrep and gixy into .venv-lint (minutes); .ci/run runs it",
    "make fuzz": "60 s of fuzzing; tests/web/test_safe_next_fuzz.py covers the validator",
    "make loadtest": "two minutes of load; .ci/run runs it on both backends",
    "make soak": "ten minutes of load",
    "make bench": "builds 100,000 stories and needs wrk and nginx",
    "make lighthouse": "needs the Lighthouse CLI from npm and a quiet machine; its scores are in "
    "the issue notes",
    "createdb asian_news": "needs a PostgreSQL server; tests/web/test_startup.py checks that a "
    "missing database is reported with this advice",
}
COMMAND_WORDS = {"make", "flask", "createdb", "psql", "gunicorn", "python", "python3", "sudo"}


def _is_command(text: str) -> bool:
    try:
        words = shlex.split(text)
    except ValueError:
        return False
    words = [w for w in words if not re.fullmatch(r"[A-Z_]+=.*", w)]
    return len(words) >= 2 and (words[0] in COMMAND_WORDS or words[0].startswith(".venv/bin/"))


def readme_commands() -> list[str]:
    """The README's commands in the order it shows them, each once."""
    text = README.read_text()
    found: list[tuple[int, str]] = []
    for block in re.finditer(r"^```sh\n(.*?)^```", text, re.S | re.M):
        for offset, line in enumerate(block.group(1).splitlines()):
            line = re.sub(r"(^|\s)#.*$", "", line).strip()
            if line:
                found.append((block.start() + offset, line))
    prose = re.sub(r"^```.*?^```", lambda m: " " * len(m.group(0)), text, flags=re.S | re.M)
    for span in re.finditer(r"`([^`\n]+)`", prose):
        if _is_command(span.group(1)):
            found.append((span.start(), span.group(1).strip()))
    commands: list[str] = []
    for _, command in sorted(found):
        if command not in commands:
            commands.append(command)
    return commands


def test_the_readme_shows_no_command_that_needs_an_activated_virtualenv():
    commands = readme_commands()
    assert any(c.startswith(".venv/bin/flask --app app ") for c in commands)
    bare = [c for c in commands if c.split()[0] in ("flask", "gunicorn", "python", "pip")]
    assert bare == [], "from a fresh clone these say 'command not found'; use .venv/bin/..."
    assert not [c for c in commands if " | " in c], "a usage line with | runs a pipe when pasted"


def test_the_readme_documents_every_option_of_every_command(monkeypatch, tmp_path):
    """Each option of each command (click's own list) is named in the README."""
    from app import create_app

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SITE_URL": "http://x.test",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "CACHE_TYPE": "SimpleCache",
        }
    )
    text = README.read_text()
    missing = []

    def walk(command, path):
        for sub in getattr(command, "commands", {}).values():
            walk(sub, [*path, sub.name])
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help" and opt not in text:
                    missing.append(f"{' '.join(path)} {opt}")

    for name in ("users", "feeds", "backup", "restore", "demo", "stories", "ticker", "live"):
        walk(app.cli.commands[name], [name])
        assert f"--app app {name} " in text or f"`{name} " in text, name
    for sub in app.cli.commands["users"].commands:
        assert re.search(rf"users {sub}\b", text), f"users {sub} is not in the README"
    assert missing == []


@pytest.fixture
def operator_env(tmp_path) -> dict:
    """A shell environment like a new operator's, with its instance in a temporary folder."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DATABASE_URL",
            "REDIS_URL",
            "SITE_URL",
            "SECRET_KEY",
            "MEDIA_ROOT",
            "HOST",
            "PORT",
            "FLASK_APP",
            "MAKEFLAGS",
            "MFLAGS",
            "MAKELEVEL",
        )
    }
    env["INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.read().decode()


def serve(command: str, env: dict, log: Path, port: int, check) -> str:
    """Start a serving command, wait until it answers, run check(base_url), stop it."""
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                _get(f"http://127.0.0.1:{port}/about")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"{command!r} did not serve:\n{log.read_text()}")
                time.sleep(0.3)
        check(f"http://127.0.0.1:{port}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return log.read_text()


class Operator:
    """Runs README commands as a person pasting them into a shell would, in the checkout."""

    def __init__(self, env: dict, tmp: Path):
        self.env = env
        self.tmp = tmp
        self.instance = Path(env["INSTANCE_PATH"])
        self.ticker_id = ""
        (tmp / "password.txt").write_text(PASSWORD + "\n")

    def substitute(self, command: str) -> str:
        """Swap the README's example values for safe ones; the command is otherwise as written."""
        backups = sorted((self.instance / "backups").glob("database-*"))
        media = sorted((self.instance / "backups").glob("media-*.tar.gz"))
        swaps = {
            "/srv/backups": str(self.tmp / "elsewhere"),
            "< password.txt": f"< {self.tmp / 'password.txt'}",
            "https://partner.example/feed.xml": str(FEED),
            "ticker expire 7": f"ticker expire {self.ticker_id}",
            "stories kill 42 ": f"stories kill {self.published_story_id()} ",
        }
        if backups:
            swaps["instance/backups/database-20261201T090000Z.sqlite"] = str(
                [b for b in backups if not b.name.endswith(".sha256")][-1]
            )
        if media:
            swaps["instance/backups/media-20261201T090000Z.tar.gz"] = str(media[-1])
        for old, new in swaps.items():
            command = command.replace(old, new)
        return command

    def published_story_id(self) -> int:
        """A story that is on the site now (the README's example id is the demo's)."""
        with sqlite3.connect(self.instance / "asian-news.sqlite") as conn:
            row = conn.execute(
                "SELECT id FROM articles WHERE status = 'published' ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return row[0]

    def run(self, command: str, answers: str = "") -> subprocess.CompletedProcess:
        result = subprocess.run(
            ["bash", "-c", self.substitute(command)],
            cwd=ROOT,
            env=self.env,
            input=answers,
            capture_output=True,
            text=True,
            timeout=300,
            start_new_session=True,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        return result


def test_every_readme_command_runs_as_written_or_says_why_not(operator_env, tmp_path):
    commands = readme_commands()
    operator = Operator(operator_env, tmp_path)
    ran = []
    for command in commands:
        if command in NOT_RUN:
            continue
        ran.append(command)
        output = ""
        if command.endswith("make run"):
            port = free_port()
            if "PORT=8000" in command:
                command = command.replace("PORT=8000", f"PORT={port}")
                env = operator_env
            else:
                env = {**operator_env, "PORT": str(port)}
            bind_all = "HOST=0.0.0.0" in command
            site = f"http://{socket.gethostname() if bind_all else '127.0.0.1'}:{port}"

            def check(base, site=site, bind_all=bind_all):
                # Links are built from HOST and PORT; this machine's name for HOST=0.0.0.0.
                if bind_all:
                    assert f">{site}/n/" in _get(base + "/feed.rss")
                else:
                    assert f"Sitemap: {site}/sitemap.xml" in _get(base + "/robots.txt")

            output = serve(command, env, tmp_path / "serve.log", port, check)
            assert f"SITE_URL is not set; using {site}" in output
            # What `make run` tells a new operator to do next is itself a README command.
            assert "make user EMAIL=you@example.org ROLE=admin" in output
            assert "make user EMAIL=you@example.org ROLE=admin" in commands
            continue
        answers = ""
        if command.startswith("make user") or (
            "users create" in command and "--password" not in command
        ):
            answers = f"{PASSWORD}\n{PASSWORD}\n"
        if " restore " in command and "--yes" not in command:
            answers = "y\n"
        result = operator.run(command, answers)
        output = result.stdout
        assert (
            "Database: sqlite:///" + str(operator.instance / "asian-news.sqlite") in result.stderr
        )
        expect_output(command, output, operator)
    unknown = [c for c in ran if not any(re.search(p, c) for p in EXPECTED)]
    assert unknown == [], "add what these print to EXPECTED, or list them in NOT_RUN with why"
    assert len(ran) >= 20


# What each kind of command prints; `expect_output` checks it.
EXPECTED = {
    r"make run$": None,
    r"make user ": r"Created admin account you@example\.org",
    r"users create ana@": r"Created writer account ana@example\.org",
    r"users create desk@": r"Created editor account desk@example\.org",
    r"users list$": r"ana@example\.org\s+writer\s+active",
    r"users set-role ": r"ana@example\.org is now editor",
    r"users disable ": r"ana@example\.org is disabled",
    r"users enable ": r"ana@example\.org is enabled",
    r"users two-step-off ": r"Two-step sign-in is off for \S+@example\.org",
    r"feeds import ": r"\d+ new, 0 updated",
    r"app backup$": r"wrote .*/instance/backups/database-\S+\.sqlite",
    r"app backup /srv/backups$": r"wrote .*/elsewhere/media-\S+\.tar\.gz",
    r" restore ": r"Restored\.",
    r"demo load --synthetic 20": r"Added 20 synthetic stories",
    r"stories kill ": r"Story \d+ killed: /article/\S+ now answers 410",
    r"ticker add ": r"Added ticker item \d+",
    r"ticker list --all": r"Typhoon makes landfall in Luzon",
    r"ticker expire ": r"Ticker item \d+ expired",
    r"live post ": r"Posted \d+: /article/typhoon-dalisay-\S+#post-\d+",
    r"live close ": r"Live coverage at /article/\S+ is closed\.",
    r"live open ": r"/article/\S+ is live coverage",
    r"db upgrade$": r"",
}


def expect_output(command: str, output: str, operator: Operator) -> None:
    for pattern, printed in EXPECTED.items():
        if re.search(pattern, command):
            assert printed is None or re.search(printed, output), (command, output)
    if "ticker add " in command:
        operator.ticker_id = re.search(r"Added ticker item (\d+)", output).group(1)
    if command.endswith("app backup"):
        folder = operator.instance / "backups"
        assert folder.stat().st_mode & 0o777 == 0o700
        assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o600}


def test_every_file_the_readme_links_is_in_the_repository():
    """The screenshots and documents the README links exist (a renamed screenshot would leave a
    broken picture on the project's first page)."""
    text = README.read_text()
    targets = set(re.findall(r"\]\(((?:docs|deploy)/[^)#\s]+)\)", text))
    assert len(targets) > 40, "the README's table of screens"
    missing = sorted(t for t in targets if not (ROOT / t).is_file())
    assert not missing, missing
