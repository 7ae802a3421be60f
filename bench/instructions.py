"""Instructions a request costs, counted by valgrind's callgrind: the same figure on a busy or a
quiet machine, where wall times on a small shared VM move by a fifth from one hour to the next.
For comparing two versions of the code on one path, e.g. the home page with every cache off:

    INSTANCE_PATH=/some/instance SECRET_KEY=x python -m bench.instructions / --every-cache-off \
        --tree . --tree /path/to/a/worktree/of/8ca4135

The instance must hold a database already (`flask --app app db upgrade`, `flask --app app demo
load --no-images`, then `python -m bench.build grow 10000`). It runs the app twice under
callgrind, in-process (app.test_client()), both at once: one serving WARM requests, one
serving WARM + COUNT; the difference over COUNT is the cost of a request, start-up and warm-up
left out. About two minutes a tree for the home page. Needs valgrind (Debian's package).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM, COUNT = 5, 20


def serve(path: str, requests: int) -> None:
    """In the measured process: build the app and serve `path` `requests` times."""
    sys.path.insert(0, os.getcwd())
    from app import create_app

    client = create_app().test_client()
    for _ in range(requests):
        status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status}")


def instructions(tree: Path, path: str, env: dict) -> int:
    """Instructions per request of `path`, served by the code in `tree`."""
    with tempfile.TemporaryDirectory() as out:
        runs = {}
        for requests in (WARM, WARM + COUNT):
            command = [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}/cg.{requests}",
                sys.executable,
                str(Path(__file__).resolve()),
                "--serve",
                path,
                str(requests),
            ]
            runs[requests] = subprocess.Popen(
                command, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        totals = {}
        for requests, run in runs.items():
            _out, err = run.communicate()
            if run.returncode != 0:
                raise SystemExit(f"callgrind run failed:\n{err.decode()[-2000:]}")
            summary = re.search(r"^summary: (\d+)", Path(f"{out}/cg.{requests}").read_text(), re.M)
            totals[requests] = int(summary.group(1))
    return (totals[WARM + COUNT] - totals[WARM]) // COUNT


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="the page, e.g. / or /section/business")
    parser.add_argument("--tree", action="append", type=Path, help="code to measure (repeat)")
    parser.add_argument(
        "--every-cache-off",
        action="store_true",
        help="CACHE_TYPE=NullCache and STORY_CARDS_KEPT=0, as the bench's uncached home",
    )
    args = parser.parse_args()
    if "INSTANCE_PATH" not in os.environ:
        raise SystemExit("set INSTANCE_PATH to an instance with a database (see --help)")
    env = dict(os.environ)
    if args.every_cache_off:  # as bench/run.py starts its "every cache off" server
        env.update(CACHE_TYPE="NullCache", STORY_CARDS_KEPT="0")
    else:  # the page cache off, every other cache warm (as bench/inproc.py)
        env["PAGE_CACHE_NEW_PER_CLIENT"] = "0"
    for tree in args.tree or [ROOT]:
        count = instructions(tree.resolve(), args.path, env)
        print(f"{tree}: {args.path} {count / 1e6:.1f} M instructions a request", flush=True)


if __name__ == "__main__":
    main()
