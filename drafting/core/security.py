"""Response headers and the CSRF check, applied to every response."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import Flask, Response, request

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


def is_safe_redirect(target: str | None) -> bool:
    """Only relative paths on this site are allowed as `next` targets."""
    if not target:
        return False
    if target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(urljoin(request.host_url, target))
    host = urlsplit(request.host_url)
    return parts.scheme in ("http", "https") and parts.netloc == host.netloc


def init_app(app: Flask) -> None:
    @app.before_request
    def _check_csrf() -> None:
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        # A bearer token is not sent by the browser on its own, so a request
        # carrying one cannot be forged cross-site; everything else is checked.
        if request.headers.get("Authorization", "").startswith("Bearer "):
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
