"""One commit per request.

Services change objects and flush; this module commits once when the view
succeeded, or rolls everything back, so a write is whole or not at all.
Work that must happen only after the data is safely stored (sending mail)
registers an after-commit callback.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import event

from drafting.extensions import db


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current request's transaction has committed."""
    g.setdefault("_after_commit", []).append(callback)


def keep_on_error() -> None:
    """Commit even though the response is an error (e.g. a 409 that stores
    the user's text as a recoverable draft)."""
    g._commit_on_error = True


def writes(view: Callable) -> Callable:
    """Mark a GET view that writes (e.g. it starts an export job): on SQLite its
    transaction takes the write lock up front, as a POST's does."""
    view._writes = True
    return view


def end_read() -> None:
    """End the request's transaction before slow work that needs no lock (hashing
    a password): on SQLite a write request's transaction holds the write lock from
    its first query, and 50 logins hashing under it queue up past the busy timeout.
    Only before the request has written anything: nothing is kept (it rolls back).
    The next query begins a new transaction."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("end_read() after the request has changed objects")
    db.session.rollback()


def _writing_request() -> bool:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "_writes", False))


def commit() -> None:
    """Commit now and run the after-commit callbacks (CLI commands, jobs)."""
    db.session.commit()
    _run_callbacks()


def _run_callbacks() -> None:
    callbacks = g.pop("_after_commit", [])
    for callback in callbacks:
        callback()


def init_app(app: Flask) -> None:
    @app.after_request
    def _commit(response: Response) -> Response:
        if response.status_code < 400 or g.get("_commit_on_error"):
            db.session.commit()
            _run_callbacks()
        else:
            db.session.rollback()
            g.pop("_after_commit", None)
        return response

    @app.teardown_request
    def _rollback(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()


def configure_sqlite(engine) -> None:
    """WAL, a busy timeout, foreign keys, and transactions that we begin
    ourselves so that SQLite honours SAVEPOINT and BEGIN IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A write request takes the write lock up front: a transaction that
        # reads then writes can otherwise fail with "database is locked"
        # despite the busy timeout.

        if has_request_context() and _writing_request():
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
