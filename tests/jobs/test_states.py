"""The export job's state machine: its table, a second start refused, the
failure audited on the document, a failed job keeping its first verdict."""

from __future__ import annotations

import pytest

from drafting.audit.models import AuditEntry
from drafting.core.errors import Refused
from drafting.jobs import services
from drafting.jobs.models import ExportJobRecord, JobState

ALLOWED = {
    JobState.QUEUED: {JobState.RUNNING, JobState.FAILED},
    JobState.RUNNING: {JobState.DONE, JobState.FAILED},
    JobState.FAILED: {JobState.DONE},
    JobState.DONE: {JobState.FAILED},
}


def _job(db, doc, state=JobState.QUEUED) -> ExportJobRecord:
    job = ExportJobRecord(
        document_id=doc.id,
        revision_id=doc.head_revision_id,
        state=state,
        result_path="x.pdf" if state == JobState.DONE else "",
    )
    db.session.add(job)
    db.session.flush()
    return job


@pytest.mark.parametrize("old", list(JobState))
@pytest.mark.parametrize("new", list(JobState))
def test_every_move(db, world, doc, old, new):
    job = _job(db, doc, old)
    extra = {"key": "k" * 64, "fmt": "pdf", "code": "export"}
    if new in ALLOWED[old]:
        services.JOB_STATES.transition(job, new, actor=None, **extra)
        assert job.state == new
    else:
        with pytest.raises(Refused) as exc:
            services.JOB_STATES.transition(job, new, actor=None, **extra)
        assert exc.value.code == "transition_not_allowed"
        assert job.state == old


def test_a_job_is_started_once(db, world, doc):
    job = _job(db, doc)
    services.start(job)
    assert job.state == JobState.RUNNING and job.started_at is not None
    with pytest.raises(Refused) as exc:  # a second delivery of the same job
        services.start(job)
    assert exc.value.code == "transition_not_allowed"
    services.finish(job, "a" * 64)
    assert job.state == JobState.DONE and job.result_path and job.progress == 100


def test_a_failure_is_audited_on_the_document_and_keeps_its_first_verdict(db, world, doc):
    job = _job(db, doc)
    services.start(job)
    services.fail(job, code="stale")
    services.fail(job, code="internal", message="later")
    assert job.state == JobState.FAILED and job.error_code == "stale"
    (entry,) = (
        db.session.query(AuditEntry)
        .filter_by(action="document.export_failed", object_id=doc.id)
        .all()
    )
    assert entry.object_type == "standard_document"
    assert entry.details["job_id"] == job.id and entry.details["code"] == "stale"
    services.finish(job, "b" * 64)  # a slow worker that does finish wins
    assert job.state == JobState.DONE and job.error_code == ""
