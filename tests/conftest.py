"""Fixtures: the app on a real database, a rolled-back `db` per test,
`client`, `login_as(role)`, factories and a local SMTP sink.

The database is chosen by DRAFTING_TEST_DB (sqlite or postgresql); see
tests/support/databases.py. The schema is built by the Alembic migrations,
not by create_all, so every run also proves the migrations.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from hypothesis import settings
from sqlalchemy import event

from drafting import create_app
from drafting.accounts.models import User
from drafting.extensions import db as _db
from drafting.extensions import limiter
from tests.support import databases, factories
from tests.support.smtp import SmtpSink

# CI runs the property tests on a fixed sequence of examples, so that a green
# run stays green and a red one can be replayed; by hand they explore anew
# (and whatever they find becomes a regression test).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` exercise PostgreSQL itself; on the SQLite run
    they are deselected (they run, and must pass, on the PostgreSQL run)."""
    if databases.backend() == "postgresql":
        return
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgresql") else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def app(tmp_path_factory, smtp_sink):
    tmp = tmp_path_factory.mktemp("app")
    url = databases.fresh_database_url(tmp, "unit")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_DIR": str(tmp / "uploads"),
            "EXPORT_DIR": str(tmp / "exports"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_sink.port,
            "SERVER_NAME": "drafting.test",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    app.test_client_class = FreshContextClient
    with app.app_context():
        upgrade(revision="heads")
    yield app
    with app.app_context():
        _db.engine.dispose()
    databases.drop_database(url)


class FreshContextClient(FlaskClient):
    """Each request gets its own application context, as in production.

    The `db` fixture keeps an app context pushed for the whole test; without
    this, requests would reuse it and share `g` (and the logged-in user).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Tests read English messages unless they ask for another language.
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class _BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the app's engine; in tests every
    session must use the one connection whose transaction is rolled back."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def db(app):
    """The database, with everything a test writes rolled back afterwards.

    Requests commit as usual; each commit only releases a SAVEPOINT inside
    the outer transaction that this fixture rolls back.
    """
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _BoundSession,
            }
        )
        limiter.reset()
        try:
            # Messages made outside a request (services called by tests)
            # are asserted in English, like the test client's pages.
            with force_locale("en"):
                yield _db
        finally:
            _db.session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def mailbox(smtp_sink):
    smtp_sink.clear()
    return smtp_sink


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def make_org(db):
    return factories.make_org


@pytest.fixture
def sec(db):
    """A secretariat user."""
    return factories.make_user("secretariat")


@pytest.fixture
def make_user(db):
    return factories.make_user


@pytest.fixture
def login_as(client, db):
    """Log the test client in as a new user of `role` (or as a given user)."""

    def login(role_or_user="member", **kw):
        user = (
            role_or_user
            if isinstance(role_or_user, User)
            else factories.make_user(role_or_user, **kw)
        )
        db.session.commit()
        with client.session_transaction() as sess:
            sess.clear()
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        return user

    return login


@pytest.fixture
def query_counter(app, db):
    """Counts the SQL statements run inside a `with` block."""

    @contextmanager
    def count():
        statements: list[str] = []

        def before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                statements.append(statement)

        engine_conn = db.session.get_bind()
        event.listen(engine_conn.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(engine_conn.engine, "before_cursor_execute", before)

    return count
