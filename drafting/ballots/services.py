"""Ballots on the 送审稿: open, vote, close; and the gate to 报批稿.

- **Open** (the secretariat, document in 送审稿): on the head revision or a
  chosen revision of the 送审稿 (saved in that stage, or the revision the
  document moved to 送审稿 at); one open ballot per document at a time; the
  voters are the organizations chosen (default: every organization), minus
  the drafting units of the group when ``BALLOT_EXCLUDE_DRAFTING_UNITS`` is
  set; the rule is copied from the settings (:mod:`drafting.ballots.rules`).
- **Vote**: one vote per organization, cast or changed by any of its users
  until the close, under a row lock on the ballot. 不赞成 needs a reason;
  赞成，有修改意见 needs comments, which are added to the comment list of
  the ballot's revision (a changed vote keeps the comment it added: the
  comment list is a record).
- **Close**: early by the secretariat, or by ``flask ballots close-due`` at
  ``closes_at``; the counts and the result are stored and mailed.
- **Gate**: :func:`refuse_approval_without_ballot` receives
  ``documents.signals.stage_moving`` and refuses the move to 报批稿 unless a
  ballot on the current head passed (see :mod:`drafting.ballots.queries`);
  the secretariat may override with a reason, audited as ``ballot.gate_overridden``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from drafting.accounts.models import Organization, User
from drafting.audit.services import record
from drafting.ballots import notify, queries
from drafting.ballots.models import Ballot, BallotVoter, Vote
from drafting.ballots.permissions import can_override_gate
from drafting.ballots.rules import Rule, tally
from drafting.ballots.states import TRANSITIONS, BallotResult, BallotStatus, Choice
from drafting.core.errors import NotAllowed, Refused, ServiceError
from drafting.core.i18n import format_dt
from drafting.core.statemachine import Move, StateMachine
from drafting.core.timeutil import utcnow
from drafting.documents import services as document_services
from drafting.documents import signals as document_signals
from drafting.documents.models import Revision, StageChange, StandardDocument
from drafting.documents.states import CommentType, DocumentStage
from drafting.extensions import db

MAX_REASON = 5000


def rule_from_settings() -> Rule:
    """The pass rule from the configuration now (a ballot copies it when it opens)."""
    return Rule.from_config(current_app.config)


def _lock(ballot: Ballot) -> None:
    """Lock the ballot row (PostgreSQL: FOR UPDATE; SQLite: the write transaction
    is exclusive) and read its state again: votes and the close are serialized."""
    db.session.execute(select(Ballot.id).where(Ballot.id == ballot.id).with_for_update())
    db.session.refresh(ballot)


def _lock_document(document: StandardDocument) -> None:
    db.session.execute(
        select(StandardDocument.id).where(StandardDocument.id == document.id).with_for_update()
    )
    db.session.refresh(document)


def is_review_revision(document: StandardDocument, revision: Revision) -> bool:
    """Whether ``revision`` is part of the document's 送审稿: saved in that stage,
    or the revision the document moved to 送审稿 at."""
    if revision.document_id != document.id:
        return False
    if revision.stage == DocumentStage.DRAFT_FOR_REVIEW:
        return True
    return (
        db.session.scalar(
            select(StageChange.id).where(
                StageChange.document_id == document.id,
                StageChange.revision_id == revision.id,
                StageChange.to_stage == DocumentStage.DRAFT_FOR_REVIEW,
            )
        )
        is not None
    )


def default_voters(document: StandardDocument, rule: Rule) -> list[Organization]:
    """Every organization, minus the drafting units when the rule excludes them."""
    orgs = list(db.session.scalars(select(Organization).order_by(Organization.id)))
    if rule.exclude_drafting_units:
        units = {m.organization_id for m in document.drafting_group.memberships}
        orgs = [o for o in orgs if o.id not in units]
    return orgs


def _count(move: Move) -> None:
    """Before the close: count the votes under the ballot's rule (read while the ballot
    is still open; written by :func:`_counted` once the move is certain)."""
    ballot = move.obj
    rule = Rule(
        pass_ratio=ballot.pass_ratio,
        max_against_ratio=ballot.max_against_ratio,
        abstentions_count=ballot.abstentions_count,
        exclude_drafting_units=ballot.exclude_drafting_units,
    )
    voters = {v.organization_id for v in ballot.voters}
    choices = [v.choice for org, v in queries.votes_of(ballot).items() if org in voters]
    move.extra["tally"] = tally(choices, len(voters), rule)


def _counted(move: Move) -> None:
    """The close's effect: the counts, the result, who closed it and when."""
    ballot, actor, now, t = move.obj, move.actor, move.extra["now"], move.extra["tally"]
    ballot.entitled, ballot.votes_cast = t.entitled, t.cast
    ballot.votes_for, ballot.for_with_comments = t.votes_for, t.for_with_comments
    ballot.against, ballot.abstain, ballot.not_voted = t.against, t.abstain, t.not_voted
    ballot.result = BallotResult.PASSED if t.passed else BallotResult.FAILED
    ballot.closed_at = now
    ballot.closed_by_id = actor.id if actor is not None else None
    ballot.close_reason = (move.reason or "").strip()[:MAX_REASON]
    move.audit.update(
        early=now < ballot.closes_at,
        result=str(ballot.result),
        entitled=t.entitled,
        cast=t.cast,
        votes_for=t.votes_for,
        against=t.against,
        abstain=t.abstain,
    )


#: A ballot: open → closed (by the secretariat, or at its closing time by cron).
#: Opening is the row's creation (audited ``ballot.opened``), not a move.
BALLOT_STATES: StateMachine[BallotStatus] = StateMachine(
    name="ballot",
    model=Ballot,
    states=BallotStatus,
    moves=TRANSITIONS,
    refused=lambda _old, _new: _("This ballot is already closed."),
    audit_action=lambda new: f"ballot.{new}",
    recorder=record,
    prepare={BallotStatus.CLOSED: [_count]},
    effects={BallotStatus.CLOSED: [_counted]},
    state_attr="status",
    lock=_lock,
)


def open_ballot(
    document: StandardDocument,
    *,
    actor: User,
    closes_at: datetime,
    revision: Revision | None = None,
    organization_ids: Iterable[int] | None = None,
    now: datetime | None = None,
) -> Ballot:
    """Open a ballot on ``revision`` (default: the head) of the document's 送审稿."""
    now = now or utcnow()
    if actor is None or not getattr(actor, "is_secretariat", False):
        raise NotAllowed(_("Only the secretariat opens a ballot."), code="forbidden")
    _lock_document(document)
    if document.stage != DocumentStage.DRAFT_FOR_REVIEW:
        raise Refused(
            _("A ballot can only be opened while the document is a draft for review (送审稿)."),
            code="not_draft_for_review",
        )
    if queries.open_ballot_of(document) is not None:
        raise Refused(
            _("A ballot on this document is already open. Close it before opening another."),
            code="ballot_open",
        )
    revision = revision or document.head_revision
    if revision is None or not is_review_revision(document, revision):
        raise ServiceError(
            _("Choose a revision of the draft for review (送审稿) of this document."),
            code="unknown_revision",
        )
    if closes_at.tzinfo is None or closes_at <= now:
        raise ServiceError(_("The closing time must be in the future."), code="closes_at_past")
    rule = rule_from_settings()
    if organization_ids is None:
        voters = default_voters(document, rule)
    else:
        wanted = set(organization_ids)
        voters = list(
            db.session.scalars(
                select(Organization).where(Organization.id.in_(wanted)).order_by(Organization.id)
            )
        )
        if len(voters) != len(wanted):
            raise ServiceError(
                _("Some of the organizations chosen do not exist."), code="unknown_organization"
            )
        if rule.exclude_drafting_units:
            units = {m.organization_id for m in document.drafting_group.memberships}
            voters = [o for o in voters if o.id not in units]
    if not voters:
        raise ServiceError(
            _("Choose at least one organization entitled to vote."), code="no_voters"
        )
    ballot = Ballot(
        document_id=document.id,
        revision_id=revision.id,
        opened_by_id=actor.id,
        opens_at=now,
        closes_at=closes_at,
        status=BallotStatus.OPEN,
        pass_numerator=rule.pass_ratio.numerator,
        pass_denominator=rule.pass_ratio.denominator,
        against_numerator=rule.max_against_ratio.numerator,
        against_denominator=rule.max_against_ratio.denominator,
        abstentions_count=rule.abstentions_count,
        exclude_drafting_units=rule.exclude_drafting_units,
    )
    ballot.voters = [BallotVoter(organization_id=o.id) for o in voters]
    db.session.add(ballot)
    db.session.flush()
    record(
        actor,
        "ballot.opened",
        ballot,
        document_id=document.id,
        revision=revision.number,
        voters=len(voters),
        closes_at=closes_at.isoformat(),
        rule=f"{rule.pass_ratio} / {rule.max_against_ratio} / "
        f"abstentions {'count' if rule.abstentions_count else 'do not count'}",
    )
    notify.ballot_opened(ballot)
    return ballot


def cast_vote(
    ballot: Ballot,
    *,
    actor: User,
    choice: Choice | str,
    reason: str = "",
    comments: str = "",
    clause: str = "",
    outline_numbers: set[str] | None = None,
    now: datetime | None = None,
) -> Vote:
    """Cast or change the vote of the actor's organization (one vote per organization)."""
    try:
        choice = Choice(choice)
    except ValueError:
        raise ServiceError(
            _("Choose one of: in favour, in favour with comments, against, abstain."),
            code="unknown_choice",
        ) from None
    reason, comments, clause = (
        (reason or "").strip(),
        (comments or "").strip(),
        (clause or "").strip(),
    )
    if choice == Choice.AGAINST and not reason:
        raise ServiceError(_("Give the reason for voting against."), code="reason_required")
    if choice == Choice.FOR_WITH_COMMENTS and not comments:
        raise ServiceError(
            _("Write the comments that go with your vote in favour."), code="comments_required"
        )
    if len(reason) > MAX_REASON or len(comments) > MAX_REASON:
        raise ServiceError(_("This text is too long."), code="too_long")
    if len(clause) > 40:
        raise ServiceError(_("This clause number is too long."), code="too_long")
    org_id = getattr(actor, "organization_id", None)
    _lock(ballot)
    if not ballot.is_voter(org_id):
        raise NotAllowed(
            _("Your organization is not entitled to vote in this ballot."), code="not_a_voter"
        )
    now = now or utcnow()
    if not ballot.accepts_votes(now):
        raise Refused(
            _(
                "This ballot closed on %(when)s; votes can no longer be cast or changed.",
                when=format_dt(ballot.closes_at, "full"),
            )
            if now >= ballot.closes_at or ballot.is_closed
            else _("This ballot is not open yet."),
            code="ballot_closed",
        )
    vote = queries.vote_of(ballot, org_id)
    new_comments = choice == Choice.FOR_WITH_COMMENTS and (
        vote is None
        or vote.choice != Choice.FOR_WITH_COMMENTS
        or vote.comments != comments
        or vote.clause != clause
    )
    comment = None
    if new_comments:
        comment = document_services.add_comment(
            ballot.document,
            revision=ballot.revision,
            body=comments,
            actor=actor,
            clause=clause,
            type=CommentType.TECHNICAL,
            outline_numbers=outline_numbers,
        )
    old_choice = None
    if vote is None:
        vote = Vote(ballot_id=ballot.id, organization_id=org_id, created_at=now, changes=0)
        db.session.add(vote)
    else:
        old_choice = vote.choice
        vote.changes += 1
    vote.choice = choice
    vote.reason = reason if choice == Choice.AGAINST else ""
    vote.comments = comments if choice == Choice.FOR_WITH_COMMENTS else ""
    vote.clause = clause if choice == Choice.FOR_WITH_COMMENTS else ""
    if comment is not None:
        vote.comment_id = comment.id
    elif choice != Choice.FOR_WITH_COMMENTS:
        vote.comment_id = None
    vote.cast_by_id = actor.id
    vote.updated_at = now
    db.session.flush()
    record(
        actor,
        "ballot.vote_changed" if old_choice is not None else "ballot.vote_cast",
        ballot,
        organization_id=org_id,
        choice=str(choice),
        old=str(old_choice) if old_choice else None,
        comment_id=comment.id if comment else None,
    )
    return vote


def close_ballot(
    ballot: Ballot,
    *,
    actor: User | None,
    reason: str = "",
    now: datetime | None = None,
) -> Ballot:
    """Close the ballot (early by the secretariat, or at ``closes_at`` with ``actor=None``),
    store the counts and the result, and mail them."""
    if actor is not None and not getattr(actor, "is_secretariat", False):
        raise NotAllowed(_("Only the secretariat closes a ballot."), code="forbidden")
    now = now or utcnow()
    _lock(ballot)
    if ballot.is_closed:
        raise Refused(_("This ballot is already closed."), code="ballot_closed")
    # Locked and read again above: the precise refusal before the machine's own.
    BALLOT_STATES.transition(
        ballot, BallotStatus.CLOSED, actor=actor, reason=reason, lock=False, now=now
    )
    notify.ballot_closed(ballot)
    return ballot


def close_due(now: datetime | None = None) -> list[Ballot]:
    """Close every open ballot whose closing time has come (``flask ballots close-due``)."""
    now = now or utcnow()
    closed = []
    for ballot in queries.due_ballots(now):
        try:
            closed.append(close_ballot(ballot, actor=None, now=now))
        except Refused:  # closed meanwhile by another process
            continue
    return closed


# --- the gate to 报批稿 ------------------------------------------------------


def refuse_approval_without_ballot(
    document: StandardDocument,
    *,
    to,
    actor: User,
    override: bool = False,
    reason: str = "",
    **_ignored,
) -> None:
    """Receiver of ``documents.signals.stage_moving``: no 报批稿 without a passed
    ballot on the current 送审稿, unless the secretariat overrides with a reason."""
    if DocumentStage(to) != DocumentStage.DRAFT_FOR_APPROVAL:
        return
    passed = queries.passed_ballot(document)
    if queries.is_current(passed, document):
        return
    latest = queries.latest_ballot(document)
    if not override:
        raise Refused(
            _(
                "No ballot on the current draft for review has passed. Hold a ballot on this "
                "revision first, or ask the secretariat to override with a reason."
            ),
            code="ballot_required",
            details={
                "latest_ballot": latest.id if latest else None,
                "latest_result": str(latest.result) if latest and latest.result else None,
            },
        )
    if not can_override_gate(actor):
        raise NotAllowed(
            _("Only the secretariat may move a document to 报批稿 without a passed ballot."),
            code="override_not_allowed",
        )
    if not (reason or "").strip():
        raise ServiceError(
            _("Say why the document moves to 报批稿 without a passed ballot."),
            code="reason_required",
        )
    record(
        actor,
        "ballot.gate_overridden",
        document,
        reason=reason.strip(),
        latest_ballot=latest.id if latest else None,
        passed_ballot=passed.id if passed else None,
        head_revision=document.head_revision_id,
    )


def connect_signals() -> None:
    """Connect the gate to the documents' stage moves (once per process; idempotent)."""
    document_signals.stage_moving.connect(refuse_approval_without_ballot)
