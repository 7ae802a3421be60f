"""Being found by searching: every script, every term, filters, pages, and hostile queries."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import Country, Section, Status, Story
from tests.factories import StoryFactory, make_story

# (headline, body, language, dateline, country, section) of stories in every script.
SCRIPTS = [
    (
        "India's grid sets a record as the monsoon stalls",
        "Power demand hit a record as the monsoon stalled over the south.",
        "en",
        "New Delhi",
        "india",
        "business",
    ),
    (
        "Bank Indonesia holds rates steady as rupiah steadies",
        "The central bank kept its benchmark rate unchanged as the Rupiah recovered.",
        "en",
        "Jakarta",
        "indonesia",
        "business",
    ),
    (
        "中国科技公司竞相发布开源大模型",
        "多家中国科技公司本周相继发布新的开源大语言模型，使这一领域的竞争进一步加剧。",
        "zh",
        "北京",
        "china",
        "technology",
    ),
    (
        "コメ価格の高騰続く　政府が備蓄米の追加放出を検討",
        "コメの店頭価格が高止まりしていることを受け、政府は備蓄米の追加放出を検討している。",
        "ja",
        "東京",
        "japan",
        "business",
    ),
    (
        "한국 웹툰, 해외 매출 사상 최대 기록",
        "한국 웹툰 산업의 해외 매출이 올해 사상 최대를 기록할 것으로 전망된다고 업계가 밝혔다.",
        "ko",
        "서울",
        "south-korea",
        "culture",
    ),
    (
        "กรุงเทพฯ จัดระเบียบแผงลอยย่านเยาวราช",
        "กรุงเทพมหานครเริ่มจัดระเบียบแผงลอยบนถนนเยาวราช โดยกำหนดเวลาขายและพื้นที่ตั้งแผงใหม่",
        "th",
        "กรุงเทพฯ",
        "thailand",
        "culture",
    ),
    (
        "Nepal requires climbers on Everest to carry tracking chips",
        "Every climber attempting Everest next spring must wear an electronic tracking chip.",
        "en",
        "Kathmandu",
        "nepal",
        "culture",
    ),
]

# Stories whose standfirst and body use "the", in and out of Japan and of business.
FILED = [
    ("japan", "business"),
    ("japan", "politics"),
    ("india", "politics"),
    ("philippines", "culture"),
    ("vietnam", "business"),
]


def file_story(headline, body, lang, dateline, country, section="business") -> Story:
    """A story without a standfirst, filed as SCRIPTS lists them."""
    return make_story(
        headline=headline,
        standfirst="",
        body=body,
        lang=lang,
        dateline=dateline,
        countries=[country],
        section=section,
    )


@pytest.fixture
def library(query):
    """The stories in every script, and a few more filed across countries and sections."""

    def build():
        for row in SCRIPTS:
            file_story(*row)
        for country, section in FILED:
            make_story(countries=[country], section=section)

    query(build)


def found(client, q, **params):
    html = client.get("/search", query_string={"q": q, **params}).text
    return re.findall(r'class="story-card__title"><a href="/article/([^"]+)"', html), html


@pytest.mark.parametrize(
    ("words", "headline"),
    [
        ("monsoon", "India&#39;s grid sets a record"),
        ("Rupiah", "Bank Indonesia holds rates steady"),
        ("开源大模型", "中国科技公司竞相发布开源大模型"),
        ("備蓄米", "コメ価格の高騰続く"),
        ("웹툰 해외", "한국 웹툰, 해외 매출 사상 최대 기록"),
        ("เยาวราช", "กรุงเทพฯ จัดระเบียบแผงลอยย่านเยาวราช"),
    ],
)
def test_search_finds_stories_in_every_script(client, library, words, headline):
    slugs, html = found(client, words)
    assert len(slugs) == 1, f"{words} finds its one story: {slugs}"
    assert headline in html
    assert "<mark>" in html


def test_one_and_two_character_cjk_queries_fall_back_to_substring_search(client, library):
    for words in ("米", "웹툰", "大模"):
        slugs, html = found(client, words)
        assert len(slugs) == 1, words
        assert f"<mark>{words}</mark>" in html


@pytest.mark.case("S02")
def test_S02_matches_are_marked_in_an_escaped_snippet(client, library):
    slugs, html = found(client, "tracking chip")
    assert any("everest" in s for s in slugs)
    assert re.search(
        r"<mark>tracking</mark> <mark>chip</mark>|<mark>tracking chip</mark>", html, re.I
    )


def test_words_match_in_any_case_in_every_alphabet_short_ones_too(client, query):
    """A reader types in lower case what the story writes in capitals, in Kazakh's Cyrillic as in
    English; a word of one or two letters (matched as a substring, not by the trigram index) too.
    SQLite's lower() folded only ASCII, so "ұл" missed "Ұлттық"."""
    headline = "Ұлттық банк базалық мөлшерлемені 16,5% деңгейінде сақтады"
    body = "ҚР Ұлттық банкі инфляция баяулағанын хабарлады. ЕО нарықтары да тыныш."
    query(lambda: file_story(headline, body, "kk", "Астана", "kazakhstan"))
    for words in ("ұлттық", "ҰЛТТЫҚ БАНК", "ұл", "ео", "Банкі", "қр"):
        slugs, _ = found(client, words)
        assert len(slugs) == 1, f"{words!r} finds the Kazakh story"
    assert not found(client, "ұлттықбанк")[0], "and only where the words are"


def test_a_dotted_capital_i_matches_a_plain_i(client, query):
    """Turkish and Azerbaijani write İ: "iy" typed in lower case finds "İyul", and "istanbul"
    finds "İSTANBUL" (str.casefold makes İ an i and a combining dot; PostgreSQL's ILIKE matched
    it as a plain i, and SQLite's FTS5 index, folding by itself, not at all)."""
    headline = "Bakı ilə İSTANBUL arasında yeni qatar xətti"
    body = "Xəttin açılışı İyul ayına planlaşdırılıb."
    query(lambda: file_story(headline, body, "az", "Bakı", "azerbaijan"))
    # One- and two-letter words (substrings of the folded text), and longer ones (the trigram
    # index on either backend).
    for typed in ["iy", "İY", "istanbul qatar", "İstanbul", "iyul", "İYUL"]:
        slugs, _ = found(client, typed)
        assert len(slugs) == 1, f"{typed!r} finds the story"


def test_the_snippet_shows_a_match_deep_in_the_story_whatever_its_case(client, query):
    """The passage shown is the one around the match, found as search found it: "ilham" in a
    story that writes "İlham" in its last paragraph."""
    opening = "Parlament yeni büdcə layihəsini müzakirə etdi. " * 12
    body = opening + "Sonda İlham Əliyev layihəni təsdiqlədi."
    query(lambda: file_story("Büdcə müzakirəsi başa çatdı", body, "az", "Bakı", "azerbaijan"))
    _, html = found(client, "ilham")
    assert "<mark>İlham</mark> Əliyev" in html


def test_stories_saved_before_the_upgrade_are_still_found_after_it(app, client, library, query):
    """The migration that keeps search text case-folded folds every story already saved: up
    from the revision before it, search still finds each, in any case."""
    from flask_migrate import downgrade, upgrade

    from tests.helpers import ROOT
    from web.extensions import use_migrations

    use_migrations(app)
    migrations = str(ROOT / "migrations")

    def migrate():
        downgrade(directory=migrations, revision="brief01")
        upgrade(directory=migrations)
        db.session.remove()

    query(migrate)
    for words in ("MONSOON", "rupiah", "웹툰", "大模", "EVEREST chip"):
        assert len(found(client, words)[0]) == 1, words
    query(lambda: file_story("İlham Əliyev Tokioya səfər edib", "Səfər.", "az", "Bakı", "japan"))
    query(lambda: downgrade(directory=migrations, revision="search02"))
    query(lambda: upgrade(directory=migrations))
    assert len(found(client, "ilham")[0]) == 1, "a story saved before search03, found after it"


def test_every_term_must_match(client, library):
    assert found(client, "Everest chip")[0]
    assert found(client, "rupiah")[0]
    assert not found(client, "Everest rupiah")[0]


@pytest.mark.case("S02", "S25")
@pytest.mark.parametrize(
    "words",
    [
        '"',
        '""',
        "*",
        "NEAR(a b)",
        "a AND OR NOT b",
        "(((",
        "rupiah)",
        "x" * 2000,
        "\x00\x01\x1f",
        "🇯🇵🎌",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\\",
        "%_%",
        "title:abc",
        "^rate",
        "-",
    ],
)
def test_S02_S25_hostile_queries_get_results_or_a_friendly_no_results(client, library, words, htmx):
    for headers in ({}, htmx):
        response = client.get("/search", query_string={"q": words}, headers=headers)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.text


def test_empty_query_shows_the_form(client):
    html = client.get("/search").text
    assert 'id="search-form"' in html and "Type a word or a name" in html


def test_unpublished_and_edited_stories_stay_in_step_with_search(client, query):
    ident = query(lambda: make_story(headline="Kyoto temple opens moss garden at night").id)
    assert found(client, "moss garden")[0] == ["kyoto-temple-opens-moss-garden-at-night"]

    def edit():
        story = db.session.get(Story, ident)
        story.headline = "Kyoto temple opens lantern walk at night"
        db.session.commit()

    query(edit)
    assert found(client, "moss garden")[0] == []
    assert found(client, "lantern walk")[0]

    def unpublish():
        db.session.get(Story, ident).status = Status.UNPUBLISHED.value
        db.session.commit()

    query(unpublish)
    assert found(client, "lantern walk")[0] == []


def test_search_filters_by_section_country_and_date(client, query, library):
    japan = query(lambda: db.session.scalar(sa.select(Country.id).where(Country.slug == "japan")))
    business = query(
        lambda: db.session.scalar(sa.select(Section.id).where(Section.slug == "business"))
    )

    def filed_under(slugs):
        stories = db.session.scalars(sa.select(Story).where(Story.slug.in_(slugs))).all()
        return {s.slug: ({c.slug for c in s.countries}, s.section.slug) for s in stories}

    everywhere = query(lambda: filed_under(found(client, "the")[0]))
    assert any("japan" not in c for c, _ in everywhere.values()), "the filter has work to do"
    assert any(section != "business" for _, section in everywhere.values())
    slugs, _ = found(client, "the", country=japan)
    in_japan = {s for s, (c, _) in everywhere.items() if "japan" in c}
    assert slugs and set(slugs) == in_japan
    slugs_business, _ = found(client, "the", section=business)
    assert set(slugs_business) == {s for s, (_, sec) in everywhere.items() if sec == "business"}
    assert {s for _, s in query(lambda: filed_under(slugs_business)).values()} == {"business"}
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert found(client, "the", **{"from": tomorrow})[0] == []
    assert client.get("/search", query_string={"q": "x", "from": "not-a-date"}).status_code == 400
    assert client.get("/search", query_string={"q": "x", "section": "abc"}).status_code == 400


def test_search_pages_with_infinite_scroll_and_as_you_type_fragments(client, query, library, htmx):
    query(lambda: StoryFactory.create_batch(26))  # the body says "the plan"
    page = client.get("/search?q=the").text
    more = re.search(r'href="(/search\?[^"]*before=\d+[^"]*)"', page)
    assert more, "a More results link"
    fragment = client.get(more.group(1).replace("&amp;", "&"), headers=htmx)
    assert "<html" not in fragment.text and fragment.text.lstrip().startswith("<li")
    slugs, text = found(client, "the")
    while next_url := re.search(r'rel="next" hx-get="([^"]+)"', text):
        text = client.get(next_url.group(1).replace("&amp;", "&"), headers=htmx).text
        slugs += re.findall(r'class="story-card__title"><a href="/article/([^"]+)"', text)
    assert len(slugs) == len(set(slugs)) > 24, "the pages hold every match once"
    assert "That is every story that matches." in text
    live = client.get("/search?q=rupiah", headers=htmx)
    assert live.text.lstrip().startswith('<section id="search-results"')


def every_page(client, q, htmx, **params):
    """The slugs of every page of a search, following its More results links to the end."""
    slugs, text = found(client, q, **params)
    while next_url := re.search(r'rel="next" hx-get="([^"]+)"', text):
        text = client.get(next_url.group(1).replace("&amp;", "&"), headers=htmx).text
        slugs += re.findall(r'class="story-card__title"><a href="/article/([^"]+)"', text)
    return slugs, text


@pytest.fixture
def lanterns(query):
    """40 stories that say "lantern" in their body, 3 of them, in the middle, in the headline too;
    published a minute apart, so the newest is not the best. The oldest others say it three times,
    so a full-text score (bm25, ts_rank) would put them before newer ones."""

    def build():
        now = datetime.now(UTC)
        for n in range(40):
            in_headline = n in (17, 18, 19)
            often = "A lantern, a lantern. " if n < 20 and not in_headline else ""
            make_story(
                headline=f"{'Lantern festival' if in_headline else 'Harbour report'} part {n}",
                body=f"{often}The harbour was lit by a lantern, report {n} says.",
                published_at=now - timedelta(minutes=60 - n),
            )

    query(build)


def test_a_common_word_shows_the_best_matches_first_and_pages_without_repeats_or_gaps(
    client, lanterns, htmx
):
    slugs, text = every_page(client, "lantern", htmx)
    assert {s.split("-part-")[0] for s in slugs[:3]} == {"lantern-festival"}, slugs[:5]
    assert not any(s.startswith("lantern-festival") for s in slugs[3:])
    assert len(slugs) == len(set(slugs)) == 40, "every match once"
    assert "That is every story that matches." in text


def test_a_story_published_while_a_reader_pages_does_not_repeat_the_page_before(
    client, query, lanterns, htmx
):
    first, page = found(client, "lantern")
    query(lambda: make_story(headline="Lantern makers light up the old town", body="A lantern."))
    rest, _ = every_page(client, "lantern", htmx)
    second = re.search(r'rel="next" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    text = client.get(second, headers=htmx).text
    following = re.findall(r'class="story-card__title"><a href="/article/([^"]+)"', text)
    assert len(following) == 12 and not set(following) & set(first), "no story shown twice"
    assert rest[0] == "lantern-makers-light-up-the-old-town", "the new story ranks first now"
    after = rest.index(first[-1]) + 1
    assert following == rest[after : after + 12], "the page continues where the reader left off"


def test_only_the_newest_candidates_are_ranked_and_the_reader_is_told(
    app, client, lanterns, htmx, monkeypatch
):
    from tests.helpers import statements

    monkeypatch.setattr("newsroom.search.CANDIDATES", 30)
    with app.app_context(), statements() as ran:
        slugs, text = every_page(client, "lantern", htmx)
        sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        assert any("MATCH" in sql for sql in ran)
        assert not any("bm25" in sql for sql in ran), "no corpus-wide ranking for a common word"
    assert sorted(int(s.rsplit("-", 1)[1]) for s in slugs) == list(range(10, 40)), "the newest 30"
    # More matches than are ranked: no corpus-wide bm25 (its cost grows with the archive), but
    # headline matches first, then the newest.
    assert slugs[:3] == [f"lantern-festival-part-{n}" for n in (19, 18, 17)], slugs[:5]
    assert slugs[3:] == [
        f"harbour-report-part-{n}" for n in range(39, 9, -1) if n not in (17, 18, 19)
    ]
    assert "These are the best of the 30 newest stories that match." in text
    assert "That is every story that matches." not in text


def test_a_common_word_puts_headlines_that_hold_it_in_any_case_first(client, query, monkeypatch):
    """A word with more matches than are ranked puts the stories whose headline holds it
    first, in whatever case the headline writes it: SQLite's lower() folds only ASCII, so an
    upper-case Kazakh headline once ranked as if it did not hold the word."""
    monkeypatch.setattr("newsroom.search.CANDIDATES", 30)

    def build():
        now = datetime.now(UTC)
        for n in range(40):
            in_headline = n in (17, 18, 19)
            make_story(
                headline=f"ҰЛТТЫҚ БАНК ХАБАРЛАДЫ {n}" if in_headline else f"Нарық шолуы {n}",
                body=f"Ұлттық банк мөлшерлемені сақтады, шолу {n}.",
                lang="kk",
                published_at=now - timedelta(minutes=60 - n),
            )

    query(build)
    html = client.get("/search", query_string={"q": "банк"}).text
    titles = re.findall(r'class="story-card__title"><a href="[^"]+">([^<]+)</a>', html)
    assert titles[:3] == [f"ҰЛТТЫҚ БАНК ХАБАРЛАДЫ {n}" for n in (19, 18, 17)], titles[:5]
    assert titles[3:] == [f"Нарық шолуы {n}" for n in range(39, 30, -1)], "then the newest"


@pytest.mark.parametrize("window", [35, 10])
@pytest.mark.parametrize("frequent", [None, 2.0])
def test_postgresql_looks_among_the_newest_stories_first_and_finds_the_same(
    app, client, lanterns, htmx, monkeypatch, window, frequent
):
    """On PostgreSQL a common word is looked up among the newest stories first: a window that
    holds enough matches (the newest 35 of 40) or too few (10, then the whole archive) gives the
    pages the whole archive gives. A word in nearly every one of the newest stories ("lantern")
    is walked newest first, with index scans on; one in fewer (FREQUENT above 1: every word) is
    found through the trigram index, with them off. Index scans are on again afterwards."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL's lookup; SQLite asks its FTS5 index")
    monkeypatch.setattr("newsroom.search.CANDIDATES", 30)
    monkeypatch.setattr("newsroom.search.WINDOW", 10**9)  # larger than any id: no window
    whole, _ = every_page(client, "lantern", htmx)
    from web.caching import invalidate_content

    with app.app_context():
        invalidate_content()
    monkeypatch.setattr("newsroom.search.WINDOW", window)
    if frequent:
        monkeypatch.setattr("newsroom.search.FREQUENT", frequent)
    with app.app_context(), _lookups() as lookups:
        windowed, _ = every_page(client, "lantern", htmx)
    assert windowed == whole
    assert sorted(int(s.rsplit("-", 1)[1]) for s in whole) == list(range(10, 40))
    assert len(lookups) >= 3, "a search for each page"
    for (first, index_scans_off), *rest in lookups:
        assert "articles.id >" in first, "the newest stories first"
        assert index_scans_off == bool(frequent), "walked when nearly every story holds the word"
        assert len(rest) == (window == 10), "the whole archive only when the window holds too few"
        assert not any(off for _, off in rest), "the whole archive as the planner sees fit"
    with app.test_request_context():
        from newsroom import search

        search._ranked_ids(["lantern"], search.Filters(), None)
        assert db.session.execute(sa.text("SHOW enable_indexscan")).scalar() == "on"


def test_postgresql_finds_a_word_in_few_of_the_newest_stories_through_the_index(
    app, client, lanterns, monkeypatch
):
    """ "festival" is in 3 of the 40 newest headlines: too few to walk, so the window's lookup
    runs through the trigram index, and finds them there; when the window holds fewer matches
    than are ranked, the whole archive next."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL's lookup; SQLite asks its FTS5 index")
    from web.caching import invalidate_content

    monkeypatch.setattr("newsroom.search.WINDOW", 35)
    festival = [f"lantern-festival-part-{n}" for n in (17, 18, 19)]
    for candidates, lookups_run in ((3, [[True]]), (4, [[True, False]])):
        monkeypatch.setattr("newsroom.search.CANDIDATES", candidates)
        with app.app_context():
            invalidate_content()  # not the page the first search kept
        with app.app_context(), _lookups() as lookups:
            slugs, _ = found(client, "festival")
        assert sorted(slugs) == festival
        assert [[off for _, off in search] for search in lookups] == lookups_run, (
            "the index, then the whole archive only when the window holds too few"
        )


@contextmanager
def _lookups():
    """For each search, each statement that looks up stories by their words (not the first,
    which also counts the newest stories that hold them), and whether index scans were off as
    it ran."""
    seen: list[list[tuple[str, bool]]] = []
    off = False

    def record(_conn, _cursor, statement, parameters, *_args):
        nonlocal off
        values = list(parameters.values()) if isinstance(parameters, dict) else []
        if "max(articles.id)" in statement:
            off = "enable_indexscan" in values
            seen.append([])
        elif "enable_indexscan" in statement:
            off = False
        elif "search_folded LIKE" in statement:
            seen[-1].append((statement, off))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_the_next_page_keeps_the_first_pages_order_when_the_word_crosses_the_line(
    client, query, lanterns, htmx, monkeypatch
):
    """A word with more matches than are ranked is ordered by headline matches and date, a rarer
    one by score: when publishes move the word across that line while a reader pages, the next
    page goes on in the first page's order, so no story repeats or goes missing."""
    monkeypatch.setattr("newsroom.search.CANDIDATES", 30)
    first, page = found(client, "lantern")
    assert first[3:] == [f"harbour-report-part-{n}" for n in range(39, 30, -1)], "by date"
    monkeypatch.setattr("newsroom.search.CANDIDATES", 500)  # now every match is scored
    second = re.search(r'rel="next" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    text = client.get(second, headers=htmx).text
    following = re.findall(r'class="story-card__title"><a href="/article/([^"]+)"', text)
    by_date = [f"harbour-report-part-{n}" for n in (*range(30, 19, -1), 16)]
    assert following == by_date, "the order the first page began"
    # Begun now (not the page kept from before), the search is by score: after the headlines,
    # stories that say the word three times, older than those above.
    from web.caching import invalidate_content

    query(invalidate_content)
    scored, _ = found(client, "lantern")
    assert all(int(slug.rsplit("-", 1)[1]) < 17 for slug in scored[3:]), scored


@pytest.mark.parametrize("ranking", ["d", "s", ""])
def test_a_short_words_next_page_follows_any_well_formed_cursor(client, query, htmx, ranking):
    """A one- or two-character word (matched as a substring, newest first) pages on whatever
    ranking its cursor names: a link edited by hand to say "by score" is no error."""
    query(lambda: [make_story(headline=f"米の値段 {n}", body="米価。") for n in range(14)])
    first, page = found(client, "米")
    assert len(first) == 12
    second = re.search(r'rel="next" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    cursor = re.sub(r"(before=\d+)[ds]?", rf"\g<1>{ranking}", second)
    response = client.get(cursor, headers=htmx)
    assert response.status_code == 200
    rest = re.findall(r'class="story-card__title"><a href="/article/([^"]+)"', response.text)
    assert len(rest) == 2 and not set(rest) & set(first)


@pytest.mark.parametrize(
    "cursor", ["abc", "0", "-1", "12-3", "9" * 30, "999999", "d", "12dd", "12D", "s12"]
)
def test_a_bad_search_cursor_is_a_400_page(client, lanterns, htmx, cursor):
    for headers in ({}, htmx):
        response = client.get(
            "/search", query_string={"q": "lantern", "before": cursor}, headers=headers
        )
        assert response.status_code == 400, cursor
        assert "Start again from the first page" in response.text
