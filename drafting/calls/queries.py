"""Reads of calls used by more than one view (pages and API)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from drafting.calls.models import Call, CallState, requirement_standard
from drafting.core.timeutil import utcnow
from drafting.extensions import db


def load_call(call_id: int) -> Call | None:
    """The call with its standards and requirements (and the standards each
    requirement is limited to) loaded, or None.

    Three queries when every requirement applies to all standards (the usual
    case), four otherwise: the requirement–standard links come as (id, id)
    pairs matched to the standards already loaded, instead of a nested
    selectinload that joins and loads the standards again.
    """
    # selectinload, not joinedload, for the standards: `session.refresh(call,
    # with_for_update=True)` (publishing decisions) repeats the load options,
    # and PostgreSQL refuses FOR UPDATE on the outer side of a join.
    call = db.session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .options(selectinload(Call.standards), selectinload(Call.requirements))
    )
    if call is None:
        return None
    limited = [r for r in call.requirements if not r.applies_to_all]
    links: dict[int, list[int]] = {}
    if limited:
        for requirement_id, standard_id in db.session.execute(
            select(requirement_standard.c.requirement_id, requirement_standard.c.standard_id).where(
                requirement_standard.c.requirement_id.in_([r.id for r in limited])
            )
        ):
            links.setdefault(requirement_id, []).append(standard_id)
    for r in call.requirements:
        if "standards" in r.__dict__:  # already loaded in this session
            continue
        chosen = set(links.get(r.id, ()))
        set_committed_value(r, "standards", [s for s in call.standards if s.id in chosen])
    return call


# What a list of calls shows: not the notice, which can be long.
_LIST_COLUMNS = (Call.id, Call.title, Call.issuing_body, Call.state, Call.opens_at, Call.closes_at)
CALLS_PER_PAGE = 20


def current_calls(now: datetime | None = None) -> list[Call]:
    """Published calls not yet closed (open or opening soon), latest deadline first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Call)
            .where(Call.state == CallState.PUBLISHED, Call.closes_at > now)
            .order_by(Call.closes_at.desc(), Call.id.desc())
            .options(load_only(*_LIST_COLUMNS))
        )
    )


def past_calls(
    page: int = 1, *, archived: bool = False, now: datetime | None = None
) -> tuple[list[Call], bool]:
    """One page of the closed and decided calls (or, ``archived=True``, of the
    archived ones), latest deadline first, and whether another page follows."""
    now = now or utcnow()
    if archived:
        condition = Call.state == CallState.ARCHIVED
    else:
        condition = or_(
            Call.state == CallState.DECIDED,
            (Call.state == CallState.PUBLISHED) & (Call.closes_at <= now),
        )
    rows = list(
        db.session.scalars(
            select(Call)
            .where(condition)
            .order_by(Call.closes_at.desc(), Call.id.desc())
            .options(load_only(*_LIST_COLUMNS))
            .offset((page - 1) * CALLS_PER_PAGE)
            .limit(CALLS_PER_PAGE + 1)
        )
    )
    return rows[:CALLS_PER_PAGE], len(rows) > CALLS_PER_PAGE


def draft_calls() -> list[Call]:
    return list(
        db.session.scalars(
            select(Call)
            .where(Call.state == CallState.DRAFT)
            .order_by(Call.id.desc())
            .options(load_only(*_LIST_COLUMNS))
        )
    )
