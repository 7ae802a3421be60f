"""Read the demo newsroom's data files: TOML tables, and one Markdown file a story.

A story file is `NN-key.md`: NN is its place in the loading order (so the demo's ids are stable) and
key is how other stories (`[[story:key]]` in a body) and ticker items name it. The file opens with
TOML front matter between `+++` lines; the Markdown body follows. In a body, `{lede_date}` becomes
the day of publication in the dateline's zone, e.g. "Friday (Nov 27)".
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

DATA = Path(__file__).parent / "data"
STORY_FILE = re.compile(r"(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md")
FENCE = "+++\n"

# Front matter: field -> type. `source` is a table {name, url}; `hours_ago` is before loading.
REQUIRED = {
    "headline": str,
    "standfirst": str,
    "kind": str,
    "section": str,
    "countries": list,
    "dateline": str,
    "tags": list,
    "authors": list,
    "hours_ago": int,
}
OPTIONAL = {
    "lang": str,
    "featured": bool,
    "breaking": bool,
    "image": str,
    "gallery": list,
    "video": str,
    "source": dict,
    "correction": str,
}


class DemoDataError(ValueError):
    """A demo data file that cannot be used; the message starts with the file's path."""


def read_toml(name: str) -> dict:
    """One TOML file under data/, by name."""
    path = DATA / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{path}: {error}") from error


def read_story(path: Path) -> dict:
    """One story file as a dict: its front matter, `key` (from the name) and `body`."""
    match = STORY_FILE.fullmatch(path.name)
    if match is None:
        raise DemoDataError(f"{path}: a story file is named NN-key.md (key in a-z, 0-9 and -)")
    text = path.read_text(encoding="utf-8")
    front, fence, body = text.removeprefix(FENCE).partition("\n" + FENCE)
    if not text.startswith(FENCE) or not fence:
        raise DemoDataError(f"{path}: the file opens with TOML front matter between +++ lines")
    try:
        story = tomllib.loads(front)
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{path}: front matter: {error}") from error
    missing = [field for field in REQUIRED if field not in story]
    if missing:
        raise DemoDataError(f"{path}: front matter lacks {', '.join(missing)}")
    for field, value in story.items():
        kind = REQUIRED.get(field) or OPTIONAL.get(field)
        if kind is None:
            raise DemoDataError(f"{path}: unknown front matter field {field!r}")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise DemoDataError(f"{path}: {field} should be a {kind.__name__}")
    if not story["countries"]:
        raise DemoDataError(f"{path}: countries is empty (the first one is the dateline's)")
    if not all(isinstance(caption, str) and caption for caption in story.get("gallery", [])):
        raise DemoDataError(f"{path}: gallery is a list of captions, one a photo")
    if "source" in story and set(story["source"]) != {"name", "url"}:
        raise DemoDataError(f"{path}: source is a table with name and url")
    if not body.strip():
        raise DemoDataError(f"{path}: the story has no body")
    return {"key": match[2], **story, "body": body}


def read_stories(folder: Path = DATA / "stories") -> list[dict]:
    """Every story file, in the order of their numbers."""
    numbered = {}
    for path in folder.glob("*.md"):
        story = read_story(path)
        number = int(path.name.partition("-")[0])
        if number in numbered:
            raise DemoDataError(f"{path}: number {number} is also {numbered[number][0].name}")
        numbered[number] = (path, story)
    return [story for _, (_, story) in sorted(numbered.items())]


def read_all() -> dict:
    """Every data file: sections, regions, countries, authors, tags, ticker items, stories and
    live pages."""
    places = read_toml("places.toml")
    return {
        "sections": read_toml("sections.toml")["section"],
        "regions": places["region"],
        "countries": places["country"],
        "authors": read_toml("people.toml")["author"],
        "tags": read_toml("tags.toml")["tags"],
        "ticker": read_toml("ticker.toml")["item"],
        "synthetic": read_toml("synthetic.toml")["phrase"],
        "stories": read_stories(),
        "live": read_toml("live.toml")["page"],
    }
