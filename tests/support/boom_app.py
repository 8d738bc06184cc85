"""The app with routes that fail on purpose, for tests of error handling on a real server.

Served by gunicorn as `tests.support.boom_app:app`; never part of the product.
"""

from __future__ import annotations

from sqlalchemy import select

from drafting import create_app
from drafting.accounts.models import Organization
from drafting.extensions import db

app = create_app()


@app.route("/_test/boom")
def _boom():
    raise RuntimeError("secret internals 42")


@app.route("/api/v1/_test/boom")
def _api_boom():
    raise RuntimeError("secret internals 43")


@app.route("/_test/flush-boom")
def _flush_boom():
    """A failed flush (a unique violation) leaves the session needing a rollback."""
    existing = db.session.scalars(select(Organization)).first()
    db.session.add(
        Organization(name=existing.name, credit_code=existing.credit_code, type=existing.type)
    )
    db.session.flush()
    return "not reached"
