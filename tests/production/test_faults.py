"""Faults: the database dropping every connection, a mail server that is down."""

from __future__ import annotations

import pytest

from tests.support import databases, server
from tests.support.http import Browserish


@pytest.mark.postgresql
def test_app_survives_postgresql_dropping_its_connections(tmp_path):
    """Like a PostgreSQL restart: every server-side connection of the app is
    killed; the next requests work again without restarting the app (the
    pool pings a connection before using it)."""
    url, env = server.prepare_database(tmp_path, "faults")
    srv = server.Server(env, tmp_path / "server.log", gunicorn=True)
    try:
        client = Browserish()
        assert (
            client.login(srv.base, "secretariat@drafting.example", "demo-password-2026").status
            == 302
        )
        assert client.get(srv.base + "/admin/users").status == 200
        name = url.rsplit("/", 1)[1]
        with databases._admin_connection() as conn:
            killed = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            ).fetchone()[0]
        assert killed >= 1
        statuses = [client.get(srv.base + "/admin/users").status for _ in range(6)]
        assert statuses == [200] * 6, statuses
        assert Browserish().get(srv.base + "/healthz").json()["checks"]["database"] == "ok"
    finally:
        srv.stop()
        databases.drop_database(url)
