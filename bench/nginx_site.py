"""The shipped nginx site (deploy/nginx/asian-news.conf) pointed at loopback and temporary paths,
for the nginx test and the benchmarks."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def loopback_site(
    port: int, app_port: int | str, media: Path, cache_dir: Path, snippets_dir: Path | None
) -> str:
    """The site's server blocks listening on 127.0.0.1:port in front of 127.0.0.1:app_port.

    Without snippets_dir the optional brotli include is dropped; with it, the include looks
    there instead of /etc/nginx/snippets/.
    """
    site = (ROOT / "deploy" / "nginx" / "asian-news.conf").read_text()
    site = (
        site.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
        .replace("listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;")
        .replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("/srv/asian-news/app/", f"{ROOT}/")
        .replace("/srv/asian-news/instance/media/", f"{media}/")
        .replace("/var/cache/nginx/asian-news", str(cache_dir))
    )
    if snippets_dir is None:
        return site.replace("include /etc/nginx/snippets/asian-news-brotli*.conf;", "")
    return site.replace("/etc/nginx/snippets/", f"{snippets_dir}/")
