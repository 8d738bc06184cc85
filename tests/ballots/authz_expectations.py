"""Expected outcomes of the ballot routes for each role.

The ballot is on a document whose group none of the matrix's users belong to,
and the matrix's member is not of a voting organization: the ballot answers
as a missing one (404) to members and reviewers, anonymous visitors log in
(web) or get 401 (API), the secretariat may do everything but vote (403: it
is no organization). Voters are tested in tests/ballots/test_pages.py.
"""

from __future__ import annotations

from urllib.parse import quote

from drafting.jobs.models import ExportJobRecord, JobState
from tests.ballots.factories import make_review_world, open_on
from tests.documents.factories import add_image


def build_context(db) -> dict:
    w = make_review_world(voters=2)
    image = add_image(w.document, w.secretariat)
    ballot = open_on(w)
    job = ExportJobRecord(
        document_id=w.document.id,
        revision_id=ballot.revision_id,
        requested_by_id=w.secretariat.id,
        state=JobState.QUEUED,
        progress=0,
        progress_label="queued",
        cache_key="authz-matrix",
        format="pdf",
    )
    db.session.add(job)
    db.session.flush()
    return {
        "ballot": ballot,
        "ballot_doc": w.document,
        "ballot_job": job,
        "ballot_image": quote(image.name),
    }


def _b(suffix=""):
    return lambda c: f"/ballots/{c.ballot.id}{suffix}"


GROUP_ONLY = {"anonymous": "login", "member": 404, "reviewer": 404, "secretariat": "ok"}
API_HIDDEN = {"anonymous": 401, "member": 404, "reviewer": 404}

EXPECTATIONS = {
    "ballots.index": {
        "url": lambda c: "/ballots/",
        "anonymous": "login",
        "member": "ok",
        "reviewer": "ok",
        "secretariat": "ok",
    },
    "ballots.document_ballots": {
        "url": lambda c: f"/documents/{c.ballot_doc.id}/ballots",
        **GROUP_ONLY,
    },
    "ballots.show": {"url": _b(), **GROUP_ONLY},
    "ballots.vote": {
        "url": _b("/vote"),
        "method": "POST",
        "anonymous": "login",
        "member": 404,
        "reviewer": 404,
        "secretariat": 403,
    },
    "ballots.close": {"url": _b("/close"), "method": "POST", **GROUP_ONLY},
    "ballots.attachment": {
        "url": lambda c: f"/ballots/{c.ballot.id}/attachments/{c.ballot_image}",
        **GROUP_ONLY,
    },
    "ballots.summary_xlsx": {"url": _b("/summary.xlsx"), **GROUP_ONLY},
    "ballots.summary_pdf": {"url": _b("/summary.pdf"), **GROUP_ONLY},
    "ballots.revision_pdf": {"url": _b("/revision.pdf"), "method": "POST", **GROUP_ONLY},
    "ballots.revision_pdf_job": {
        "url": lambda c: f"/ballots/{c.ballot.id}/revision-pdf/{c.ballot_job.id}",
        **GROUP_ONLY,
    },
    # The API, without a JSON body: 400 once authorized.
    "api.ballots_open": {
        "url": lambda c: f"/api/v1/documents/{c.ballot_doc.id}/ballots",
        "method": "POST",
        **API_HIDDEN,
        "secretariat": 400,
    },
    "api.ballots_get": {
        "url": lambda c: f"/api/v1/ballots/{c.ballot.id}",
        **API_HIDDEN,
        "secretariat": "ok",
    },
    "api.ballots_vote": {
        "url": lambda c: f"/api/v1/ballots/{c.ballot.id}/vote",
        "method": "PUT",
        **API_HIDDEN,
        "secretariat": 403,
    },
    "api.ballots_close": {
        "url": lambda c: f"/api/v1/ballots/{c.ballot.id}/close",
        "method": "POST",
        **API_HIDDEN,
        "secretariat": 400,
    },
}
