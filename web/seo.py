"""What search engines and social sites read: JSON-LD, Open Graph, absolute URLs from config."""

from __future__ import annotations

from flask import current_app, url_for

from newsroom.models.photo import SOCIAL_WIDTH
from newsroom.profiles import profile_links
from web.urls import absolute_url, media_url

# The newest posts of a live page that its JSON-LD lists (the page shows more; this keeps the
# head of the page small).
LIVE_BLOG_UPDATES = 10


def site_url() -> str:
    return current_app.config["SITE_URL"].rstrip("/")


def absolute(path: str) -> str:
    return site_url() + path if path.startswith("/") else path


def organization() -> dict:
    """The publisher, with the owner's details exactly as in the brief."""
    p = current_app.config["PUBLISHER"]
    return {
        "@type": "NewsMediaOrganization",
        "@id": site_url() + "/#publisher",
        "name": current_app.config["SITE_NAME"],
        "url": site_url() + "/",
        "logo": {"@type": "ImageObject", "url": absolute("/static/img/favicon.svg")},
        "legalName": p["owner"],
        "identifier": {
            "@type": "PropertyValue",
            "name": "Registration certificate",
            "value": p["registration"],
        },
        "address": {
            "@type": "PostalAddress",
            "streetAddress": p["street"],
            "addressLocality": f"{p['district']}, {p['city']}",
            "postalCode": p["postcode"],
            "addressCountry": "CZ",
        },
        "correctionsPolicy": absolute_url("news.corrections"),
        "publishingPrinciples": absolute_url("pages.about"),
    }


def photo_url(photo, width: int = 1024, fmt: str = "jpg") -> str:
    return absolute(media_url(photo, photo.best_width(width), fmt))


def social_image(photo) -> dict:
    """The image social sites show for a story: 1200 px wide, 16:9, cropped around the photo's
    focal point; a photo stored before crops existed sends its widest uncropped variant."""
    if photo.crop_tag:
        return {
            "url": absolute(url_for("pages.media", filename=photo.social_name())),
            "width": SOCIAL_WIDTH,
            "height": SOCIAL_WIDTH * 9 // 16,
        }
    width = photo.best_width(1600)
    return {"url": photo_url(photo, width), "width": width, "height": photo.height_for(width)}


def _image_objects(photo) -> list[dict]:
    """The hero photo for search engines: the 16:9 and 1:1 crops (Google asks for several
    shapes) and the whole photo, each with its caption and credit."""
    sizes = [social_image(photo)]
    if photo.has_crop("1x1"):
        width = max(photo.crop_widths["1x1"])
        url = absolute(media_url(photo, width, "jpg", "1x1"))
        sizes.append({"url": url, "width": width, "height": width})
    # The whole photo too (its 1600 variant was the social image before crops existed).
    width = photo.best_width(1600 if photo.crop_tag else 1024)
    sizes.append(
        {"url": photo_url(photo, width), "width": width, "height": photo.height_for(width)}
    )
    words = {"caption": photo.caption or photo.alt}
    if photo.credit:
        words["creditText"] = photo.credit
    if photo.copyright:
        words["copyrightNotice"] = photo.copyright
    return [{"@type": "ImageObject", **size, **words} for size in sizes]


def _when(moment, zone) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


# Opinion and analysis say what they are to search engines too (schema.org's NewsArticle kinds).
ARTICLE_TYPES = {"opinion": "OpinionNewsArticle", "analysis": "AnalysisNewsArticle"}


def news_article(story, updates=(), posts=()) -> dict:
    """The story as a NewsArticle; `updates` is its update log, oldest first: dateModified is
    the story's updated_at (the latest entry or substantive edit), corrections are listed.

    A live page is a LiveBlogPosting instead, its latest `posts` (newest first, as shown) each a
    BlogPosting in liveBlogUpdate."""
    zone = story.zone
    url = absolute_url("news.story", slug=story.slug)
    modified = max(story.updated_at or story.public_at, story.public_at)
    if story.is_live_page and story.live_changed_at:
        modified = max(modified, story.live_changed_at)
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting"
        if story.is_live_page
        else ARTICLE_TYPES.get(story.kind, "NewsArticle"),
        "@id": url + "#article",
        "mainEntityOfPage": url,
        "url": url,
        "headline": story.headline[:110],
        "description": story.standfirst,
        "inLanguage": story.lang,
        "datePublished": _when(story.public_at, zone),
        "dateModified": _when(modified, zone),
        "author": [
            {
                "@type": "Person",
                "name": a.name,
                "url": absolute_url("news.author", slug=a.slug),
                **({"jobTitle": a.title} if a.title else {}),
            }
            for a in story.authors
        ],
        "publisher": organization(),
        "articleSection": story.section.name,
        "keywords": [t.name for t in story.tags],
        "isAccessibleForFree": True,
    }
    if story.dateline:
        data["dateline"] = story.dateline
    if story.countries:
        data["contentLocation"] = [{"@type": "Country", "name": c.name} for c in story.countries]
    if story.hero_photo:
        data["image"] = _image_objects(story.hero_photo)
    corrections = [u for u in updates if u.kind == "correction"]
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": u.text,
                "datePublished": u.at.astimezone(zone).isoformat(timespec="seconds"),
            }
            for u in corrections
        ]
    if story.is_syndicated:
        data["isBasedOn"] = story.source_url
        data["sourceOrganization"] = {"@type": "Organization", "name": story.source_name}
    if story.is_live_page:
        data.update(_live_blog(story, url, posts))
    return data


def _live_blog(story, url: str, posts) -> dict:
    """When the coverage ran and its latest posts. While it is open its end is not known, so
    coverageEndTime is left out (schema.org: when the live blog *will* stop covering)."""
    zone = story.zone
    data = {"coverageStartTime": _when(story.public_at, zone)}
    if story.live_closed_at is not None:
        data["coverageEndTime"] = _when(story.live_closed_at, zone)
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "@id": f"{url}#{post.anchor}",
            "url": f"{url}#{post.anchor}",
            "headline": post.headline(),
            "articleBody": post.text,
            "datePublished": _when(post.posted_at, zone),
            "dateModified": _when(post.edited_at or post.posted_at, zone),
            "author": _post_author(post),
        }
        for post in list(posts)[:LIVE_BLOG_UPDATES]
    ]
    return data


def _post_author(post) -> dict:
    """The reporter who wrote a post; a post from the command line or a wire tool is the
    publisher's."""
    if post.author is not None and post.author.name:
        return {"@type": "Person", "name": post.author.name}
    return {
        "@type": "NewsMediaOrganization",
        "@id": site_url() + "/#publisher",
        "name": current_app.config["SITE_NAME"],
    }


def breadcrumbs(items: list[tuple[str, str]]) -> dict:
    """A BreadcrumbList from (name, absolute url) pairs."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(items, 1)
        ],
    }


def profile_page(author) -> dict:
    """The author's page as a ProfilePage: the person, their role, portrait and their profiles
    elsewhere (sameAs, https only)."""
    url = absolute_url("news.author", slug=author.slug)
    person = {}
    same_as = [address for _, address in profile_links(author.profile_urls)]
    if same_as:
        person["sameAs"] = same_as
    if author.photo is not None:
        photo = author.photo
        if photo.has_crop("1x1"):  # the square portrait the page shows
            width = photo.best_crop_width("1x1", 512)
            person["image"] = absolute(media_url(photo, width, "jpg", "1x1"))
        else:
            person["image"] = photo_url(photo, 512)
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": {
            "@type": "Person",
            "@id": url + "#person",
            "name": author.name,
            "url": url,
            "description": author.bio,
            **({"jobTitle": author.title} if author.title else {}),
            "worksFor": {"@id": site_url() + "/#publisher"},
            **person,
        },
    }


def list_breadcrumbs(scope) -> dict:
    items = [("Home", absolute_url("news.home"))]
    if scope.kind == "country":
        region = scope.subject.region
        items.append((region.name, absolute_url("news.region", slug=region.slug)))
    if scope.subject is not None:
        items.append(
            (scope.subject.name, absolute_url(f"news.{scope.kind}", slug=scope.subject.slug))
        )
    else:
        items.append(("Latest", absolute_url("news.latest")))
    return breadcrumbs(items)


def story_breadcrumbs(story) -> dict:
    items = [
        ("Home", absolute_url("news.home")),
        (story.section.name, absolute_url("news.section", slug=story.section.slug)),
    ]
    if story.countries:
        c = story.countries[0]
        items.append((c.name, absolute_url("news.country", slug=c.slug)))
    items.append((story.headline, absolute_url("news.story", slug=story.slug)))
    return breadcrumbs(items)


def organization_document() -> dict:
    """The publisher as a stand-alone JSON-LD document, with the site's search action."""
    return {
        "@context": "https://schema.org",
        **organization(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": site_url() + "/search?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
    }
