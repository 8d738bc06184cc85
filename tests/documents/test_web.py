"""The editor, history and diff pages: saving through the form never loses text."""

import html as htmllib
import re
from datetime import timedelta

from drafting.core.timeutil import utcnow
from drafting.documents import services
from drafting.documents.models import Draft, Revision, StandardDocument
from drafting.documents.states import DocumentStage
from tests.documents.factories import TEXT

A = TEXT.replace("回收企业应具备相应的处理能力。", "回收企业应具备年处理5万吨的能力。")
B = TEXT.replace("回收企业应具备相应的处理能力。", "回收企业宜具备专业的处理设备。")


def _save(client, doc, text, base_id, message="m"):
    return client.post(
        f"/documents/{doc.id}/edit",
        data={"text": text, "base_revision_id": base_id, "message": message},
    )


def test_editor_page_shows_text_preview_and_checks(client, login_as, world, doc):
    login_as(world.main_editor)
    r = client.get(f"/documents/{doc.id}/edit")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "回收企业应具备相应的处理能力。" in html
    assert 'class="clause"' in html  # the rendered preview
    assert "data-checks" in html and "editor.js" in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script or style


def test_save_on_head(client, login_as, world, doc, db):
    login_as(world.main_editor)
    r = _save(client, doc, TEXT + "\n补充。\n", doc.head_revision_id, "补充一句")
    assert r.status_code == 302
    db.session.refresh(doc)
    assert doc.head_revision.number == 2 and doc.head_revision.message == "补充一句"


def test_identical_save_makes_no_revision(client, login_as, world, doc, db):
    login_as(world.main_editor)
    r = _save(client, doc, TEXT, doc.head_revision_id)
    assert r.status_code == 302
    assert "Nothing changed" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert db.session.query(Revision).filter_by(document_id=doc.id).count() == 1


def test_clean_merge_through_the_form(client, login_as, world, doc, db):
    base = doc.head_revision_id
    services.save_revision(doc, A, base, "A", actor=world.main_editor)
    db.session.commit()
    login_as(world.main_editor2)
    b = TEXT.replace("处理过程应符合环保要求。", "处理过程应符合国家环保要求。")
    r = _save(client, doc, b, base)
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "were merged in" in page and world.main_editor.name in page
    db.session.refresh(doc)
    assert "年处理5万吨" in doc.head_revision.text and "国家环保要求" in doc.head_revision.text


def test_conflict_is_refused_with_regions_and_text_kept(client, login_as, world, doc, db):
    base = doc.head_revision_id
    services.save_revision(doc, A, base, "A", actor=world.main_editor)
    db.session.commit()
    login_as(world.main_editor2)
    r = _save(client, doc, B, base)
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert 'data-testid="conflicts"' in html
    assert "专业的处理设备" in html and "年处理5万吨" in html
    assert "&lt;&lt;&lt;&lt;&lt;&lt;&lt;" in html  # the diff3-marked text in the editor
    # The refused text was committed as the editor's draft despite the 409.
    db.session.expire_all()
    draft = (
        db.session.query(Draft).filter_by(user_id=world.main_editor2.id, document_id=doc.id).one()
    )
    assert draft.text == B and draft.conflicted
    # Reloading the editor shows the conflict again: nothing lost.
    again = client.get(f"/documents/{doc.id}/edit").get_data(as_text=True)
    assert 'data-testid="conflicts"' in again and "专业的处理设备" in again
    # Saving the marked text is refused; resolving it saves.
    head_id = db.session.get(type(doc), doc.id).head_revision_id
    marked = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", again, re.S).group(1)
    marked = htmllib.unescape(marked)
    assert _save(client, doc, marked, head_id).status_code == 422
    resolved = TEXT.replace(
        "回收企业应具备相应的处理能力。", "回收企业应具备年处理5万吨的能力，宜具备专业的处理设备。"
    )
    assert _save(client, doc, resolved, head_id).status_code == 302
    db.session.expire_all()
    head = db.session.get(type(doc), doc.id).head_revision
    assert "年处理5万吨" in head.text and "专业的处理设备" in head.text
    assert db.session.query(Draft).filter_by(user_id=world.main_editor2.id).count() == 0


def test_published_document_is_read_only(client, login_as, world, doc, db):
    doc.stage = DocumentStage.PUBLISHED
    db.session.commit()
    login_as(world.main_editor)
    assert client.get(f"/documents/{doc.id}/edit").status_code == 403
    assert _save(client, doc, TEXT + "x", doc.head_revision_id).status_code == 403
    login_as(world.secretariat)
    assert _save(client, doc, TEXT + "x", doc.head_revision_id).status_code == 403
    assert client.get(f"/documents/{doc.id}").status_code == 200


def test_other_organization_cannot_edit_and_unknown_document_is_404(client, login_as, world, doc):
    login_as(world.outsider)
    assert client.get(f"/documents/{doc.id}/edit").status_code == 404
    assert _save(client, doc, TEXT + "x", doc.head_revision_id).status_code == 404
    assert client.get("/documents/999999/edit").status_code == 404
    assert client.get("/documents/999999").status_code == 404


def _big_text(size=1_050_000):
    line = "回收企业应按本文件的规定开展废旧电池的回收和处理工作，并保存完整的记录。\n\n"
    body = line * (size // len(line.encode()) + 1)
    return TEXT + "\n# 附加要求\n\n" + body


def test_one_megabyte_save_through_the_form(client, login_as, world, doc, db):
    text = _big_text()
    assert len(text.encode()) > 1_000_000
    login_as(world.main_editor)
    r = _save(client, doc, text, doc.head_revision_id)
    assert r.status_code == 302, r.status_code
    db.session.expire_all()
    assert db.session.get(type(doc), doc.id).head_revision.text == text


def test_autosave_and_restore_after_reload(client, login_as, world, doc, db):
    login_as(world.main_editor)
    r = client.post(
        f"/documents/{doc.id}/autosave",
        json={"text": TEXT + "未保存的段落。", "base_revision_id": doc.head_revision_id},
    )
    assert r.status_code == 200 and r.json["saved_at"]
    page = client.get(f"/documents/{doc.id}/edit").get_data(as_text=True)
    assert "未保存的段落。" in page and 'data-testid="restored"' in page
    r = client.post(
        f"/documents/{doc.id}/autosave", data="not json", content_type="application/json"
    )
    assert r.status_code == 400
    r = client.post(f"/documents/{doc.id}/autosave", json={"text": 5})
    assert r.status_code == 422


def test_draft_made_before_someone_saved_is_merged_on_reload(client, login_as, world, doc, db):
    base = doc.head_revision_id
    login_as(world.main_editor2)
    client.post(
        f"/documents/{doc.id}/autosave",
        json={"text": TEXT.replace("环保要求", "国家环保要求"), "base_revision_id": base},
    )
    services.save_revision(doc, A, base, "A", actor=world.main_editor)
    db.session.commit()
    page = client.get(f"/documents/{doc.id}/edit").get_data(as_text=True)
    assert "国家环保要求" in page and "年处理5万吨" in page and "merged" in page


def test_stale_csrf_token_keeps_the_text(app, client, login_as, world, doc, db):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        login_as(world.main_editor)
        page = client.get(f"/documents/{doc.id}/edit").get_data(as_text=True)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        r = client.post(
            f"/documents/{doc.id}/autosave",
            headers={"X-CSRFToken": token},
            json={"text": TEXT + "两小时的工作。", "base_revision_id": doc.head_revision_id},
        )
        assert r.status_code == 200
        # The session changes (expired, renewed elsewhere): the page's token is no longer valid.
        with client.session_transaction() as sess:
            sess.pop("csrf_token", None)
        r = client.post(
            f"/documents/{doc.id}/edit",
            data={
                "csrf_token": token,
                "text": TEXT + "两小时的工作。",
                "base_revision_id": doc.head_revision_id,
            },
        )
        assert r.status_code == 400
        # The text is still there, and a fresh token from the JSON endpoint saves it.
        page = client.get(f"/documents/{doc.id}/edit").get_data(as_text=True)
        assert "两小时的工作。" in page
        fresh = client.get("/documents/csrf-token").json["csrf_token"]
        r = client.post(
            f"/documents/{doc.id}/edit",
            data={
                "csrf_token": fresh,
                "text": TEXT + "两小时的工作。",
                "base_revision_id": doc.head_revision_id,
            },
        )
        assert r.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_preview_and_checks_json(client, login_as, world, doc):
    login_as(world.main_editor)
    r = client.post(
        f"/documents/{doc.id}/preview", json={"text": TEXT.replace("应具备", "必须具备")}
    )
    assert r.status_code == 200
    assert 'class="clause"' in r.json["html"]
    assert any(
        f["severity"] in ("error", "warning") and "必须" in f["message"] for f in r.json["findings"]
    )
    r = client.post(
        f"/documents/{doc.id}/preview", json={"text": "<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n"}
    )
    assert r.json["markers"] is True


def test_presence_lists_the_others(client, login_as, world, doc, db):
    services.heartbeat(doc, world.main_editor2)
    db.session.commit()
    login_as(world.main_editor)
    r = client.post(f"/documents/{doc.id}/presence", json={})
    assert r.status_code == 200 and r.json["users"] == [world.main_editor2.name]


def test_presence_expires(world, doc):
    services.heartbeat(doc, world.main_editor2, now=utcnow() - timedelta(minutes=5))
    assert services.present_users(doc, exclude=world.main_editor) == []
    services.heartbeat(doc, world.main_editor2)
    assert services.present_users(doc, exclude=world.main_editor) == [world.main_editor2]


def test_history_revision_restore_and_diff(client, login_as, world, doc, db):
    first = doc.head_revision
    services.save_revision(doc, A, first.id, "A", actor=world.main_editor)
    db.session.commit()
    login_as(world.main_editor)
    page = client.get(f"/documents/{doc.id}/history").get_data(as_text=True)
    assert "A" in page and world.main_editor.name in page
    r = client.get(f"/documents/{doc.id}/revisions/{first.id}")
    assert r.status_code == 200 and "相应的处理能力" in r.get_data(as_text=True)
    side = client.get(
        f"/documents/{doc.id}/diff?from={first.id}&to={doc.head_revision_id}"
    ).get_data(as_text=True)
    assert "diff-side-by-side" in side and "<ins" in side and "<del" in side
    inline = client.get(
        f"/documents/{doc.id}/diff?from={first.id}&to={doc.head_revision_id}&view=inline"
    ).get_data(as_text=True)
    assert "diff-inline" in inline
    r = client.post(f"/documents/{doc.id}/revisions/{first.id}/restore")
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(doc), doc.id).head_revision.text == first.text
    other = services.create_document(
        number="T/CESA 8888—2026", title_zh="另一标准", group=world.group, actor=world.secretariat
    )
    db.session.commit()
    assert client.get(f"/documents/{doc.id}/revisions/{other.head_revision_id}").status_code == 404


def test_secretariat_creates_document_with_new_group(client, login_as, world, db):
    login_as(world.secretariat)
    r = client.post(
        "/documents/new",
        data={
            "number": "T/CESA 7001—2026",
            "title_zh": "新标准",
            "group_id": 0,
            "main_unit_id": world.main_org.id,
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]

    created = db.session.query(StandardDocument).filter_by(number="T/CESA 7001—2026").one()
    assert created.head_revision.text.startswith("# 前言")
    assert created.drafting_group.memberships[0].organization_id == world.main_org.id
    r = client.post(f"/documents/{created.id}/group", data={"e-email": world.outsider.email})
    assert r.status_code == 302
    db.session.expire_all()
    assert any(
        e.user_id == world.outsider.id
        for e in db.session.get(StandardDocument, created.id).drafting_group.editors
    )
    r = client.post("/documents/new", data={"number": "bad", "title_zh": "x", "group_id": 0})
    assert r.status_code == 422


def test_hidden_document_answers_like_a_missing_one(client, login_as, world, doc):
    """Ids the user may not know exist are not confirmed: 404 for hidden and missing alike."""
    login_as(world.outsider)
    for base in (f"/documents/{doc.id}", "/documents/999999"):
        assert client.get(base).status_code == 404, base
        assert client.get(f"{base}/history").status_code == 404, base
    for base in (f"/api/v1/documents/{doc.id}", "/api/v1/documents/999999"):
        r = client.get(base)
        assert r.status_code == 404 and r.json["error"] == "not_found", base
