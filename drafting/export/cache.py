"""Exported PDFs cached on disk, keyed by everything that shapes them.

The key is sha256 over the text, the metadata, the attachments' bytes, the
layout options and :func:`layout_version` (our layout constant plus a digest of
the export templates and stylesheets and the WeasyPrint version), so editing a
template or upgrading WeasyPrint invalidates old PDFs by itself. Files are
written atomically, so concurrent exports of the same input from several web
processes are harmless: the last rename wins with identical bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from drafting.export.assemble import STATIC_DIR, TEMPLATES_DIR
from drafting.export.fetcher import Attachment
from drafting.export.meta import DocumentMeta

#: Bump when the layout changes in a way the template digest does not see
#: (e.g. Python code in assemble.py or the renderer).
LAYOUT_VERSION = "2026.2"


@lru_cache(maxsize=1)
def layout_version() -> str:
    digest = hashlib.sha256(LAYOUT_VERSION.encode())
    for folder in (TEMPLATES_DIR / "export", STATIC_DIR / "export"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        digest.update(version("weasyprint").encode())
    except Exception:  # pragma: no cover - metadata missing in odd installs
        pass
    return digest.hexdigest()[:16]


def cache_key(
    meta: DocumentMeta,
    text: str,
    *,
    attachments: Mapping[str, Attachment] | None = None,
    options: Any = None,
) -> str:
    """sha256 of everything that goes into the PDF."""
    digest = hashlib.sha256()
    digest.update(layout_version().encode() + b"\0")
    digest.update(json.dumps(meta.to_dict(), sort_keys=True, ensure_ascii=False).encode() + b"\0")
    options_data = asdict(options) if is_dataclass(options) else options
    digest.update(json.dumps(options_data, sort_keys=True, default=str).encode() + b"\0")
    for name in sorted(attachments or {}):
        value = attachments[name]  # type: ignore[index]
        data = value.read_bytes() if isinstance(value, Path) else bytes(value)
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    digest.update(b"\0text\0" + text.encode())
    return digest.hexdigest()


class ExportCache:
    """PDFs under ``directory/ab/abcdef….pdf`` (another ``suffix`` for other formats: ``.docx``)."""

    def __init__(self, directory: Path | str, suffix: str = ".pdf") -> None:
        self.directory = Path(directory)
        self.suffix = suffix

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}{self.suffix}"

    def get(self, key: str) -> bytes | None:
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            os.utime(path)  # recency for prune()
        except OSError:
            pass
        return data

    def put(self, key: str, pdf: bytes) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pdf)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self, max_bytes: int) -> int:
        """Delete the least recently used PDFs until the cache fits; return bytes freed."""
        files = [
            (p.stat().st_mtime, p.stat().st_size, p)
            for p in self.directory.glob(f"*/*{self.suffix}")
        ]
        total = sum(size for _, size, _ in files)
        freed = 0
        for _, size, path in sorted(files):
            if total - freed <= max_bytes:
                break
            path.unlink(missing_ok=True)
            freed += size
        return freed
