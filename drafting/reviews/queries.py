"""Reads for the dashboard, the review page and the exports.

Each function issues a fixed number of queries, whatever the number of
applications: relationships are loaded with selectinload and the per-
application figures come from aggregate queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from drafting.accounts.models import Organization, Role
from drafting.applications.models import (
    Answer,
    Application,
    ApplicationStandard,
    ApplicationState,
    Attachment,
)
from drafting.calls.models import Call, Requirement
from drafting.extensions import db
from drafting.reviews.models import Assessment, Decision


def load_call(call_id: int) -> Call | None:
    return db.session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .options(
            selectinload(Call.standards),
            selectinload(Call.requirements).selectinload(Requirement.standards),
        )
    )


def visible_applications_filter(user, call_id: int):
    """Conditions for the applications of a call that `user` may see in lists."""
    conditions = [Application.call_id == call_id]
    if user.role != Role.SECRETARIAT:
        conditions.append(Application.state != ApplicationState.DRAFT)
        if user.organization_id is not None:
            conditions.append(Application.organization_id != user.organization_id)
    return conditions


@dataclass
class Row:
    application: Application
    missing: list[Requirement] = field(default_factory=list)
    score: float | None = None
    assessments: int = 0
    decisions: dict[int, Decision] = field(default_factory=dict)


def weighted(scores: dict[int, float], weights: dict[int, int]) -> float | None:
    total = sum(weights.get(r, 1) for r in scores)
    if not scores or total == 0:
        return None
    return sum(score * weights.get(r, 1) for r, score in scores.items()) / total


SORTS = {
    "organization": lambda row: row.application.organization.name,
    "submitted": lambda row: (
        row.application.submitted_at is None,
        row.application.submitted_at or 0,
    ),
    "state": lambda row: row.application.state.value,
    "score": lambda row: -(row.score if row.score is not None else -1),
    "missing": lambda row: -len(row.missing),
}


def dashboard(
    user,
    call: Call,
    *,
    state: str | None = None,
    standard_id: int | None = None,
    role: str | None = None,
    sort: str = "organization",
) -> tuple[list[Row], dict[str, int]]:
    """The rows of the dashboard and the status counts."""
    conditions = visible_applications_filter(user, call.id)
    counts = dict(
        db.session.execute(
            select(Application.state, func.count(Application.id))
            .where(*conditions)
            .group_by(Application.state)
        ).all()
    )
    counts = {str(k): v for k, v in counts.items()}
    query = select(Application).where(*conditions)
    if state:
        query = query.where(Application.state == state)
    if standard_id or role:
        sub = select(ApplicationStandard.application_id)
        if standard_id:
            sub = sub.where(ApplicationStandard.standard_id == standard_id)
        if role:
            sub = sub.where(ApplicationStandard.role == role)
        query = query.where(Application.id.in_(sub))
    applications = list(
        db.session.scalars(
            query.options(joinedload(Application.organization), selectinload(Application.standards))
        )
    )
    ids = [a.id for a in applications]
    rows = {a.id: Row(a) for a in applications}
    if not ids:
        return [], counts
    scope = select(Application.id).where(*conditions)
    answered = set(
        db.session.execute(
            select(Answer.application_id, Answer.requirement_id).where(
                Answer.application_id.in_(scope), Answer.statement != ""
            )
        ).all()
    )
    filed = set(
        db.session.execute(
            select(Attachment.application_id, Attachment.requirement_id)
            .where(Attachment.application_id.in_(scope))
            .distinct()
        ).all()
    )
    weights = {r.id: r.weight for r in call.requirements}
    per_req: dict[int, dict[int, float]] = {}
    n_assess: dict[int, int] = {}
    for app_id, req_id, avg, n in db.session.execute(
        select(
            Assessment.application_id,
            Assessment.requirement_id,
            func.avg(Assessment.score),
            func.count(),
        )
        .where(Assessment.application_id.in_(scope))
        .group_by(Assessment.application_id, Assessment.requirement_id)
    ):
        per_req.setdefault(app_id, {})[req_id] = float(avg)
        n_assess[app_id] = n_assess.get(app_id, 0) + n
    for d in db.session.scalars(select(Decision).where(Decision.application_id.in_(scope))):
        if d.application_id in rows:
            rows[d.application_id].decisions[d.standard_id] = d
    for row in rows.values():
        a = row.application
        chosen = {s.standard_id for s in a.standards}
        for r in call.requirements:
            if not r.mandatory or not (r.applies_to(chosen) if chosen else r.applies_to_all):
                continue
            if (r.needs_statement and (a.id, r.id) not in answered) or (
                r.needs_file and (a.id, r.id) not in filed
            ):
                row.missing.append(r)
        row.score = weighted(per_req.get(a.id, {}), weights)
        row.assessments = n_assess.get(a.id, 0)
    result = sorted(rows.values(), key=SORTS.get(sort, SORTS["organization"]))
    return result, counts


def load_application(application_id: int) -> Application | None:
    return db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(
            joinedload(Application.organization),
            joinedload(Application.call),
            selectinload(Application.standards).joinedload(ApplicationStandard.standard),
            selectinload(Application.answers).joinedload(Answer.updated_by),
            selectinload(Application.attachments),
        )
    )


@dataclass
class ReviewSummary:
    by_requirement: dict[int, list[Assessment]]
    mine: dict[int, Assessment]
    reviewer_scores: dict[str, float]
    aggregate: float | None
    spread: float | None
    requirement_spread: dict[int, float]


def review_summary(application: Application, user) -> ReviewSummary:
    assessments = list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.application_id == application.id)
            .options(joinedload(Assessment.reviewer))
            .order_by(Assessment.id)
        )
    )
    weights = {r.id: r.weight for r in application.call.requirements}
    by_req: dict[int, list[Assessment]] = {}
    by_reviewer: dict[str, dict[int, float]] = {}
    for a in assessments:
        by_req.setdefault(a.requirement_id, []).append(a)
        by_reviewer.setdefault(a.reviewer.name, {})[a.requirement_id] = a.score
    reviewer_scores = {name: weighted(scores, weights) for name, scores in by_reviewer.items()}
    values = [v for v in reviewer_scores.values() if v is not None]
    return ReviewSummary(
        by_requirement=by_req,
        mine={a.requirement_id: a for a in assessments if a.reviewer_id == user.id},
        reviewer_scores=reviewer_scores,
        aggregate=mean(values) if values else None,
        spread=(max(values) - min(values)) if values else None,
        requirement_spread={
            r: max(x.score for x in xs) - min(x.score for x in xs) for r, xs in by_req.items()
        },
    )


def decisions_for(application_ids: list[int]) -> dict[int, dict[int, Decision]]:
    result: dict[int, dict[int, Decision]] = {}
    if application_ids:
        for d in db.session.scalars(
            select(Decision).where(Decision.application_id.in_(application_ids))
        ):
            result.setdefault(d.application_id, {})[d.standard_id] = d
    return result


def organizations_by_name() -> list[Organization]:
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))
