"""The home page, the language switch and the help pages."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import text

from drafting.core.markdown import render_markdown
from drafting.core.security import safe_next
from drafting.extensions import db
from drafting.jobs.queue import backend, health
from drafting.main.help import language_part

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    return render_template("main/home.html")


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
    target = safe_next(request.form.get("next") or request.args.get("next"))
    return redirect(target or url_for("main.home"))


@bp.route("/healthz")
def healthz():
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # reported, not raised: this page says what is down
        checks["database"] = f"error: {exc.__class__.__name__}"
    if current_app.config.get("REDIS_URL"):
        try:
            import redis  # noqa: PLC0415  (only with REDIS_URL set; the default thread backend never loads it)

            redis.Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"

        if backend() == "rq":
            checks["queue"] = health()
    healthy = all(v == "ok" for v in checks.values())
    return {"status": "ok" if healthy else "error", "checks": checks}, (200 if healthy else 503)


@bp.route("/_ping")
def ping():
    """The cheapest route (no database, no template): the baseline that
    bench/load.py compares every page with; also a liveness probe."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every page, whatever the HTML says."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )


@bp.route("/help/<name>")
def help_page(name: str):
    """Help pages written in Markdown under docs/ (e.g. the text conventions)."""
    if name not in {"conventions"}:
        abort(404)
    path = Path(current_app.root_path).parent / "docs" / f"{name}.md"
    if not path.exists():
        abort(404)

    text = language_part(path.read_text("utf-8"), str(get_locale()))
    return render_template("main/help.html", body=Markup(render_markdown(text)))
