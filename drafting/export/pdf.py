"""HTML → PDF with WeasyPrint, reading nothing but what :mod:`fetcher` allows.

Runs in the export worker process (see ``worker.py``), never in a web worker.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from drafting.export.assemble import STATIC_DIR
from drafting.export.continuation import mark_continuations
from drafting.export.errors import ExportError
from drafting.export.fetcher import VIRTUAL_ROOT, Attachment, ExportFetcher

# Measured on the bench (bench/export.py; 46-page sample, min of 3 CPU runs):
# uncompressed_pdf saved nothing measurable (4.15 s vs 3.94 s) for a 5x larger
# file, so streams stay compressed; font subsetting goes through HarfBuzz
# (libharfbuzz-subset) and costs under 1%; hinting and full fonts only add
# bytes; images are small PNGs, so optimize_images buys nothing.
WRITE_OPTIONS: dict[str, object] = {
    "uncompressed_pdf": False,
    "optimize_images": False,
    "hinting": False,
    "full_fonts": False,
}

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PdfResult:
    pdf: bytes
    pages: int


def html_to_pdf(
    html: str,
    *,
    base_dir: Path | None = None,
    attachments: Mapping[str, Attachment] | None = None,
) -> bytes:
    """Make the PDF of an export HTML document.

    ``base_dir`` is the static folder that ``static/…`` URLs are served from
    (default: the app's ``static/``); ``attachments`` maps attachment names to
    their bytes or file path. Any other resource the HTML asks for fails the
    export with :class:`ExportError`.
    """
    return render_pdf(html, base_dir=base_dir, attachments=attachments).pdf


def render_pdf(
    html: str,
    *,
    base_dir: Path | None = None,
    attachments: Mapping[str, Attachment] | None = None,
) -> PdfResult:
    """:func:`html_to_pdf` plus the page count."""
    from weasyprint import HTML  # noqa: PLC0415  (imported here: the web process never needs it)

    fetcher = ExportFetcher(base_dir or STATIC_DIR, attachments)
    document = HTML(string=html, base_url=VIRTUAL_ROOT, url_fetcher=fetcher).render()
    if fetcher.refused:
        # Our HTML never asks for these: a refusal means crafted input.
        _LOG.warning("export refused resources: %s", fetcher.refused)
        raise ExportError(
            "导出失败：文档引用了不允许读取的资源（"
            + "；".join(fetcher.refused[:3])
            + "）。只能使用本文件的附件。/ The document refers to resources an export may not "
            "read; only the document's own attachments can be used.",
            code="resource-refused",
        )
    mark_continuations(document.pages)
    return PdfResult(document.write_pdf(**WRITE_OPTIONS), len(document.pages))
