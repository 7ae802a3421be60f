"""Load the demo newsroom (idempotent), and generate synthetic stories for load tests."""

from __future__ import annotations

import io
import random
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from PIL import Image as PILImage
from PIL import ImageDraw

import demo_content
from extensions import db
from newsroom import geography
from newsroom.content import make_slug, render_story_body
from newsroom.models import (
    Article,
    Author,
    BreakingItem,
    Country,
    Region,
    Section,
    Status,
    Tag,
    article_countries,
    utcnow,
)
from newsroom.photos import store_photo

PALETTES = {
    "politics": [(24, 38, 71), (178, 58, 72), (242, 201, 150)],
    "business": [(14, 59, 67), (41, 128, 119), (235, 225, 170)],
    "culture": [(73, 29, 84), (214, 99, 73), (249, 214, 120)],
    "technology": [(12, 22, 48), (47, 95, 181), (134, 226, 232)],
}


def load_frame() -> dict[str, dict]:
    """Sections, regions and countries, created or updated by slug."""
    found: dict[str, dict] = {"section": {}, "region": {}, "country": {}}
    for position, (slug, name, description) in enumerate(geography.SECTIONS):
        found["section"][slug] = _upsert(
            Section, slug, name=name, description=description, position=position
        )
    for position, (slug, name, description) in enumerate(geography.REGIONS):
        found["region"][slug] = _upsert(
            Region, slug, name=name, description=description, position=position
        )
    db.session.flush()
    for slug, name, iso2, zone, region in geography.COUNTRIES:
        found["country"][slug] = _upsert(
            Country, slug, name=name, iso2=iso2, timezone=zone,
            region_id=found["region"][region].id,
        )  # fmt: skip
    db.session.flush()
    return found


def _upsert(model, slug: str, **values):
    row = db.session.scalar(sa.select(model).where(model.slug == slug))
    if row is None:
        row = model(slug=slug, **values)
        db.session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    return row


def illustration(seed: str, section: str, size=(1600, 900)) -> bytes:
    """A landscape illustration drawn locally: sky gradient, sun and layered hills."""
    rng = random.Random(seed)  # noqa: S311 - picture layout, not security
    deep, warm, light = PALETTES.get(section, PALETTES["politics"])
    width, height = size
    image = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        colour = tuple(int(light[i] * (1 - t) + warm[i] * t) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    sun_x, sun_y, radius = (
        rng.randint(200, width - 200),
        rng.randint(120, 380),
        rng.randint(60, 140),
    )
    draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius],
        fill=(255, 244, 214),
    )
    for layer in range(4):
        shade = tuple(
            int(deep[i] * (0.55 + 0.15 * layer) + warm[i] * (0.3 - 0.07 * layer)) for i in range(3)
        )
        base = int(height * (0.45 + 0.13 * layer))
        points = [(0, height)]
        x = 0
        while x <= width:
            points.append((x, base - rng.randint(0, 160 - 30 * layer)))
            x += rng.randint(80, 220)
        points += [(width, base), (width, height)]
        draw.polygon(points, fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()  # fmt: skip


def _lede_date(published, entry) -> str:
    zone = ZoneInfo(next(c[3] for c in geography.COUNTRIES if c[0] == entry["countries"][0]))
    local = published.astimezone(zone)
    return f"{local:%A} ({local:%b} {local.day})"


def load_demo(with_images: bool = True) -> int:
    """Create the demo newsroom; stories that already exist (by slug) are left alone."""
    frame = load_frame()
    authors = {
        a["slug"]: _upsert(Author, a["slug"], name=a["name"], title=a["title"], bio=a["bio"])
        for a in demo_content.AUTHORS
    }
    tags = {slug: _upsert(Tag, slug, name=name) for slug, name in demo_content.TAGS.items()}
    db.session.flush()

    now = utcnow()
    created: dict[str, Article] = {}
    keys_to_ids: dict[str, int] = {}
    for entry in demo_content.STORIES:
        slug = make_slug(entry["headline"])
        existing = db.session.scalar(sa.select(Article).where(Article.slug == slug))
        if existing is not None:
            keys_to_ids[entry["key"]] = existing.id
            continue
        published = now - timedelta(hours=entry["hours_ago"], minutes=len(entry["key"]))
        story = Article(
            slug=slug,
            headline=entry["headline"],
            standfirst=entry["standfirst"],
            body_md=entry["body"].strip().replace("{lede_date}", _lede_date(published, entry)),
            kind=entry["kind"],
            dateline=entry["dateline"],
            lang=entry.get("lang", "en"),
            status=Status.PUBLISHED.value,
            published_at=published,
            section=frame["section"][entry["section"]],
            countries=[frame["country"][c] for c in entry["countries"]],
            dateline_country=frame["country"][entry["countries"][0]],
            tags=[tags[t] for t in entry["tags"]],
            authors=[authors[a] for a in entry["authors"]],
            is_featured=entry.get("featured", False),
            is_breaking=entry.get("breaking", False),
            video_url=entry.get("video", ""),
        )
        if "source" in entry:
            story.source_name, story.source_url = entry["source"]
        if "correction" in entry:
            story.correction = entry["correction"]
            story.updated_at = story.correction_at = published + timedelta(hours=2)
        if with_images and "image" in entry:
            photo = store_photo(
                illustration(entry["key"], entry["section"]),
                alt=f"Illustration: {entry['image']}",
                caption=entry["image"] + ".",
                credit="Illustration: Asian-News.net",
            )
            db.session.add(photo)
            story.hero_image = photo
            if entry["kind"] == "photo":
                gallery = []
                for n in range(1, 4):
                    extra = store_photo(
                        illustration(f"{entry['key']}-{n}", entry["section"]),
                        alt=f"Illustration {n} of 3 for the photo story: {entry['image']}",
                        caption=f"{entry['image']}, view {n}.",
                        credit="Illustration: Asian-News.net",
                    )
                    db.session.add(extra)
                    gallery.append(extra)
                db.session.flush()
                story.gallery_ids = [photo.id] + [g.id for g in gallery]
        db.session.add(story)
        created[entry["key"]] = story
    db.session.flush()
    keys_to_ids.update({key: story.id for key, story in created.items()})

    for story in created.values():
        story.body_md = re.sub(
            r"\[\[story:([a-z0-9-]+)\]\]",
            lambda m: f"[[nid:{keys_to_ids[m.group(1)]}]]",
            story.body_md,
        )
        story.body_html, story.embed_ids = render_story_body(story.dateline, story.body_md)

    if not db.session.scalar(sa.select(sa.func.count()).select_from(BreakingItem)):
        for position, item in enumerate(demo_content.BREAKING):
            link = ""
            if "story" in item and item["story"] in keys_to_ids:
                link = f"/n/{keys_to_ids[item['story']]}"
            db.session.add(
                BreakingItem(
                    text=item["text"], link=link, position=position,
                    expires_at=now + timedelta(minutes=item["minutes"]),
                )
            )  # fmt: skip
    db.session.commit()
    return len(created)


SYNTHETIC_PHRASES = [
    ("Port authority", "reports record container traffic", "business"),
    ("Provincial government", "approves new budget for rural roads", "politics"),
    ("Film festival", "announces programme of regional premieres", "culture"),
    ("Start-up", "raises funds to expand digital payments", "technology"),
    ("Central bank", "leaves interest rates unchanged", "business"),
    ("Election commission", "publishes final list of candidates", "politics"),
    ("Museum", "reopens after two years of restoration", "culture"),
    ("Telecoms operator", "switches on new mobile network in the north", "technology"),
]


def load_synthetic(count: int, batch: int = 5000) -> int:
    """Add `count` generated stories (slugs synthetic-N) for load and scale tests; no images."""
    frame = load_frame()
    db.session.commit()
    countries = list(frame["country"].values())
    sections = frame["section"]
    start = (db.session.scalar(sa.select(sa.func.max(Article.id))) or 0) + 1
    now = utcnow()
    rng = random.Random(count)  # noqa: S311 - test data, not security
    made = 0
    with click.progressbar(length=count, label="Synthetic stories") as bar:
        while made < count:
            size = min(batch, count - made)
            stories, links = [], []
            for offset in range(size):
                ident = start + made + offset
                subject, action, section = SYNTHETIC_PHRASES[ident % len(SYNTHETIC_PHRASES)]
                country = countries[ident % len(countries)]
                headline = f"{country.name}: {subject} {action} ({ident})"
                body = (
                    f"{subject} officials in {country.name} said on the record that the move "
                    f"was planned for months. This generated story number {ident} exists for "
                    "load testing."
                )
                html, _ = render_story_body(country.name.upper(), body)
                published = now - timedelta(days=30, minutes=ident + rng.random())
                search_text = (
                    f"{headline}\nA generated story for load tests, number {ident}.\n{body}"
                )
                stories.append(
                    {
                        "id": ident, "slug": f"synthetic-{ident}", "headline": headline,
                        "standfirst": f"A generated story for load tests, number {ident}.",
                        "body_md": body, "body_html": html, "kind": "news", "lang": "en",
                        "dateline": country.name.upper(), "status": Status.PUBLISHED.value,
                        "published_at": published,
                        "live_at": published,
                        "created_at": now, "modified_at": now,
                        "section_id": sections[section].id, "embed_ids": [],
                        "search_text": search_text,
                    }
                )  # fmt: skip
                links.append({"article_id": ident, "country_id": country.id})
            db.session.execute(sa.insert(Article), stories)
            db.session.execute(article_countries.insert(), links)
            db.session.commit()
            made += size
            bar.update(size)
    from newsroom.search import rebuild_index

    rebuild_index()
    if db.engine.dialect.name == "postgresql":
        # Explicit ids leave the sequence behind; move it past them so new stories can be saved.
        db.session.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('articles', 'id'), max(id)) FROM articles"
            )
        )
        db.session.commit()
    return made
