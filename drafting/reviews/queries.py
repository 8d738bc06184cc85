"""Reads for the dashboard, the review page and the exports.

Each function issues a fixed number of queries, whatever the number of
applications: relationships are loaded with selectinload and the per-
application figures come from aggregate queries.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, literal, select, union_all
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
from drafting.core.collation import name_key
from drafting.extensions import db
from drafting.reviews.models import Assessment, Decision
from drafting.reviews.scores import Rated, Score, aggregate


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
    scores: Score = field(default_factory=lambda: Score(None))
    decisions: dict[int, Decision] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        return self.scores.value

    @property
    def assessments(self) -> int:
        return self.scores.assessments


def call_weights(call: Call) -> dict[int, int]:
    return {r.id: r.weight for r in call.requirements}


def scores_for(application_ids, weights: dict[int, int]) -> dict[int, Score]:
    """The `scores.aggregate` of each application, in one query.

    `application_ids` is a list or a select of ids; an application without
    assessments is missing from the result.
    """
    ratings: dict[int, list[Rated]] = {}
    for app_id, reviewer_id, requirement_id, score in db.session.execute(
        select(
            Assessment.application_id,
            Assessment.reviewer_id,
            Assessment.requirement_id,
            Assessment.score,
        ).where(Assessment.application_id.in_(application_ids))
    ):
        ratings.setdefault(app_id, []).append(Rated(reviewer_id, requirement_id, score))
    return {app_id: aggregate(rs, weights) for app_id, rs in ratings.items()}


SORTS = {
    "organization": lambda row: name_key(row.application.organization.name),
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
    scores = scores_for(scope, call_weights(call))
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
        if a.id in scores:
            row.scores = scores[a.id]
    result = sorted(rows.values(), key=SORTS.get(sort, SORTS["organization"]))
    return result, counts


@dataclass(slots=True)
class PageRow:
    """One application on the dashboard page: only the columns the page shows."""

    id: int
    state: ApplicationState
    submitted_at: object
    organization: str
    standards: list[tuple[int, str]] = field(default_factory=list)  # (standard id, role)
    missing: list[int] = field(default_factory=list)  # requirement numbers, from 1
    scores: Score = field(default_factory=lambda: Score(None))

    @property
    def score(self) -> float | None:
        return self.scores.value


PAGE_SORTS = {
    "organization": lambda row: name_key(row.organization),
    "submitted": lambda row: (row.submitted_at is None, row.submitted_at or 0),
    "state": lambda row: row.state.value,
    "score": lambda row: -(row.score if row.score is not None else -1),
    "missing": lambda row: -len(row.missing),
}


def dashboard_page(
    user,
    call: Call,
    *,
    state: str | None = None,
    standard_id: int | None = None,
    role: str | None = None,
    sort: str = "organization",
) -> tuple[list[PageRow], dict[str, int]]:
    """The dashboard's rows and status counts, as `dashboard` computes them, from
    column queries (no ORM objects per application): four queries whatever the
    number of applications, five with a filter (the counts are then of all)."""
    conditions = visible_applications_filter(user, call.id)
    filtered = list(conditions)
    if state:
        filtered.append(Application.state == state)
    if standard_id or role:
        sub = select(ApplicationStandard.application_id)
        if standard_id:
            sub = sub.where(ApplicationStandard.standard_id == standard_id)
        if role:
            sub = sub.where(ApplicationStandard.role == role)
        filtered.append(Application.id.in_(sub))
    rows = {
        app_id: PageRow(app_id, app_state, submitted_at, org_name)
        for app_id, app_state, submitted_at, org_name in db.session.execute(
            select(Application.id, Application.state, Application.submitted_at, Organization.name)
            .join(Organization, Organization.id == Application.organization_id)
            .where(*filtered)
        )
    }
    if len(filtered) == len(conditions):  # no filter: the rows are what is counted
        counts = dict(Counter(str(row.state) for row in rows.values()))
    else:
        counts = {
            str(k): v
            for k, v in db.session.execute(
                select(Application.state, func.count(Application.id))
                .where(*conditions)
                .group_by(Application.state)
            )
        }
    if not rows:
        return [], counts
    scope = select(Application.id).where(*filtered)
    for app_id, std_id, std_role in db.session.execute(
        select(
            ApplicationStandard.application_id,
            ApplicationStandard.standard_id,
            ApplicationStandard.role,
        )
        # The ids themselves, not the subquery: PostgreSQL then reads the
        # index instead of hashing the whole table.
        .where(ApplicationStandard.application_id.in_(list(rows)))
        .order_by(ApplicationStandard.id)
    ):
        rows[app_id].standards.append((std_id, std_role.value))
    # What was answered and what has files, in one round trip.
    answered: set[tuple[int, int]] = set()
    filed: set[tuple[int, int]] = set()
    for kind, app_id, requirement_id in db.session.execute(
        union_all(
            select(literal("a"), Answer.application_id, Answer.requirement_id).where(
                Answer.application_id.in_(scope), Answer.statement != ""
            ),
            select(literal("f"), Attachment.application_id, Attachment.requirement_id).where(
                Attachment.application_id.in_(scope)
            ),
        )
    ):
        (answered if kind == "a" else filed).add((app_id, requirement_id))
    scores = scores_for(scope, call_weights(call))
    mandatory = [
        (
            r.id,
            r.position + 1,
            r.applies_to_all,
            {s.id for s in r.standards},
            r.needs_statement,
            r.needs_file,
        )
        for r in call.requirements
        if r.mandatory
    ]
    for row in rows.values():
        chosen = {std_id for std_id, _role in row.standards}
        for r_id, number, to_all, r_standards, statement, file in mandatory:
            if not (to_all or (chosen and not chosen.isdisjoint(r_standards))):
                continue
            if (statement and (row.id, r_id) not in answered) or (
                file and (row.id, r_id) not in filed
            ):
                row.missing.append(number)
        if row.id in scores:
            row.scores = scores[row.id]
    result = sorted(rows.values(), key=PAGE_SORTS.get(sort, PAGE_SORTS["organization"]))
    return result, counts


@dataclass
class ReviewSummary:
    by_requirement: dict[int, list[Assessment]]
    mine: dict[int, Assessment]
    scores: Score
    reviewer_names: dict[int, str]

    @property
    def aggregate(self) -> float | None:
        return self.scores.value

    @property
    def spread(self) -> float | None:
        return self.scores.spread


def review_summary(application: Application, user=None) -> ReviewSummary:
    """Every reviewer's assessments and the scores; `mine`: those of `user`
    (none without a user: the review page's shared part)."""
    assessments = list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.application_id == application.id)
            .options(joinedload(Assessment.reviewer))
            .order_by(Assessment.id)
        )
    )
    by_req: dict[int, list[Assessment]] = {}
    for a in assessments:
        by_req.setdefault(a.requirement_id, []).append(a)
    return ReviewSummary(
        by_requirement=by_req,
        mine={
            a.requirement_id: a
            for a in assessments
            if user is not None and a.reviewer_id == user.id
        },
        scores=aggregate(
            (Rated(a.reviewer_id, a.requirement_id, a.score) for a in assessments),
            call_weights(application.call),
        ),
        reviewer_names={a.reviewer_id: a.reviewer.name for a in assessments},
    )


def decisions_for(application_ids: list[int]) -> dict[int, dict[int, Decision]]:
    result: dict[int, dict[int, Decision]] = {}
    if application_ids:
        for d in db.session.scalars(
            select(Decision).where(Decision.application_id.in_(application_ids))
        ):
            result.setdefault(d.application_id, {})[d.standard_id] = d
    return result


def published_decisions(application: Application) -> dict[int, Decision]:
    """The published decisions on ``application`` by standard id (the applicant's page
    shows them: a template global, so ``applications`` does not import ``reviews``)."""
    decisions = decisions_for([application.id]).get(application.id, {})
    return {sid: d for sid, d in decisions.items() if d.published_at is not None}


def applications_tag(call_id: int) -> str:
    """One tag for the state of every application of the call: a digest of their ids
    and ``cache_tag``s, which every change of an application or of its parts renews
    (the dashboard's cache key; one query on an index, whatever the page would load)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for app_id, tag in db.session.execute(
        select(Application.id, Application.cache_tag)
        .where(Application.call_id == call_id)
        .order_by(Application.id)
    ):
        digest.update(f"{app_id}:{tag};".encode())
    return digest.hexdigest()
