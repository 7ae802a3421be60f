"""Story bodies: Markdown rendered once at save time and sanitized; embeds expanded later."""

from __future__ import annotations

import html as html_lib
import logging
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from slugify import slugify

log = logging.getLogger(__name__)

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": True}).enable(
    ["table", "strikethrough", "replacements", "smartquotes"]
)

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "s",
    "a",
    "code",
    "pre",
    "figure",
    "figcaption",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "sup",
    "sub",
    "abbr",
    "cite",
    "q",
    "small",
    "del",
    "ins",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "abbr": {"title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# [[nid:123]] alone in a paragraph becomes a related-story card; anywhere else, an inline link.
EMBED_TOKEN = re.compile(r"\[\[nid:(\d{1,12})\]\]")
EMBED_BLOCK = re.compile(r"<p>\s*\[\[nid:(\d{1,12})\]\]\s*</p>")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    # Images in a body may only come from our own media library: no third-party requests.
    if tag == "img" and attr == "src" and not value.startswith("/media/"):
        return None
    return value


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted tags and attributes; drop scripts, handlers and unsafe URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
    )


def render_markdown(source: str) -> str:
    """Markdown to sanitized HTML; embed tokens pass through as text."""
    return sanitize_html(_markdown.render(source or ""))


def embed_ids(source: str) -> list[int]:
    """The story ids a body embeds, in order, without repeats."""
    seen: list[int] = []
    for match in EMBED_TOKEN.finditer(source or ""):
        ident = int(match.group(1))
        if ident not in seen:
            seen.append(ident)
    return seen


def expand_embeds(html: str, cards: dict[int, Markup], links: dict[int, Markup]) -> Markup:
    """Replace embed tokens with rendered cards (block) or links (inline); unknown ids vanish."""

    def block(match: re.Match) -> str:
        ident = int(match.group(1))
        if ident not in cards:
            log.warning("embed of unknown or unpublished story %d dropped", ident)
            return ""
        return str(cards[ident])

    def inline(match: re.Match) -> str:
        ident = int(match.group(1))
        if ident not in links:
            log.warning("inline embed of unknown or unpublished story %d dropped", ident)
            return ""
        return str(links[ident])

    html = EMBED_BLOCK.sub(block, html)
    return Markup(EMBED_TOKEN.sub(inline, html))  # sanitized at save  # noqa: S704  # nosec B704


def html_text(html: str) -> str:
    """Sanitized HTML as the plain words a reader sees: tags, entities and embed tokens gone,
    runs of white space made one (for search, structured data and one-line summaries)."""
    text = nh3.clean(
        re.sub(r"<(?:/p|br|/li|/h\d|/blockquote)\b", r" \g<0>", html or ""), tags=set()
    )
    return " ".join(EMBED_TOKEN.sub(" ", html_lib.unescape(text)).split())


def make_slug(text: str, max_length: int = 120, fallback: str = "story") -> str:
    """A URL slug from a headline in any script (transliterated to ASCII where possible)."""
    slug = slugify(
        text or "",
        max_length=max_length,
        word_boundary=True,
        replacements=[["'", ""], ["’", ""]],
    )
    return slug or fallback


def render_story_body(dateline: str, source: str) -> tuple[str, list[int]]:
    """A story's stored HTML (dateline leading the first paragraph) and the ids it embeds."""
    source = (source or "").strip()
    if dateline and source and not source.startswith(("#", "[[", ">", "-", "*", "|")):
        source = f"**{dateline.strip().upper()} —** {source}"
    return render_markdown(source), embed_ids(source)


# An interview's question is a paragraph wholly in bold ("**Why now?**"); the answer is what
# follows. Only the display marks it, so stories saved before the rule get it too.
QUESTION = re.compile(r"<p><strong>((?:(?!</?p[\s>]|</?strong>).)+)</strong></p>", re.DOTALL)
_CONTAINERS = ("blockquote", "ul", "ol", "table", "figure")


def mark_questions(html: str) -> Markup:
    """An interview's sanitized body with each question paragraph classed `qa__question`."""
    marked = QUESTION.sub(r'<p class="qa__question"><strong>\1</strong></p>', str(html))
    return Markup(marked)  # sanitized at save; only our own attribute added  # noqa: S704  # nosec B704


def split_at_breaks(html: str) -> list[Markup]:
    """A sanitized body cut at its top-level thematic breaks (`---` in Markdown, `<hr>`): where a
    photo story's next photo goes. A break inside a quotation or list stays where it is."""
    html = str(html)
    parts, start = [], 0
    for match in re.finditer(r"<hr>\n?", html):
        before = html[: match.start()]
        nested = any(before.count(f"<{tag}") > before.count(f"</{tag}>") for tag in _CONTAINERS)
        if not nested:
            parts.append(html[start : match.start()])
            start = match.end()
    parts.append(html[start:])
    return [Markup(part) for part in parts]  # noqa: S704  # nosec B704
