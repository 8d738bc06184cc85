"""Speculative exports (drafting.jobs.speculation) with EXPORT_SPECULATE on.

The eager backend runs a job as soon as the transaction commits; a test that
needs a job to stay queued commits with ``db.session.commit()`` (the
after-commit callbacks wait) and runs them later with ``transaction.commit()``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from drafting.core import transaction
from drafting.core.timeutil import utcnow
from drafting.documents import services as documents
from drafting.documents.states import DocumentStage
from drafting.jobs import services, speculation
from drafting.jobs.models import ExportJobRecord, JobState
from tests.documents.factories import TEXT, make_document


@pytest.fixture
def speculating(app, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_SPECULATE", True)


def _jobs(db, doc) -> list[ExportJobRecord]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ExportJobRecord)
            .where(ExportJobRecord.document_id == doc.id)
            .order_by(ExportJobRecord.id)
        )
    )


def _go_idle(db, doc, minutes=10):
    doc.updated_at = utcnow() - timedelta(minutes=minutes)
    db.session.flush()


def test_off_in_tests_unless_turned_on(app, db, world, doc):
    _go_idle(db, doc)
    assert not speculation.enabled()
    assert speculation.speculate_idle() == [] and speculation.speculate(doc) is None
    assert _jobs(db, doc) == []


def test_editors_export_after_an_idle_period_is_a_cache_hit(
    app, speculating, client, login_as, world, doc, db, pdf_title
):
    # Saved just now: not idle yet, nothing happens.
    assert speculation.speculate_idle() == []
    _go_idle(db, doc)
    result = CliRunner().invoke(app.cli, ["jobs", "speculate"], catch_exceptions=False)
    assert result.exit_code == 0 and "1 speculative export(s) queued" in result.output
    [job] = _jobs(db, doc)
    assert job.speculative and job.requested_by_id is None
    assert job.state == JobState.DONE and job.revision_id == doc.head_revision_id
    assert services.cached_pdf_path(job.cache_key) is not None

    # The editor exports: the PDF at once from the cache, no job of their own.
    login_as(world.main_editor)
    r = client.post(f"/documents/{doc.id}/exports")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert doc.title_zh in pdf_title(r.data)
    assert len(_jobs(db, doc)) == 1
    # A second tick finds the PDF cached and queues nothing.
    assert speculation.speculate_idle() == []


def test_a_newer_revision_drops_the_stale_speculation(app, speculating, world, doc, db):
    _go_idle(db, doc)
    [job] = speculation.speculate_idle()
    job_id, old_key = job.id, job.cache_key
    db.session.commit()  # stored, still queued: its after-commit hand-off waits
    assert db.session.get(ExportJobRecord, job_id).state == JobState.QUEUED
    # Never two per document, however often the tick runs.
    assert speculation.speculate(doc) is None and speculation.speculate_idle() == []

    documents.save_revision(
        doc, TEXT + "\n补充。\n", doc.head_revision_id, "", actor=world.main_editor
    )
    assert db.session.get(ExportJobRecord, job_id) is None
    # The delayed hand-off of the dropped job finds nothing to do.
    transaction.commit()
    assert _jobs(db, doc) == []

    # Once idle again, the new head revision is exported.
    _go_idle(db, doc)
    [job] = speculation.speculate_idle()
    transaction.commit()
    [job] = _jobs(db, doc)
    assert job.state == JobState.DONE and job.revision_id == doc.head_revision_id
    assert job.cache_key != old_key and services.cached_pdf_path(job.cache_key) is not None


def test_a_users_export_takes_over_the_speculation(
    app, speculating, client, login_as, world, doc, db
):
    _go_idle(db, doc)
    [job] = speculation.speculate_idle()
    job_id = job.id
    db.session.commit()  # queued, not run yet

    login_as(world.main_editor)
    r = client.post(f"/documents/{doc.id}/exports")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/exports/{job_id}")
    [job] = _jobs(db, doc)
    assert not job.speculative and job.requested_by_id == world.main_editor.id
    assert job.state == JobState.DONE
    status = client.get(f"/documents/{doc.id}/exports/{job_id}.json").get_json()
    assert status["state"] == "done" and status["download_url"]
    transaction.commit()  # the speculative delivery arrives late: nothing to do
    assert _jobs(db, doc)[0].finished_at == job.finished_at


def test_never_ahead_of_a_users_export(app, speculating, world, doc, db):
    other = make_document(world.group, world.secretariat)
    # A user's export of another document waits in the queue.
    waiting = ExportJobRecord(
        document_id=other.id,
        revision_id=other.head_revision_id,
        requested_by_id=world.main_editor.id,
        state=JobState.QUEUED,
        cache_key="x" * 64,
    )
    db.session.add(waiting)
    _go_idle(db, doc)
    [job] = speculation.speculate_idle()
    job_id, key = job.id, job.cache_key
    transaction.commit()
    # It gave way (and the next tick tries again), leaving no PDF behind.
    assert db.session.get(ExportJobRecord, job_id) is None
    assert services.cached_pdf_path(key) is None

    db.session.delete(db.session.get(ExportJobRecord, waiting.id))
    db.session.flush()
    [job] = speculation.speculate_idle()
    transaction.commit()
    assert _jobs(db, doc)[0].state == JobState.DONE


def test_every_stage_move_exports_the_head(app, speculating, world, doc, db):
    documents.transition(doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=world.main_editor)
    [job] = _jobs(db, doc)
    assert job.speculative and job.state == JobState.QUEUED
    transaction.commit()
    [job] = _jobs(db, doc)
    assert job.state == JobState.DONE
    # The cover shows the new stage: the PDF is the one an export now gets.
    revision = db.session.get(type(doc.head_revision), doc.head_revision_id)
    assert job.cache_key == services.cache_key_for(doc, revision)
