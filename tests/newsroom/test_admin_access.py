"""Who may do what in the newsroom admin: every route checked for every role, from the URL map.

Each admin view declares its role with @requires (blueprints/admin/common.py), which records it
on the view. NEEDS below is the reviewed expectation: the tests check that the code declares the
same matrix and that the app enforces what each view declares."""

from __future__ import annotations

import pytest

from tests.factories import (
    ContactMessageFactory,
    LivePostFactory,
    PhotoFactory,
    StoryFactory,
    TagFactory,
    TickerItemFactory,
    UserFactory,
    add_correction,
)
from tests.helpers import PASSWORD, csrf_token, sign_in

# The least role each admin endpoint needs (None: open to everyone). A new admin route without
# an entry here, or a view whose declared role differs, fails CI.
NEEDS = {
    "admin.login": None,
    "admin.login_code": None,
    "admin.account": "writer",
    "admin.account_password": "writer",
    "admin.account_totp": "writer",
    "admin.account_totp_setup": "writer",
    "admin.account_time_zone": "writer",
    "admin.user_two_step_off": "admin",
    "admin.user_time_zone": "admin",
    "admin.logout": "writer",
    "admin.logout_everywhere": "writer",
    "admin.dashboard": "writer",
    "admin.stories": "writer",
    "admin.story_new": "writer",
    "admin.story_edit": "writer",
    "admin.story_kill": "editor",
    "admin.story_revisions": "writer",
    "admin.story_revisions_compare": "writer",
    "admin.story_revision_restore": "writer",
    "admin.story_autosave": "writer",
    "admin.story_autosave_discard": "writer",
    "admin.story_editing": "writer",
    "admin.preview": "writer",
    "admin.publish_line": "writer",
    "admin.story_preview": "writer",
    "admin.story_preview_page": "writer",
    "admin.picker": "writer",
    "admin.picker_options": "writer",
    "admin.photos": "writer",
    "admin.photo_choices": "writer",
    "admin.photo_read": "writer",
    "admin.photo_edit": "writer",
    "admin.photo_delete": "editor",
    "admin.front": "editor",
    "admin.ticker": "editor",
    "admin.ticker_edit": "editor",
    "admin.ticker_expire": "editor",
    "admin.ticker_move": "editor",
    "admin.ticker_stories": "editor",
    "admin.messages": "editor",
    "admin.message": "editor",
    "admin.message_handled": "editor",
    "admin.message_delete": "editor",
    "admin.briefings": "editor",
    "admin.briefings_prepare": "editor",
    "admin.briefing_edit": "editor",
    "admin.users": "admin",
    "admin.user_role": "admin",
    "admin.user_active": "admin",
    "admin.taxonomy": "admin",
    "admin.taxonomy_edit": "admin",
    "admin.story_updates_log": "editor",
    "admin.story_update_edit": "editor",
    "admin.story_update_remove": "editor",
    "admin.live_desk": "writer",
    "admin.live_open": "editor",
    "admin.live_close": "editor",
    "admin.live_summary": "editor",
    "admin.live_writers": "editor",
    "admin.live_post_edit": "writer",
    "admin.live_post_delete": "writer",
    "admin.live_post_key_event": "editor",
    "admin.analytics_site": "editor",
    "admin.analytics_story": "editor",
}
RANK = {"writer": 1, "editor": 2, "admin": 3}
# Views about one story that a writer reaches only for their own drafts (the target is not).
OWN_DRAFTS_ONLY = {
    "admin.story_edit",
    "admin.story_revisions",
    "admin.story_revisions_compare",
    "admin.story_revision_restore",
    "admin.story_autosave",
    "admin.story_autosave_discard",
    "admin.story_editing",
}
# Live desk views a writer reaches only on the pages an editor added them to (the target's is not).
ADDED_WRITERS_ONLY = {"admin.live_desk", "admin.live_post_edit", "admin.live_post_delete"}


@pytest.fixture
def targets(app, newsroom):
    """One of each object an admin URL names, keyed by the URL's area: a published story that is
    nobody's draft with a correction, a reader's message, a colleague's account, a tag and a
    ticker line; and a post on a live page no writer was added to."""
    with app.app_context():
        story = StoryFactory()
        return {
            "stories": story.id,
            "analytics": story.id,
            "updates": add_correction(story, "An earlier version misspelt a name.").id,
            "messages": ContactMessageFactory().id,
            "users": UserFactory(email="colleague@asian-news.test").id,
            "taxonomy": TagFactory().id,
            "ticker": TickerItemFactory().id,
            "photos": PhotoFactory().id,
            "live-posts": LivePostFactory().id,
            "briefings": _edition().id,
        }


def _edition():
    from newsroom.briefings_editions import assemble
    from newsroom.models import Region, utcnow

    return assemble(Region.by_slug("east-asia"), utcnow().date(), utcnow())


def admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]


def admin_requests(app, targets):
    """(method, url, endpoint) for every admin rule, naming the objects made in `targets`."""
    found = []
    for rule in admin_rules(app):
        url = rule.rule.replace("<kind>", "tags")
        if "<int:ident>" in url:
            area = url.split("/")[2]  # /admin/<area>/...
            url = url.replace("<int:ident>", str(targets[area]))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url, rule.endpoint))
    return found


def declared(app, endpoint):
    """The role the view declared with @requires, as a name ("writer"), or None."""
    role = app.view_functions[endpoint].required_role
    return None if role is None else role.value


@pytest.mark.case("S20")
def test_S20_every_admin_route_is_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in admin_rules(app)}
    assert endpoints == set(NEEDS), "add new admin routes to NEEDS with the role they require"


@pytest.mark.case("S20")
def test_S20_every_admin_view_declares_the_role_the_table_expects(app):
    endpoints = {rule.endpoint for rule in admin_rules(app)}
    undeclared = {e for e in endpoints if not hasattr(app.view_functions[e], "required_role")}
    assert not undeclared, "decorate these views with @requires(Role....)"
    assert {e: declared(app, e) for e in endpoints} == NEEDS


@pytest.mark.case("S20")
def test_S20_anonymous_visitors_are_sent_to_sign_in_everywhere(app, client, targets):
    for method, url, endpoint in admin_requests(app, targets):
        if declared(app, endpoint) is None:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/admin/login")
        fragment = client.open(url, method=method, headers={"HX-Request": "true"})
        # htmx is not sent away (what was typed would go with the page): it is told to sign in.
        assert fragment.status_code == 401 and "HX-Redirect" not in fragment.headers
        assert "You were signed out, so this was not saved." in fragment.text


@pytest.mark.case("S20")
@pytest.mark.parametrize("role", ["writer", "editor", "admin"])
def test_S20_each_role_reaches_exactly_what_it_may(app, newsroom, role, targets):
    for method, url, endpoint in admin_requests(app, targets):
        needed = declared(app, endpoint)
        if needed is None or endpoint in ("admin.logout", "admin.logout_everywhere"):
            continue
        client = app.test_client()
        sign_in(client, role)
        response = client.open(url, method=method, data={})
        allowed = RANK[role] >= RANK[needed]
        if endpoint in OWN_DRAFTS_ONLY | ADDED_WRITERS_ONLY and role == "writer":
            allowed = False  # not the writer's own draft, nor a live page they were added to
        if allowed:
            assert response.status_code != 403, (role, method, url)
        else:
            assert response.status_code == 403, (role, method, url, response.status_code)


@pytest.mark.case("S23")
def test_S23_admin_pages_are_never_cached(editor):
    for url in ("/admin/", "/admin/stories", "/admin/login"):
        assert editor.get(url).headers["Cache-Control"] == "private, no-store"


@pytest.mark.case("S08")
def test_S08_every_post_needs_a_csrf_token(make_app, newsroom, targets):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client.get("/admin/login").text)
    signed = client.post(
        "/admin/login",
        data={"email": "admin@asian-news.test", "password": PASSWORD, "csrf_token": token},
    )
    assert signed.status_code == 302
    for method, url, _endpoint in admin_requests(app, targets):
        if method != "POST":
            continue
        response = client.post(url, data={"text": "x"})
        assert response.status_code == 400, url
        assert "The form had expired" in response.text
    foreign = csrf_token(app.test_client().get("/admin/login").text)
    assert (
        client.post("/admin/ticker", data={"csrf_token": foreign, "text": "x"}).status_code == 400
    )
    fresh = csrf_token(client.get("/admin/ticker").text)
    accepted = client.post(
        "/admin/ticker",
        data={"text": "Header token works", "minutes": "5"},
        headers={"X-CSRFToken": fresh},
    )
    assert accepted.status_code == 303


@pytest.mark.case("S09")
@pytest.mark.parametrize(
    "url", ["/admin/logout", "/admin/ticker/{ticker}/expire", "/admin/users/{users}/active"]
)
def test_S09_state_changes_refuse_get(editor, targets, url):
    assert editor.get(url.format(**targets)).status_code == 405
