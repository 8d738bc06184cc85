"""Column types shared by every domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Enum, TypeDecorator

from drafting.core.timeutil import as_utc


def str_enum(cls, name: str, length: int = 32) -> Enum:
    """An enum stored as plain strings with a CHECK constraint.

    No PostgreSQL ENUM type: adding a value is a migration of the constraint
    only, the same on SQLite and PostgreSQL.
    """
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda e: [m.value for m in e],
    )


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on PostgreSQL and SQLite alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use drafting.core.timeutil.utcnow()")
        value = as_utc(value)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        return as_utc(value)
