"""factory_boy factories: each test builds the newsroom it needs on the site's frame.

The frame (sections, regions, countries) is in every test database; people, stories, photos,
ticker items and messages are made here. Factories save through the same pipeline the admin and
the demo use (body rendering, photo storage), and commit, so a request sees what a test made.

    story = StoryFactory(headline="Typhoon nears Luzon", section="world", countries=["philippines"])
    editor = UserFactory(role="editor")                 # password: tests.helpers.PASSWORD
    photo = PhotoFactory(alt="Rice terraces at dawn")  # a real JPEG with its variants
"""

from __future__ import annotations

import io
from datetime import timedelta

import factory
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory
from PIL import Image as PILImage

from extensions import db
from newsroom.accounts import hash_password
from newsroom.content import make_slug, render_markdown, render_story_body
from newsroom.models import (
    Author,
    ContactMessage,
    Country,
    LivePost,
    Photo,
    Section,
    Status,
    Story,
    Tag,
    TickerItem,
    User,
    utcnow,
)
from newsroom.photos import store_photo
from newsroom.stories import store_byline_order
from tests.helpers import PASSWORD


def _session():
    return db.session


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = _session
        sqlalchemy_session_persistence = "commit"


def section(slug: str) -> Section:
    found = db.session.scalar(sa.select(Section).where(Section.slug == slug))
    assert found is not None, f"no section {slug!r} in the frame"
    return found


def country(slug: str) -> Country:
    found = db.session.scalar(sa.select(Country).where(Country.slug == slug))
    assert found is not None, f"no country {slug!r} in the frame"
    return found


class UserFactory(Base):
    """A member of the newsroom who can sign in with PASSWORD."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@asian-news.test")
    name = factory.Sequence(lambda n: f"Newsroom Person {n}")
    role = "writer"
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))


class AuthorFactory(Base):
    """A byline."""

    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.LazyAttribute(lambda a: make_slug(a.name))
    title = "Correspondent"
    bio = "Reports on the region for Asian-News.net."


class TagFactory(Base):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda t: make_slug(t.name))


class StoryFactory(Base):
    """A story published a minute ago in politics, about Japan, unless told otherwise.

    `section` is a section slug, `countries` a list of country slugs (the first is the
    dateline's), `tags` a list of tag names (created when new)."""

    class Meta:
        model = Story
        exclude = ("section_slug", "country_slugs", "tag_names")

    headline = factory.Sequence(lambda n: f"Test story number {n} from the newsroom")
    slug = factory.LazyAttribute(lambda s: make_slug(s.headline))
    standfirst = "A short standfirst for a test story."
    body_md = 'Officials said the plan would go ahead. "We are ready," one said.'
    dateline = "TOKYO"
    kind = "news"
    lang = "en"
    status = Status.PUBLISHED.value
    published_at = factory.LazyFunction(lambda: utcnow() - timedelta(minutes=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        section_slug = kwargs.pop("section", "politics")
        country_slugs = kwargs.pop("countries", ["japan"])
        tag_names = kwargs.pop("tags", [])
        if isinstance(section_slug, str):
            kwargs["section"] = section(section_slug)
        else:
            kwargs["section"] = section_slug
        places = [country(c) if isinstance(c, str) else c for c in country_slugs]
        kwargs["countries"] = places
        kwargs.setdefault("dateline_country", places[0] if places else None)
        kwargs["tags"] = [_tag(name) for name in tag_names]
        if "body" in kwargs:
            kwargs["body_md"] = kwargs.pop("body")
        story = model_class(*args, **kwargs)
        story.body_html, story.embed_ids = render_story_body(story.dateline, story.body_md)
        db.session.add(story)
        db.session.flush()
        store_byline_order(story)  # as the newsroom's save does
        db.session.commit()
        return story


def _tag(name: str) -> Tag:
    slug = make_slug(name, max_length=60)
    found = db.session.scalar(sa.select(Tag).where(Tag.slug == slug))
    if found is None:
        found = Tag(slug=slug, name=name)
        db.session.add(found)
    return found


class TickerItemFactory(Base):
    """A ticker line that stays up for an hour."""

    class Meta:
        model = TickerItem

    text = factory.Sequence(lambda n: f"Breaking: test ticker line {n}")
    link = ""
    position = factory.Sequence(lambda n: n)
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(hours=1))


class ContactMessageFactory(Base):
    class Meta:
        model = ContactMessage

    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    subject = "A question about a story"
    message = "Could you say where the figures in the third paragraph come from?"


class LiveStoryFactory(StoryFactory):
    """An open live page, published ten minutes ago, about typhoon landfall in the Philippines."""

    headline = factory.Sequence(lambda n: f"Live: typhoon makes landfall, update desk {n}")
    kind = "live"
    dateline = "MANILA"
    published_at = factory.LazyFunction(lambda: utcnow() - timedelta(minutes=10))
    live_changed_at = factory.LazyFunction(utcnow)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.setdefault("section", "politics")
        kwargs.setdefault("countries", ["philippines"])
        return super()._create(model_class, *args, **kwargs)


class LivePostFactory(Base):
    """A post on a live page, `minutes_ago` minutes old (default: just now)."""

    class Meta:
        model = LivePost
        exclude = ("minutes_ago",)

    story = factory.SubFactory(LiveStoryFactory)
    minutes_ago = 0
    title = ""
    body_md = factory.Sequence(
        lambda n: f"Update {n}: winds of 150 km/h were measured at the coast."
    )
    body_html = factory.LazyAttribute(lambda p: render_markdown(p.body_md))
    embed_ids = factory.LazyFunction(list)
    posted_at = factory.LazyAttribute(lambda p: utcnow() - timedelta(minutes=p.minutes_ago))
    changed_at = factory.LazyAttribute(lambda p: p.posted_at)

    @factory.post_generation
    def stamp(post, create, _extracted, **_kwargs):
        """The page's stamp follows its newest change, as the service keeps it."""
        if create and (post.story.live_changed_at or post.changed_at) <= post.changed_at:
            post.story.live_changed_at = post.changed_at
            db.session.commit()


def jpeg(width: int = 1200, height: int = 800, colour=(40, 90, 140)) -> bytes:
    """A real JPEG of that size."""
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(out, "JPEG", quality=80)
    return out.getvalue()


class PhotoFactory(Base):
    """A photo stored as the admin stores an upload: cleaned, with its size variants on disk."""

    class Meta:
        model = Photo

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        photo = store_photo(
            kwargs.pop("data", None) or jpeg(kwargs.pop("width", 1200), kwargs.pop("height", 800)),
            alt=kwargs.pop("alt", "A street market in the evening"),
            caption=kwargs.pop("caption", ""),
            credit=kwargs.pop("credit", "Photo: Asian-News.net"),
        )
        for key, value in kwargs.items():
            setattr(photo, key, value)
        db.session.add(photo)
        db.session.commit()
        return photo


def make_story(**fields) -> Story:
    """A published story (by default); the same as StoryFactory(**fields)."""
    return StoryFactory(**fields)


# --- the admin's story form, filled with this database's ids ---------------------------------


def story_form_rows(section_slug: str = "politics", country_slug: str = "india") -> dict:
    """The story form's fields that name rows (section, dateline country, countries, authors)
    with this database's ids; the byline is Priya Sharma, made on first use. Call inside an app
    context."""
    byline = db.session.scalar(sa.select(Author).where(Author.slug == "priya-sharma"))
    if byline is None:
        byline = AuthorFactory(name="Priya Sharma", title="Guwahati correspondent")
    place = str(country(country_slug).id)
    return {
        "section": str(section(section_slug).id),
        "dateline_country": place,
        "countries": [place],
        "authors": [str(byline.id)],
    }


def story_form(**overrides) -> dict:
    """tests.helpers.story_data (a story from Assam) naming this database's rows (call in an
    app context): section Politics, dateline country and country India, and a byline."""
    from tests.helpers import story_data  # here, so this block leaves the shared imports alone

    return story_data(**{**story_form_rows(), **overrides})


# --- a story's update log --------------------------------------------------------------------


def add_correction(story: Story, text: str, at=None, kind: str = "correction"):
    """An entry in the story's update log (a correction unless `kind` says "update"), made as
    the admin makes one: the story's "Updated" time follows it. Commits."""
    from newsroom.models import StoryUpdate
    from newsroom.models.update_log import refresh_updated_at

    entry = StoryUpdate(story=story, kind=kind, text=text, at=at or utcnow())
    db.session.add(entry)
    db.session.flush()
    refresh_updated_at(story)
    db.session.commit()
    return entry


# --- the story service's input --------------------------------------------------------------

TYPHOON = "Typhoon Mawar nears the coast of Luzon"


def story_changes(**overrides):
    """newsroom.stories.StoryChanges for a politics story from Manila (call in an app context)."""
    from newsroom.stories import StoryChanges

    values = {
        "headline": TYPHOON,
        "section_id": section("politics").id,
        "dateline": "Manila",
        "country_ids": [country("philippines").id],
        "body_md": "Rain fell across the north on Monday.",
        "tag_names": ["Weather"],
    }
    return StoryChanges(**{**values, **overrides})
