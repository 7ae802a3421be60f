# Positive and negative controls for lint/semgrep.yml, run by `semgrep --test lint/` in make lint.
# Each "ruleid:" line must be flagged and each "ok:" line must not. Never imported.
# ruff: noqa
import flask
import markupsafe
import redis
import sqlalchemy
from flask import Blueprint, abort, redirect, render_template_string, request, url_for

from web import auth
from extensions import cache, db

bp = Blueprint("x", __name__)


def queries(conn, cur, name):
    # ruleid: sql-built-from-strings
    conn.execute(sqlalchemy.text(f"SELECT * FROM articles WHERE slug = '{name}'"))
    # ruleid: sql-built-from-strings
    conn.exec_driver_sql("DELETE FROM article_search WHERE rowid = %s" % name)
    # ruleid: sql-built-from-strings
    cur.execute("SELECT {}".format(name))
    # ok: sql-built-from-strings
    conn.execute(sqlalchemy.text("SELECT * FROM articles WHERE slug = :slug"), {"slug": name})
    # ok: sql-built-from-strings
    conn.exec_driver_sql("DELETE FROM article_search WHERE rowid = ?", (name,))


def disk_full():
    # ruleid: abort-507
    abort(507)
    # ok: abort-507
    abort(503)


def page():
    # ruleid: no-templates-from-strings
    return render_template_string("<p>{{ x }}</p>", x=1)


def go():
    # ruleid: redirect-to-request-data
    redirect(request.args.get("next"))
    # ruleid: redirect-to-request-data
    redirect(request.referrer)
    # ok: redirect-to-request-data
    redirect(auth.safe_next(request.args.get("next")) or "/")


def urls():
    # ruleid: url-from-request-host
    base = request.host_url
    # ruleid: url-from-request-host
    link = url_for("news.home", _external=True)
    # ok: url-from-request-host
    path = url_for("news.home")


# ruleid: path-keyed-page-cache
@cache.cached(timeout=60)
def home():
    return "home"


# ruleid: get-handler-commits
@bp.get("/count")
def count():
    db.session.add(object())
    db.session.commit()


# ok: get-handler-commits
@bp.post("/count")
def count_post():
    db.session.commit()


def clients(url):
    # ruleid: redis-client-without-timeouts
    a = redis.Redis.from_url(url)
    # ok: redis-client-without-timeouts
    b = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def logs(log, form):
    # ruleid: secret-in-log
    log.info("login %s %s", form.email.data, form.password.data)
    # ruleid: secret-in-log
    log.warning("cookies %s", request.cookies)
    # ok: secret-in-log
    log.info("login %s", form.email.data)


def markup():
    # ruleid: unsafe-markup-from-request
    return markupsafe.Markup(request.args["q"])
