"""Export a standard to PDF: cache lookup, then a worker process, then cache store."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from drafting.export.assemble import LayoutOptions
from drafting.export.cache import ExportCache, cache_key
from drafting.export.fetcher import Attachment
from drafting.export.job import WorkerInput
from drafting.export.meta import DocumentMeta
from drafting.export.worker import ExportPool, default_pool


@dataclass(frozen=True)
class ExportResult:
    pdf: bytes
    cached: bool
    seconds: float
    #: only known when the PDF was made now (not for a cache hit)
    pages: int | None = None
    peak_rss: int | None = None
    #: CPU seconds of the worker (None for a cache hit)
    worker_cpu_seconds: float | None = None


def export(
    meta: DocumentMeta,
    text: str,
    *,
    attachments: Mapping[str, Attachment] | None = None,
    options: LayoutOptions | None = None,
    cache: ExportCache | Path | str | None = None,
    pool: ExportPool | None = None,
) -> ExportResult:
    """The PDF of a standard, from the cache when the same input was exported before.

    Raises :class:`~drafting.export.errors.ExportError` with a message for the
    user when the export fails or exceeds its limits.
    """
    started = time.monotonic()
    options = options or LayoutOptions()
    if cache is not None and not isinstance(cache, ExportCache):
        cache = ExportCache(cache)
    key = None
    if cache is not None:
        key = cache_key(meta, text, attachments=attachments, options=options)
        hit = cache.get(key)
        if hit is not None:
            return ExportResult(hit, True, time.monotonic() - started)
    pool = pool or default_pool()
    job = WorkerInput.make(meta, text, attachments, options, pool.limits.max_table_rows)
    result = pool.run(job)
    if cache is not None and key is not None:
        cache.put(key, result.pdf)
    return ExportResult(
        result.pdf,
        False,
        time.monotonic() - started,
        result.pages,
        result.peak_rss,
        result.cpu_seconds,
    )


def export_pdf(
    meta: DocumentMeta,
    text: str,
    *,
    attachments: Mapping[str, Attachment] | None = None,
    options: LayoutOptions | None = None,
    cache: ExportCache | Path | str | None = None,
    pool: ExportPool | None = None,
) -> bytes:
    """Just the bytes of :func:`export`."""
    return export(meta, text, attachments=attachments, options=options, cache=cache, pool=pool).pdf
