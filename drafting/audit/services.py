"""Writing to the audit log."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from drafting.audit.models import AuditEntry
from drafting.extensions import db


def record(
    actor,
    action: str,
    obj: Any = None,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    summary: str = "",
    **details: Any,
) -> AuditEntry:
    """Add one audit row for `action` by `actor` on `obj`, in the current transaction.

    `obj` is any model instance with an `id`; it is flushed first so that a
    new object has its id. Pass `object_type`/`object_id` when there is no
    instance at hand.
    """
    if obj is not None:
        if getattr(obj, "id", None) is None:
            db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = obj.id
    actor_id = getattr(actor, "id", None) if actor is not None else None
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        summary=summary[:500],
        details={k: _jsonable(v) for k, v in details.items()},
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
