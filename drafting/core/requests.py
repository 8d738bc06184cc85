"""What every request must be before a view sees it.

- Integer path parts (`<int:...>`) are bounded to what an id column holds:
  `/calls/9223372036854775808` is a 404, not an `OverflowError` (SQLite) or
  "integer out of range" (PostgreSQL) in the database driver.
- HTML form routes take forms: a JSON body (array, string, number, object)
  sent to one answers 415, since Flask-WTF would feed it to the form as if
  it were form data. Views that do take JSON say so with `@accepts_json`;
  the API blueprint takes JSON everywhere.
- `parse_json_object()` is the one JSON parser for request bodies: no
  `NaN`/`Infinity`, no lone surrogates, bounded depth and size.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, jsonify, make_response, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

# Ids are INTEGER columns: 32-bit on PostgreSQL (64-bit on SQLite), so the
# smaller bound holds on both.
MAX_ID = 2**31 - 1
MAX_DEPTH = 16
MAX_JSON_BYTES = 8 * 1024 * 1024
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that never hands the database an id it cannot hold.

    A number beyond MAX_ID becomes 0, an id no row has, so the view answers
    404 as for any missing object. (Refusing the match instead would make
    Werkzeug answer 405 when another method's rule has the same path.)
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


def id_from_text(value: str | None) -> int | None:
    """An id typed into a form or query string: ASCII digits within the
    database's range, else None (`int("²")` raises, `int("٣")` is 3)."""
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def request_id(value: str) -> int:
    """For `request.args.get(name, type=request_id)`: an id or the default."""
    number = id_from_text(value)
    if number is None:
        raise ValueError(value)
    return number


def page_number(value: str) -> int:
    """For `?page=`: 1 up to a page far beyond any listing (the offset stays small)."""
    return min(max(int(value), 1), 100_000)


def accepts_json(view: Callable) -> Callable:
    """Mark an HTML-blueprint view that takes a JSON body (fetch from the page)."""
    view._accepts_json = True
    return view


class NotValidUnicode(ValueError):
    pass


def check_unicode(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise NotValidUnicode(value) from None
    return value


def _reject_constant(name: str):
    raise ValueError(name)


def _check(value: Any, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise ValueError("too deep")
    if isinstance(value, str):
        check_unicode(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_unicode(key)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


def json_error(status: int, code: str, message: str, **extra):
    """The API's error response: `{"error": code, "message": ..., **extra}`."""
    return make_response(jsonify(error=code, message=str(message), **extra), status)


def parse_json_object() -> dict:
    """The request's JSON object, or abort with a JSON 400 (413 when too large)."""
    limit = current_app.config.get("JSON_BODY_MAX_BYTES", MAX_JSON_BYTES)
    too_large = _("The request body is larger than %(kb)d KB.", kb=limit // 1024)
    if request.content_length is not None and request.content_length > limit:
        abort(json_error(413, "too_large", too_large))
    malformed = _(
        "The request body must be a JSON object (Content-Type: application/json) "
        "with valid Unicode, finite numbers and at most %(depth)d levels of nesting.",
        depth=MAX_DEPTH,
    )
    if not request.is_json:
        abort(json_error(400, "malformed_json", malformed))
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        abort(json_error(413, "too_large", too_large))
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        _check(data)
    except (ValueError, RecursionError):
        abort(json_error(400, "malformed_json", malformed))
    return data


def _refuse_json_on_form_routes():
    if request.method not in _WRITES or not request.is_json:
        return None
    endpoint = request.endpoint or ""
    if endpoint.startswith("api.") or request.blueprint == "api":
        return None
    view = current_app.view_functions.get(endpoint)
    if view is None or getattr(view, "_accepts_json", False):
        return None
    message = _("This page takes a submitted form, not JSON. Use the JSON API under /api/v1/.")
    if request.accept_mimetypes.best == "application/json":
        return json_error(415, "unsupported_media_type", message)
    abort(415, description=message)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    # First, before CSRF or the rate limiter read the body as a form.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_json_on_form_routes)
