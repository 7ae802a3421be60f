"""Migrations are a command's business: `flask db ...` works, and a worker serving readers does
not load Flask-Migrate and Alembic (about 11 MB of its memory)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers import ROOT

# The operator's settings stay out: these commands must reach the test's own database only.
OPERATOR = ("DATABASE_URL", "REDIS_URL", "SITE_URL", "SECRET_KEY", "MEDIA_ROOT", "HOST", "PORT")


def own_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in OPERATOR}
    return {**env, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}


def test_a_worker_serving_readers_does_not_load_the_migration_tools(tmp_path):
    script = (
        "import sys\n"
        "from app import create_app\n"
        "app = create_app()\n"
        "assert app.test_client().get('/healthz').status_code == 200\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'flask_migrate')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=own_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_flask_db_runs_the_migrations(tmp_path):
    """`flask db upgrade` builds the schema, and `flask db current` names the head."""
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
    flask = [sys.executable, "-m", "flask", "--app", "app", "db"]
    upgraded = subprocess.run([*flask, "upgrade"], cwd=ROOT, env=env, capture_output=True)
    assert upgraded.returncode == 0, upgraded.stderr
    heads = subprocess.run([*flask, "heads"], cwd=ROOT, env=env, capture_output=True, text=True)
    current = subprocess.run([*flask, "current"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert current.returncode == 0, current.stderr
    head = heads.stdout.split()[0]
    assert head in current.stdout and "(head)" in current.stdout
    listed = subprocess.run([*flask, "--help"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert "upgrade" in listed.stdout and "downgrade" in listed.stdout
