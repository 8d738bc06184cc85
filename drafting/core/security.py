"""Response headers and the CSRF check, applied to every response."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from flask import Flask, Request, Response, request
from flask_login import current_user

from drafting.extensions import csrf

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


# What a browser drops before it parses a URL: leading and trailing C0
# controls and spaces, and tabs and newlines anywhere (WHATWG URL standard).
_URL_STRIPPED = "".join(chr(c) for c in range(0x21))
_URL_REMOVED = re.compile(r"[\t\n\r]")


def is_safe_redirect(target: str | None) -> bool:
    return safe_next(target) is not None


def safe_next(target: str | None) -> str | None:
    """The `next` target as the browser would read it, or None if it leaves the site.

    Only a path on this site is allowed.

    The target is normalised as a browser would (controls and spaces trimmed,
    tabs and newlines removed, a backslash read as a slash); then it must
    start with exactly one "/". That refuses every scheme ("http:evil",
    "HTTP:///evil", "javascript:"), every network path ("//evil", "/\\evil")
    and anything with a control character left in it.
    """
    if not target or not isinstance(target, str):
        return None
    url = _URL_REMOVED.sub("", target.strip(_URL_STRIPPED)).replace("\\", "/")
    if not url.startswith("/") or url.startswith("//"):
        return None
    if any(ord(c) < 0x20 or c == "\x7f" for c in url):
        return None
    parts = urlsplit(urljoin(request.host_url, url))
    host = urlsplit(request.host_url)
    if parts.scheme != host.scheme or parts.netloc != host.netloc:
        return None
    return url


def bearer_token(req: Request) -> str | None:
    """The secret of an `Authorization: Bearer …` header, if the request has one."""
    header = req.headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        return None
    return header[7:].strip()


def init_app(app: Flask) -> None:
    @app.before_request
    def _check_csrf() -> None:
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        # A request is either token-authenticated or cookie-authenticated. A
        # bearer token is not sent by the browser on its own, so a request
        # authenticated by a valid one cannot be forged cross-site; such a
        # request never uses the session cookie's identity (see
        # accounts/auth.py). A junk or revoked token is no excuse: the request
        # is then checked like any other.
        if bearer_token(request) is not None and current_user.is_authenticated:
            return
        if request.path.startswith("/api/") and not current_user.is_authenticated:
            # Nobody to impersonate: an API write that needs a login says so
            # (401) rather than "form expired".
            view = app.view_functions.get(request.endpoint or "")
            if view is not None and getattr(view, "_openapi", {}).get("auth"):
                return
        csrf.protect(apply_exemptions=True)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if app.config.get("HTTPS"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
