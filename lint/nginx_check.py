"""gixy on the shipped nginx site, with a positive control so a silent scanner cannot pass.

Usage: python lint/nginx_check.py path/to/gixy
The site file is a server-level include, so it is wrapped in the smallest nginx.conf that
includes it (with the brotli snippet, as installed). The control is the same site with
`server_tokens off` taken out: gixy must report it, or the check itself is broken.
"""

from __future__ import annotations

import subprocess  # nosec B404 - runs the scanner named on the command line
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "asian-news.conf"
BROTLI = ROOT / "deploy" / "nginx" / "asian-news-brotli.conf"


def scan(gixy: str, site_text: str, workdir: Path, name: str) -> subprocess.CompletedProcess:
    site = workdir / f"{name}-site.conf"
    site.write_text(site_text.replace("/etc/nginx/snippets/asian-news-brotli*.conf", str(BROTLI)))
    conf = workdir / f"{name}.conf"
    conf.write_text(f"events {{}}\nhttp {{\n    include {site};\n}}\n")
    return subprocess.run(  # noqa: S603  # nosec B603 - fixed arguments, no shell
        [gixy, str(conf)], capture_output=True, text=True, check=False
    )


def main(gixy: str) -> int:
    text = SITE.read_text()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        control = scan(gixy, text.replace("server_tokens off;", ""), workdir, "control")
        if control.returncode == 0 or "version_disclosure" not in control.stdout:
            print("gixy did not flag the control (server_tokens removed): the check is broken")
            print(control.stdout, control.stderr)
            return 2
        result = scan(gixy, text, workdir, "site")
    if result.returncode != 0:
        print(result.stdout, result.stderr)
        print(f"gixy: findings in {SITE.relative_to(ROOT)}")
        return 1
    print(f"gixy: {SITE.relative_to(ROOT)} has no findings (and the control was caught)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
