"""One layout, as it runs inside a worker process.

:mod:`drafting.export.worker` starts the processes and enforces the limits;
this module is what runs in them: Markdown → HTML → PDF, with every failure
turned into an :class:`ExportError` message for the user.

:class:`WorkerInput` goes in, :class:`WorkerResult` comes out. (The export
*job* a user waits for is :class:`drafting.jobs.models.ExportJobRecord`, a
database row; its task hands a ``WorkerInput`` to the pool.)
"""

from __future__ import annotations

import logging
import os
import resource
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from drafting.export.assemble import LayoutOptions, build_html, render_document
from drafting.export.errors import ExportError
from drafting.export.fetcher import Attachment
from drafting.export.meta import DocumentMeta
from drafting.export.pdf import render_pdf
from drafting.standardtext import SKELETON, render

_LOG = logging.getLogger(__name__)

#: A table longer than this is refused up front: WeasyPrint would need minutes.
MAX_TABLE_ROWS = 5_000


@dataclass(frozen=True)
class WorkerInput:
    """Everything a worker process needs for one layout; crosses the process
    boundary by pickling."""

    meta: dict[str, Any]
    text: str
    attachments: dict[str, bytes | str] = field(default_factory=dict)
    options: LayoutOptions = field(default_factory=LayoutOptions)
    max_table_rows: int = MAX_TABLE_ROWS

    @classmethod
    def make(
        cls,
        meta: DocumentMeta,
        text: str,
        attachments: Mapping[str, Attachment] | None = None,
        options: LayoutOptions | None = None,
        max_table_rows: int = MAX_TABLE_ROWS,
    ) -> WorkerInput:
        return cls(
            meta=meta.to_dict(),
            text=text,
            attachments={
                k: str(v) if isinstance(v, Path) else bytes(v)
                for k, v in (attachments or {}).items()
            },
            options=options or LayoutOptions(),
            max_table_rows=max_table_rows,
        )


@dataclass(frozen=True)
class WorkerResult:
    """What a worker process sends back: the PDF and what it cost."""

    pdf: bytes
    pages: int
    seconds: float
    #: ru_maxrss of the worker process, in bytes (its peak so far)
    peak_rss: int
    #: CPU time the worker spent on this job
    cpu_seconds: float = 0.0


class PrintJob(Protocol):
    """Another kind of job (a redline, a table): it makes its own print HTML in the worker."""

    attachments: dict[str, bytes | str]

    @property
    def text(self) -> str: ...  # what the pool's length limit counts

    def html(self) -> str: ...


def run_job(job: WorkerInput | PrintJob) -> WorkerResult:
    """Markdown → HTML → PDF. Runs in the worker; callable directly in tests."""

    started, cpu_started = time.monotonic(), time.process_time()
    if not isinstance(job, WorkerInput):
        attachments = {k: Path(v) if isinstance(v, str) else v for k, v in job.attachments.items()}
        result = render_pdf(job.html(), attachments=attachments)
        return WorkerResult(
            result.pdf,
            result.pages,
            time.monotonic() - started,
            _peak_rss(),
            time.process_time() - cpu_started,
        )
    meta = DocumentMeta.from_dict(job.meta)
    attachments = {k: Path(v) if isinstance(v, str) else v for k, v in job.attachments.items()}
    rendered = render(job.text, attachments=attachments.keys())
    for table in rendered.tables:
        if table.rows > job.max_table_rows:
            raise ExportError(
                f"表{table.number}有{table.rows}行，超过导出上限{job.max_table_rows}行。请拆分该表或将数据作为附件提供。"
                f" / Table {table.number} has {table.rows} rows, more than the {job.max_table_rows} an export allows; split it.",
                code="table-too-large",
            )
    html = render_document(
        meta, rendered, for_print=True, options=job.options, static_url="static/"
    )
    result = render_pdf(html, attachments=attachments)
    return WorkerResult(
        result.pdf,
        result.pages,
        time.monotonic() - started,
        _peak_rss(),
        time.process_time() - cpu_started,
    )


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def _virtual_peak() -> int:
    """VmPeak of this process in bytes (what RLIMIT_AS limits), 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _warm_up() -> None:
    """Load WeasyPrint and the fonts before the first real job arrives."""

    meta = DocumentMeta("协会", "T/X", "T/X 1—2026", "标题", "Title")
    # One formula too: loads the math font (ziamath) before the first real job.
    render_pdf(build_html(meta, SKELETON + "\n$$ x^2 $$\n"))


def worker_main(conn: Connection, memory_limit: int, nice: int = 0) -> None:
    """The worker process: lower its priority, limit memory, warm up, then run
    jobs until told to stop."""
    if nice:
        os.nice(nice)
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        _warm_up()
    except Exception:  # a broken warm-up shows up again, with a message, on the first job
        _LOG.exception("export worker warm-up failed")
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(_run_safely(job, memory_limit))


def _run_safely(job: WorkerInput, memory_limit: int = 0) -> tuple[str, Any]:
    try:
        return "ok", run_job(job)
    except ExportError as error:
        return "error", (str(error), error.code)
    except MemoryError:
        return "error", (_memory_message(memory_limit), "memory")
    except RecursionError:
        return "error", (
            "文档结构嵌套过深，无法排版。请减少列表或引用的嵌套层次。 / The document is nested too deeply to lay out.",
            "too-complex",
        )
    except Exception as error:  # anything else: say so, never hang or crash silently
        # Under RLIMIT_AS, C libraries (Pango, HarfBuzz) report a failed
        # allocation as some other error: judge by how close we came.
        if memory_limit and _virtual_peak() >= 0.9 * memory_limit:
            return "error", (_memory_message(memory_limit), "memory")
        _LOG.exception("export failed")
        return "error", (
            f"导出失败（{type(error).__name__}）。请检查文档后重试。 / The export failed ({type(error).__name__}).",
            "export-failed",
        )


def _memory_message(memory_limit: int) -> str:
    limit = f"（每个导出进程{memory_limit >> 20} MiB）" if memory_limit else ""
    limit_en = f" ({memory_limit >> 20} MiB an export process)" if memory_limit else ""
    return (
        f"文档太大，导出所需内存超出限制{limit}。请将文档拆分为几部分，或减少过大的表格和图片后重试；"
        f"如需导出更大的文档，请联系秘书处调高 EXPORT_MEMORY_LIMIT_MB。"
        f" / The document is too large: exporting it needs more memory than allowed{limit_en}."
        " Split it into parts or shrink very large tables and images; for larger documents,"
        " ask the secretariat to raise EXPORT_MEMORY_LIMIT_MB."
    )
