"""Simulated readers of a live page for bench/live.py: each polls as the page's poller does.

asyncio rather than threads: two thousand readers each wait 15 s between polls, so one event
loop carries them all with a few sockets open at a time, and the load generator leaves the two
cores to the servers it measures."""

from __future__ import annotations

import asyncio
import html
import random
import re
import time

POLLER = re.compile(r'<[^>]*\bid="live-poll"[^>]*>')
POST_TAG = re.compile(r"<article\b[^>]*>")
MAX_OPEN = 200  # sockets open at once; a reader waiting for one counts the wait as latency


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * pct / 100))]


def attribute(tag: str, name: str) -> str | None:
    match = re.search(rf'\s{name}="([^"]*)"', tag)
    return html.unescape(match.group(1)) if match else None


def next_url(body: str, current: str) -> str | None:
    """The URL the fragment's new poller polls (None: it stops, the coverage closed)."""
    tag = POLLER.search(body)
    if tag is None:
        raise ValueError('a 200 poll answer without its id="live-poll" root element')
    url = attribute(tag.group(0), "hx-get")
    if url is not None:
        return url
    since = attribute(tag.group(0), "data-since")
    trigger = attribute(tag.group(0), "hx-trigger")
    if since is None or trigger is None:
        return None
    return re.sub(r"since=[^&]*", f"since={since}", current)


def posts_in(body: str) -> list[tuple[int, str]]:
    """(post id, data-state) of each post in a poll answer."""
    found = []
    for match in POST_TAG.finditer(body):
        ident = attribute(match.group(0), "id") or ""
        if ident.startswith("post-") and ident[5:].isdigit():
            found.append((int(ident[5:]), attribute(match.group(0), "data-state") or "new"))
    return found


async def get(port: int, host: str, path: str) -> tuple[int, dict, str]:
    """One GET with htmx's headers on a fresh connection: status, headers, body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nHX-Request: true\r\n"
            "HX-Request-Type: partial\r\nAccept: text/html\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(-1), timeout=30)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = dechunk(body)
    return status, headers, body.decode(errors="replace")


def dechunk(data: bytes) -> bytes:
    out, rest = b"", data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


class Readers:
    """`count` readers polling `start_url` every `poll` seconds, spread evenly over the interval."""

    def __init__(self, port: int, host: str, start_url: str, count: int, poll: float):
        self.port, self.host, self.start_url = port, host, start_url
        self.count, self.poll = count, poll
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.cache_status: dict[str, int] = {}
        self.cache_seconds: int | None = None
        self.failures = 0
        self.malformed = 0  # 200 answers without a poller element
        self.requests: list[tuple[float, str]] = []  # (monotonic time, URL) of every poll
        self.seen: list[dict[int, float]] = [{} for _ in range(count)]  # post id -> wall time
        self._open = asyncio.Semaphore(MAX_OPEN)

    async def run(self, until: float) -> None:
        self.began = time.monotonic()
        await asyncio.gather(*(self.reader(n, until) for n in range(self.count)))

    async def reader(self, n: int, until: float) -> None:
        url = self.start_url
        due = self.began + random.uniform(0, self.poll)  # noqa: S311 - spreading load, not security
        while due < until and url:
            await asyncio.sleep(max(0, due - time.monotonic()))
            due += self.poll
            started = time.monotonic()
            self.requests.append((started, url))
            try:
                async with self._open:
                    status, headers, body = await get(self.port, self.host, url)
            except (TimeoutError, OSError, IndexError, ValueError):
                self.failures += 1
                continue
            self.latencies.append((time.monotonic() - started) * 1000)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            mark = headers.get("x-micro-cache", "none")
            self.cache_status[mark] = self.cache_status.get(mark, 0) + 1
            if self.cache_seconds is None and "max-age=" in headers.get("cache-control", ""):
                self.cache_seconds = int(re.search(r"max-age=(\d+)", headers["cache-control"])[1])
            if status == 200:
                arrived = time.time()
                for ident, state in posts_in(body):
                    if state != "deleted":
                        self.seen[n].setdefault(ident, arrived)
                try:
                    url = next_url(body, url)
                except ValueError:
                    self.malformed += 1  # kept: the URL it holds

    def distinct_states_per(self, period: float) -> int:
        """The sum over consecutive periods of the distinct poll URLs asked for in each: what
        reaches the app when a shared cache keeps each answer for `period` seconds."""
        buckets: dict[int, set[str]] = {}
        for at, url in self.requests:
            buckets.setdefault(int((at - self.began) // period), set()).add(url)
        return sum(len(urls) for urls in buckets.values())

    def delivery(self, posts: list[tuple[int, float, float]]) -> tuple[list[float], int]:
        """Seconds from each post's "Post" to its first poll answer for each reader (sorted),
        and how many reader-post pairs never got it."""
        delays, missed = [], 0
        for ident, pressed, _returned in posts:
            for seen in self.seen:
                if ident in seen:
                    delays.append(seen[ident] - pressed)
                else:
                    missed += 1
        return sorted(delays), missed
