"""Story cards, rendered once per worker and reused on every page that lists the story.

A list page is mostly cards (the home page has about fifty), and a card is the same HTML wherever
a story appears with the same options. Each is kept in this worker's memory under everything it
is made from: the story's own words, times, section, countries and photo, and the options the
list asks for. So there is nothing to invalidate: a story that changes has a new key, and a
publish re-renders only the cards of the stories it touched, while the page cache (retired by
every publish) is rebuilt from the others. The least recently used cards make way past
STORY_CARDS_KEPT (a setting; 0 keeps none).
"""

from __future__ import annotations

import json
from collections import OrderedDict

from flask import current_app
from markupsafe import Markup

CARD_TEMPLATE = "partials/_story_card.html"


def card_inputs(story) -> tuple:
    """Everything _story_card.html and the picture macro read from a story."""
    photo = story.hero_photo
    pictured = photo and (
        photo.id,
        photo.key,
        photo.width,
        photo.height,
        tuple(photo.variant_widths or ()),
        photo.alt,
        photo.credit,
        photo.crop_tag,
        json.dumps(photo.crop_widths or {}, sort_keys=True),
    )
    return (
        story.id,
        story.slug,
        story.headline,
        story.standfirst,
        story.kind,
        story.lang,
        story.live_closed_at,
        story.updated_at,
        story.public_at,
        story.zone.key,
        story.section.name,
        tuple(country.name for country in story.countries),
        pictured,
    )


def story_card(story, **options) -> Markup:
    """The card of `story` with these options (heading, variant, show_photo, sizes, ...; see
    _story_card.html), from this worker's store or rendered now."""
    kept = current_app.config["STORY_CARDS_KEPT"]
    cards = current_app.extensions.setdefault("story_cards", OrderedDict())
    key = (card_inputs(story), tuple(sorted(options.items())))
    html = cards.get(key)
    if html is not None:
        cards.move_to_end(key)
        return html
    html = Markup(_render(story, options))  # autoescaped  # noqa: S704  # nosec B704
    cards[key] = html
    while len(cards) > kept:
        cards.popitem(last=False)
    return html


def _render(story, options: dict) -> str:
    """What template.render(story=story, **options) gives, without Jinja's cost per render: it
    copies its globals (a ChainMap of some thirty names, read name by name) into the context,
    and the card's import of the picture macro compares those names with the macro's. Here the
    globals are copied once per worker, each card's context is that copy with its own
    variables (one plain dict), and the import takes the macro's module as made once."""
    env = current_app.jinja_env
    template = env.get_template(CARD_TEMPLATE)
    kept = current_app.extensions.get("story_card_globals")
    if kept is None or kept[0] is not template:  # a template reloaded in development
        kept = current_app.extensions["story_card_globals"] = (template, dict(template.globals))
    # A Context of its own, not template.new_context(): that one also hands Jinja the globals to
    # name, and the picture macro's import then compares those names with its own on every card.
    variables = {**kept[1], "story": story, **options}
    context = env.context_class(env, variables, template.name, template.blocks)
    try:
        return env.concat(template.root_render_func(context))
    except Exception:
        return env.handle_exception()
