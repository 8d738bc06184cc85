"""Which database the suite runs on, and creating its own database.

`DRAFTING_TEST_DB=sqlite` (default) or `postgresql`. On PostgreSQL the suite
creates its own database on the server at `TEST_PG_SERVER`; when that server
cannot be reached the run stops with an error: it is never skipped.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

PG_SERVER = os.environ.get("TEST_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")


def backend() -> str:
    value = os.environ.get("DRAFTING_TEST_DB", "sqlite").lower()
    if value not in {"sqlite", "postgresql"}:
        raise pytest.UsageError(f"DRAFTING_TEST_DB must be sqlite or postgresql, not {value!r}")
    return value


def _admin_connection():
    url = PG_SERVER.replace("postgresql+psycopg://", "postgresql://")
    try:
        return psycopg.connect(url + "/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.exit(
            f"PostgreSQL is not reachable at {url} ({exc}). Start it with: "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
            returncode=3,
        )


def fresh_database_url(tmp_dir, purpose: str) -> str:
    """A new, empty database for `purpose` (unit tests, the browser tests' server…)."""
    if backend() == "sqlite":
        return f"sqlite:///{tmp_dir}/{purpose}.db"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"drafting_test_{purpose}_{worker}_{uuid.uuid4().hex[:6]}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    name = url.rsplit("/", 1)[1]
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
