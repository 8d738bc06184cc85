"""Reviewing: reviewers, assessments, returns, decisions and drafting groups."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from drafting.accounts.models import Role, User
from drafting.applications import services as application_services
from drafting.applications.models import Application, ApplicationState
from drafting.audit.services import record
from drafting.calls.models import Call, CallStandard, CallState, ReviewerAssignment
from drafting.calls.services import transition as call_transition
from drafting.core.errors import NotAllowed, Refused, ServiceError
from drafting.core.timeutil import utcnow
from drafting.documents import services as document_services
from drafting.documents.models import StandardDocument
from drafting.extensions import db
from drafting.groups import services as group_services
from drafting.groups.models import DraftingGroup, GroupRole
from drafting.reviews.models import Assessment, Decision, Outcome, Rating
from drafting.reviews.permissions import can_assess

S = ApplicationState
REVIEWABLE = (S.SUBMITTED, S.UNDER_REVIEW)


def assign_reviewer(call: Call, reviewer: User, *, actor: User) -> ReviewerAssignment:
    """Name a user with the reviewer role a reviewer of the call (once; audited)."""
    if reviewer.role != Role.REVIEWER:
        raise ServiceError(
            _("%(name)s is not a reviewer. Give them the reviewer role first.", name=reviewer.name),
            code="not_reviewer",
        )
    existing = db.session.scalar(
        select(ReviewerAssignment).where(
            ReviewerAssignment.call_id == call.id, ReviewerAssignment.user_id == reviewer.id
        )
    )
    if existing:
        return existing
    assignment = ReviewerAssignment(call=call, user=reviewer)
    db.session.add(assignment)
    db.session.flush()
    record(actor, "call.reviewer_assigned", call, user_id=reviewer.id)
    return assignment


def unassign_reviewer(call: Call, reviewer: User, *, actor: User) -> None:
    """Withdraw a reviewer from the call (audited); refused if not assigned."""
    existing = db.session.scalar(
        select(ReviewerAssignment).where(
            ReviewerAssignment.call_id == call.id, ReviewerAssignment.user_id == reviewer.id
        )
    )
    if existing is None:
        raise Refused(_("This person is not a reviewer of the call."), code="not_assigned")
    db.session.delete(existing)
    db.session.flush()
    record(actor, "call.reviewer_unassigned", call, user_id=reviewer.id)


def save_assessment(
    application: Application,
    requirement_id: int,
    *,
    rating: Rating,
    score: int,
    reason: str,
    reviewer: User,
    now: datetime | None = None,
) -> Assessment:
    """The reviewer's view of one requirement; the first one puts the application under review.

    Under the application's row lock: an application withdrawn a moment ago
    is not assessed (nor put back "under review")."""
    application_services.lock_application(application)
    if application.state not in REVIEWABLE:
        raise Refused(
            _("Only submitted applications can be assessed: this one is no longer under review."),
            code="not_reviewable",
        )
    if not can_assess(reviewer, application):
        raise NotAllowed(_("You cannot assess this application."))
    if not any(r.id == requirement_id for r in application.call.requirements):
        raise ServiceError(_("This requirement is not part of the call."), code="requirement")
    if not 0 <= score <= 10:
        raise ServiceError(_("The score must be between 0 and 10."), code="score")
    rating = Rating(rating)
    assessment = db.session.scalar(
        select(Assessment).where(
            Assessment.application_id == application.id,
            Assessment.requirement_id == requirement_id,
            Assessment.reviewer_id == reviewer.id,
        )
    )
    if assessment is None:
        assessment = Assessment(
            application=application,
            requirement_id=requirement_id,
            reviewer=reviewer,
            rating=rating,
            score=score,
            reason=reason.strip(),
        )
        db.session.add(assessment)
    else:
        assessment.rating, assessment.score, assessment.reason = rating, score, reason.strip()
        assessment.updated_at = now or utcnow()
    if application.state == S.SUBMITTED:
        application_services.transition(application, S.UNDER_REVIEW, actor=reviewer, now=now)
    db.session.flush()
    record(
        reviewer,
        "application.assessed",
        application,
        requirement_id=requirement_id,
        rating=str(rating),
        score=score,
    )
    return assessment


def return_for_changes(
    application: Application, message: str, *, actor: User, now: datetime | None = None
) -> None:
    """Return a submitted application for changes with a message (mailed by the
    `application_moved` receiver); the move takes the application's row lock."""
    if not message.strip():
        raise ServiceError(_("Tell the applicant what to change."), code="message")
    application_services.transition(
        application, S.RETURNED, actor=actor, reason=message.strip(), now=now
    )


def set_decision(
    application: Application, standard_id: int, outcome: Outcome, *, reason: str = "", actor: User
) -> Decision:
    """Record a pending decision for one standard of a submitted application,
    under its row lock (a withdrawn one gets no decision)."""
    application_services.lock_application(application)
    if application.state not in REVIEWABLE:
        raise Refused(_("Only submitted applications can be decided."), code="not_reviewable")
    if not any(s.standard_id == standard_id for s in application.standards):
        raise ServiceError(_("The application does not apply for this standard."), code="standard")
    outcome = Outcome(outcome)
    decision = db.session.scalar(
        select(Decision).where(
            Decision.application_id == application.id, Decision.standard_id == standard_id
        )
    )
    if decision is None:
        decision = Decision(
            application=application,
            standard_id=standard_id,
            outcome=outcome,
            reason=reason.strip(),
            decided_by_id=actor.id,
        )
        db.session.add(decision)
    else:
        if decision.published_at is not None:
            raise Refused(_("This decision has already been published."), code="published")
        decision.outcome, decision.reason, decision.decided_by_id = (
            outcome,
            reason.strip(),
            actor.id,
        )
    db.session.flush()
    record(
        actor,
        "application.decision_set",
        application,
        standard_id=standard_id,
        outcome=str(outcome),
    )
    return decision


def over_capacity(call: Call) -> list[tuple[CallStandard, int]]:
    """Standards given more main drafting units than they take, with the number given."""
    counts: dict[int, int] = {}
    for d in db.session.scalars(
        select(Decision)
        .join(Decision.application)
        .where(
            Application.call_id == call.id,
            Application.state.in_(REVIEWABLE),
            Decision.outcome == Outcome.MAIN,
        )
    ):
        counts[d.standard_id] = counts.get(d.standard_id, 0) + 1
    return [(s, counts[s.id]) for s in call.standards if counts.get(s.id, 0) > s.main_capacity]


def capacity_warnings(call: Call) -> list[str]:
    """Standards given more main drafting units than they take."""
    return [
        _(
            "“%(title)s” has %(n)d main drafting units but takes %(cap)d.",
            title=s.title_zh,
            n=n,
            cap=s.main_capacity,
        )
        for s, n in over_capacity(call)
    ]


def publish_decisions(
    call: Call,
    *,
    actor: User,
    now: datetime | None = None,
    override_capacity: bool = False,
    reason: str = "",
) -> list[Application]:
    """Apply every pending decision at once: states, drafting groups, each
    standard's document, mail.

    A standard given more main drafting units than it takes is refused, naming
    it, unless the secretariat overrides the capacity with a reason (audited).
    """
    now = now or utcnow()
    # Lock the call row (PostgreSQL) so that two secretaries publishing at
    # once cannot both form the groups and mail everyone twice.
    db.session.refresh(call, with_for_update=True)
    if call.state != CallState.PUBLISHED:
        raise Refused(
            _("The decisions of this call have already been published."), code="call_decided"
        )
    if not call.has_closed(now):
        raise Refused(
            _(
                "Decisions can be published only after the deadline. Close the call early if needed."
            ),
            code="call_open",
        )
    applications = list(
        db.session.scalars(
            select(Application)
            .where(Application.call_id == call.id, Application.state.in_(REVIEWABLE))
            .order_by(Application.id)
        )
    )
    decisions: dict[int, dict[int, Decision]] = {}
    for d in db.session.scalars(
        select(Decision).join(Decision.application).where(Application.call_id == call.id)
    ):
        decisions.setdefault(d.application_id, {})[d.standard_id] = d
    undecided = [
        f"{a.organization.name} – {s.standard.title_zh}"
        for a in applications
        for s in a.standards
        if s.standard_id not in decisions.get(a.id, {})
    ]
    if undecided:
        raise Refused(
            _(
                "Decide every standard of every submitted application first (%(n)d missing).",
                n=len(undecided),
            ),
            code="undecided",
            details=undecided,
        )
    over = over_capacity(call)
    if over and not override_capacity:
        raise Refused(
            _(
                "Too many main drafting units for %(standards)s. Change the decisions, or override the "
                "capacity (secretariat) with a reason.",
                standards="、".join(f"“{s.title_zh}”" for s, _n in over),
            ),
            code="over_capacity",
            details=capacity_warnings(call),
        )
    if over:
        reason = (reason or "").strip()
        if not reason:
            raise ServiceError(
                _("Give the reason for overriding the number of main drafting units."),
                code="reason_required",
            )
        record(
            actor,
            "call.capacity_overridden",
            call,
            reason=reason,
            standards=[
                {"standard_id": s.id, "title": s.title_zh, "main": n, "capacity": s.main_capacity}
                for s, n in over
            ],
        )
    groups: dict[int, DraftingGroup] = {}
    for standard in call.standards:
        if standard.drafting_group_id is None:
            standard.drafting_group = group_services.create_group(standard.title_zh, actor=actor)
        groups[standard.id] = standard.drafting_group
    for application in applications:
        mine = [decisions[application.id][s.standard_id] for s in application.standards]
        outcomes = {d.outcome for d in mine}
        if outcomes == {Outcome.REJECTED}:
            state = S.REJECTED
        elif Outcome.REJECTED in outcomes:
            state = S.PARTLY_ACCEPTED
        else:
            state = S.ACCEPTED
        for d in mine:
            d.published_at = now
            if d.outcome != Outcome.REJECTED:
                role = GroupRole.MAIN if d.outcome == Outcome.MAIN else GroupRole.PARTICIPATING
                group_services.add_member(
                    groups[d.standard_id], application.organization, role, actor=actor
                )
        application_services.transition(
            application,
            state,
            actor=actor,
            now=now,
            decisions=sorted(mine, key=lambda d: d.standard.position),
        )
    for standard in call.standards:
        _create_document_of(standard, groups[standard.id], actor=actor)

    call_transition(call, CallState.DECIDED, actor=actor, now=now)
    return applications


def _create_document_of(
    standard: CallStandard, group: DraftingGroup, *, actor: User
) -> StandardDocument | None:
    """The standard's document (planned number, titles, its group), so that the
    group can start at once; none if the group has no member, already has a
    document, the standard has no planned number or the number is taken."""
    number = " ".join(standard.planned_number.split())
    if not group.memberships or not number:
        return None
    taken = db.session.scalar(
        select(StandardDocument.id).where(
            (StandardDocument.drafting_group_id == group.id) | (StandardDocument.number == number)
        )
    )
    if taken:
        return None
    return document_services.create_document(
        number=number,
        title_zh=standard.title_zh,
        title_en=standard.title_en,
        group=group,
        actor=actor,
    )
