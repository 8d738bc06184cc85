"""The export worker pool: limits hold on hostile input, results are cached.

Small limits keep these quick; the pool runs real forkserver processes.
"""

from __future__ import annotations

import os
from io import BytesIO

import pytest
from pypdf import PdfReader

from drafting.export import ExportCache, ExportError, ExportLimits, ExportPool, WorkerInput, export
from drafting.export.job import _run_safely
from drafting.standardtext import SKELETON

TIME_LIMIT = 4.0


@pytest.fixture(scope="module")
def pool():
    # Ordinary jobs get room to finish on a busy machine; the timeout test has its own pool.
    pool = ExportPool(ExportLimits(workers=1, time_limit=60, max_table_rows=8_000))
    yield pool
    pool.close()


@pytest.fixture
def tight_pool():
    pool = ExportPool(ExportLimits(workers=1, time_limit=TIME_LIMIT, max_table_rows=8_000))
    yield pool
    pool.close()


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages)


def run_job(pool, meta, text):
    try:
        return pool.run(
            WorkerInput.make(meta, text, max_table_rows=pool.limits.max_table_rows)
        ), None
    except ExportError as error:
        return None, error


def idle_pids(pool) -> set[int]:
    return {worker.process.pid for worker in pool._idle}


def table(rows: int) -> str:
    return "# 范围\n\n| 序号 | 值 |\n|---|---|\n" + "".join(
        f"| {i} | 数值{i} |\n" for i in range(rows)
    )


def test_a_normal_export(pool, meta):
    result, error = run_job(pool, meta, SKELETON)
    assert error is None
    assert result.pages >= 6 and result.peak_rss > 0
    assert "T/CESA 1234—2026" in text_of(result.pdf)


def test_a_10000_row_table_is_refused_with_a_clear_message(pool, meta):
    run_job(pool, meta, "# 范围\n")  # a warm worker
    (worker,) = pool._idle
    result, error = run_job(pool, meta, table(10_000))
    assert result is None and error.code == "table-too-large"
    assert "10000" in str(error) and "表1" in str(error)
    # Refused before layout, not killed by the time limit: a failed job
    # retires its worker politely (exit code 0, not SIGKILL).
    assert worker.process.exitcode == 0


def test_a_job_over_the_time_limit_is_killed(tight_pool, meta):
    # 7,000 rows pass the row limit here but take far longer than 4 s to lay out.
    pool = tight_pool
    run_job(pool, meta, "# 范围\n")
    (worker,) = pool._idle
    result, error = run_job(pool, meta, table(7_000))
    assert result is None and error.code == "timeout"
    assert "超时" in str(error)
    # killed, not waited for: the process is gone, ended by SIGKILL
    assert not worker.process.is_alive() and worker.process.exitcode == -9
    # the pool recovers with a fresh worker
    again, error = run_job(pool, meta, "# 前言\n\n# 范围\n\n正文。\n")
    assert error is None and again.pages > 0
    assert worker.process.pid not in idle_pids(pool)


def test_workers_run_at_a_lower_priority(pool, meta):
    run_job(pool, meta, "# 范围\n")
    (worker,) = pool._idle
    web = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, worker.process.pid) == min(web + pool.limits.nice, 19)


def test_deeply_nested_lists_finish(pool, meta):
    text = "# 范围\n\n" + "".join("  " * i + f"- 第{i}层\n" for i in range(200))
    result, error = run_job(pool, meta, text)
    assert error is None and result.pages > 0


def test_images_outside_the_attachments_never_load(pool, meta):
    text = "# 范围\n\n![口令](/etc/passwd)\n\n![网络](http://example.com/a.png)\n\n![上级](../../etc/passwd)\n"
    result, error = run_job(pool, meta, text)
    assert error is None
    content = text_of(result.pdf)
    assert "root:" not in content
    assert (
        "图片不可用：/etc/passwd" in content and "图片不可用：http://example.com/a.png" in content
    )


def test_too_long_text_is_refused_before_any_work(meta):
    small = ExportPool(ExportLimits(workers=1, max_text_chars=100))
    with pytest.raises(ExportError) as raised:
        small.run(WorkerInput.make(meta, "# 范围\n\n" + "字" * 200))
    assert raised.value.code == "too-long"
    small.close()


def test_memory_limit_is_applied(meta):
    starved = ExportPool(ExportLimits(workers=1, memory_limit=150 * 1024 * 1024, start_timeout=30))
    with pytest.raises(ExportError) as raised:
        starved.run(WorkerInput.make(meta, SKELETON))
    assert raised.value.code in ("start-failed", "memory", "crashed")
    starved.close()


def test_memory_errors_become_export_errors(monkeypatch, meta):
    def explode(job):
        raise MemoryError

    monkeypatch.setattr("drafting.export.job.run_job", explode)
    status, (message, code) = _run_safely(WorkerInput.make(meta, SKELETON))
    assert (status, code) == ("error", "memory") and "内存" in message


def test_workers_are_recycled_after_max_jobs(meta):
    recycling = ExportPool(ExportLimits(workers=1, max_jobs_per_worker=1))
    recycling.run(WorkerInput.make(meta, "# 范围\n"))
    assert recycling._idle == []  # the worker left after its one job
    recycling.close()


def test_second_export_comes_from_the_cache(pool, meta, tmp_path):
    cache = ExportCache(tmp_path / "cache")
    text = "# 前言\n\n# 范围\n\n缓存测试。\n"
    first = export(meta, text, cache=cache, pool=pool)
    second = export(meta, text, cache=cache, pool=pool)
    assert not first.cached and second.cached
    assert second.pdf == first.pdf
    jobs_before = sum(worker.jobs for worker in pool._idle)
    assert export(meta, text, cache=cache, pool=pool).cached
    assert sum(worker.jobs for worker in pool._idle) == jobs_before  # no worker ran
    changed = export(meta, text + "\n更多。\n", cache=cache, pool=pool)
    assert not changed.cached and changed.pdf != first.pdf
