"""Files stored by content hash outside the web root.

The name on disk is the SHA-256 of the content, so the same evidence
uploaded twice is stored once and a file name from a user never reaches
the file system. Writes go to a temporary file first and are renamed into
place, so a killed worker leaves no half-written blob under a real name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


def _root() -> Path:
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 hex digest")
    return _root() / sha256[:2] / sha256


def store_blob(data: bytes) -> str:
    """Store `data`; return its SHA-256 hex digest."""
    digest = hashlib.sha256(data).hexdigest()
    path = blob_path(digest)
    if path.exists():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return digest


def read_blob(sha256: str) -> bytes:
    return blob_path(sha256).read_bytes()
