"""The default backend: export jobs in a thread pool of the web process, on a
committed database (another thread must see the job row), polled until done."""

from __future__ import annotations

import time
from io import BytesIO

import pytest
from flask_migrate import upgrade
from pypdf import PdfReader

from drafting import create_app
from drafting.accounts.models import User
from drafting.documents import services
from drafting.documents.models import StandardDocument
from drafting.export import ExportError
from drafting.extensions import db
from drafting.jobs import tasks
from tests.documents.factories import make_world
from tests.support import databases


@pytest.fixture(scope="module")
def thread_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("jobs_thread")
    url = databases.fresh_database_url(tmp, "jobs_thread")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_DIR": str(tmp / "uploads"),
            "EXPORT_DIR": str(tmp / "exports"),
            "SERVER_NAME": "drafting.test",
            "RATELIMIT_STORAGE_URI": "memory://",
            "EXPORT_QUEUE": "thread",
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        world = make_world()
        db.session.commit()
        ids = {
            "doc": world.document.id,
            "editor": world.main_editor.get_id(),
            "outsider": world.outsider.get_id(),
        }
    yield app, ids
    with app.app_context():
        db.engine.dispose()
    databases.drop_database(url)


def _client(app, user_id):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with client.session_transaction() as sess:
        sess["_user_id"] = user_id
        sess["_fresh"] = True
    return client


def _poll(client, url, *, give_up_after=60):
    # A guard against a hung job, not a timing assertion.
    deadline = time.monotonic() + give_up_after
    seen = []
    while True:
        status = client.get(url).get_json()
        if not seen or seen[-1] != (status["state"], status["progress"]):
            seen.append((status["state"], status["progress"]))
        if status["state"] in ("done", "failed") or time.monotonic() > deadline:
            return status, seen
        time.sleep(0.1)


def test_export_in_a_thread_is_polled_then_downloaded(thread_app):
    app, ids = thread_app
    doc_id = ids["doc"]
    client = _client(app, ids["editor"])
    r = client.post(f"/documents/{doc_id}/exports")
    assert r.status_code == 303
    status_url = r.headers["Location"] + ".json"
    first = client.get(status_url).get_json()
    assert first["state"] in ("queued", "running", "done")

    status, seen = _poll(client, status_url)
    assert status["state"] == "done", status
    assert seen[-1] == ("done", 100)
    assert [p for _s, p in seen] == sorted(p for _s, p in seen)  # progress only goes forward

    r = client.get(status["download_url"])
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(BytesIO(r.data)).pages)
    with app.app_context():
        assert db.session.get(StandardDocument, doc_id).title_zh in text

    # Cached: the second request answers with the PDF itself.
    r = client.post(f"/documents/{doc_id}/exports")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")

    outsider = _client(app, ids["outsider"])
    assert outsider.get(status_url).status_code == 404
    assert outsider.get(status["download_url"]).status_code == 404


def test_a_failing_export_in_a_thread_ends_failed(thread_app, monkeypatch):
    def fail(*args, **kwargs):
        raise ExportError(
            "导出进程意外退出 / The export process ended unexpectedly, probably out of memory.",
            code="crashed",
        )

    monkeypatch.setattr(tasks, "render_pdf", fail)
    app, ids = thread_app
    client = _client(app, ids["editor"])
    # A new revision, so that the cache does not answer.
    with app.app_context():
        doc = db.session.get(StandardDocument, ids["doc"])
        editor = db.session.get(User, int(ids["editor"].split(":")[0]))
        services.save_revision(
            doc,
            doc.head_revision.text + "\n本条为新增内容。\n",
            doc.head_revision_id,
            "a change",
            actor=editor,
        )
        db.session.commit()
    r = client.post(f"/documents/{ids['doc']}/exports")
    assert r.status_code == 303
    status, _seen = _poll(client, r.headers["Location"] + ".json")
    assert status["state"] == "failed" and "ended unexpectedly" in status["error"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "ended unexpectedly" in page and "Export again" in page
