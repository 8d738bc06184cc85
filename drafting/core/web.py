"""Small helpers that keep views thin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import abort, flash, make_response, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from drafting.core.errors import ServiceError
from drafting.core.security import safe_next
from drafting.extensions import db

T = TypeVar("T")


def get_or_404(model: type[T], ident) -> T:
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def require(allowed: bool) -> None:
    """403 unless the permission predicate said yes."""
    if not allowed:
        abort(403)


def login_redirect():
    """The login page, coming back to this page afterwards."""
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def deny():
    """Anonymous visitors are asked to log in (the redirect is returned); others are refused (403)."""
    if not current_user.is_authenticated:
        return login_redirect()
    abort(403)


def redirect_next(default_endpoint: str, **values):
    target = safe_next(request.args.get("next") or request.form.get("next"))
    if target is not None:
        return redirect(target)
    return redirect(url_for(default_endpoint, **values))


def flash_error(exc: ServiceError) -> None:
    flash(exc.message, "error")


@contextmanager
def on_refusal(respond: Callable[[ServiceError], ResponseReturnValue]) -> Iterator[None]:
    """When a service in the block refuses (raises `ServiceError`), flash its
    message and answer with `respond(exc)` instead of the rest of the view:

        with on_refusal(lambda exc: _render(application, exc.status)):
            services.withdraw(application, actor=current_user)

    `respond` usually re-renders the page with the submitted form (status
    `exc.status`, so the transaction rolls back) or redirects back.
    """
    try:
        yield
    except ServiceError as exc:
        flash_error(exc)
        abort(make_response(respond(exc)))


def flash_form_errors(form) -> None:
    if form.errors and not any(form.errors.values()):
        return
    flash(_("Please correct the fields marked below."), "error")


class UrlPattern:
    """`url_for(endpoint, **{name: id})` for many ids at the cost of one call:
    built once with a placeholder, then the id is put in its place.

    `pattern(42)` in Python, `{{ pattern(a.id) }}` in a template.
    """

    _PLACEHOLDER = 2_147_483_647

    def __init__(self, endpoint: str, name: str, **values):
        url = url_for(endpoint, **{name: self._PLACEHOLDER}, **values)
        self.prefix, _, self.suffix = url.partition(str(self._PLACEHOLDER))

    def __call__(self, ident: int) -> str:
        return f"{self.prefix}{int(ident)}{self.suffix}"


def url_pattern(endpoint: str, name: str, **values) -> UrlPattern:
    return UrlPattern(endpoint, name, **values)
