"""Error pages in the user's language, and JSON errors under /api/."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from drafting.api.core import api_error
from drafting.core.errors import ServiceError
from drafting.extensions import db

log = logging.getLogger(__name__)


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("Bad request"),
            _("The request could not be understood. Please go back and try again."),
        ),
        401: (_("Please log in"), _("You need to log in to do this.")),
        403: (_("Not allowed"), _("You do not have permission to see this page or do this.")),
        404: (_("Not found"), _("This page does not exist, or you do not have access to it.")),
        405: (_("Not allowed"), _("This action is not available here.")),
        409: (_("Conflict"), _("This was changed by someone else in the meantime.")),
        413: (
            _("Too large"),
            _(
                "The file or form you sent is larger than the limit of %(mb)d MB. Please send a smaller file.",
                mb=_limit_mb(),
            ),
        ),
        422: (_("Invalid data"), _("Some of the data you sent is not valid.")),
        429: (
            _("Too many attempts"),
            _("Too many attempts in a short time. Please wait a few minutes and try again."),
        ),
        500: (
            _("Something went wrong"),
            _("An error occurred on our side. It has been logged; please try again later."),
        ),
    }


def _limit_mb() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES", 0) // (1024 * 1024))


def _wants_json() -> bool:
    return request.path.startswith("/api/")


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


def render_error(status: int, message: str | None = None, code: str | None = None, details=None):
    title, default = _messages().get(status, (_("Error"), ""))
    if _wants_json():
        extra = {"details": details} if details is not None else {}
        return api_error(status, code or _CODES.get(status, "error"), message or default, **extra)
    return render_template(
        "errors/error.html", status=status, title=title, message=message or default
    ), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return render_error(
            400,
            _(
                "The form had expired or was sent from another site. Your input was not saved; please go back, reload the page and send it again."
            ),
            code="csrf",
        )

    @app.errorhandler(ServiceError)
    def _service(exc: ServiceError):
        return render_error(exc.status, exc.message, exc.code, exc.details)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.response is not None:  # e.g. abort(api_error(...))
            return exc.response
        status = exc.code or 500
        if status == 429:
            return render_error(429)
        description = None if status in _messages() else exc.description
        return render_error(status, description)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        # A failed flush leaves the session unusable; the error page reads the
        # user (name, language), so without this rollback it fails too and the
        # user gets the server's bare English page instead of ours.

        db.session.rollback()
        return render_error(500)

    app.register_error_handler(InternalServerError, lambda exc: render_error(500))
