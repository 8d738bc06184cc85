"""A pooled PostgreSQL connection that died while idle (a database restart, a
firewall) is replaced before a request uses it; a busy one is not pinged."""

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from drafting import create_app
from drafting.extensions import db

pytestmark = pytest.mark.postgresql


def _app(url: str, idle_seconds: float):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "ping-test",
            "SQLALCHEMY_DATABASE_URI": url,
            "DATABASE_PING_AFTER_IDLE_SECONDS": idle_seconds,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    return app


def _backend_pid(app) -> int:
    with app.app_context():
        try:
            return db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        finally:
            db.session.remove()  # the connection goes back to the pool


def _terminate(url: str, pid: int) -> None:
    with psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as c:
        assert c.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]


def test_a_connection_cut_while_idle_is_replaced_unseen(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    pinged = _app(url, idle_seconds=0)
    first = _backend_pid(pinged)
    _terminate(url, first)
    second = _backend_pid(pinged)  # no error: the checkout found it dead and connected again
    assert second != first
    assert _backend_pid(pinged) == second  # and the new one is kept
    with pinged.app_context():
        db.engine.dispose()


def test_without_the_idle_check_the_dead_connection_reaches_the_request(app):
    # What the check prevents: a connection used a moment ago is trusted as it is.
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    trusting = _app(url, idle_seconds=3600)
    _terminate(url, _backend_pid(trusting))
    with pytest.raises(OperationalError):
        _backend_pid(trusting)
    with trusting.app_context():
        db.engine.dispose()
