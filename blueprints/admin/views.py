"""The newsroom admin: sign-in, stories, photos, the ticker, the inbox and users."""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

import segno
import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from blueprints.admin.forms import (
    BreakingForm,
    CodeForm,
    KillForm,
    LoginForm,
    PasswordChangeForm,
    PhotoForm,
    RoleForm,
    StoryForm,
    TaxonomyForm,
    UserForm,
)
from blueprints.news.views import embed_cards
from extensions import db, limiter
from newsroom.content import expand_embeds, make_slug, render_story_body
from newsroom.models import (
    Article,
    AuditEntry,
    Author,
    BreakingItem,
    CannotKill,
    ContactMessage,
    Country,
    Image,
    Region,
    Role,
    Section,
    SlugRedirect,
    Status,
    Tag,
    User,
    decode_cursor,
    encode_cursor,
    utcnow,
)
from newsroom.photos import MAX_BYTES as PHOTO_MAX_BYTES
from newsroom.photos import (
    ImageRejected,
    StorageFull,
    discard_photo,
    store_photo,
    too_large_message,
)
from web import auth
from web.errors import render_error
from web.pages import accepts_body, wants_fragment
from web.params import parse_int

bp = Blueprint("admin", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)

PUBLIC_ENDPOINTS = {"admin.login", "admin.login_code"}
# What an admin who must set up two-step sign-in can still reach before doing so.
ENROLMENT_ENDPOINTS = {"admin.account", "admin.account_totp", "admin.account_totp_setup",
                       "admin.logout", "admin.logout_everywhere"}  # fmt: skip
PER_PAGE = 25


@bp.before_request
def require_sign_in():
    """Every admin URL but the sign-in pages needs a signed-in member of the newsroom."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_user.is_authenticated:
        return _require_two_step_for_admins()
    target = url_for("admin.login", next=request.full_path if request.method == "GET" else None)
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def _require_two_step_for_admins():
    """With ADMIN_REQUIRE_TOTP on, an admin without two-step sign-in may only set it up."""
    if (
        current_app.config["ADMIN_REQUIRE_TOTP"]
        and current_user.can(Role.ADMIN)
        and not current_user.has_two_step
        and request.endpoint not in ENROLMENT_ENDPOINTS
    ):
        flash("Admins must set up two-step sign-in before going on.", "error")
        return redirect(url_for("admin.account"))
    return None


@bp.after_request
def never_cache(response):
    response.headers["Cache-Control"] = "private, no-store"
    return response


def require(role: Role) -> None:
    """403 unless the signed-in user has this role or above."""
    if not current_user.can(role):
        auth.security_event("authorization", "denied", needed=role.value)
        abort(403)


def form_response(template: str, status: int = 200, **context):
    return make_response(render_template(template, **context), status)


# --- sign-in -------------------------------------------------------------------------------------


def _failed(response) -> bool:
    """Only failed attempts count towards the sign-in limits: signing in often is no offence."""
    # The limit is tested before the view and counted after it, so attempts running at the same
    # moment can each pass: at most one per worker, a few guesses, never a way round the limit.
    return response.status_code == 401


def _account_address_key() -> str:
    # One account from one address: a stranger elsewhere cannot use up its owner's tries.
    email = auth.sign_in_key(request.form.get("email"))
    return f"login-account:{email}|{get_remote_address()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_IP"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"], key_func=_account_address_key,
    methods=["POST"], deduct_when=_failed,
)  # fmt: skip
def login():
    """The newsroom's sign-in form."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    if request.method == "POST":
        user = None
        checked = form.validate()
        if checked:
            auth.slow_down_if_targeted(form.email.data)
            user = auth.authenticate(form.email.data, form.password.data)
        if user is not None and user.has_two_step:
            auth.begin_second_step(user, auth.safe_next(request.args.get("next")))
            auth.security_event("login", "password-ok", step="code")
            return redirect(url_for("admin.login_code"), 303)
        if user is not None:
            auth.start_session(user)
            auth.security_event("login", "success")
            return redirect(auth.safe_next(request.args.get("next")) or url_for("admin.dashboard"))
        auth.security_event("login", "failure")
        if checked:
            auth.count_failed_sign_in(form.email.data)
        form.password.data = ""
        return form_response(
            "admin/login.html", 401, form=form, error="That email and password do not match."
        )
    return form_response("admin/login.html", form=form)


def _pending_key() -> str:
    # Per account from every address: only someone who has just given the right password holds
    # a pending_uid (the session cookie is signed), so no stranger can use these tries up.
    return f"login-code:{session.get('pending_uid')}"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_IP"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"], key_func=_pending_key,
    methods=["POST"], deduct_when=_failed,
)  # fmt: skip
def login_code():
    """The second step of signing in: a code from the authenticator app."""
    user = auth.pending_user()
    if user is None:
        session.clear()
        flash("Sign in again: that sign-in expired or had too many wrong codes.", "error")
        return redirect(url_for("admin.login"), 303)
    form = CodeForm()
    if request.method == "POST":
        if form.validate() and auth.use_totp_code(user, form.code.data):
            next_url = session.get("pending_next")
            auth.start_session(user)
            auth.security_event("login", "success", step="code")
            return redirect(auth.safe_next(next_url) or url_for("admin.dashboard"))
        session["pending_tries"] = session.get("pending_tries", 0) + 1
        auth.security_event("login", "failure", step="code")
        form.code.data = ""
        return form_response(
            "admin/login_code.html", 401, form=form,
            error="That code is not right. Try the newest one.",
        )  # fmt: skip
    return form_response("admin/login_code.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out of this browser."""
    auth.security_event("logout", "success")
    auth.end_session()
    flash("You are signed out.", "success")
    return redirect(url_for("admin.login"), 303)


@bp.post("/logout-everywhere")
def logout_everywhere():
    """Sign out of every browser this account is signed in on."""
    auth.revoke_all_sessions(current_user)
    db.session.commit()
    auth.security_event("logout-everywhere", "success")
    auth.end_session()
    return redirect(url_for("admin.login"), 303)


# --- dashboard -----------------------------------------------------------------------------------


@bp.get("/")
def dashboard():
    """What needs attention: stories to review, scheduled stories, messages, recent changes."""
    base = (
        sa.select(Article)
        .where(auth.stories_seen_by(current_user))
        .options(joinedload(Article.modified_by), joinedload(Article.section))
    )
    in_review = db.session.scalars(
        base.where(Article.status == Status.REVIEW.value).order_by(Article.modified_at.desc())
    ).all()
    scheduled = db.session.scalars(
        base.where(Article.status == Status.SCHEDULED.value, Article.published_at > utcnow())
        .order_by(Article.published_at)
    ).all()  # fmt: skip
    my_drafts = db.session.scalars(
        base.where(Article.status == Status.DRAFT.value, Article.created_by_id == current_user.id)
        .order_by(Article.modified_at.desc()).limit(10)
    ).all()  # fmt: skip
    unread = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ContactMessage)
        .where(ContactMessage.handled.is_(False))
    )
    return render_template(
        "admin/dashboard.html",
        in_review=in_review,
        scheduled=scheduled,
        my_drafts=my_drafts,
        unread=unread,
        recent=_recent_changes(),
        can_edit=functools.partial(auth.can_edit_story, current_user),
    )


def _recent_changes() -> list[AuditEntry]:
    """The log for editors and admins; a writer's own actions and changes to their stories."""
    if current_user.can(Role.EDITOR):
        return AuditEntry.recent()
    theirs = sa.select(Article.id).where(auth.stories_seen_by(current_user))
    return db.session.scalars(
        sa.select(AuditEntry)
        .where(sa.or_(
            AuditEntry.user_id == current_user.id,
            sa.and_(AuditEntry.subject_type == "article", AuditEntry.subject_id.in_(theirs)),
        ))
        .options(joinedload(AuditEntry.user))
        .order_by(AuditEntry.id.desc())
        .limit(15)
    ).all()  # fmt: skip


# --- stories -------------------------------------------------------------------------------------


@bp.get("/stories")
def stories():
    """The stories you may see (all of them for editors), newest change first, filtered."""
    args = request.args
    query = (
        sa.select(Article)
        .where(auth.stories_seen_by(current_user))
        .options(
            joinedload(Article.section),
            joinedload(Article.modified_by),
            selectinload(Article.authors),
        )
    )
    if args.get("status") in {s.value for s in Status}:
        query = query.where(Article.status == args["status"])
    if (section_id := parse_int(args.get("section"))) is not None:
        query = query.where(Article.section_id == section_id)
    if (country_id := parse_int(args.get("country"))) is not None:
        query = query.where(Article.countries.any(Country.id == country_id))
    if (author_id := parse_int(args.get("author"))) is not None:
        query = query.where(Article.authors.any(Author.id == author_id))
    q = "".join(ch for ch in (args.get("q") or "") if ch.isprintable()).strip()[:200]
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Article.headline.ilike(f"%{escaped}%", escape="\\"))
    if args.get("before"):
        try:
            at, ident = decode_cursor(args["before"])
        except ValueError:
            abort(400, description="This list link is not valid.")
        query = query.where(
            sa.or_(Article.modified_at < at, sa.and_(Article.modified_at == at, Article.id < ident))
        )
    rows = db.session.scalars(
        query.order_by(Article.modified_at.desc(), Article.id.desc()).limit(PER_PAGE + 1)
    ).all()
    next_cursor = None
    if len(rows) > PER_PAGE:
        rows = rows[:PER_PAGE]
        next_cursor = encode_cursor(rows[-1].modified_at, rows[-1].id)
    filters = {k: v for k, v in args.items() if k != "before"}
    return render_template(
        "admin/stories.html",
        stories=rows,
        can_edit=functools.partial(auth.can_edit_story, current_user),
        next_cursor=next_cursor,
        filters=filters,
        statuses=list(Status),
        sections=Section.ordered(),
        countries=db.session.scalars(sa.select(Country).order_by(Country.name)).all(),
        authors=db.session.scalars(sa.select(Author).order_by(Author.name)).all(),
    )


def _story_choices(form: StoryForm) -> None:
    countries = db.session.scalars(sa.select(Country).order_by(Country.name)).all()
    sections = {s.id: s.name for s in Section.ordered()}
    form.section_ids = set(sections)
    form.section.choices = sections
    form.countries.choices = {c.id: c.name for c in countries}
    form.dateline_country.choices = {0: "(none)", **form.countries.choices}
    form.authors.choices = {
        a.id: a.name for a in db.session.scalars(sa.select(Author).order_by(Author.name))
    }


def _tags_from(text: str) -> list[Tag]:
    """The tags named in the form, one per web address: "AI, ai" is one tag, not two."""
    tags: dict[str, Tag] = {}
    for name in (t.strip() for t in (text or "").split(",")):
        slug = make_slug(name, max_length=60, fallback="")
        if not slug or slug in tags:  # the form refused names that make no address
            continue
        tag = db.session.scalar(sa.select(Tag).where(Tag.slug == slug))
        if tag is None:
            tag = Tag(slug=slug, name=name[:80])
            db.session.add(tag)
        tags[slug] = tag
    return list(tags.values())


def _load_story(ident: int) -> Article:
    # A save reads the revision to decide whether to write: on PostgreSQL the row is locked
    # (FOR UPDATE) so two editors saving at once cannot both pass the check. SQLite serializes
    # writing requests with BEGIN IMMEDIATE instead.
    story = db.session.get(Article, ident, with_for_update=request.method == "POST")
    if story is None:
        abort(404)
    if not auth.can_edit_story(current_user, story):
        auth.security_event("authorization", "denied", story=ident)
        abort(403)
    return story


# A body of 200,000 characters in any script, percent-encoded (up to 12 bytes a character), and
# the other fields (nginx allows 3 MB on these addresses).
STORY_FORM_BYTES = 5 * 512 * 1024


@bp.route("/stories/new", methods=["GET", "POST"])
@accepts_body(STORY_FORM_BYTES)
def story_new():
    """Write a new story."""
    return _story_form(None)


@bp.route("/stories/<int:ident>", methods=["GET", "POST"])
@accepts_body(STORY_FORM_BYTES)
def story_edit(ident):
    """Edit a story, move it through the workflow, and see its history."""
    return _story_form(_load_story(ident))


ACTIONS = {"save", "submit", "publish", "schedule", "unpublish"}
# Without JavaScript, "Find photos" sends the whole story form back to be shown again with the
# photos found; nothing is saved.
FIND_PHOTOS = "find-photos"


def _story_form(story: Article | None):
    form = StoryForm(story=story)
    _story_choices(form)
    if request.method == "GET":
        if story is not None:
            _fill_form(form, story)
        else:
            form.lang.data = "en"
            form.revision.data = "0"
        return _render_story_form(form, story)

    _keep_photos_not_sent(form, story)
    action = request.form.get("action", "save")
    if action == FIND_PHOTOS:
        return _render_story_form(form, story, photo_q=request.form.get("photo_q", ""))
    if action not in ACTIONS:
        abort(400, description="Unknown action.")
    if action in ("publish", "schedule", "unpublish"):
        require(Role.EDITOR)
    if not form.validate():
        return _render_story_form(form, story, status=422)
    if story is not None and form.revision.data != str(story.revision):
        form.revision.errors = []
        return _render_story_form(
            form,
            story,
            status=409,
            conflict=(
                "Someone else saved this story while you were editing it. Your version is below, "
                "not saved; copy what you need, then reload to see theirs."
            ),
        )
    if story is not None and story.status == Status.KILLED and action != "save":
        return _render_story_form(
            form, story, status=409,
            conflict="This story was killed: it cannot go back to the site. Write a new story.",
        )  # fmt: skip
    when = form.publication_time()
    if action == "schedule" and (when is None or when <= utcnow()):
        form.published_at.errors = ["Choose a time in the future to schedule the story."]
        return _render_story_form(form, story, status=422)

    creating = story is None
    if creating:
        story = Article(created_by_id=current_user.id, status=Status.DRAFT.value, revision=0)
        db.session.add(story)
    before = {"status": story.status, "slug": story.slug, "published": story.is_visible,
              "breaking": bool(story.is_visible and story.is_breaking)}  # fmt: skip
    with db.session.no_autoflush:  # the new story is incomplete until the form is applied
        _apply_form(form, story)
        _apply_action(action, story, when)
    was_public = before["published"] or before["status"] == Status.KILLED  # links to it exist
    if was_public and before["slug"] and before["slug"] != story.slug:
        db.session.add(SlugRedirect(old_slug=before["slug"], article_id=story.id))
        db.session.execute(sa.delete(SlugRedirect).where(SlugRedirect.old_slug == story.slug))
    story.revision = (story.revision or 0) + 1
    story.modified_by_id = current_user.id
    try:
        db.session.flush()
        _follow_breaking_box(story, was_breaking=before["breaking"])
        summary = f"{action}: {story.headline}"
        if before["status"] != story.status:
            summary += f" ({before['status'] or 'new'} → {story.status})"
        AuditEntry.record(current_user, "create" if creating else action, story, summary)
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another story took this web address between our check and our write (two editors
        # at once on PostgreSQL). Nothing is lost: the form comes back with the text in it.
        db.session.rollback()
        form.slug.errors = ["Another story took this web address a moment ago; choose another."]
        return _render_story_form(form, None if creating else story, status=409)
    flash(_saved_message(action, story), "success")
    return redirect(url_for("admin.story_edit", ident=story.id), 303)


def _follow_breaking_box(story: Article, was_breaking: bool) -> None:
    """A story that goes live marked Breaking leads the ticker; unmarked or taken off the
    site, it leaves it. Saving it again changes nothing, so an expired item stays expired."""
    is_breaking = bool(story.is_visible and story.is_breaking)
    if is_breaking and not was_breaking:
        item = BreakingItem.announce(story)
        db.session.flush()
        AuditEntry.record(current_user, "create", item, item.text)
    elif not story.is_visible:
        BreakingItem.withdraw(story)
    elif was_breaking and not story.is_breaking:
        BreakingItem.withdraw(story, only_announced=True)


def _keep_photos_not_sent(form: StoryForm, story: Article | None) -> None:
    """A form that did not carry the photo fields leaves the story's photos as they are."""
    if story is None:
        return
    if not getattr(form.hero_image, "sent", False):
        form.hero_image.data = [story.hero_image_id] if story.hero_image_id else []
    if not getattr(form.gallery, "sent", False):
        form.gallery.data = list(story.gallery_ids or [])


def _saved_message(action: str, story: Article) -> str:
    if story.status == Status.SCHEDULED and story.published_at:
        return f"Story scheduled for {story.published_at:%d %b %Y %H:%M} UTC."
    return {
        "submit": "Story sent to the editors for review.",
        "publish": "Story published.",
        "unpublish": "Story taken off the site.",
    }.get(action, "Story saved.")


def _fill_form(form: StoryForm, story: Article) -> None:
    form.headline.data = story.headline
    form.slug.data = story.slug
    form.standfirst.data = story.standfirst
    form.dateline.data = story.dateline
    form.dateline_country.data = story.dateline_country_id or 0
    form.body.data = story.body_md
    form.kind.data = story.kind
    form.section.data = story.section_id
    form.countries.data = [c.id for c in story.countries]
    form.authors.data = [a.id for a in story.authors]
    form.tags.data = ", ".join(t.name for t in story.tags)
    form.lang.data = story.lang
    form.published_at.data = (
        story.published_at.replace(tzinfo=None, second=0, microsecond=0)
        if story.published_at
        else None
    )
    form.hero_image.data = [story.hero_image_id] if story.hero_image_id else []
    form.correction.data = story.correction
    form.source_name.data = story.source_name
    form.source_url.data = story.source_url
    form.video_url.data = story.video_url
    form.gallery.data = list(story.gallery_ids or [])
    form.is_featured.data = story.is_featured
    form.is_breaking.data = story.is_breaking
    form.revision.data = str(story.revision)


def _apply_form(form: StoryForm, story: Article) -> None:
    story.headline = form.headline.data.strip()
    story.slug = form.slug.data or story.slug or Article.free_slug(story.headline)
    story.standfirst = (form.standfirst.data or "").strip()
    story.dateline = (form.dateline.data or "").strip()
    story.body_md = form.body.data or ""
    story.body_html, story.embed_ids = render_story_body(story.dateline, story.body_md)
    story.kind = form.kind.data
    story.section_id = form.section.data
    story.countries = list(
        db.session.scalars(sa.select(Country).where(Country.id.in_(form.countries.data or [])))
    )
    story.dateline_country_id = form.dateline_country.data or None
    authors = db.session.scalars(sa.select(Author).where(Author.id.in_(form.authors.data or [])))
    order = {ident: n for n, ident in enumerate(form.authors.data or [])}
    story.authors = sorted(authors, key=lambda a: order[a.id])
    story.tags = _tags_from(form.tags.data)
    story.lang = form.lang.data
    story.hero_image_id = form.hero_image.data[0] if form.hero_image.data else None
    correction = (form.correction.data or "").strip()
    if correction != (story.correction or ""):
        story.correction = correction
        story.correction_at = utcnow() if correction else None
    story.source_name = (form.source_name.data or "").strip()
    story.source_url = (form.source_url.data or "").strip()
    story.video_url = (form.video_url.data or "").strip()
    story.gallery_ids = list(form.gallery.data)
    story.is_featured = form.is_featured.data
    story.is_breaking = form.is_breaking.data
    if form.mark_updated.data and story.published_at:
        story.updated_at = utcnow()


def _apply_action(action: str, story: Article, when) -> None:
    now = utcnow()
    if action == "submit":
        story.status = Status.REVIEW.value
    elif action == "publish":
        if when and when > now:
            story.status, story.published_at = Status.SCHEDULED.value, when
        else:
            story.status = Status.PUBLISHED.value
            story.published_at = when or story.published_at or now
            if story.published_at > now:
                story.published_at = now
    elif action == "schedule":
        story.status, story.published_at = Status.SCHEDULED.value, when
    elif action == "unpublish":
        story.status = Status.UNPUBLISHED.value
    elif when is not None and current_user.can(Role.EDITOR):
        story.published_at = when


@bp.route("/stories/<int:ident>/kill", methods=["GET", "POST"])
def story_kill(ident):
    """Kill a story: say why, confirm, and its addresses answer 410 Gone with that notice."""
    require(Role.EDITOR)
    story = _load_story(ident)
    form = KillForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                story.kill(form.notice.data, by=current_user)
            except CannotKill as exc:
                form.notice.errors = [str(exc)]
                status = 409 if story.status not in Article.KILLABLE else 422
            else:
                db.session.commit()
                flash("Story killed. Its addresses now show readers your notice.", "success")
                return redirect(url_for("admin.story_edit", ident=story.id), 303)
    return form_response("admin/story_kill.html", status, form=form, story=story)


def _render_story_form(form, story, status=200, conflict=None, photo_q=None):
    history = []
    embedded_by = []
    if story is not None and story.id:
        history = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.subject_type == "article", AuditEntry.subject_id == story.id)
            .options(joinedload(AuditEntry.user))
            .order_by(AuditEntry.id.desc())
            .limit(20)
        ).all()
        embedded_by = _stories_embedding(story.id)
    return form_response(
        "admin/story_form.html",
        status,
        form=form,
        story=story,
        history=history,
        embedded_by=embedded_by,
        conflict=conflict,
        photo_form=PhotoForm(prefix="photo"),
        chosen=_chosen_photos(form, story),
        photo_q=_search_text(photo_q),
        found=None if photo_q is None else Image.library(_search_text(photo_q), limit=PICKER_PAGE),
    )


def _chosen_photos(form: StoryForm, story: Article | None) -> list[Image]:
    """The gallery in its order, the hero, then the story's own (so an unticked one can be ticked
    again), however old: they are always shown, so a save always sends them back."""
    ids = [*(form.gallery.data or []), *(form.hero_image.data or [])]
    if story is not None:
        ids += [*(story.gallery_ids or []), story.hero_image_id]
    ids = list(dict.fromkeys(i for i in ids if i))
    found = {i.id: i for i in db.session.scalars(sa.select(Image).where(Image.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _search_text(raw: str | None) -> str:
    return "".join(ch for ch in (raw or "") if ch.isprintable()).strip()[:200]


def _stories_embedding(ident: int) -> list[Article]:
    token = f"[[nid:{ident}]]"
    return db.session.scalars(
        sa.select(Article)
        .where(Article.body_md.contains(token), auth.stories_seen_by(current_user))
        .order_by(Article.id.desc())
    ).all()


@bp.post("/preview")
@accepts_body(STORY_FORM_BYTES)
def preview():
    """The story body as readers will see it, for the live preview beside the editor."""
    body = request.form.get("body", "")[:200_000]
    html, ids = render_story_body(request.form.get("dateline", ""), body)
    cards, links = embed_cards(tuple(ids)) if ids else ({}, {})
    return render_template("admin/_preview.html", body=expand_embeds(html, cards, links))


# --- photos --------------------------------------------------------------------------------------


LIBRARY_PAGE = 60
PICKER_PAGE = 12
# The form's text fields and the multipart framing around the photo.
UPLOAD_OVERHEAD = 256 * 1024


@bp.route("/media", methods=["GET", "POST"])
@accepts_body(PHOTO_MAX_BYTES + UPLOAD_OVERHEAD)
def media():
    """The photo library, newest first and searchable, and the upload form that adds to it."""
    form = PhotoForm(prefix="photo")
    status = 200
    if request.method == "POST":
        if form.validate():
            data = form.photo.data.read(PHOTO_MAX_BYTES + 1)
            if len(data) > PHOTO_MAX_BYTES:
                return _upload_too_large(form)
            try:
                image = store_photo(
                    data, alt=form.alt.data, caption=form.caption.data, credit=form.credit.data
                )
            except ImageRejected as exc:
                auth.security_event("upload", "refused", reason=str(exc))
                form.photo.errors = [str(exc)]
                status = 422
            except StorageFull as exc:
                log.error("photo upload failed: %s", exc)
                form.photo.errors = ["The photo could not be stored: the media disk is full."]
                status = 507
            else:
                try:
                    db.session.add(image)
                    db.session.flush()
                    AuditEntry.record(current_user, "upload", image, image.alt)
                    db.session.commit()
                except BaseException:
                    db.session.rollback()
                    discard_photo(image)
                    raise
                if wants_fragment():
                    return render_template(
                        "admin/_photo_added.html", image=image, form=PhotoForm(prefix="photo")
                    )
                flash("Photo added to the library.", "success")
                return redirect(url_for("admin.media"), 303)
        else:
            status = 422
        if wants_fragment():
            return form_response("admin/_photo_form.html", status, photo_form=form)
    return _library_page(form, status)


def _library_page(form: PhotoForm, status: int = 200):
    q = _search_text(request.args.get("q"))
    before = _before_id()
    rows = Image.library(q, before=before, limit=LIBRARY_PAGE + 1)
    next_before = rows[LIBRARY_PAGE - 1].id if len(rows) > LIBRARY_PAGE else None
    return form_response(
        "admin/media.html", status, photo_form=form, images=rows[:LIBRARY_PAGE], q=q,
        next_before=next_before, first_page=before is None,
    )  # fmt: skip


def _before_id() -> int | None:
    """The `before` photo number of a library page link; 400 if it is not one."""
    before = request.args.get("before", "")
    if not before:
        return None
    if not (before.isascii() and before.isdigit() and len(before) <= 10):
        abort(400, description="This list link is not valid.")
    return int(before)


def _upload_too_large(form: PhotoForm | None = None, size: int | None = None):
    """A photo over the byte limit: the message names the limit; the form stays as it was."""
    message = too_large_message(size)
    auth.security_event("upload", "refused", reason="too large")
    if wants_fragment():
        # The upload panel keeps what was typed: htmx puts this message beside it (hx-status:413).
        return render_error(413, message)
    form = form or PhotoForm(prefix="photo", formdata=None)
    form.photo.errors = [message]
    return _library_page(form, 413)


@bp.errorhandler(413)
def body_too_large(error):
    """An upload over the request limit is refused before the view runs: say the limit."""
    if request.endpoint != "admin.media":
        return render_error(413, error.description)
    if not current_user.is_authenticated:  # the body is read (CSRF) before the sign-in check
        return render_error(413, too_large_message())
    return _upload_too_large(size=request.content_length)


@bp.get("/media/choose")
def photo_choices():
    """Photos matching a search, as radio buttons and checkboxes for the story form's picker."""
    if not wants_fragment():
        return redirect(url_for("admin.media", q=request.args.get("photo_q") or None))
    q = _search_text(request.args.get("photo_q"))
    before = _before_id()
    rows = Image.library(q, before=before, limit=PICKER_PAGE + 1)
    more = rows[PICKER_PAGE - 1].id if len(rows) > PICKER_PAGE else None
    return render_template(
        "admin/_photo_choices.html", found=rows[:PICKER_PAGE], photo_q=q, more=more,
        count_line=before is None,  # "More photos" adds to the list; the count line stays
    )  # fmt: skip


# --- breaking news -------------------------------------------------------------------------------


@bp.route("/breaking", methods=["GET", "POST"])
def breaking():
    """The ticker's items: add, edit, reorder and expire."""
    require(Role.EDITOR)
    form = BreakingForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            item = BreakingItem(
                text=" ".join(form.text.data.split()),
                link=(form.link.data or "").strip(),
                position=BreakingItem.next_position(),
                expires_at=utcnow() + timedelta(minutes=form.minutes.data),
            )
            db.session.add(item)
            db.session.flush()
            AuditEntry.record(current_user, "create", item, item.text)
            db.session.commit()
            flash("Added to the ticker.", "success")
            return redirect(url_for("admin.breaking"), 303)
        status = 422
    now = utcnow()
    items = db.session.scalars(
        sa.select(BreakingItem)
        .where(BreakingItem.expires_at > now - timedelta(days=2))
        .order_by(BreakingItem.position.desc(), BreakingItem.id.desc())
    ).all()
    return form_response("admin/breaking.html", status, form=form, items=items, now=now)


def _breaking_item(ident: int) -> BreakingItem:
    require(Role.EDITOR)
    item = db.session.get(BreakingItem, ident, with_for_update=request.method == "POST")
    if item is None:
        abort(404)
    return item


@bp.route("/breaking/<int:ident>", methods=["GET", "POST"])
def breaking_edit(ident):
    """Change a ticker item's text, link or time left."""
    item = _breaking_item(ident)
    form = BreakingForm(obj=item)
    if request.method == "GET":
        form.minutes.data = max(1, int((item.expires_at - utcnow()).total_seconds() // 60))
        return form_response("admin/breaking_edit.html", form=form, item=item)
    if not form.validate():
        return form_response("admin/breaking_edit.html", 422, form=form, item=item)
    item.text = " ".join(form.text.data.split())
    item.link = (form.link.data or "").strip()
    item.expires_at = utcnow() + timedelta(minutes=form.minutes.data)
    AuditEntry.record(current_user, "update", item, item.text)
    db.session.commit()
    flash("Ticker item updated.", "success")
    return redirect(url_for("admin.breaking"), 303)


@bp.post("/breaking/<int:ident>/expire")
def breaking_expire(ident):
    """Take an item out of the ticker now."""
    item = _breaking_item(ident)
    item.expires_at = utcnow()
    AuditEntry.record(current_user, "expire", item, item.text)
    db.session.commit()
    flash("Taken out of the ticker.", "success")
    return redirect(url_for("admin.breaking"), 303)


@bp.post("/breaking/<int:ident>/move")
def breaking_move(ident):
    """Move an item up or down the ticker, swapping places with its neighbour."""
    item = _breaking_item(ident)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400, description="Say up or down.")
    newer = direction == "up"
    neighbour = db.session.scalar(
        sa.select(BreakingItem)
        .where(
            BreakingItem.expires_at > utcnow(),
            BreakingItem.position > item.position
            if newer
            else BreakingItem.position < item.position,
        )
        .order_by(BreakingItem.position.asc() if newer else BreakingItem.position.desc())
        .limit(1)
        .with_for_update()
    )
    if neighbour is not None:
        item.position, neighbour.position = neighbour.position, item.position
        AuditEntry.record(current_user, "move", item, f"{direction}: {item.text}")
        db.session.commit()
    return redirect(url_for("admin.breaking"), 303)


# --- inbox ---------------------------------------------------------------------------------------


@bp.get("/messages")
def messages():
    """Messages from readers, newest first."""
    require(Role.EDITOR)
    query = sa.select(ContactMessage)
    if (before := parse_int(request.args.get("before"))) is not None:
        query = query.where(ContactMessage.id < before)
    rows = db.session.scalars(query.order_by(ContactMessage.id.desc()).limit(PER_PAGE + 1)).all()
    next_before = rows[PER_PAGE - 1].id if len(rows) > PER_PAGE else None
    return render_template("admin/messages.html", messages=rows[:PER_PAGE], next_before=next_before)


def _message(ident: int) -> ContactMessage:
    require(Role.EDITOR)
    message = db.session.get(ContactMessage, ident)
    if message is None:
        abort(404)
    return message


@bp.get("/messages/<int:ident>")
def message(ident):
    """One reader's message in full."""
    return render_template("admin/message.html", message=_message(ident))


@bp.post("/messages/<int:ident>/handled")
def message_handled(ident):
    """Mark a message as dealt with (or not)."""
    message = _message(ident)
    message.handled = request.form.get("handled", "1") == "1"
    db.session.commit()
    flash("Message marked as handled." if message.handled else "Message marked as new.", "success")
    return redirect(url_for("admin.messages"), 303)


@bp.post("/messages/<int:ident>/delete")
def message_delete(ident):
    """Delete a message for good."""
    message = _message(ident)
    db.session.delete(message)
    db.session.commit()
    flash("Message deleted.", "success")
    return redirect(url_for("admin.messages"), 303)


# --- users ---------------------------------------------------------------------------------------


@bp.route("/users", methods=["GET", "POST"])
def users():
    """The newsroom's accounts; admins add people and change roles."""
    require(Role.ADMIN)
    form = UserForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            problem = auth.password_problem(
                form.password.data, form.email.data or "", form.name.data or ""
            )
            if problem:
                form.password.errors = [problem]
            elif User.by_email(form.email.data):
                form.email.errors = ["There is already an account with this email."]
            else:
                user = User(
                    email=form.email.data.strip().lower(),
                    name=(form.name.data or "").strip(),
                    role=form.role.data,
                    password_hash=auth.hash_password(form.password.data),
                )
                db.session.add(user)
                db.session.flush()
                AuditEntry.record(current_user, "create", user, f"{user.email} as {user.role}")
                db.session.commit()
                flash(f"Account created for {user.email}.", "success")
                return redirect(url_for("admin.users"), 303)
        status = 422
    people = db.session.scalars(sa.select(User).order_by(User.email)).all()
    return form_response("admin/users.html", status, form=form, people=people, role_form=RoleForm())


def _user(ident: int) -> User:
    require(Role.ADMIN)
    user = db.session.get(User, ident)
    if user is None:
        abort(404)
    return user


@bp.post("/users/<int:ident>/role")
def user_role(ident):
    """Give an account another role."""
    user = _user(ident)
    form = RoleForm()
    if not form.validate():
        abort(400, description="Unknown role.")
    if user.id == current_user.id and form.role.data != Role.ADMIN:
        flash("You cannot take away your own admin role.", "error")
        return redirect(url_for("admin.users"), 303)
    AuditEntry.record(
        current_user, "set-role", user, f"{user.email}: {user.role} → {form.role.data}"
    )
    user.role = form.role.data
    db.session.commit()
    flash(f"{user.email} is now {user.role}.", "success")
    return redirect(url_for("admin.users"), 303)


@bp.post("/users/<int:ident>/active")
def user_active(ident):
    """Disable an account (ending its sessions) or enable it again."""
    user = _user(ident)
    active = request.form.get("active") == "1"
    if user.id == current_user.id and not active:
        flash("You cannot disable your own account.", "error")
        return redirect(url_for("admin.users"), 303)
    user.active = active
    if not active:
        auth.revoke_all_sessions(user)
    AuditEntry.record(current_user, "enable" if active else "disable", user, user.email)
    db.session.commit()
    flash(f"{user.email} is {'enabled' if active else 'disabled'}.", "success")
    return redirect(url_for("admin.users"), 303)


@bp.post("/users/<int:ident>/two-step-off")
def user_two_step_off(ident):
    """Turn off someone's two-step sign-in (lost phone); they sign in with the password again."""
    user = _user(ident)
    user.set_two_step(None)
    auth.revoke_all_sessions(user, keep_current=user.id == current_user.id)
    AuditEntry.record(current_user, "two-step-off", user, user.email)
    db.session.commit()
    auth.security_event("two-step", "reset", account=user.id)
    flash(f"Two-step sign-in is off for {user.email}; they should set it up again.", "success")
    return redirect(url_for("admin.users"), 303)


# --- your account: password and two-step sign-in -------------------------------------------------


def _account_page(status=200, password_form=None, code_form=None):
    setup = None
    secret = current_user.totp_pending_secret
    if not current_user.has_two_step and secret:
        uri = auth.totp_uri(secret, current_user.email)
        qr = segno.make(uri, error="m").svg_inline(
            scale=4, dark="#000", light="#fff", omitsize=True, title="Two-step sign-in QR code"
        )
        setup = {"secret": secret, "qr": qr}
    return form_response(
        "admin/account.html", status,
        password_form=password_form or PasswordChangeForm(), code_form=code_form or CodeForm(),
        setup=setup,
    )  # fmt: skip


@bp.get("/account")
def account():
    """Your password and two-step sign-in."""
    return _account_page()


@bp.post("/account/password")
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"],
    key_func=lambda: f"password-change:{current_user.get_id()}",
    deduct_when=lambda response: response.status_code != 303,
)
def account_password():
    """Change your password; every other session of yours ends."""
    form = PasswordChangeForm()
    if form.validate():
        if auth.authenticate(current_user.email, form.current.data) is None:
            form.current.errors = ["That is not your current password."]
            auth.security_event("password-change", "failure")
        elif problem := auth.password_problem(form.new.data, current_user.email, current_user.name):
            form.new.errors = [problem]
        else:
            current_user.password_hash = auth.hash_password(form.new.data)
            auth.revoke_all_sessions(current_user, keep_current=True)
            AuditEntry.record(current_user, "password", current_user, current_user.email)
            db.session.commit()
            auth.security_event("password-change", "success")
            flash("Password changed. You are signed out everywhere else.", "success")
            return redirect(url_for("admin.account"), 303)
    return _account_page(422, password_form=form)


@bp.post("/account/two-step/setup")
def account_totp_setup():
    """Make a new two-step key for your authenticator app; it is used once a code confirms it."""
    if not current_user.has_two_step:
        current_user.totp_pending_secret = auth.new_totp_secret()
        db.session.commit()
    return redirect(url_for("admin.account", _anchor="two-step-h"), 303)


@bp.post("/account/two-step")
def account_totp():
    """Turn two-step sign-in on (confirming a first code) or off (with a current code)."""
    form = CodeForm()
    turning_on = not current_user.has_two_step
    secret = current_user.totp_pending_secret if turning_on else current_user.totp_secret
    step = auth.totp_step(secret, form.code.data) if form.validate() and secret else None
    if step is None:
        form.code.errors = ["That code is not right. Check the phone's clock; try the newest code."]
        auth.security_event("two-step", "failure")
        return _account_page(422, code_form=form)
    if turning_on:
        current_user.set_two_step(secret, spent_step=step)
        current_user.totp_pending_secret = None
        auth.revoke_all_sessions(current_user, keep_current=True)
        message = "Two-step sign-in is on. You will be asked for a code each time you sign in."
    else:
        current_user.set_two_step(None)
        message = "Two-step sign-in is off."
    AuditEntry.record(current_user, "two-step-on" if turning_on else "two-step-off",
                      current_user, current_user.email)  # fmt: skip
    db.session.commit()
    auth.security_event("two-step", "on" if turning_on else "off")
    flash(message, "success")
    return redirect(url_for("admin.account"), 303)


# --- sections, regions, countries, tags and authors ----------------------------------------------

# kind -> (model, the field holding its description, label)
TAXONOMY = {
    "sections": (Section, "description", "Sections"),
    "regions": (Region, "description", "Regions"),
    "countries": (Country, None, "Countries"),
    "tags": (Tag, None, "Tags"),
    "authors": (Author, "bio", "Authors"),
}


def _taxonomy(kind: str):
    require(Role.ADMIN)
    if kind not in TAXONOMY:
        abort(404)
    return TAXONOMY[kind]


@bp.route("/taxonomy/<kind>", methods=["GET", "POST"])
def taxonomy(kind):
    """List the sections, regions, countries, tags or authors, and add a new one."""
    model, text_field, label = _taxonomy(kind)
    form = TaxonomyForm()
    status = 200
    if request.method == "POST":
        if kind in ("countries", "regions", "sections"):
            abort(400, description="Sections, regions and countries are fixed; edit them instead.")
        if form.validate() and _slug_free(model, form.slug.data, None, form):
            item = model(slug=form.slug.data, name=form.name.data.strip())
            _apply_taxonomy(item, form, text_field)
            db.session.add(item)
            db.session.flush()
            AuditEntry.record(current_user, "create", item, f"{kind}: {item.name}")
            db.session.commit()
            flash(f"{item.name} added.", "success")
            return redirect(url_for("admin.taxonomy", kind=kind), 303)
        status = 422
    items = db.session.scalars(sa.select(model).order_by(model.name)).all()
    return form_response(
        "admin/taxonomy.html", status, kind=kind, label=label, items=items, form=form,
        kinds=TAXONOMY, can_add=kind in ("tags", "authors"),
    )  # fmt: skip


@bp.route("/taxonomy/<kind>/<int:ident>", methods=["GET", "POST"])
def taxonomy_edit(kind, ident):
    """Rename one section, region, country, tag or author, or change its text."""
    model, text_field, label = _taxonomy(kind)
    item = db.session.get(model, ident)
    if item is None:
        abort(404)
    form = TaxonomyForm(obj=item)
    if request.method == "GET":
        if text_field:
            form.description.data = getattr(item, text_field)
        return form_response("admin/taxonomy_edit.html", kind=kind, label=label, item=item,
                             form=form, text_field=text_field)  # fmt: skip
    if not (form.validate() and _slug_free(model, form.slug.data, item.id, form)):
        return form_response("admin/taxonomy_edit.html", 422, kind=kind, label=label, item=item,
                             form=form, text_field=text_field)  # fmt: skip
    item.name, item.slug = form.name.data.strip(), form.slug.data
    _apply_taxonomy(item, form, text_field)
    AuditEntry.record(current_user, "update", item, f"{kind}: {item.name}")
    db.session.commit()
    flash(f"{item.name} saved.", "success")
    return redirect(url_for("admin.taxonomy", kind=kind), 303)


def _slug_free(model, slug: str, ident: int | None, form) -> bool:
    clash = db.session.scalar(sa.select(model.id).where(model.slug == slug))
    if clash is not None and clash != ident:
        form.slug.errors = [*form.slug.errors, "Another entry already uses this address."]
        return False
    return True


def _apply_taxonomy(item, form, text_field) -> None:
    if text_field:
        setattr(item, text_field, (form.description.data or "").strip())
    if isinstance(item, Author):
        item.title = (form.title.data or "").strip()
