"""The JSON API's blueprint, its errors and its OpenAPI documentation.

Each API view is declared with `@api_route(...)`, which registers the route
and records what the OpenAPI document says about it, so the document is
generated from the code. A test checks that every `/api/v1/` rule is
documented.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from drafting.core.requests import json_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")

COMMON_ERRORS = (400, 401, 403, 404, 422)


api_error = json_error


def required_file(message: str):
    """The request's multipart field ``file``; without it (or with an empty file name)
    the view ends with a 422 that says ``message`` and names the field."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(api_error(422, "invalid", message, fields={"file": [_("This field is required.")]}))
    return upload


def api_route(
    rule: str,
    *,
    methods: tuple[str, ...] = ("GET",),
    summary: str,
    tags: tuple[str, ...] = (),
    request_schema: dict | None = None,
    body: type | None = None,
    query: type | None = None,
    response_schema: dict | None = None,
    success_status: int = 200,
    extra_success: tuple[int, ...] = (),
    responses: dict[int, dict] | None = None,
    errors: tuple[int, ...] = COMMON_ERRORS,
    auth: bool = True,
    response_content_type: str | tuple[str, ...] = "application/json",
) -> Callable:
    def decorator(view: Callable) -> Callable:
        view._openapi = {
            "summary": summary,
            "tags": list(tags),
            "request_schema": request_schema,
            # pydantic models (drafting.api.validation) that validate and document
            "body": body,
            "query": query,
            "response_schema": response_schema,
            "success_status": success_status,
            "extra_success": extra_success,
            # other answers, each {"description", "schema", optional "content_type", "headers"}
            "responses": responses or {},
            "errors": errors,
            "auth": auth,
            # one type, or the types a route may answer with (a PDF or a .docx)
            "response_content_type": response_content_type,
        }
        if auth:
            view = _require_login(view)
        bp.add_url_rule(rule, view.__name__, view, methods=list(methods))
        return view

    return decorator


def _require_login(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return api_error(
                401,
                "unauthorized",
                _("Log in or send a valid API token (Authorization: Bearer …)."),
            )
        return view(*args, **kwargs)

    return wrapper
