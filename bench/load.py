"""Load generators: wrk when installed (a small thread-per-connection Python one otherwise), a
warm-up that also notes what the case answers, and bursts of a fixed number of requests (the
"right after a publish" case: wrk cannot publish between its requests)."""

from __future__ import annotations

import asyncio
import http.client
import re
import shutil
import statistics
import subprocess
import threading
import time

from config import Defaults

WRK = shutil.which("wrk")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run_wrk(port: int, path: str, seconds: int, connections: int, headers: dict) -> dict:
    args = [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    url = f"http://127.0.0.1:{port}{path}"
    out = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(label):
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": pct("50"),
        "p99_ms": pct("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def run_python(port: int, path: str, seconds: int, connections: int, headers: dict) -> dict:
    """A bounded thread-per-connection load generator, used only where wrk is missing."""
    latencies: list[float] = []
    bad = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status >= 400:
                bad[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "non_2xx": bad[0],
    }


def run_load(port: int, path: str, seconds: int, connections: int, headers: dict) -> dict:
    return (run_wrk if WRK else run_python)(port, path, seconds, connections, headers)


def settle(port: int, path: str) -> None:
    """Wait for the requests a load generator left queued (gunicorn's sync workers answer
    every connection accepted before the generator stopped) so the next case starts on a quiet
    machine: a cheap request is answered only once the queue before it is."""
    for _ in range(2):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path)
        conn.getresponse().read()
        conn.close()


def warm_up(port: int, path: str, headers: dict, seconds: float) -> dict:
    """Requests one after another for `seconds` (at least 3): caches filled, code paths run.
    Returns what the last answer was: status, body bytes on the wire, Content-Encoding, X-Cache."""
    deadline = time.monotonic() + seconds
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    done = 0
    while done < 3 or time.monotonic() < deadline:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        done += 1
    conn.close()
    return {
        "status": response.status,
        "bytes": len(body),
        "encoding": response.getheader("Content-Encoding", ""),
        "x_cache": response.getheader("X-Cache", ""),
    }


async def _connection(port: int, request: bytes, left: list, latencies: list, seen: dict):
    """One client connection; it reconnects whenever the server closes (gunicorn's sync
    workers close after every answer, as wrk's connections find too)."""
    writer = None
    try:
        while left[0] > 0:
            left[0] -= 1
            started = time.perf_counter()
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if re.search(rb"(?i)\r\ntransfer-encoding:\s*chunked", head):
                raise SystemExit("a chunked answer: the burst client reads Content-Length only")
            length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            latencies.append((time.perf_counter() - started) * 1000)
            seen["non_2xx"] += int(head[9:12]) >= 400
            seen["renders"] += b"X-Cache: MISS" in head
            if re.search(rb"(?i)\r\nconnection:\s*close", head):
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


def burst(port: int, path: str, headers: dict, total: int, connections: int) -> dict:
    """`total` requests over `connections` keep-alive connections, as fast as they are answered:
    the elapsed time, every latency, how many were rendered (X-Cache: MISS) and how many failed."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    left, latencies, seen = [total], [], {"non_2xx": 0, "renders": 0}

    async def run():
        await asyncio.gather(
            *(_connection(port, request, left, latencies, seen) for _ in range(connections))
        )

    started = time.perf_counter()
    asyncio.run(run())
    return {"elapsed": time.perf_counter() - started, "latencies": latencies, **seen}


def after_publish(
    port: int, path: str, headers: dict, publish, seconds: float, total: int, connections: int
) -> dict:
    """Publish, then `total` requests at `connections`; again until `seconds` have passed.
    req/s counts the bursts' time only, not the publishes'. publish=None: bursts alone, the
    ceiling of this Python client (wrk's is higher) on the same machine."""
    deadline = time.monotonic() + seconds
    elapsed, latencies, bursts, renders, bad, first = 0.0, [], 0, 0, 0, []
    while bursts == 0 or time.monotonic() < deadline:
        if publish:
            publish()
            # A worker answers cached pages from the content version it last saw for this long
            # (config.py): the burst starts once the publish has reached both, so that no
            # request is a hit on the page the publish retired.
            time.sleep(Defaults.CONTENT_VERSION_RECHECK_SECONDS)
        got = burst(port, path, headers, total, connections)
        elapsed += got["elapsed"]
        latencies += got["latencies"]
        first.append(max(got["latencies"][:connections]))
        renders += got["renders"]
        bad += got["non_2xx"]
        bursts += 1
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 0.99),
        "non_2xx": bad,
        "publishes": bursts,
        "renders_per_publish": renders / bursts,
        "slowest_first_ms": statistics.median(first),
    }
