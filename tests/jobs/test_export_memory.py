"""The export processes' memory limit and their number, set together; a
standard too large for the limit fails with a clear message and leaves no
half-written cache entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.documents import services as documents
from drafting.export.worker import DEFAULT_MEMORY_LIMIT, derived_limits
from drafting.jobs.models import ExportJobRecord, JobState
from drafting.standardtext.sample import generate_standard

GIB = 1 << 30


def test_the_limit_and_the_number_of_processes_are_set_together():
    # This machine's kind (2 cores, 24 GiB): one process per core, 2 GiB each.
    limits = derived_limits(memory=24 * GIB, cores=2)
    assert limits.memory_limit == DEFAULT_MEMORY_LIMIT == 2 * GIB and limits.workers == 2
    # Little memory: fewer processes than cores, never none.
    assert derived_limits(memory=5 * GIB, cores=4).workers == 1
    assert derived_limits(memory=3 * GIB, cores=4).workers == 1
    # A smaller limit lets more fit; explicit settings win.
    assert derived_limits(1024, memory=6 * GIB, cores=8).workers == 4
    assert derived_limits(3072, 3, memory=4 * GIB, cores=2).workers == 3
    assert derived_limits(3072).memory_limit == 3 * GIB


@pytest.fixture
def small_limit(app, monkeypatch):
    """Export processes limited to 480 MiB: enough to start and warm up,
    not for a 100-page standard (about 3.5 MiB a page)."""
    monkeypatch.setitem(app.config, "EXPORT_MEMORY_LIMIT_MB", 480)
    monkeypatch.setitem(app.config, "EXPORT_WORKERS", 1)
    yield
    limits = derived_limits(480, 1)
    pool = app.extensions.get("export_pools", {}).pop(limits, None)
    if pool is not None:
        pool.close()


def test_a_standard_too_large_for_the_limit_fails_clearly(
    app, small_limit, client, login_as, world, doc, db
):
    documents.save_revision(
        doc, generate_standard(100), doc.head_revision_id, "", actor=world.main_editor
    )
    db.session.commit()
    login_as(world.main_editor)
    r = client.post(f"/documents/{doc.id}/exports")
    assert r.status_code == 303
    job_id = int(r.headers["Location"].rsplit("/", 1)[1])
    status = client.get(f"/documents/{doc.id}/exports/{job_id}.json").get_json()
    assert status["state"] == "failed" and status["download_url"] is None
    message = status["error"]
    assert "内存" in message and "memory" in message and "480 MiB" in message, message
    job = db.session.get(ExportJobRecord, job_id)
    assert job.state == JobState.FAILED and job.error_code in ("memory", "crashed")
    assert job.result_path == ""
    page = client.get(f"/documents/{doc.id}/exports/{job_id}").get_data(as_text=True)
    assert "480 MiB" in page

    # Nothing half-written in the cache: no PDF for the key, no temporary file.
    export_dir = Path(app.config["EXPORT_DIR"])
    assert not (export_dir / job.cache_key[:2] / f"{job.cache_key}.pdf").exists()
    assert list(export_dir.rglob("*.tmp")) == []
