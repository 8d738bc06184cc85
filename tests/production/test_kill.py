"""A worker killed in the middle of an upload or a save (SIGKILL, as the OOM
killer or a crash would) leaves nothing half-written that the app then
shows: no attachment row, no revision, no blob under a content-hash name
that is not whole.

To kill a request at a known point, the test holds a lock the request
needs: on PostgreSQL the audit table (written last, after the attachment
or revision rows and the blob are written but before the commit); on
SQLite the database's write lock (the request waits at its first
statement, as writers do during a rush)."""

from __future__ import annotations

import contextlib
import hashlib
import socket
import sqlite3
import threading
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from drafting.config import normalise_database_url
from tests.support import databases, server
from tests.support.apiclient import (
    SessionApi,
    kill_workers,
    multipart,
    pdf_bytes,
    wait_for_new_workers,
)
from tests.support.http import Browserish

APPLICANT = "zhang.min@hualithium.example"  # the demo's draft application
EDITOR = "li.wei@greencell.example"  # main drafting unit of the demo document
PASSWORD = "demo-password-2026"


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("kill")
    url, env = server.prepare_database(tmp_path, "kill")
    srv = server.Server(env, tmp_path / "server.log", gunicorn=True)
    engine = create_engine(normalise_database_url(url))
    yield srv, url, engine, Path(env["UPLOAD_DIR"])
    engine.dispose()
    srv.stop()
    databases.drop_database(url)


def _scalar(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


@contextlib.contextmanager
def held_lock(url: str):
    """Hold a lock that a write request needs; yields `wait_until_blocked()`."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split("sqlite:///", 1)[1], isolation_level=None, timeout=15)
        conn.execute("BEGIN IMMEDIATE")

        def wait_until_blocked():
            time.sleep(
                1.0
            )  # cannot be observed on SQLite; whatever the timing, nothing may be written

        try:
            yield wait_until_blocked
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return

    name = url.rsplit("/", 1)[1]
    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    conn.execute("LOCK TABLE audit_entry IN EXCLUSIVE MODE")

    def wait_until_blocked():
        deadline = time.monotonic() + 20
        with databases._admin_connection() as admin:
            while time.monotonic() < deadline:
                waiting = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                    (name,),
                ).fetchone()[0]
                if waiting:
                    return
                time.sleep(0.05)
        raise AssertionError("the request never reached the held lock")

    try:
        yield wait_until_blocked
    finally:
        conn.rollback()
        conn.close()


def _kill_and_recover(srv) -> None:
    killed = kill_workers(srv.proc.pid)
    wait_for_new_workers(srv.proc.pid, killed, 2)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(srv.base + "/healthz", timeout=5)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _in_background(fn) -> threading.Thread:
    def run():
        with contextlib.suppress(Exception):  # the connection dies with the worker
            fn()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _applicant(srv, engine):
    client = Browserish()
    assert client.login(srv.base, APPLICANT, PASSWORD).status == 302
    api = SessionApi(client, srv.base)
    [application] = api.call("GET", "/applications").json()
    assert application["state"] == "draft"
    file_requirement = _scalar(
        engine,
        "SELECT id FROM requirement WHERE call_id = :c AND evidence = 'both' ORDER BY position",
        c=application["call_id"],
    )
    return client, api, application["id"], file_requirement


def _assert_storage_consistent(
    api, engine, upload_dir: Path, application_id: int, absent_sha: str | None = None
):
    """Every blob under a hash name is whole; every attachment the app lists
    is stored and served whole; `absent_sha` is listed nowhere."""
    for path in upload_dir.rglob("*"):
        if path.is_file() and not path.name.startswith(".tmp-"):
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name, (
                f"half-written blob {path}"
            )
    listed = api.call("GET", f"/applications/{application_id}").json()["attachments"]
    with engine.connect() as conn:
        rows = dict(
            conn.execute(
                text("SELECT id, sha256 FROM attachment WHERE application_id = :a"),
                {"a": application_id},
            ).all()
        )
    assert {f["id"] for f in listed} == set(rows)
    for f in listed:
        r = api.client.get(f"{api.base}/api/v1/applications/{application_id}/attachments/{f['id']}")
        assert r.status == 200
        assert rows[f["id"]] != absent_sha
    if absent_sha:
        page = api.client.get(f"{api.base}/applications/{application_id}").text
        assert absent_sha not in page


def test_worker_killed_while_receiving_an_upload(app_server):
    """Killed after the headers and half of a large evidence file arrived."""
    srv, _url, engine, upload_dir = app_server
    client, api, application_id, requirement_id = _applicant(srv, engine)
    content = pdf_bytes("killed-mid-body", size=4 * 1024 * 1024)
    sha = hashlib.sha256(content).hexdigest()
    body, ctype = multipart(
        {"requirement_id": requirement_id}, "file", "半截上传.pdf", content, "application/pdf"
    )
    cookies = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    head = (
        f"POST /api/v1/applications/{application_id}/attachments HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{srv.port}\r\nCookie: {cookies}\r\nX-CSRFToken: {api.token}\r\n"
        f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    before = _scalar(engine, "SELECT count(*) FROM attachment")
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as sock:
        sock.sendall(head + body[: len(body) // 2])
        time.sleep(0.5)  # let a worker take the request and read what was sent
        _kill_and_recover(srv)
    assert _scalar(engine, "SELECT count(*) FROM attachment") == before
    assert not (upload_dir / sha[:2] / sha).exists()
    _assert_storage_consistent(api, engine, upload_dir, application_id, absent_sha=sha)
    # The applicant simply uploads again, and it works.
    r = api.upload(
        f"/applications/{application_id}/attachments",
        {"requirement_id": requirement_id},
        "半截上传.pdf",
        content,
        "application/pdf",
    )
    assert r.status == 201
    _assert_storage_consistent(api, engine, upload_dir, application_id)


def test_worker_killed_while_storing_an_upload(app_server):
    """Killed while the upload's transaction is open (on PostgreSQL after the
    blob and the attachment row were written, before the commit)."""
    srv, url, engine, upload_dir = app_server
    _client, api, application_id, requirement_id = _applicant(srv, engine)
    content = pdf_bytes("killed-before-commit", size=256 * 1024)
    sha = hashlib.sha256(content).hexdigest()
    before = _scalar(engine, "SELECT count(*) FROM attachment")
    with held_lock(url) as wait_until_blocked:
        _in_background(
            lambda: api.upload(
                f"/applications/{application_id}/attachments",
                {"requirement_id": requirement_id},
                "营业执照扫描件.pdf",
                content,
                "application/pdf",
            )
        )
        wait_until_blocked()
        _kill_and_recover(srv)
    assert _scalar(engine, "SELECT count(*) FROM attachment") == before
    assert _scalar(engine, "SELECT count(*) FROM attachment WHERE sha256 = :s", s=sha) == 0
    # On PostgreSQL the blob was renamed into place before the worker died:
    # whole (renamed from a temp file), unreferenced and never listed or served.
    blob = upload_dir / sha[:2] / sha
    if url.startswith("postgresql"):
        assert blob.exists(), "the test meant to kill the worker after the blob was stored"
    if blob.exists():
        assert blob.read_bytes() == content
    _assert_storage_consistent(api, engine, upload_dir, application_id, absent_sha=sha)
    r = api.upload(
        f"/applications/{application_id}/attachments",
        {"requirement_id": requirement_id},
        "营业执照扫描件.pdf",
        content,
        "application/pdf",
    )
    assert r.status == 201
    download = api.client.get(
        f"{srv.base}/api/v1/applications/{application_id}/attachments/{r.json()['id']}"
    )
    assert download.status == 200


def test_worker_killed_while_saving_a_document(app_server):
    """Killed while a new revision is being saved (on PostgreSQL after the
    revision row and the head pointer were written, before the commit)."""
    srv, url, engine, _upload_dir = app_server
    client = Browserish()
    assert client.login(srv.base, EDITOR, PASSWORD).status == 302
    api = SessionApi(client, srv.base)
    [document] = [d for d in api.call("GET", "/documents").json() if d["can_edit"]][:1]
    doc_id, head_id = document["id"], document["head_revision_id"]
    head_text = api.call("GET", f"/documents/{doc_id}/revisions/{head_id}").json()["text"]
    revisions_before = _scalar(
        engine, "SELECT count(*) FROM revision WHERE document_id = :d", d=doc_id
    )
    new_text = head_text + "\n本段落在工作进程被终止时正在保存。\n"
    with held_lock(url) as wait_until_blocked:
        _in_background(
            lambda: api.call(
                "POST",
                f"/documents/{doc_id}/revisions",
                {"text": new_text, "base_revision_id": head_id, "message": "killed"},
            )
        )
        wait_until_blocked()
        _kill_and_recover(srv)
    assert (
        _scalar(engine, "SELECT count(*) FROM revision WHERE document_id = :d", d=doc_id)
        == revisions_before
    )
    assert (
        _scalar(engine, "SELECT head_revision_id FROM standard_document WHERE id = :d", d=doc_id)
        == head_id
    )
    shown = api.call("GET", f"/documents/{doc_id}").json()
    assert shown["head_revision_id"] == head_id
    assert "被终止" not in client.get(f"{srv.base}/documents/{doc_id}").text
    # Saving again from the same base works: no lock or half-state was left behind.
    r = api.call(
        "POST",
        f"/documents/{doc_id}/revisions",
        {"text": new_text, "base_revision_id": head_id, "message": "again"},
    )
    assert r.status == 201, r.text[:300]
    assert (
        api.call("GET", f"/documents/{doc_id}").json()["head_revision_id"]
        == r.json()["revision"]["id"]
    )
