"""Reads of calls used by more than one view (pages and API)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from drafting.calls.models import Call, Requirement
from drafting.extensions import db


def load_call(call_id: int) -> Call | None:
    """The call with its standards and requirements loaded, or None."""
    return db.session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .options(
            selectinload(Call.standards),
            selectinload(Call.requirements).selectinload(Requirement.standards),
        )
    )
