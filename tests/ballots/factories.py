"""A document in 送审稿 and organizations to vote on it."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from drafting.ballots import services
from drafting.core.timeutil import utcnow
from drafting.documents import services as document_services
from drafting.documents.states import DocumentStage
from tests.documents.factories import make_world
from tests.support import factories


def to_review(document, actor) -> None:
    document_services.transition(document, DocumentStage.DRAFT_FOR_COMMENTS, actor=actor)
    document_services.transition(document, DocumentStage.DRAFT_FOR_REVIEW, actor=actor)


def make_review_world(voters: int = 4) -> SimpleNamespace:
    """make_world()'s document moved to 送审稿, and ``voters`` more organizations with a user each."""
    w = make_world()
    to_review(w.document, w.main_editor)
    w.voter_orgs = [factories.make_org() for _ in range(voters)]
    w.voters = [factories.make_user("member", org=o) for o in w.voter_orgs]
    return w


def open_on(w, *, orgs=None, days: int = 7, **kw):
    orgs = w.voter_orgs if orgs is None else orgs
    return services.open_ballot(
        w.document,
        actor=w.secretariat,
        closes_at=kw.pop("closes_at", utcnow() + timedelta(days=days)),
        organization_ids=[o.id for o in orgs],
        **kw,
    )
