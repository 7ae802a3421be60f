"""The next= validator, fuzzed with a URL-shaped alphabet: never an error, never off-site."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from web.auth import safe_next

URLISH = st.text(
    alphabet=st.sampled_from(
        list("/\\:@.?#%[]-_ahjtpsvxe0123456789")
        + ["\x00", "\x06", "\n", "\t", " ", "\u3002", "\uff0f"]
    ),
    max_size=40,
)


@pytest.mark.case("S11")
@settings(max_examples=3000, deadline=None)
@given(URLISH)
def test_S11_safe_next_never_raises_and_never_leaves_the_site(target):
    result = safe_next(target)
    if result is None:
        return
    assert result == target and result.startswith("/")
    resolved = urlsplit(urljoin("https://asian-news.net/admin/login", result.replace("\\", "/")))
    assert resolved.netloc == "asian-news.net" and resolved.scheme == "https"


@pytest.mark.case("S11")
@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=60))
def test_S11_safe_next_survives_any_text(target):
    safe_next(target)
