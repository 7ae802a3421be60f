"""Load the demo newsroom from its data files; loading again adds nothing twice."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from demo.files import read_stories, read_toml
from demo.illustration import illustration
from demo.live import load_live_pages
from extensions import db
from newsroom.content import make_slug
from newsroom.models import (
    Author,
    Country,
    Region,
    Section,
    Status,
    Story,
    StoryUpdate,
    Tag,
    TickerItem,
    utcnow,
)
from newsroom.photos import store_photo

CREDIT = "Illustration: Asian-News.net"


def load_frame() -> dict[str, dict]:
    """Sections, regions and countries, created or updated by slug."""
    found: dict[str, dict] = {"section": {}, "region": {}, "country": {}}
    places = read_toml("places.toml")
    for position, row in enumerate(read_toml("sections.toml")["section"]):
        found["section"][row["slug"]] = _upsert(
            Section,
            row["slug"],
            name=row["name"],
            description=row["description"],
            position=position,
        )
    for position, row in enumerate(places["region"]):
        found["region"][row["slug"]] = _upsert(
            Region,
            row["slug"],
            name=row["name"],
            description=row["description"],
            timezone=row.get("timezone", "UTC"),
            position=position,
        )
    db.session.flush()
    for row in places["country"]:
        found["country"][row["slug"]] = _upsert(
            Country,
            row["slug"],
            name=row["name"],
            capital=row.get("capital", ""),
            iso2=row["iso2"],
            timezone=row["timezone"],
            region_id=found["region"][row["region"]].id,
        )
    db.session.flush()
    return found


def _upsert(model, slug: str, **values):
    row = model.by_slug(slug)
    if row is None:
        row = model(slug=slug, **values)
        db.session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    return row


def _lede_date(published, zone: str) -> str:
    local = published.astimezone(ZoneInfo(zone))
    return f"{local:%A} ({local:%b} {local.day})"


def load_demo(with_images: bool = True) -> int:
    """Create the demo newsroom; stories that already exist (by slug) are left alone."""
    frame = load_frame()
    authors = {
        a["slug"]: _upsert(Author, a["slug"], name=a["name"], title=a["title"], bio=a["bio"])
        for a in read_toml("people.toml")["author"]
    }
    tags = {
        slug: _upsert(Tag, slug, name=name) for slug, name in read_toml("tags.toml")["tags"].items()
    }
    db.session.flush()

    now = utcnow()
    created: dict[str, Story] = {}
    keys_to_ids: dict[str, int] = {}
    # Written directly, not through newsroom.stories.save_story: the demo's stories are already
    # published at fixed times, embed each other before they have ids, and load in one
    # transaction without revisions or audit entries. They share the story's rules that readers
    # see: the address made from the headline (make_slug, which free_slug starts from: the slug
    # is also how a second load finds the story) and the body rendering (set_body).
    for entry in read_stories():
        slug = make_slug(entry["headline"])
        existing = Story.by_slug(slug)
        if existing is not None:
            keys_to_ids[entry["key"]] = existing.id
            continue
        published = now - timedelta(hours=entry["hours_ago"], minutes=len(entry["key"]))
        dateline_country = frame["country"][entry["countries"][0]]
        lede_date = _lede_date(published, dateline_country.timezone)
        story = Story(
            slug=slug,
            headline=entry["headline"],
            standfirst=entry["standfirst"],
            body_md=entry["body"].strip().replace("{lede_date}", lede_date),
            kind=entry["kind"],
            dateline=entry["dateline"],
            lang=entry.get("lang", "en"),
            status=Status.PUBLISHED.value,
            published_at=published,
            section=frame["section"][entry["section"]],
            countries=[frame["country"][c] for c in entry["countries"]],
            dateline_country=dateline_country,
            tags=[tags[t] for t in entry["tags"]],
            authors=[authors[a] for a in entry["authors"]],
            is_featured=entry.get("featured", False),
            is_breaking=entry.get("breaking", False),
            video_url=entry.get("video", ""),
        )
        if "source" in entry:
            story.source_name = entry["source"]["name"]
            story.source_url = entry["source"]["url"]
        if "correction" in entry:
            corrected = published + timedelta(hours=2)
            db.session.add(
                StoryUpdate(story=story, kind="correction", text=entry["correction"], at=corrected)
            )
            story.updated_at = corrected  # what refresh_updated_at gives: the log's latest
        if with_images and "image" in entry:
            _add_photos(story, entry)
        db.session.add(story)
        created[entry["key"]] = story
    db.session.flush()
    keys_to_ids.update({key: story.id for key, story in created.items()})

    for story in created.values():
        story.set_body(
            re.sub(
                r"\[\[story:([a-z0-9-]+)\]\]",
                lambda m: f"[[nid:{keys_to_ids[m.group(1)]}]]",
                story.body_md,
            )
        )

    load_live_pages(read_toml("live.toml")["page"], created, keys_to_ids, now, with_images)

    if not db.session.scalar(sa.select(sa.func.count()).select_from(TickerItem)):
        for position, item in enumerate(read_toml("ticker.toml")["item"]):
            link = ""
            if "story" in item and item["story"] in keys_to_ids:
                link = f"/n/{keys_to_ids[item['story']]}"
            db.session.add(
                TickerItem(
                    text=item["text"],
                    link=link,
                    position=position,
                    expires_at=now + timedelta(minutes=item["minutes"]),
                )
            )
    db.session.commit()
    return len(created)


def _add_photos(story: Story, entry: dict) -> None:
    """The hero illustration, and for a photo story a gallery led by it: one more photo for each
    caption in `gallery` (three numbered views of the hero's subject without one)."""
    photo = store_photo(
        illustration(entry["key"], entry["section"]),
        alt=f"Illustration: {entry['image']}",
        caption=entry["image"] + ".",
        credit=CREDIT,
    )
    db.session.add(photo)
    story.hero_photo = photo
    if entry["kind"] != "photo":
        return
    captions = entry.get("gallery") or [f"{entry['image']}, view {n}." for n in range(1, 4)]
    gallery = []
    for n, caption in enumerate(captions, start=1):
        extra = store_photo(
            illustration(f"{entry['key']}-{n}", entry["section"]),
            alt=f"Illustration: {caption.rstrip('.')}",
            caption=caption,
            credit=CREDIT,
        )
        db.session.add(extra)
        gallery.append(extra)
    db.session.flush()
    story.gallery_ids = [photo.id] + [g.id for g in gallery]
