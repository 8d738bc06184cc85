"""PDF exports in separate processes, with limits.

A web worker must never lay out a PDF itself: WeasyPrint can take seconds to
minutes and hundreds of megabytes on hostile input. :class:`ExportPool` keeps
up to ``workers`` warm processes (WeasyPrint imported, fonts loaded). Each job
gets a wall-time limit (the process is killed when it is exceeded), each
process an address-space limit (``RLIMIT_AS``), and a process is replaced
after ``max_jobs_per_worker`` jobs, after any failure, or as soon as its peak
memory passes ``recycle_above_rss`` (a large job leaves a large heap behind).

The pool limits concurrency within one web process. Several gunicorn workers
each have their own pool; size it accordingly (or run exports from a queue
worker with one pool).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from drafting.export.errors import ExportError
from drafting.export.job import MAX_TABLE_ROWS, WorkerInput, WorkerResult, worker_main

_MIB = 1024 * 1024


@dataclass(frozen=True)
class ExportLimits:
    """What one export may use. Tests use small values; production the defaults."""

    time_limit: float = 120.0
    memory_limit: int = 2048 * _MIB
    workers: int = 2
    # Lower CPU priority than the web workers (os.nice increment): on deadline
    # day exports must not starve the pages of hundreds of applicants.
    nice: int = 10
    max_jobs_per_worker: int = 25
    recycle_above_rss: int = 600 * _MIB
    max_text_chars: int = 2_000_000
    max_table_rows: int = MAX_TABLE_ROWS
    start_timeout: float = 60.0
    queue_timeout: float = 300.0


#: What one export process may use by default. A 300-page standard peaks at
#: 1,279 MiB of address space (1,104 MiB resident) on this machine
#: (``bench/export.py --memory``); growth is about 3.5 MiB a page, so 2 GiB
#: leaves room for images and attachments, or about 500 pages of text.
DEFAULT_MEMORY_LIMIT = 2048 * _MIB
#: Memory kept for everything but the export processes: web workers, the
#: database, the queue worker's own Python.
RESERVED_MEMORY = 2048 * _MIB


def machine_memory() -> int:
    """Physical memory in bytes (0 if unknown)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not Linux
        return 0


def derived_limits(
    memory_limit_mb: int | None = None,
    workers: int | None = None,
    *,
    memory: int | None = None,
    cores: int | None = None,
    **other: Any,
) -> ExportLimits:
    """The memory limit and the number of export processes, set together.

    Unset, they come from ``EXPORT_MEMORY_LIMIT_MB`` and ``EXPORT_WORKERS``
    in the environment, else: 2 GiB per process, and as many processes as
    there are cores, but no more than fit, each at its limit, in the
    machine's memory after :data:`RESERVED_MEMORY` (at least one).
    """
    memory_limit_mb = memory_limit_mb or int(os.environ.get("EXPORT_MEMORY_LIMIT_MB") or 0)
    workers = workers or int(os.environ.get("EXPORT_WORKERS") or 0)
    limit = memory_limit_mb * _MIB if memory_limit_mb else DEFAULT_MEMORY_LIMIT
    if not workers:
        cores = cores or os.cpu_count() or 1
        memory = machine_memory() if memory is None else memory
        fit = (memory - RESERVED_MEMORY) // limit if memory else cores
        workers = max(1, min(cores, fit))
    return ExportLimits(memory_limit=limit, workers=workers, **other)


# -- in the web process ------------------------------------------------------------


class _Worker:
    def __init__(self, context: Any, limits: ExportLimits) -> None:
        parent, child = context.Pipe()
        self.process = context.Process(
            target=worker_main,
            args=(child, limits.memory_limit, limits.nice),
            daemon=True,
            name="pdf-export",
        )
        self.process.start()
        child.close()
        self.conn: Connection = parent
        self.ready = False
        self.jobs = 0
        self.memory_limit = limits.memory_limit

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            self.kill()
            raise ExportError(
                "导出进程启动超时，请稍后重试。 / The export process did not start in time.",
                code="start-timeout",
            )
        try:
            self.conn.recv()
        except (EOFError, OSError) as error:
            self.kill()
            raise ExportError(
                "导出进程无法启动（内存限制可能过低）。 / The export process could not start (memory limit too low?).",
                code="start-failed",
            ) from error
        self.ready = True

    def run(self, job: WorkerInput, time_limit: float) -> WorkerResult:
        deadline = time.monotonic() + time_limit
        self.conn.send(job)
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            self.kill()
            raise ExportError(
                f"导出超时（超过{time_limit:g}秒）。文档可能含有过大的表格或过深的嵌套，请拆分后重试。"
                f" / The export took longer than {time_limit:g} s; split very large tables or deep nesting.",
                code="timeout",
            )
        try:
            status, payload = self.conn.recv()
        except (EOFError, OSError) as error:
            code = self.kill()
            raise ExportError(
                f"导出进程意外退出（代码 {code}），可能超出了内存限制（{self.memory_limit >> 20} MiB）。请拆分过大的内容后重试。"
                f" / The export process ended unexpectedly (exit code {code}), probably over its memory limit"
                f" ({self.memory_limit >> 20} MiB); split very large content and try again.",
                code="crashed",
            ) from error
        self.jobs += 1
        if status != "ok":
            message, code = payload
            raise ExportError(message, code=code)
        return payload

    def kill(self) -> int | None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()
        return self.process.exitcode

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.conn.close()


class ExportPool:
    """Up to ``limits.workers`` export processes; :meth:`run` blocks for a free one."""

    def __init__(
        self, limits: ExportLimits | None = None, *, start_method: str = "forkserver"
    ) -> None:
        self.limits = limits or ExportLimits()
        self._context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            # The fork server imports WeasyPrint once; each worker forks from it.
            self._context.set_forkserver_preload(["weasyprint", "drafting.export.job"])
        self._slots = threading.BoundedSemaphore(self.limits.workers)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start and warm all workers now rather than on the first export."""
        workers = [self._take() for _ in range(self.limits.workers - len(self._idle))]
        for worker in workers:
            worker.wait_ready(self.limits.start_timeout)
            self._give_back(worker)

    def run(self, job: WorkerInput) -> WorkerResult:
        if len(job.text) > self.limits.max_text_chars:
            raise ExportError(
                f"文档过长（{len(job.text)}字符，上限{self.limits.max_text_chars}）。 / The document is too long to export.",
                code="too-long",
            )
        if not self._slots.acquire(timeout=self.limits.queue_timeout):
            raise ExportError(
                "导出任务繁忙，请稍后重试。 / Too many exports are running; try again shortly.",
                code="busy",
            )
        try:
            worker = self._take()
            try:
                worker.wait_ready(self.limits.start_timeout)
                result = worker.run(job, self.limits.time_limit)
            except ExportError as error:
                if error.code in ("timeout", "crashed", "start-timeout", "start-failed"):
                    raise  # the worker is already gone
                worker.stop()  # a failed job may leave a damaged heap behind
                raise
            except BaseException:
                worker.kill()
                raise
            if (
                worker.jobs >= self.limits.max_jobs_per_worker
                or result.peak_rss > self.limits.recycle_above_rss
            ):
                worker.stop()
            else:
                self._give_back(worker)
            return result
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    return worker
                worker.conn.close()
        return _Worker(self._context, self.limits)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)


_default_pool: ExportPool | None = None
_default_lock = threading.Lock()


def default_pool() -> ExportPool:
    """The process-wide pool with the default limits, created on first use."""
    global _default_pool
    with _default_lock:
        if _default_pool is None:
            _default_pool = ExportPool(derived_limits())
            atexit.register(_default_pool.close)
        return _default_pool
