"""The bench's figures as tables (plain for the terminal, Markdown for the README) and the
issue's targets as HOLDS / MISSES, from one result (the JSON bench/run.py writes)."""

from __future__ import annotations

NGINX_STATIC = "nginx static copy of home"
MICRO = "home via nginx micro-cache"
HELLO = "bare Flask hello (same gunicorn)"
CACHED = "cached home"
CACHED_GZ = "cached home, Accept-Encoding gzip, br"
TICKER = "ticker 204"
LATEST = "live/latest unchanged poll"
UNCACHED = "uncached home"
UNCACHED_GZ = "uncached home, Accept-Encoding gzip, br"
PUBLISH = "home right after a publish"
RENDERED = "home rendered each time from stored pieces (page cache off)"
UNCACHED_BASE = "uncached home, baseline"
PUBLISH_BASE = "home right after a publish, baseline"
HELLO_BURST = "bare Flask hello, the publish case's client"
SECTION = "section page"
ARTICLE = "article"
UNTAGGED = "untagged article"
COUNTRY = "country, first page"
DEEP = "country, deep page"
SEARCH_COMMON = "search, common word"
SEARCH_RARE = "search, rare word"
TAG = "tag page"
AUTHOR = "author page"
HOME = "home"

# The pages held to "<= 10 ms in-process at 100k, and at 1M within 1.3x of 10k".
LIST_AND_ARTICLES = (SECTION, COUNTRY, DEEP, TAG, AUTHOR, ARTICLE, UNTAGGED)


def scale_name(stories: int | str) -> str:
    n = int(stories)
    return f"{n // 1_000_000}M" if n >= 1_000_000 and not n % 1_000_000 else f"{n // 1000}k"


def render(headers: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def _scales(result: dict) -> list[str]:
    return sorted(result["scales"], key=int)


def http_table(result: dict, markdown: bool = False) -> str:
    """Each case's req/s, median of the rounds (min-max) and its p99, scales side by side."""
    scales = _scales(result)
    names: list[str] = []
    for scale in scales:
        names += [n for n in result["scales"][scale]["http"] if n not in names]
    rows = []
    for name in names:
        row = [name, "", ""]
        for scale in scales:
            case = result["scales"][scale]["http"].get(name)
            if case is None:
                row.append("-")
                continue
            row[1] = case["server"]
            answer = case.get("answer", {})
            if answer and not row[2]:
                size = answer["bytes"]
                size = f"{size} B" if size < 1000 else f"{size / 1000:.1f} KB"
                row[2] = f"{answer['status']} {size}"
                row[2] += f" {answer['encoding']}" if answer.get("encoding") else ""
            row.append(
                f"{case['rps']:.0f} ({case['min_rps']:.0f}-{case['max_rps']:.0f}) "
                f"p99 {case['p99_ms']:.1f} ms"
            )
        rows.append(row)
    headers = ["case", "served by", "answer"] + [
        f"{scale_name(s)} req/s (min-max), p99" for s in scales
    ]
    return render(headers, rows, markdown)


def inproc_table(result: dict, markdown: bool = False) -> str:
    scales = [s for s in _scales(result) if result["scales"][s].get("inproc")]
    if not scales:
        return ""
    names = list(result["scales"][scales[0]]["inproc"])
    rows = []
    for name in names:
        row = [name]
        for scale in scales:
            case = result["scales"][scale]["inproc"].get(name)
            row.append(
                "-"
                if case is None
                else f"{case['median_ms']:.1f} ({case['min_ms']:.1f}-{case['max_ms']:.1f})"
            )
        rows.append(row)
    title = "in-process, page cache off"
    if result.get("inproc_interleaved"):
        cases = result["scales"][scales[0]]["inproc"].values()
        rounds = max((len(case["rounds_ms"]) for case in cases), default=0)
        title += f", {rounds} rounds interleaved across scales"
    headers = [title] + [f"{scale_name(s)} ms (min-max)" for s in scales]
    return render(headers, rows, markdown)


def _ratio(http: dict, name: str, base: str) -> float | None:
    if name in http and base in http and http[base]["rps"]:
        return http[name]["rps"] / http[base]["rps"]
    return None


def targets(result: dict) -> list[tuple[str, dict[str, tuple[bool | None, str]]]]:
    """The issue's targets: for each, per scale, (HOLDS?, the figure); None where not measured."""
    redis = result["backend"] != "sqlite"
    home_k, ticker_k = (0.7, 0.7) if redis else (0.85, 0.9)
    scales = _scales(result)
    smallest = scales[0]
    out = []

    def per_scale(name, judge):
        verdicts = {}
        for scale in scales:
            got = judge(scale, result["scales"][scale])
            if got is not None:
                verdicts[scale] = got
        out.append((name, verdicts))

    def ratio_target(case, k):
        def judge(_scale, s):
            ratio = _ratio(s["http"], case, HELLO)
            return None if ratio is None else (ratio >= k, f"{ratio:.2f}x")

        return judge

    per_scale(f"cached home >= {home_k}x bare Flask hello", ratio_target(CACHED, home_k))
    per_scale(f"ticker 204 >= {ticker_k}x bare Flask hello", ratio_target(TICKER, ticker_k))

    def served(case_name):
        def judge(_scale, s):
            case = s["http"].get(case_name)
            if case is None:
                return None
            ok = case["rps"] >= 430 and case["p99_ms"] < 100
            return ok, f"{case['rps']:.0f} req/s, p99 {case['p99_ms']:.0f} ms"

        return judge

    connections = result.get("publish_connections", 16)
    per_scale(
        f"home right after a publish >= 430 req/s, p99 < 100 ms ({connections} connections)",
        served(PUBLISH),
    )
    # The strict reading: every request renders the home page (no page cache), from stored cards.
    per_scale(
        f"home rendered from stored pieces >= 430 req/s, p99 < 100 ms ({connections} connections)",
        served(RENDERED),
    )

    def baseline(_scale, s):
        ratio = _ratio(s["http"], UNCACHED, UNCACHED_BASE)
        return None if ratio is None else (ratio >= 2, f"{ratio:.2f}x")

    base = result.get("baseline") or "a baseline (--baseline GIT_REF)"
    per_scale(f"uncached home >= 2x {base}", baseline)

    def list_pages(scale, s):
        if int(scale) != 100_000 or not s.get("inproc"):
            return None
        worst = max(LIST_AND_ARTICLES, key=lambda n: s["inproc"][n]["median_ms"])
        ms = s["inproc"][worst]["median_ms"]
        return ms <= 10, f"slowest {worst} {ms:.1f} ms"

    per_scale("list pages and articles <= 10 ms in-process at 100k", list_pages)

    def flat(scale, s):
        base = result["scales"][smallest].get("inproc")
        if int(scale) < 1_000_000 or not s.get("inproc") or not base or scale == smallest:
            return None
        ratios = {n: s["inproc"][n]["median_ms"] / base[n]["median_ms"] for n in LIST_AND_ARTICLES}
        worst = max(ratios, key=ratios.get)
        return ratios[worst] <= 1.3, f"worst {worst} {ratios[worst]:.2f}x"

    per_scale(f"list pages and articles at 1M within 1.3x of {scale_name(smallest)}", flat)

    def inproc_ratio(case, base, limit, detail=lambda s: ""):
        def judge(_scale, s):
            inproc = s.get("inproc")
            if not inproc:
                return None
            ratio = inproc[case]["median_ms"] / inproc[base]["median_ms"]
            return ratio <= limit, f"{ratio:.2f}x{detail(s)}"

        return judge

    per_scale(
        "search for a common word <= 2x an article (in-process)",
        inproc_ratio(SEARCH_COMMON, ARTICLE, 2),
    )
    per_scale(
        "country deep page within 1.25x of its first page (in-process)",
        inproc_ratio(DEEP, COUNTRY, 1.25, lambda s: f" at {s['data']['deep_pages']} pages"),
    )

    def memory(_scale, s):
        sizes = [m for ms in s.get("memory_mb", {}).values() for m in ms]
        return (max(sizes) < 120, f"max {max(sizes):.0f} MB") if sizes else None

    per_scale("worker RSS < 120 MB", memory)

    def micro(_scale, s):
        ratio = _ratio(s["http"], MICRO, NGINX_STATIC)
        if ratio is None:
            return None
        p99 = s["http"][MICRO]["p99_ms"]
        return ratio >= 0.8 and p99 < 20, f"{ratio:.2f}x, p99 {p99:.1f} ms"

    per_scale("nginx micro-cache >= 0.8x nginx static, p99 < 20 ms", micro)
    return out


def verdict_table(result: dict, markdown: bool = False) -> str:
    scales = _scales(result)
    rows = []
    for name, verdicts in targets(result):
        row = [name]
        for scale in scales:
            if scale not in verdicts:
                row.append("-")
                continue
            ok, figure = verdicts[scale]
            row.append(f"{'HOLDS' if ok else 'MISSES'} ({figure})")
        rows.append(row)
    return render(["target"] + [scale_name(s) for s in scales], rows, markdown)


def data_line(result: dict) -> str:
    parts = []
    for scale in _scales(result):
        d = result["scales"][scale]["data"]
        parts.append(
            f"{scale_name(scale)}: {d['stories']} stories; section {d['section_stories']}, "
            f"tag {d['tag_stories']}, author {d['author_stories']}, country "
            f"{d['country_stories']} ({d['deep_pages']} pages deep); "
            f"'{d['common_word']}' {d['common_matches']}, '{d['rare_word']}' {d['rare_matches']}"
        )
    return "\n".join(parts)


def publish_line(result: dict) -> str:
    """What a publish cost the requests after it, per scale."""
    parts = []
    for scale in _scales(result):
        case = result["scales"][scale]["http"].get(PUBLISH)
        if case:
            runs = case["rounds"]
            renders = sum(r["renders_per_publish"] * r["publishes"] for r in runs)
            publishes = sum(r["publishes"] for r in runs)
            first = sorted(r["slowest_first_ms"] for r in runs)[len(runs) // 2]
            parts.append(
                f"{scale_name(scale)}: {publishes} publishes, {renders / publishes:.1f} renders "
                f"each, the first {result['publish_connections']} requests after one took up "
                f"to {first:.0f} ms (median)"
            )
    if not parts:
        return ""
    burst = result["publish_burst"]
    return f"home right after a publish (the next {burst} requests): " + "; ".join(parts)


def summary(result: dict, markdown: bool = False) -> str:
    """Everything for one backend: how it was measured, the three tables, the data's sizes."""
    head = (
        f"{result['backend']}, {result['when']}: {result['rounds']} interleaved rounds of "
        f"{result['seconds']} s a case, {result['connections']} connections ({result['tool']}); "
        f"medians of the rounds"
    )
    parts = [head, http_table(result, markdown), inproc_table(result, markdown)]
    parts += [verdict_table(result, markdown), publish_line(result), data_line(result)]
    return "\n\n".join(p for p in parts if p)
