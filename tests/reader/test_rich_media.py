"""Rich media: video stories behind a privacy facade, and galleries in articles (a photo story's
own sequence of photos is in test_formats.py)."""

from __future__ import annotations

import pytest

from tests.factories import PhotoFactory, make_story

VIDEO_URL = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"


@pytest.fixture
def video_story(query):
    """The address of a video story with a poster photo, and of a story without a video."""

    def build():
        story = make_story(
            headline="Inside the Japanese care home where robots lift the patients",
            kind="video",
            section="technology",
            video_url=VIDEO_URL,
            hero_photo=PhotoFactory(width=800, height=450, alt="A lifting robot beside a bed"),
        )
        plain = make_story(headline="Bank Indonesia holds rates steady", countries=["indonesia"])
        return f"/article/{story.slug}", f"/article/{plain.slug}"

    return query(build)


def test_video_stories_show_a_facade_that_contacts_no_video_host(client, video_story):
    url, _ = video_story
    html = client.get(url).text
    facade = html.split('id="video-player"')[1].split("</figure>")[0]
    assert "<iframe" not in html and "youtube-nocookie" not in html
    assert f'hx-get="{url}/video"' in facade
    assert f'href="{VIDEO_URL}"' in facade, "works without JavaScript"
    assert 'src="/media/' in facade, "the poster is our own image"


def test_pressing_play_swaps_in_the_privacy_enhanced_player(client, video_story, htmx):
    url, without_video = video_story
    fragment = client.get(url + "/video", headers=htmx)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"' in fragment.text
    assert 'title="Video: Inside the Japanese care home' in fragment.text
    assert "<html" in client.get(url + "/video").text
    assert (
        "frame-src https://www.youtube-nocookie.com https://player.vimeo.com"
        in fragment.headers["Content-Security-Policy"]
    )
    assert client.get(without_video + "/video").status_code == 404


@pytest.mark.parametrize(
    ("url", "player"),
    [
        (
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        ),
        ("https://youtu.be/aqz-KE-bpKQ", "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("http://www.youtube.com/watch?v=aqz-KE-bpKQ", None),
        ("https://evil.example/watch?v=aqz-KE-bpKQ", None),
        ("https://www.youtube.com/watch?v=<script>", None),
        ("javascript:alert(1)", None),
        ("https://vimeo.com/abc", None),
    ],
)
def test_only_allowed_video_hosts_become_players(url, player):
    from newsroom.video import embed_url

    assert embed_url(url) == player


def test_an_articles_gallery_works_without_javascript(client, query):
    def build():
        photos = [
            PhotoFactory(width=400, height=300, alt=f"The restored minaret, view {n}")
            for n in range(1, 5)
        ]
        return make_story(
            headline="Mosul's rebuilt minaret reopens to visitors",
            kind="news",
            section="culture",
            countries=["iraq"],
            hero_photo=photos[0],
            gallery_ids=[p.id for p in reversed(photos)],  # not the library's order
        ).slug

    html = client.get(f"/article/{query(build)}").text
    gallery = html.split('class="gallery"')[1].split("</section>")[0]
    assert gallery.count('class="gallery__item"') == 4
    assert 'href="#photo-4"' in gallery and "4 of 4." in gallery
    assert 'tabindex="0"' in gallery, "keyboard users can scroll the strip"
    views = [gallery.index(f"view {n}") for n in (4, 3, 2, 1)]
    assert views == sorted(views), "in the editor's order"
