"""Writing applications: standards and roles, answers, evidence, submit, withdraw."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from drafting.accounts.models import Organization, Role, User
from drafting.applications import signals
from drafting.applications.models import (
    DECIDED_STATES,
    EDITABLE_STATES,
    STATE_LABELS,
    Answer,
    Application,
    ApplicationStandard,
    ApplicationState,
    Attachment,
)
from drafting.applications.permissions import can_edit_application
from drafting.audit.services import record
from drafting.calls.models import Call, Requirement
from drafting.calls.permissions import (
    applies_for_an_organization,
    can_start_application,
    is_assigned_reviewer,
)
from drafting.core.errors import Conflict, NotAllowed, Refused, ServiceError
from drafting.core.files import check_upload
from drafting.core.i18n import format_dt
from drafting.core.statemachine import Move, StateMachine
from drafting.core.text import shorten
from drafting.core.timeutil import utcnow
from drafting.extensions import db
from drafting.groups.models import GroupRole
from drafting.storage import store_blob

S = ApplicationState
TRANSITIONS: dict[ApplicationState, tuple[ApplicationState, ...]] = {
    S.DRAFT: (S.SUBMITTED,),
    S.SUBMITTED: (S.UNDER_REVIEW, S.RETURNED, S.WITHDRAWN, *DECIDED_STATES),
    S.UNDER_REVIEW: (S.RETURNED, S.WITHDRAWN, *DECIDED_STATES),
    S.RETURNED: (S.SUBMITTED,),
    S.WITHDRAWN: (S.DRAFT,),
    S.ACCEPTED: (),
    S.PARTLY_ACCEPTED: (),
    S.REJECTED: (),
}


def _refused(old: ApplicationState, new: ApplicationState) -> str:
    if new == S.SUBMITTED and old not in EDITABLE_STATES:
        return _("This application has already been submitted.")
    if new == S.WITHDRAWN:
        return _("Only a submitted application can be withdrawn.")
    return _(
        "An application in state “%(old)s” cannot become “%(new)s”.",
        old=STATE_LABELS[old],
        new=STATE_LABELS[new],
    )


def _may_move(user, application: Application, new: ApplicationState) -> bool:
    """Who makes each move: the applicant submits, withdraws and reopens; the
    secretariat returns and decides; an assessing reviewer puts it under review."""
    if new in (S.SUBMITTED, S.WITHDRAWN, S.DRAFT):
        return can_edit_application(user, application)
    if new == S.UNDER_REVIEW:
        return getattr(user, "role", None) == Role.SECRETARIAT or is_assigned_reviewer(
            user, application.call_id
        )
    return getattr(user, "role", None) == Role.SECRETARIAT


def _submittable(move: Move) -> None:
    """Before the deadline (a returned application may be resubmitted after it),
    from a confirmed address, with every mandatory item there."""
    application, actor = move.obj, move.actor
    _check_editable(application, move.extra.get("now"))
    if actor is not None and not actor.email_confirmed:
        raise Refused(
            _(
                "Confirm your email address before submitting: open the link we sent to %(email)s, or have a new one sent.",
                email=actor.email,
            ),
            code="email_unconfirmed",
        )
    problems = missing_items(application)
    if problems:
        raise ServiceError(
            _(
                "The application cannot be submitted yet: %(n)d item(s) are missing.",
                n=len(problems),
            ),
            code="incomplete",
            details=problems,
        )


def _withdrawable(move: Move) -> None:
    if move.obj.call.has_closed(move.extra.get("now")):
        raise Refused(
            _(
                "The deadline has passed; to withdraw the application now, please contact the secretariat."
            ),
            code="deadline_passed",
        )


def _reopenable(move: Move) -> None:
    if move.obj.call.has_closed(move.extra.get("now")):
        raise Refused(deadline_message(move.obj.call), code="deadline_passed")


def _stamp(move: Move) -> None:
    application, now = move.obj, move.extra.get("now") or utcnow()
    if move.new == S.SUBMITTED:
        application.submitted_at = now
    if move.new in DECIDED_STATES:
        application.decided_at = now
    if move.new == S.RETURNED:
        application.return_message = move.reason or ""
    application.updated_at = now


#: The application's states; the applicants' mail follows the moves
#: (receivers of ``signals.application_moved`` in ``notify``).
APPLICATION_STATES: StateMachine[ApplicationState] = StateMachine(
    name="application",
    model=Application,
    states=ApplicationState,
    moves=TRANSITIONS,
    refused=_refused,
    audit_action=lambda new: f"application.{new.value}",
    recorder=record,
    signal=signals.application_moved,
    guards={
        (S.DRAFT, S.SUBMITTED): [_submittable],
        (S.RETURNED, S.SUBMITTED): [_submittable],
        S.WITHDRAWN: [_withdrawable],
        (S.WITHDRAWN, S.DRAFT): [_reopenable],
    },
    effects={state: [_stamp] for state in ApplicationState},
    permission=_may_move,
    lock=lambda application: lock_application(application),
)


def transition(
    application: Application,
    new_state: ApplicationState,
    *,
    actor: User | None,
    reason: str | None = None,
    now: datetime | None = None,
    **extra,
) -> None:
    """Move `application` to `new_state` under its row lock, if the table and the
    move's guards allow it; audit it and announce it (the mail follows)."""
    APPLICATION_STATES.transition(
        application, new_state, actor=actor, reason=reason, now=now, **extra
    )


# --- deadline -------------------------------------------------------------


def deadline_message(call: Call) -> str:
    """The refusal shown once a call's deadline has passed, with the deadline in the reader's time
    zone."""
    return _(
        "The deadline of this call passed on %(when)s; the application can no longer be changed or submitted. Contact the secretariat if you think this is wrong.",
        when=format_dt(call.closes_at),
    )


def _check_editable(application: Application, now: datetime | None) -> None:
    if application.state not in EDITABLE_STATES:
        raise Refused(
            _(
                "This application has been submitted and can no longer be changed. Withdraw it first, or wait until the secretariat returns it for changes."
            ),
            code="not_editable",
        )
    # A returned application may be changed and resubmitted after the deadline.
    if application.state == S.DRAFT and application.call.has_closed(now):
        raise Refused(deadline_message(application.call), code="deadline_passed")


def lock_application(application: Application) -> None:
    """Take the application's row lock and re-read it before a write.

    Under PostgreSQL's READ COMMITTED two requests of one organization could
    otherwise both read "draft" and both write: two inserts of the same
    chosen standard (a unique violation, a 500), an answer saved into an
    application a colleague has just submitted, or two submissions. The
    lock makes writes to one application take turns; SQLite's BEGIN
    IMMEDIATE already serializes them (FOR UPDATE is not rendered there).
    """
    db.session.execute(
        select(Application.id).where(Application.id == application.id).with_for_update()
    )
    # What we read before the lock may be stale: reload it under the lock.
    db.session.expire(application)


def is_editable(application: Application, now: datetime | None = None) -> bool:
    """Whether the organization may still change the application (its state, and the deadline for
    drafts)."""
    try:
        _check_editable(application, now)
    except Refused:
        return False
    return True


# --- creating and editing -------------------------------------------------


def start_application(
    call: Call, org: Organization, *, actor: User, now: datetime | None = None
) -> Application:
    """The organization's application to `call`: the existing one, or a new draft
    if `can_start_application` (a member user of `org`, the call open)."""
    if not applies_for_an_organization(actor) or actor.organization_id != org.id:
        raise NotAllowed(_("Only users of a member organization can apply."), code="forbidden")
    existing = db.session.scalar(
        select(Application).where(
            Application.call_id == call.id, Application.organization_id == org.id
        )
    )
    if existing is not None:
        return existing
    if not can_start_application(actor, call, now):
        if call.has_closed(now):
            raise Refused(deadline_message(call), code="deadline_passed")
        raise Refused(_("This call is not open for applications."), code="not_open")
    application = Application(
        call=call,
        organization=org,
        contact_name=actor.name,
        contact_email=actor.email,
        contact_phone=actor.phone or "",
    )
    try:
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        # A colleague started it at the same moment: one application per organization and call.
        return db.session.scalars(
            select(Application).where(
                Application.call_id == call.id, Application.organization_id == org.id
            )
        ).one()
    record(actor, "application.created", application, call_id=call.id, organization_id=org.id)
    return application


def update_details(
    application: Application,
    *,
    actor: User,
    now: datetime | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    contact_email: str | None = None,
    standards: dict[int, GroupRole] | None = None,
) -> None:
    """Contact person and the standards applied for (standard id → role)."""
    lock_application(application)
    _check_editable(application, now)
    for key, value in (
        ("contact_name", contact_name),
        ("contact_phone", contact_phone),
        ("contact_email", contact_email),
    ):
        if value is not None:
            setattr(application, key, value.strip()[:254])
    if standards is not None:
        valid = {s.id for s in application.call.standards}
        unknown = set(standards) - valid
        if unknown:
            raise ServiceError(_("Choose standards of this call."), code="standards")
        current = {s.standard_id: s for s in application.standards}
        for sid, chosen in list(current.items()):
            if sid not in standards:
                application.standards.remove(chosen)
        for sid, role in standards.items():
            role = GroupRole(role)
            if sid in current:
                current[sid].role = role
            else:
                application.standards.append(ApplicationStandard(standard_id=sid, role=role))
    application.updated_at = now or utcnow()
    db.session.flush()
    record(
        actor,
        "application.updated",
        application,
        standards={str(k): str(v) for k, v in (standards or {}).items()} or None,
    )


def _requirement_of(application: Application, requirement_id: int) -> Requirement:
    for r in application.call.requirements:
        if r.id == requirement_id:
            return r
    raise ServiceError(_("This requirement is not part of the call."), code="requirement")


def _stale(requirement_id: int, answer: Answer | None, statement: str) -> Conflict:
    return Conflict(
        _(
            "A colleague changed this answer while you were editing it. Both texts are shown: merge them and save again."
        ),
        code="stale_answer",
        details={
            "requirement_id": requirement_id,
            "version": answer.version if answer else 0,
            "theirs": answer.statement if answer else "",
            "yours": statement,
            "updated_by": answer.updated_by.name if answer and answer.updated_by else None,
        },
    )


def save_answer(
    application: Application,
    requirement_id: int,
    statement: str,
    *,
    base_version: int,
    actor: User,
    now: datetime | None = None,
) -> Answer | None:
    """Save a statement. `base_version` is the version the user started from
    (0 for no answer yet); if a colleague saved in between, refuse with both
    texts so that neither is lost."""
    lock_application(application)
    _check_editable(application, now)
    requirement = _requirement_of(application, requirement_id)
    answer = application.answer_for(requirement.id)
    if answer is None and not statement.strip():
        return None  # nothing written, nothing to keep
    current_version = answer.version if answer else 0
    if base_version != current_version:
        if answer is not None and answer.statement == statement:
            return answer  # the same text: nothing is lost
        raise _stale(requirement.id, answer, statement)
    if answer is not None and answer.statement == statement:
        return answer
    try:
        with db.session.begin_nested():
            if answer is None:
                answer = Answer(
                    requirement_id=requirement.id,
                    statement=statement,
                    updated_by_id=actor.id,
                    updated_at=now or utcnow(),
                )
                application.answers.append(answer)
            else:
                answer.statement = statement
                answer.updated_by_id = actor.id
                answer.updated_at = now or utcnow()
            db.session.flush()
    except (StaleDataError, IntegrityError):
        # A colleague's save landed between our read and our write.
        fresh = db.session.scalar(
            select(Answer)
            .where(Answer.application_id == application.id, Answer.requirement_id == requirement.id)
            .execution_options(populate_existing=True)
        )
        raise _stale(requirement.id, fresh, statement) from None
    application.updated_at = now or utcnow()
    db.session.flush()
    record(
        actor,
        "application.answer_saved",
        application,
        requirement_id=requirement.id,
        version=answer.version,
    )
    return answer


def add_attachment(
    application: Application,
    requirement_id: int,
    *,
    filename: str | None,
    data: bytes,
    actor: User,
    now: datetime | None = None,
) -> Attachment:
    """Check and store an evidence file for one requirement."""

    lock_application(application)
    _check_editable(application, now)
    requirement = _requirement_of(application, requirement_id)
    name, content_type = check_upload(filename, data)
    sha = store_blob(data)
    attachment = Attachment(
        requirement_id=requirement.id,
        filename=name,
        sha256=sha,
        content_type=content_type,
        size=len(data),
        uploaded_by_id=actor.id,
    )
    application.attachments.append(attachment)
    application.updated_at = now or utcnow()
    db.session.flush()
    record(actor, "application.file_added", application, attachment_id=attachment.id, summary=name)
    return attachment


def remove_attachment(
    application: Application, attachment: Attachment, *, actor: User, now: datetime | None = None
) -> None:
    """Remove an evidence file while the application is editable (row lock; audited)."""
    lock_application(application)
    _check_editable(application, now)
    application.attachments.remove(attachment)
    db.session.flush()
    record(
        actor,
        "application.file_removed",
        application,
        attachment_id=attachment.id,
        summary=attachment.filename,
    )


# --- checklist ------------------------------------------------------------


@dataclass
class ChecklistItem:
    requirement: Requirement
    applies: bool
    has_statement: bool
    has_file: bool
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def checklist(application: Application) -> list[ChecklistItem]:
    """Each requirement of the call with what the application still lacks."""
    chosen = {s.standard_id for s in application.standards}
    answers = {a.requirement_id: a for a in application.answers}
    files: dict[int, int] = {}
    for f in application.attachments:
        files[f.requirement_id] = files.get(f.requirement_id, 0) + 1
    items = []
    for r in application.call.requirements:
        applies = r.applies_to(chosen) if chosen else r.applies_to_all
        has_statement = bool(answers.get(r.id) and answers[r.id].statement.strip())
        has_file = files.get(r.id, 0) > 0
        missing = []
        if applies:
            if r.needs_statement and not has_statement:
                missing.append("statement")
            if r.needs_file and not has_file:
                missing.append("file")
        items.append(ChecklistItem(r, applies, has_statement, has_file, missing))
    return items


def missing_items(application: Application) -> list[str]:
    """What stops submitting, as sentences for the user."""
    problems = []
    if not application.standards:
        problems.append(_("Choose at least one standard and the role you apply for."))
    for item in checklist(application):
        if item.requirement.mandatory and item.missing:
            what = {
                ("statement",): _("a statement"),
                ("file",): _("an evidence file"),
                ("statement", "file"): _("a statement and an evidence file"),
            }[tuple(item.missing)]
            problems.append(
                _(
                    "Requirement %(n)d (%(text)s) needs %(what)s.",
                    n=item.requirement.position + 1,
                    text=shorten(item.requirement.text, 40),
                    what=what,
                )
            )
    return problems


# --- submit, withdraw -----------------------------------------------------


def submit(application: Application, *, actor: User, now: datetime | None = None) -> None:
    """Submit, if complete and (unless returned for changes) before the deadline;
    the receipt is mailed by the `application_moved` receiver."""
    transition(application, S.SUBMITTED, actor=actor, now=now)


def withdraw(
    application: Application, *, actor: User, reason: str | None = None, now: datetime | None = None
) -> None:
    """Withdraw a submitted application, before the deadline (after it, the message
    sends the applicant to the secretariat)."""
    transition(application, S.WITHDRAWN, actor=actor, reason=reason, now=now)


def reopen(application: Application, *, actor: User, now: datetime | None = None) -> None:
    """Turn a withdrawn application back into a draft (before the deadline)."""
    transition(application, S.DRAFT, actor=actor, now=now)
