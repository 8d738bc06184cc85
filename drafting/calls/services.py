"""Writing calls: drafts, standards, requirements, publishing, deadlines."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from drafting.accounts.models import User
from drafting.audit.services import record
from drafting.calls import signals
from drafting.calls.models import (
    CALL_STATE_LABELS,
    Call,
    CallAttachment,
    CallStandard,
    CallState,
    EvidenceKind,
    Requirement,
)
from drafting.calls.permissions import can_manage_calls
from drafting.core.errors import Conflict, Refused, ServiceError
from drafting.core.files import check_upload
from drafting.core.statemachine import Move, StateMachine
from drafting.core.timeutil import as_utc, utcnow
from drafting.extensions import db
from drafting.storage import store_blob

TRANSITIONS: dict[CallState, tuple[CallState, ...]] = {
    CallState.DRAFT: (CallState.PUBLISHED,),
    CallState.PUBLISHED: (CallState.DECIDED,),
    # A decided call is archived by the secretariat once its groups are at
    # work: it leaves the default lists and stays readable.
    CallState.DECIDED: (CallState.ARCHIVED,),
    CallState.ARCHIVED: (),
}


def _refused(old: CallState, new: CallState) -> str:
    return _(
        "A call in state “%(old)s” cannot become “%(new)s”.",
        old=CALL_STATE_LABELS[old],
        new=CALL_STATE_LABELS[new],
    )


def _has_standards_and_requirements(move: Move) -> None:
    if not move.obj.standards:
        raise Refused(
            _("Add at least one standard before publishing the call."), code="no_standards"
        )
    if not move.obj.requirements:
        raise Refused(
            _("Add at least one requirement before publishing the call."),
            code="no_requirements",
        )


def _stamp(column: str):
    def effect(move: Move) -> None:
        setattr(move.obj, column, move.extra.get("now") or utcnow())

    return effect


#: The call's states: draft → published (open / closed by its dates) → decided → archived.
CALL_STATES: StateMachine[CallState] = StateMachine(
    name="call",
    model=Call,
    states=CallState,
    moves=TRANSITIONS,
    refused=_refused,
    audit_action=lambda new: f"call.{new.value}",
    recorder=record,
    signal=signals.call_moved,
    guards={CallState.PUBLISHED: [_has_standards_and_requirements]},
    effects={
        CallState.PUBLISHED: [_stamp("published_at")],
        CallState.DECIDED: [_stamp("decided_at")],
    },
    permission=lambda user, call, to: can_manage_calls(user),
)


def transition(
    call: Call,
    new_state: CallState,
    *,
    actor: User | None,
    reason: str | None = None,
    now: datetime | None = None,
) -> None:
    """Move `call` to `new_state` if the table allows it (under the row lock); audit it."""
    CALL_STATES.transition(call, new_state, actor=actor, reason=reason, now=now)


def _minute(value: datetime) -> datetime:
    return as_utc(value).replace(second=0, microsecond=0)


def _check_dates(opens_at: datetime, closes_at: datetime) -> None:
    if as_utc(closes_at) <= as_utc(opens_at):
        raise ServiceError(_("The closing time must be after the opening time."), code="dates")


def create_call(
    *,
    title: str,
    notice: str,
    issuing_body: str,
    contact: str,
    opens_at: datetime,
    closes_at: datetime,
    actor: User,
) -> Call:
    """A new call in draft."""
    if not title.strip():
        raise ServiceError(_("A call needs a title."), code="title")
    _check_dates(opens_at, closes_at)
    call = Call(
        title=title.strip(),
        notice=notice,
        issuing_body=issuing_body.strip(),
        contact=contact.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        state=CallState.DRAFT,
    )
    db.session.add(call)
    db.session.flush()
    record(actor, "call.created", call, summary=call.title)
    return call


def update_call(call: Call, *, actor: User, **fields) -> None:
    """Change a call's text fields; dates of a published call change only by extend/close."""
    if call.state not in (CallState.DRAFT, CallState.PUBLISHED):
        raise Refused(_("A decided call can no longer be changed."), code="call_decided")
    if call.state != CallState.DRAFT:
        for key in ("opens_at", "closes_at"):
            # The form shows minutes: the same minute means "unchanged".
            if key in fields and _minute(fields[key]) != _minute(getattr(call, key)):
                raise Refused(
                    _(
                        "The dates of a published call change only by extending the deadline or closing early."
                    ),
                    code="dates_locked",
                )
            fields.pop(key, None)
    if "opens_at" in fields or "closes_at" in fields:
        _check_dates(fields.get("opens_at", call.opens_at), fields.get("closes_at", call.closes_at))
    changed = {}
    for key, value in fields.items():
        if getattr(call, key) != value:
            setattr(call, key, value)
            changed[key] = str(value)[:80]
    db.session.flush()
    if changed:
        record(actor, "call.updated", call, fields=sorted(changed))


def _check_structure_editable(call: Call) -> None:
    if call.state not in (CallState.DRAFT, CallState.PUBLISHED):
        raise Refused(_("A decided call can no longer be changed."), code="call_decided")


def add_standard(
    call: Call,
    *,
    title_zh: str,
    title_en: str = "",
    scope: str = "",
    planned_number: str = "",
    main_capacity: int = 3,
    actor: User,
) -> CallStandard:
    """Add a standard to a call that is not decided yet (a Chinese title, capacity ≥ 0; audited)."""
    _check_structure_editable(call)
    if not title_zh.strip():
        raise ServiceError(_("A standard needs a Chinese title."), code="title_zh")
    if main_capacity < 0:
        raise ServiceError(
            _("The number of main drafting units cannot be negative."), code="main_capacity"
        )
    _check_planned_number(call, planned_number)
    standard = CallStandard(
        call=call,
        title_zh=title_zh.strip(),
        title_en=title_en.strip(),
        scope=scope,
        planned_number=planned_number.strip(),
        main_capacity=main_capacity,
        position=len(call.standards),
    )
    db.session.add(standard)
    db.session.flush()
    record(actor, "call.standard_added", call, standard_id=standard.id, summary=standard.title_zh)
    return standard


def _check_planned_number(call: Call, number: str, *, standard: CallStandard | None = None) -> None:
    number = number.strip()
    if number and any(s.planned_number == number and s is not standard for s in call.standards):
        raise Conflict(
            _(
                "Another standard of this call has the planned number %(number)s already.",
                number=number,
            ),
            code="planned_number_taken",
        )


STANDARD_FIELDS = ("title_zh", "title_en", "scope", "planned_number", "main_capacity")


def update_standard(call: Call, standard: CallStandard, *, actor: User, **fields) -> None:
    """Change a standard of a call (until the call is decided); same checks as adding one."""
    if standard.call_id != call.id:
        raise ServiceError(_("This standard is not part of the call."), code="not_in_call")
    _check_structure_editable(call)
    unknown = set(fields) - set(STANDARD_FIELDS)
    if unknown:
        raise ValueError(f"not a standard field: {sorted(unknown)}")
    if "title_zh" in fields and not fields["title_zh"].strip():
        raise ServiceError(_("A standard needs a Chinese title."), code="title_zh")
    if fields.get("main_capacity", 0) < 0:
        raise ServiceError(
            _("The number of main drafting units cannot be negative."), code="main_capacity"
        )
    if "planned_number" in fields:
        _check_planned_number(call, fields["planned_number"], standard=standard)
    changed = []
    for key, value in fields.items():
        value = value.strip() if isinstance(value, str) and key != "scope" else value
        if getattr(standard, key) != value:
            setattr(standard, key, value)
            changed.append(key)
    db.session.flush()
    if changed:
        record(
            actor,
            "call.standard_updated",
            call,
            standard_id=standard.id,
            fields=changed,
            summary=standard.title_zh,
        )


def remove_standard(call: Call, standard: CallStandard, *, actor: User) -> None:
    """Remove a standard from a draft call; refused once published (applications may name it)."""
    if standard.call_id != call.id:
        raise ServiceError(_("This standard is not part of the call."), code="not_in_call")
    if call.state != CallState.DRAFT:
        raise Refused(
            _(
                "The call is published: removing a standard would invalidate applications for it. Add a note to the notice instead."
            ),
            code="published_structure",
        )
    call.standards.remove(standard)
    db.session.flush()
    record(actor, "call.standard_removed", call, standard_id=standard.id, summary=standard.title_zh)


def add_requirement(
    call: Call,
    *,
    text: str,
    mandatory: bool = True,
    evidence: EvidenceKind = EvidenceKind.BOTH,
    weight: int = 1,
    standard_ids: list[int] | None = None,
    actor: User,
) -> Requirement:
    """A requirement for every standard (no `standard_ids`) or for the given ones."""
    _check_structure_editable(call)
    if not text.strip():
        raise ServiceError(_("A requirement needs a text."), code="text")
    if weight < 0:
        raise ServiceError(_("The weight cannot be negative."), code="weight")
    standards = [s for s in call.standards if s.id in set(standard_ids or [])]
    if standard_ids and len(standards) != len(set(standard_ids)):
        raise ServiceError(_("Choose standards of this call."), code="standards")
    if call.state != CallState.DRAFT and mandatory:
        # Applicants already submitted would suddenly be incomplete.
        raise Refused(
            _("The call is published: a new requirement can only be optional."),
            code="published_structure",
        )
    requirement = Requirement(
        call=call,
        text=text.strip(),
        mandatory=mandatory,
        evidence=evidence,
        weight=weight,
        applies_to_all=not standards,
        standards=standards,
        position=len(call.requirements),
    )
    db.session.add(requirement)
    db.session.flush()
    record(
        actor,
        "call.requirement_added",
        call,
        requirement_id=requirement.id,
        summary=requirement.text,
    )
    return requirement


def update_requirement(
    call: Call,
    requirement: Requirement,
    *,
    actor: User,
    text: str | None = None,
    mandatory: bool | None = None,
    evidence: EvidenceKind | None = None,
    weight: int | None = None,
    standard_ids: list[int] | None = None,
    all_standards: bool = False,
) -> None:
    """Change a requirement. Once the call is published only its wording may change:
    what it asks for is what applicants have already answered."""
    if requirement.call_id != call.id:
        raise ServiceError(_("This requirement is not part of the call."), code="not_in_call")
    _check_structure_editable(call)
    structural = (mandatory, evidence, weight, standard_ids)
    if call.state != CallState.DRAFT and (any(v is not None for v in structural) or all_standards):
        raise Refused(
            _(
                "The call is published: only the wording of a requirement can change, not what it asks for."
            ),
            code="published_structure",
        )
    changed = []
    if text is not None:
        if not text.strip():
            raise ServiceError(_("A requirement needs a text."), code="text")
        if requirement.text != text.strip():
            requirement.text = text.strip()
            changed.append("text")
    if weight is not None:
        if weight < 0:
            raise ServiceError(_("The weight cannot be negative."), code="weight")
        requirement.weight = weight
        changed.append("weight")
    if mandatory is not None:
        requirement.mandatory = mandatory
        changed.append("mandatory")
    if evidence is not None:
        requirement.evidence = evidence
        changed.append("evidence")
    if standard_ids is not None or all_standards:
        standards = [s for s in call.standards if s.id in set(standard_ids or [])]
        if standard_ids and len(standards) != len(set(standard_ids)):
            raise ServiceError(_("Choose standards of this call."), code="standards")
        requirement.standards = standards
        requirement.applies_to_all = not standards
        changed.append("standards")
    db.session.flush()
    if changed:
        record(
            actor,
            "call.requirement_updated",
            call,
            requirement_id=requirement.id,
            fields=changed,
            summary=requirement.text,
        )


def remove_requirement(call: Call, requirement: Requirement, *, actor: User) -> None:
    """Remove a requirement from a draft call; refused once published (answers may exist)."""
    if requirement.call_id != call.id:
        raise ServiceError(_("This requirement is not part of the call."), code="not_in_call")
    if call.state != CallState.DRAFT:
        raise Refused(
            _(
                "The call is published: removing a requirement would invalidate the answers already given. Mark it in the notice instead."
            ),
            code="published_structure",
        )
    call.requirements.remove(requirement)
    db.session.flush()
    record(
        actor,
        "call.requirement_removed",
        call,
        requirement_id=requirement.id,
        summary=requirement.text,
    )


def publish(call: Call, *, actor: User, now: datetime | None = None) -> None:
    """Publish a draft call that has standards and requirements; it opens by its dates."""
    transition(call, CallState.PUBLISHED, actor=actor, now=now)


def archive(call: Call, *, actor: User) -> None:
    """Archive a decided call: it leaves the default lists and stays readable."""
    transition(call, CallState.ARCHIVED, actor=actor)


def extend_deadline(call: Call, new_closes_at: datetime, *, actor: User) -> None:
    """Move the deadline later and tell every organization that has an application."""
    if call.state != CallState.PUBLISHED:
        raise Refused(_("Only a published call's deadline can be extended."), code="not_published")
    if as_utc(new_closes_at) <= as_utc(call.closes_at):
        raise ServiceError(
            _("The new deadline must be later than the current one."), code="closes_at"
        )
    old = call.closes_at
    call.closes_at = new_closes_at
    db.session.flush()
    record(
        actor, "call.deadline_extended", call, old=old.isoformat(), new=new_closes_at.isoformat()
    )
    signals.deadline_extended.send(call)


def close_early(call: Call, *, actor: User, now: datetime | None = None) -> None:
    """End an open call's application period now (the secretariat; audited with the old deadline)."""
    now = now or utcnow()
    if call.state != CallState.PUBLISHED or call.has_closed(now):
        raise Refused(_("This call is not open."), code="not_open")
    old = call.closes_at
    # A call closed before it opened keeps a one-second window, so that the
    # dates stay ordered (check constraint).
    call.closes_at = max(now, as_utc(call.opens_at) + timedelta(seconds=1))
    db.session.flush()
    record(actor, "call.closed_early", call, old=old.isoformat())


def add_attachment(call: Call, *, filename: str, data: bytes, actor: User) -> CallAttachment:
    """Attach a file to a call that is not decided yet (content checked as every upload; audited)."""
    _check_structure_editable(call)
    name, content_type = check_upload(filename, data)
    sha = store_blob(data)
    attachment = CallAttachment(
        call=call, filename=name, sha256=sha, content_type=content_type, size=len(data)
    )
    db.session.add(attachment)
    db.session.flush()
    record(actor, "call.attachment_added", call, attachment_id=attachment.id, summary=name)
    return attachment


def remove_attachment(call: Call, attachment: CallAttachment, *, actor: User) -> None:
    """Remove a file from a call (audited)."""
    call.attachments.remove(attachment)
    db.session.flush()
    record(
        actor,
        "call.attachment_removed",
        call,
        attachment_id=attachment.id,
        summary=attachment.filename,
    )


def public_calls(*, archived: bool = False) -> list[Call]:
    """The calls everyone sees, latest deadline first: published and decided
    ones, or (``archived=True``) the archived ones."""
    query = select(Call).order_by(Call.closes_at.desc())
    if archived:
        query = query.where(Call.state == CallState.ARCHIVED)
    else:
        query = query.where(Call.state.in_((CallState.PUBLISHED, CallState.DECIDED)))
    return list(db.session.scalars(query))
