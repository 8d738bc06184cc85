"""Errors that services raise for the user to read.

A service refuses an action by raising one of these with a message in the
user's language; the web view flashes it, the API returns it as
`{"error": code, "message": …}` with `status`.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 422
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None):
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.details = details


class Refused(ServiceError):
    """Valid input, but the state of things does not allow it (e.g. past the deadline)."""

    status = 409
    code = "refused"


class Conflict(ServiceError):
    """Someone else changed the object first."""

    status = 409
    code = "conflict"


class NotAllowed(ServiceError):
    status = 403
    code = "forbidden"


class Missing(ServiceError):
    """What the request names is not there (with a message saying why)."""

    status = 404
    code = "not_found"
