"""A standard as HTML (preview) and PDF (GB/T 1.1-2020 layout).

- :func:`build_html` — the full HTML document (cover, 目次, 前言, body, annexes).
- :func:`html_to_pdf` — WeasyPrint with a fetcher that reads only static files
  and the document's attachments.
- :func:`export_pdf` / :func:`export` — the whole road, cached on disk, run in a
  limited worker process (:class:`ExportPool`).

WeasyPrint is imported lazily, only where a PDF is made (normally a worker process).
"""

from drafting.export.assemble import LayoutOptions, build_html, toc_entries
from drafting.export.cache import ExportCache, cache_key, layout_version
from drafting.export.errors import ExportError
from drafting.export.fetcher import ExportFetcher, FetchRefused
from drafting.export.job import WorkerInput, WorkerResult, run_job
from drafting.export.meta import STAGE_LABELS, DocumentMeta, Stage, normalize_number
from drafting.export.pdf import html_to_pdf
from drafting.export.pipeline import ExportResult, export, export_pdf
from drafting.export.worker import ExportLimits, ExportPool, default_pool

__all__ = [
    "STAGE_LABELS",
    "DocumentMeta",
    "ExportCache",
    "ExportError",
    "ExportFetcher",
    "WorkerInput",
    "ExportLimits",
    "ExportPool",
    "ExportResult",
    "FetchRefused",
    "WorkerResult",
    "LayoutOptions",
    "Stage",
    "build_html",
    "cache_key",
    "default_pool",
    "export",
    "export_pdf",
    "html_to_pdf",
    "layout_version",
    "normalize_number",
    "run_job",
    "toc_entries",
]
