"""An author's profiles elsewhere: which addresses are accepted, and the label each link shows.

Profiles are kept one https address per line (Author.profiles). The admin refuses anything else;
the author page and its JSON-LD show only https addresses, so an older or hand-made row cannot
put another scheme in a link."""

from __future__ import annotations

from urllib.parse import urlsplit

# Hosts readers know by a name; any other profile shows its host ("mastodon.social").
KNOWN_HOSTS = {
    "x.com": "X (x.com)",
    "twitter.com": "X (twitter.com)",
    "linkedin.com": "LinkedIn",
    "bsky.app": "Bluesky",
    "github.com": "GitHub",
    "instagram.com": "Instagram",
    "facebook.com": "Facebook",
    "threads.net": "Threads",
    "youtube.com": "YouTube",
    "muckrack.com": "Muck Rack",
    "orcid.org": "ORCID",
}
MAX_PROFILES = 10
MAX_URL = 500


def host_of(url: str) -> str:
    """The address's host without "www." ('' when the address is not a plain https link)."""
    if not url or len(url) > MAX_URL or not url.isprintable() or any(c.isspace() for c in url):
        return ""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return ""
    if parts.scheme != "https" or "." not in host or parts.username or parts.password:
        return ""
    return host.removeprefix("www.")


def label_for(url: str) -> str:
    host = host_of(url)
    return KNOWN_HOSTS.get(host, host)


def profile_links(urls: list[str]) -> list[tuple[str, str]]:
    """(label, address) for each https profile: what the author page links to."""
    return [(label_for(url), url) for url in urls if host_of(url)]


def profile_errors(text: str) -> list[str]:
    """What is wrong with profiles typed one per line: each line must be an https address."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    errors = [f"“{line[:80]}” is not an https:// address." for line in lines if not host_of(line)]
    if len(lines) > MAX_PROFILES:
        errors.append(f"Give at most {MAX_PROFILES} profiles.")
    return errors
