"""The demo's live pages: their pinned summaries and posts, from data/live.toml."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

from demo.illustration import illustration
from extensions import db
from newsroom.content import embed_ids, render_markdown
from newsroom.models import LivePost, Photo, Story
from newsroom.photos import store_photo

CREDIT = "Illustration: Asian-News.net"
STORY_TOKEN = re.compile(r"\[\[story:([a-z0-9-]+)\]\]")


def load_live_pages(
    pages: list[dict], stories: dict[str, Story], ids: dict[str, int], now: datetime, photos: bool
) -> int:
    """Give the newly created live stories their summaries and posts; return the posts added.

    Rows are written here, not through newsroom.live.add_post: that function stamps a post with
    the present time and commits and audits each one, while the demo's posts are dated over the
    last hours (so the page looks live when loaded) and go in with the rest of the newsroom in
    one transaction. What add_post would set is set here too: the body rendered by the same
    render_markdown, the embeds, the page's change stamp and its "updated" time."""
    added = 0
    for page in pages:
        story = stories.get(page["story"])
        if story is None:  # already in the database from an earlier load: left alone
            continue
        story.live_summary_md = page["summary"].strip()
        story.live_summary_html = render_markdown(story.live_summary_md)
        latest = story.published_at
        for number, entry in enumerate(page["post"], 1):
            posted = now - timedelta(minutes=entry["minutes_ago"])
            body = STORY_TOKEN.sub(lambda m: f"[[nid:{ids[m.group(1)]}]]", entry["body"].strip())
            if "photo" in entry:
                figure = _figure(f"{page['story']}-{number}", story, entry["photo"], photos)
                body = f"{figure}\n\n{body}" if figure else body
            changed = posted
            edited = None
            if "edited_minutes_ago" in entry:
                edited = changed = now - timedelta(minutes=entry["edited_minutes_ago"])
            db.session.add(
                LivePost(
                    story=story,
                    title=entry.get("title", ""),
                    body_md=body,
                    body_html=render_markdown(body),
                    embed_ids=embed_ids(body),
                    is_key_event=entry.get("key_event", False),
                    posted_at=posted,
                    edited_at=edited,
                    changed_at=changed,
                )
            )
            latest = max(latest, changed)
            added += 1
        story.edited_at = story.updated_at = latest
        story.live_changed_at = latest
        if "closed_minutes_ago" in page:
            story.live_closed_at = now - timedelta(minutes=page["closed_minutes_ago"])
            story.live_changed_at = max(latest, story.live_closed_at)
    return added


def _figure(seed: str, story: Story, caption: str, photos: bool) -> str:
    """A photo stored in the library, as the figure a post's Markdown carries ("" without photos).

    The body names the photo's file under /media/ (the only source the sanitizer keeps) in the
    same words as the library: alt text, caption and credit."""
    if not photos:
        return ""
    photo: Photo = store_photo(
        illustration(seed, story.section.slug),
        alt=f"Illustration: {caption}",
        caption=caption + ".",
        credit=CREDIT,
    )
    db.session.add(photo)
    width = photo.best_width(1024)
    alt, words = html.escape(photo.alt), html.escape(f"{photo.caption} {photo.credit}")
    return (
        f'<figure><img src="/media/{photo.variant_name(width, "jpg")}" alt="{alt}" '
        f'width="{width}" height="{photo.height_for(width)}"><figcaption>{words}</figcaption>'
        "</figure>"
    )
