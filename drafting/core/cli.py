"""Shared helpers for the operators' `flask` commands."""

from __future__ import annotations

from functools import wraps

from flask import current_app


def with_public_url(command):
    """Run a CLI command inside a request context for PUBLIC_URL, so that
    `url_for(..., _external=True)` in the mail it sends gives real links."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
            return command(*args, **kwargs)

    return wrapper
