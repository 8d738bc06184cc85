"""The approval API: the 编制说明 sections (GET/PUT with a version) and the package ZIP."""

from __future__ import annotations

import io
import zipfile

from drafting.approval import package
from drafting.documents.states import DocumentStage
from tests.approval.factories import make_approval_world


def test_notes_through_the_api(aw, client, login_as):
    login_as(aw.main_editor)
    url = f"/api/v1/documents/{aw.document.id}/explanatory-notes"
    r = client.get(url)
    assert r.status_code == 200 and r.json["version"] == 0 and r.json["other"] == ""
    r = client.put(url, json={"technical_content": "依据**试验**。", "version": 0})
    assert r.status_code == 200 and r.json["version"] == 1
    assert r.json["technical_content"] == "依据**试验**。"
    r = client.put(url, json={"other": "晚到的修改", "version": 0})
    assert r.status_code == 409 and r.json["error"] == "notes_changed"
    r = client.put(url, json={"other": "长" * 20_001})
    assert r.status_code == 422 and "other" in r.json["fields"]
    r = client.put(url, json={"other": 5})
    assert r.status_code == 422
    login_as(aw.participant)
    assert client.put(url, json={"other": "x"}).status_code == 403


def test_the_package_through_the_api(db, client, login_as, monkeypatch):
    w = make_approval_world(stage=DocumentStage.DRAFT_FOR_REVIEW)
    login_as(w.main_editor)
    url = f"/api/v1/documents/{w.document.id}/approval-package"
    r = client.post(url)
    assert r.status_code == 409 and r.json["error"] == "not_draft_for_approval"
    w2 = make_approval_world()
    login_as(w2.main_editor)
    # Two cheap parts: the whole package is tests/approval/test_package.py's.
    cheap = [p for p in package.PARTS if p.key in ("resolution_table", "notes_docx")]
    monkeypatch.setattr(package, "PARTS", cheap)
    r = client.post(f"/api/v1/documents/{w2.document.id}/approval-package")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as zf:
        assert sum(n.endswith(".xlsx") or n.endswith(".docx") for n in zf.namelist()) == 2
