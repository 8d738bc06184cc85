"""A new document made directly from a Word file, and the cover fields of an import
applied to a document's settings when the editor ticks them (each shown old → new)."""

from __future__ import annotations

import io
from datetime import date

from drafting.audit.models import AuditEntry
from drafting.documents.models import DocumentAttachment, Revision, StandardDocument
from drafting.word.importer import import_docx
from drafting.word.services import meta_changes
from tests.documents.factories import make_document
from tests.word.test_import import word_template_draft

NUMBER = "T/CESA 2001—2026"  # on the cover of word_template_draft()


def _post_file(client, url: str, data: bytes, filename: str = "草案.docx", **fields):
    return client.post(
        url,
        data={**fields, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _value(page: str, name: str) -> str:
    return page.split(f'name="{name}"')[1].split('value="')[1].split('"')[0]


def test_editor_creates_a_document_from_a_word_file(client, login_as, world, db):
    login_as(world.main_editor)
    index = client.get("/documents/").get_data(as_text=True)
    assert 'data-testid="new-from-word"' in index
    form = client.get("/documents/import")
    assert form.status_code == 200 and f'value="{world.group.id}"' in form.get_data(as_text=True)
    chosen = client.get(f"/documents/import?group={world.group.id}").get_data(as_text=True)
    assert f'value="{world.group.id}" selected' in chosen
    assert client.get("/documents/import?group=abc").status_code == 200
    r = _post_file(client, "/documents/import", word_template_draft(), group_id=world.group.id)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    # the cover's fields fill the form; the text is shown; nothing is saved yet
    assert _value(page, "number") == NUMBER
    assert _value(page, "title_zh") == "储能电站运行维护规范"
    assert _value(page, "ics") == "27.010" and _value(page, "ccs") == "F 01"
    assert _value(page, "planned_published_on") == "2026-03-01"
    assert _value(page, "planned_implemented_on") == "2026-06-01"
    assert 'data-testid="import-text"' in page and "## 储能电站 | energy storage station" in page
    assert 'data-testid="import-findings"' in page
    assert db.session.query(StandardDocument).filter_by(number=NUMBER).count() == 0
    upload = _value(page, "upload")
    fields = {
        "upload": upload,
        "group_id": world.group.id,
        "number": NUMBER,
        "title_zh": "储能电站运行维护技术规范",  # the editor changed the title
        "title_en": _value(page, "title_en"),
        "ics": "27.010",
        "ccs": "F 01",
        "planned_published_on": "2026-03-01",
        "planned_implemented_on": "2026-06-01",
        "replaces": "T/CESA 1100—2020",
        "message": "从Word新建",
    }
    r = client.post("/documents/import/create", data=fields)
    assert r.status_code == 302, r.get_data(as_text=True)
    db.session.expire_all()
    document = db.session.query(StandardDocument).filter_by(number=NUMBER).one()
    assert r.headers["Location"].endswith(f"/documents/{document.id}")
    assert document.drafting_group_id == world.group.id
    assert document.title_zh == "储能电站运行维护技术规范"
    assert document.title_en.startswith("Specification for operation and maintenance")
    assert (document.ics, document.ccs) == ("27.010", "F 01")
    assert document.planned_published_on == date(2026, 3, 1)
    assert document.planned_implemented_on == date(2026, 6, 1)
    assert document.replaces == "T/CESA 1100—2020"
    head = db.session.get(Revision, document.head_revision_id)
    assert head.number == 1 and head.message == "从Word新建"
    assert head.text == import_docx(word_template_draft()).text
    assert head.author_id == world.main_editor.id
    names = {
        a.name for a in db.session.query(DocumentAttachment).filter_by(document_id=document.id)
    }
    assert "image1.png" in names
    actions = [
        a.action for a in db.session.query(AuditEntry).filter_by(object_id=document.id)
        if a.object_type == "standard_document"
    ]  # fmt: skip
    assert "document.created" in actions and "document.imported" in actions
    # the same number again: refused, with the form kept
    r = client.post("/documents/import/create", data=fields)
    assert r.status_code == 409 and "T/CESA 2001—2026" in r.get_data(as_text=True)
    assert db.session.query(StandardDocument).filter_by(number=NUMBER).count() == 1


def test_the_form_is_checked_and_the_upload_bound_to_group_and_editor(client, login_as, world, db):
    login_as(world.main_editor)
    r = _post_file(client, "/documents/import", word_template_draft(), group_id=world.group.id)
    upload = _value(r.get_data(as_text=True), "upload")
    bad = {"upload": upload, "group_id": world.group.id, "number": "2001", "title_zh": ""}
    r = client.post("/documents/import/create", data=bad)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "T/CESA 1201—2026" in page  # the number's format
    assert 'data-testid="import-text"' in page  # the text is still shown
    good = {**bad, "number": "T/CESA 2002—2026", "title_zh": "储能"}
    login_as(world.main_editor2)  # another editor of the group cannot use this upload
    r = client.post("/documents/import/create", data=good)
    assert r.status_code == 422
    assert db.session.query(StandardDocument).filter_by(number="T/CESA 2002—2026").count() == 0
    # a file that is not a .docx, and no file
    login_as(world.main_editor)
    r = _post_file(client, "/documents/import", b"%PDF-1.7\n%%EOF\n", group_id=world.group.id)
    assert r.status_code == 422
    r = client.post("/documents/import", data={"group_id": world.group.id})
    assert r.status_code == 422
    r = client.post("/documents/import", data={"group_id": 99999})
    assert r.status_code == 422


def test_only_the_groups_editors_create_documents_from_word(client, login_as, world):
    assert client.get("/documents/import").status_code == 302  # to the login page
    for user in (world.participant, world.outsider, world.reviewer):
        login_as(user)
        assert client.get("/documents/import").status_code == 403
        assert 'data-testid="new-from-word"' not in client.get("/documents/").get_data(as_text=True)
    # the participant is in the group but does not edit it; the outsider is not in it
    for user, status in ((world.participant, 403), (world.outsider, 404), (world.reviewer, 404)):
        login_as(user)
        r = _post_file(
            client, f"/api/v1/drafting-groups/{world.group.id}/documents/import",
            word_template_draft(),
        )  # fmt: skip
        assert r.status_code == status, user
    # the participant's upload to the page names a group they do not edit: refused
    login_as(world.participant)
    r = _post_file(client, "/documents/import", word_template_draft(), group_id=world.group.id)
    assert r.status_code == 403


def test_api_creates_a_document_from_a_word_file(client, login_as, world, db):
    login_as(world.main_editor)
    url = f"/api/v1/drafting-groups/{world.group.id}/documents/import"
    r = _post_file(client, url, word_template_draft())
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["suggested"]["number"] == NUMBER
    assert body["suggested"]["planned_published_on"] == "2026-03-01"
    assert body["markdown"] == import_docx(word_template_draft()).text
    assert any(f["code"] == "image-type" and f["paragraph"] for f in body["findings"])
    confirm = {
        "upload": body["upload"],
        **{k: v for k, v in body["suggested"].items() if k != "issuing_body"},
        "adoption": "ISO 12345:2020, MOD",
    }
    r = client.post(f"{url}/confirm", json=confirm)
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["number"] == NUMBER
    db.session.expire_all()
    document = db.session.get(StandardDocument, created["id"])
    assert document.adoption == "ISO 12345:2020, MOD"
    assert document.head_revision.text == body["markdown"]
    assert client.post(f"{url}/confirm", json=confirm).status_code == 409
    r = client.post(f"{url}/confirm", json={**confirm, "number": "T/CESA 12"})
    assert r.status_code == 422 and "number" in r.get_json()["fields"]
    r = client.post(f"{url}/confirm", json={**confirm, "number": "T/CESA 3003—2026", "upload": "x"})
    assert r.status_code == 422 and r.get_json()["error"] == "unknown_upload"
    # a document's upload token is not one of the group's
    doc_upload = _post_file(
        client, f"/api/v1/documents/{world.document.id}/import", word_template_draft()
    ).get_json()["upload"]
    r = client.post(
        f"{url}/confirm", json={**confirm, "number": "T/CESA 3003—2026", "upload": doc_upload}
    )
    assert r.status_code == 422 and r.get_json()["error"] == "unknown_upload"
    assert client.post(url).status_code == 422  # no file
    r = client.post("/api/v1/drafting-groups/2147483647/documents/import/confirm", json=confirm)
    assert r.status_code == 404


def test_cover_fields_are_applied_when_ticked(client, login_as, world, doc, db):
    login_as(world.secretariat)
    old_number, old_title = doc.number, doc.title_zh
    r = _post_file(client, f"/documents/{doc.id}/import", word_template_draft())
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'data-testid="import-meta"' in page
    # each field is shown old → new with a box to tick
    for key in ("number", "title_zh", "title_en", "ics", "ccs", "published_on", "implemented_on"):
        assert f'data-testid="apply-{key}"' in page, key
    assert old_number in page and NUMBER in page and old_title in page
    # the stage on the cover is shown, not offered: it moves on the stage page
    assert 'data-testid="apply-stage"' not in page and "征求意见稿" in page
    assert "阶段请在文档的阶段页面中变更。" in page or "stage page" in page
    upload = _value(page, "upload")
    r = client.post(
        f"/documents/{doc.id}/import/confirm",
        data={
            "upload": upload,
            "base_revision_id": doc.head_revision.id,
            "apply": ["number", "title_en", "published_on"],
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    doc = db.session.get(StandardDocument, doc.id)
    assert doc.number == NUMBER
    assert doc.title_en.startswith("Specification for operation")
    assert doc.planned_published_on == date(2026, 3, 1)
    assert doc.title_zh == old_title and doc.ics == ""  # not ticked: unchanged
    assert doc.head_revision.number == 2
    updated = (
        db.session.query(AuditEntry).filter_by(action="document.updated", object_id=doc.id).one()
    )
    assert updated.actor_id == world.secretariat.id
    assert updated.details["fields"] == ["number", "planned_published_on", "title_en"]


def test_an_editor_sees_the_cover_fields_but_cannot_apply_them(client, login_as, world, doc, db):
    """A document's settings, its number above all, are the secretariat's (as on the
    settings page): the editor's preview lists the differences without boxes, and a
    hand-made request that ticks one is refused with nothing saved."""
    login_as(world.main_editor)
    r = _post_file(client, f"/documents/{doc.id}/import", word_template_draft())
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'data-testid="import-meta"' in page and NUMBER in page
    assert 'data-testid="apply-number"' not in page
    assert (
        "封面字段由秘书处应用到文件设置" in page or "The secretariat applies cover fields" in page
    )
    r = client.post(
        f"/documents/{doc.id}/import/confirm",
        data={
            "upload": _value(page, "upload"),
            "base_revision_id": doc.head_revision.id,
            "apply": ["number"],
        },
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 403
    assert "Only the secretariat changes a document" in r.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(StandardDocument, doc.id)
    assert saved.number != NUMBER and saved.head_revision.number == 1


def test_api_applies_cover_fields_and_refuses_what_cannot_be_applied(
    client, login_as, world, doc, db
):
    login_as(world.secretariat)
    body = _post_file(
        client, f"/api/v1/documents/{doc.id}/import", word_template_draft()
    ).get_json()
    changes = {c["field"]: c for c in body["cover_changes"]}
    assert changes["number"]["old"] == doc.number and changes["number"]["new"] == NUMBER
    assert changes["published_on"]["setting"] == "planned_published_on"
    assert (
        changes["published_on"]["new"] == "2026-03-01"
        and changes["published_on"]["problem"] is None
    )
    base = body["base_revision_id"]
    r = client.post(
        f"/api/v1/documents/{doc.id}/import/confirm",
        json={"upload": body["upload"], "base_revision_id": base, "apply_meta": ["stage"]},
    )
    assert r.status_code == 422 and "apply_meta" in str(r.get_json()["fields"])
    # a number another document has: refused before anything is saved
    make_document(world.group, world.secretariat, number=NUMBER)
    db.session.commit()
    r = client.post(
        f"/api/v1/documents/{doc.id}/import/confirm",
        json={"upload": body["upload"], "base_revision_id": base, "apply_meta": ["number"]},
    )
    assert r.status_code == 409 and r.get_json()["error"] == "number_taken"
    db.session.expire_all()
    assert db.session.get(StandardDocument, doc.id).head_revision.number == 1
    r = client.post(
        f"/api/v1/documents/{doc.id}/import/confirm",
        json={"upload": body["upload"], "base_revision_id": base, "apply_meta": ["ics", "ccs"]},
    )
    assert r.status_code == 201
    db.session.expire_all()
    saved = db.session.get(StandardDocument, doc.id)
    assert (saved.ics, saved.ccs) == ("27.010", "F 01") and saved.number != NUMBER


def test_cover_values_that_are_not_settings_are_shown_not_applied():
    class Doc:
        number, title_zh, title_en, ics, ccs, issuing_body = "T/CESA 1—2026", "旧", "", "", "", ""
        planned_published_on = planned_implemented_on = None
        replaces = adoption = ""

    changes = {
        c.key: c
        for c in meta_changes(
            Doc(),
            {
                "number": "T/CESA 1 - 2026",
                "published_on": "XXXX-XX-XX",
                "implemented_on": "2026年7月1日",
                "replaces": "旧标准",
                "title_zh": "旧",
            },
        )
    }
    assert "number" not in changes  # "T/CESA 1 - 2026" is the number it has, written otherwise
    assert changes["published_on"].problem and changes["published_on"].value is None
    assert changes["implemented_on"].value == date(2026, 7, 1)
    assert changes["replaces"].problem
    assert "title_zh" not in changes  # the same as now


def test_a_refused_confirmation_shows_the_preview_again(client, login_as, world, doc, db):
    """Nothing is lost: the number is taken, so the page answers 409 with the same
    preview, the ticked boxes still ticked and the message as written."""
    make_document(world.group, world.secretariat, number=NUMBER)
    db.session.commit()
    login_as(world.secretariat)
    page = _post_file(client, f"/documents/{doc.id}/import", word_template_draft())
    upload = _value(page.get_data(as_text=True), "upload")
    r = client.post(
        f"/documents/{doc.id}/import/confirm",
        data={
            "upload": upload,
            "base_revision_id": doc.head_revision.id,
            "apply": ["number", "ics"],
            "message": "我的说明",
        },
        headers={"Accept-Language": "zh"},
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "T/CESA 2001—2026" in html and 'data-testid="import-preview"' in html
    assert 'value="number" id="apply-number" checked' in html.replace("\n", " ")
    assert 'value="title_zh" id="apply-title_zh" data-testid' in html  # not ticked
    assert 'value="我的说明"' in html
    assert _value(html, "upload") == upload
    db.session.expire_all()
    saved = db.session.get(StandardDocument, doc.id)
    assert saved.head_revision.number == 1 and saved.ics == ""
