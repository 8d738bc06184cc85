"""Cache keys cover every input; the store is atomic and prunable."""

from __future__ import annotations

import os

from drafting.export import ExportCache, LayoutOptions, cache_key
from tests.export.conftest import make_meta


def test_key_changes_with_every_input(tmp_path):
    meta = make_meta()
    picture = tmp_path / "p.png"
    picture.write_bytes(b"one")
    base = cache_key(meta, "text", attachments={"p.png": picture}, options=LayoutOptions())
    assert base == cache_key(meta, "text", attachments={"p.png": b"one"}, options=LayoutOptions())
    variants = [
        cache_key(meta, "text!", attachments={"p.png": picture}, options=LayoutOptions()),
        cache_key(
            make_meta(title_zh="别的"),
            "text",
            attachments={"p.png": picture},
            options=LayoutOptions(),
        ),
        cache_key(meta, "text", attachments={"p.png": b"two"}, options=LayoutOptions()),
        cache_key(meta, "text", attachments={"q.png": b"one"}, options=LayoutOptions()),
        cache_key(meta, "text", attachments={"p.png": picture}, options=LayoutOptions(toc_depth=3)),
    ]
    assert len({base, *variants}) == 6


def test_get_put_and_prune(tmp_path):
    cache = ExportCache(tmp_path)
    assert cache.get("ab" * 32) is None
    cache.put("ab" * 32, b"%PDF-1 first")
    cache.put("cd" * 32, b"%PDF-1 second, larger")
    assert cache.get("ab" * 32) == b"%PDF-1 first"
    assert not list(tmp_path.glob("*/*.tmp"))
    os.utime(cache.path("cd" * 32), (1, 1))  # least recently used
    freed = cache.prune(max_bytes=15)
    assert freed == len(b"%PDF-1 second, larger")
    assert cache.get("cd" * 32) is None and cache.get("ab" * 32) is not None
