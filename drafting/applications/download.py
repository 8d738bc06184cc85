"""Sending a stored file back with its original name."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from drafting.storage import read_blob


def content_disposition(kind: str, filename: str) -> str:
    """RFC 6266 / 5987: an ASCII fallback and the real (e.g. Chinese) name."""
    fallback = (
        "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename) or "file"
    )
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def send_stored(sha256: str, filename: str, content_type: str, *, inline: bool = False) -> Response:
    # Only PDFs are ever shown inline, and never anything the browser could run as HTML.
    inline = inline and content_type == "application/pdf"
    response = Response(
        read_blob(sha256),
        mimetype=content_type if inline else (content_type or "application/octet-stream"),
    )
    response.headers["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if inline:
        # `sandbox`: whatever the file might run is in an opaque origin, never
        # the app's (no cookies, no DOM of the page that frames it). Chromium
        # still shows the PDF under this header, but not in an <iframe
        # sandbox>, so the frame itself carries no sandbox attribute.
        response.headers["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; frame-ancestors 'self'"
        )
    else:
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
