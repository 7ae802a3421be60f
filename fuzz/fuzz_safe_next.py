"""Fuzz the sign-in page's next= validator: it must never raise, and never let a browser leave
the site. Run with `make fuzz` (60 s) or `python fuzz/fuzz_safe_next.py -max_total_time=N`."""

import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports():
    from web.auth import safe_next

SITE = "https://asian-news.net/admin/login"


def test_one_input(data: bytes) -> None:
    target = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(200)
    result = safe_next(target)
    if result is None:
        return
    # What a browser would do with the Location header: it must stay on this host.
    resolved = urlsplit(urljoin(SITE, result.replace("\\", "/")))
    if resolved.netloc != "asian-news.net" or resolved.scheme != "https":
        raise AssertionError(f"next={target!r} leaves the site: {resolved.geturl()}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
