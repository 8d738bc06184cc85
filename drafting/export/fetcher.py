"""The only way WeasyPrint may read anything while it makes a PDF.

The export HTML is read under a virtual root, ``file:///drafting-export/``:
``static/…`` is served from the app's static folder and ``attachments/…`` from
the document's own attachments (a mapping, never a directory listing). Every
other URL — another file, ``http(s)://``, a ``../`` escape, a large
``data:`` URL — is refused, so a crafted document can neither read the server's
files nor make the server fetch from the network.
"""

from __future__ import annotations

import base64
import mimetypes
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from drafting.standardtext import attachment_name

VIRTUAL_ROOT = "file:///drafting-export/"
_STATIC_PREFIX = "/drafting-export/static/"
_ATTACHMENT_PREFIX = "/drafting-export/attachments/"

#: ``data:`` URLs are fine for small things (a CSS icon), not as a way in.
MAX_DATA_URL = 64 * 1024
#: An attachment larger than this is refused rather than decoded into memory.
MAX_ATTACHMENT_BYTES = 32 * 1024 * 1024

Attachment = bytes | Path


class FetchRefused(ValueError):
    """The URL is outside what an export may read."""


class ExportFetcher:
    """A WeasyPrint ``url_fetcher`` serving the static folder and the attachments.

    Refused URLs are remembered in :attr:`refused` as well as raised, because
    WeasyPrint logs fetch errors and carries on; the caller decides whether a
    refusal fails the export.
    """

    def __init__(
        self,
        static_dir: Path,
        attachments: Mapping[str, Attachment] | None = None,
        *,
        max_data_url: int = MAX_DATA_URL,
    ) -> None:
        self.static_dir = static_dir.resolve()
        self.attachments = dict(attachments or {})
        self.max_data_url = max_data_url
        self.refused: list[str] = []

    def __call__(self, url: str, **_: Any) -> dict[str, Any]:
        try:
            return self._fetch(url)
        except FetchRefused as error:
            self.refused.append(f"{_shorten(url)} ({error})")
            raise

    def _fetch(self, url: str) -> dict[str, Any]:
        if url[:5].lower() == "data:":
            return self._data(url)
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise FetchRefused(
                "only the document's attachments and the app's static files are allowed"
            )
        if parts.query:
            raise FetchRefused("query strings are not allowed")
        path = posixpath.normpath(unquote(parts.path))
        if path.startswith(_STATIC_PREFIX):
            return self._static(path[len(_STATIC_PREFIX) :], url)
        if path.startswith(_ATTACHMENT_PREFIX):
            return self._attachment(path[len(_ATTACHMENT_PREFIX) :], url)
        raise FetchRefused("outside the export's files")

    def _static(self, relative: str, url: str) -> dict[str, Any]:
        target = (self.static_dir / relative).resolve()
        # resolve() follows symlinks, so a link pointing out of static/ is caught here.
        if not target.is_relative_to(self.static_dir) or not target.is_file():
            raise FetchRefused("no such static file")
        return _result(target.read_bytes(), relative, url)

    def _attachment(self, name: str, url: str) -> dict[str, Any]:
        if attachment_name(name) != name:
            raise FetchRefused("not an attachment name")
        value = self.attachments.get(name)
        if value is None:
            raise FetchRefused("no such attachment")
        if isinstance(value, Path):
            if value.stat().st_size > MAX_ATTACHMENT_BYTES:
                raise FetchRefused("attachment too large")
            data = value.read_bytes()
        else:
            data = bytes(value)
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise FetchRefused("attachment too large")
        return _result(data, name, url)

    def _data(self, url: str) -> dict[str, Any]:
        if len(url) > self.max_data_url:
            raise FetchRefused("data: URL too large")
        header, comma, payload = url[5:].partition(",")
        if not comma:
            raise FetchRefused("malformed data: URL")
        fields = header.split(";")
        mime_type = fields[0] or "text/plain"
        raw = unquote_to_bytes(payload)
        if "base64" in fields[1:]:
            try:
                raw = base64.b64decode(raw, validate=False)
            except ValueError as error:
                raise FetchRefused("malformed base64 in data: URL") from error
        return {"string": raw, "mime_type": mime_type, "redirected_url": url}


def _result(data: bytes, name: str, url: str) -> dict[str, Any]:
    mime_type, _ = mimetypes.guess_type(name)
    return {"string": data, "mime_type": mime_type, "redirected_url": url}


def _shorten(url: str, limit: int = 120) -> str:
    return url if len(url) <= limit else url[:limit] + "…"
