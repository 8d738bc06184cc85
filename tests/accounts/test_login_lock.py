"""The password of a login is checked with no transaction open.

On SQLite a write request's transaction holds the database's write lock from its
first query; fifty applicants logging in at once then queued behind each other's
password hashing until the busy timeout answered 500 (tests/production/test_rush.py
on a busy machine). These tests use an app of their own on a SQLite file, committed
for real, since the `db` fixture keeps one transaction open for the whole test.
"""

import sqlite3

import pytest
from flask_migrate import upgrade

from drafting import create_app
from drafting.accounts import services
from drafting.accounts.models import User
from drafting.extensions import db
from tests.support import factories
from tests.support.factories import PASSWORD


@pytest.fixture
def sqlite_app(tmp_path):
    path = tmp_path / "lock.db"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "lock-test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "EXPORT_DIR": str(tmp_path / "exports"),
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SUPPRESS_SEND": True,
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        user = factories.make_user()
        db.session.commit()
        email, user_id = user.email, user.id
    yield app, path, email, user_id
    with app.app_context():
        db.engine.dispose()


def _another_writer_gets_the_lock_at_once(path) -> None:
    other = sqlite3.connect(path, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if anyone holds it
        other.rollback()
    finally:
        other.close()


def test_nobody_waits_for_a_login_to_hash_its_password(sqlite_app, monkeypatch):
    app, path, email, user_id = sqlite_app
    real_verify = services.verify_password
    checked = []

    def verify(password_hash, password):
        _another_writer_gets_the_lock_at_once(path)
        checked.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(services, "verify_password", verify)
    client = app.test_client()
    r = client.post("/login", data={"email": email, "password": "not the password at all"})
    assert r.status_code == 401
    r = client.post("/login", data={"email": email, "password": PASSWORD})
    assert r.status_code == 302 and checked == ["not the password at all", PASSWORD]
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.last_login_at is not None  # the login's own writes were stored


def test_a_password_changed_during_the_check_does_not_log_in(sqlite_app, monkeypatch):
    app, _path, email, user_id = sqlite_app
    real_verify = services.verify_password

    def verify(password_hash, password):
        with app.app_context():  # meanwhile, the owner changes the password elsewhere
            db.session.get(User, user_id).password_hash = services.hash_password("another-1-pass")
            db.session.commit()
        return real_verify(password_hash, password)

    monkeypatch.setattr(services, "verify_password", verify)
    r = app.test_client().post("/login", data={"email": email, "password": PASSWORD})
    assert r.status_code == 401
