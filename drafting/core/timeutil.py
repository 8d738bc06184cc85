"""Time in one place: store UTC, show the user's zone."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import get_timezone


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_utc(local: datetime | None) -> datetime | None:
    """A naive time typed in the user's zone (a datetime-local form field), as UTC."""
    if local is None:
        return None
    return as_utc(
        get_timezone().localize(local)
        if hasattr(get_timezone(), "localize")
        else local.replace(tzinfo=get_timezone())
    )


def to_local(value: datetime | None) -> datetime | None:
    """A stored time as a naive time in the user's zone, to fill a datetime-local form field."""
    if value is None:
        return None
    return as_utc(value).astimezone(get_timezone()).replace(tzinfo=None)
