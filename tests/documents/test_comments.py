"""Comments: create, reply, resolve, filter, public comments, XLSX exports."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from drafting.audit.models import AuditEntry
from drafting.core.errors import Refused, ServiceError
from drafting.core.timeutil import utcnow
from drafting.documents import queries, services
from drafting.documents.exports import ISO_HEADERS, RESOLUTION_TABLE_HEADERS
from drafting.documents.states import DocumentStage, Resolution


def _comments(world, doc):
    rev = doc.head_revision
    c1 = services.add_comment(
        doc,
        revision=rev,
        clause="4.1",
        type="te",
        body="处理能力应量化。",
        quote="相应的处理能力",
        proposed_change="改为“年处理能力不低于1万吨”。",
        actor=world.participant,
    )
    c2 = services.add_comment(
        doc, revision=rev, clause="4.2", type="ed", body="用词。", actor=world.main_editor
    )
    services.reply(c1, body="同意，下一版修改。", actor=world.main_editor)
    services.resolve_comment(
        c1, Resolution.PARTLY_ACCEPTED, reason="量化指标另行规定", actor=world.main_editor
    )
    return c1, c2


def test_create_reply_resolve_and_filter(world, doc):
    c1, c2 = _comments(world, doc)
    assert c1.organization_name == world.part_org.name and c1.organization_id == world.part_org.id
    threads = queries.comment_threads(doc)
    assert [t.comment.id for t in threads] == [c1.id, c2.id] and len(threads[0].replies) == 1
    assert [
        t.comment.id for t in queries.comment_threads(doc, queries.CommentFilters(status="open"))
    ] == [c2.id]
    assert [
        t.comment.id
        for t in queries.comment_threads(doc, queries.CommentFilters(status="resolved"))
    ] == [c1.id]
    assert [
        t.comment.id
        for t in queries.comment_threads(doc, queries.CommentFilters(status="partly_accepted"))
    ] == [c1.id]
    assert [
        t.comment.id for t in queries.comment_threads(doc, queries.CommentFilters(clause="4.2"))
    ] == [c2.id]
    assert [
        t.comment.id for t in queries.comment_threads(doc, queries.CommentFilters(clause="4"))
    ] == [c1.id, c2.id]
    org = queries.CommentFilters(organization=world.main_org.name)
    assert [t.comment.id for t in queries.comment_threads(doc, org)] == [c2.id]
    assert queries.comment_counts(doc) == {"open": 1, "resolved": 1, "total": 2}


def test_resolution_rules(world, doc):
    c1, _c2 = _comments(world, doc)
    reply = queries.comment_threads(doc)[0].replies[0]
    with pytest.raises(ServiceError):
        services.resolve_comment(reply, "accepted", reason="", actor=world.main_editor)
    with pytest.raises(ServiceError):
        services.resolve_comment(c1, "not_accepted", reason="", actor=world.main_editor)
    with pytest.raises(ServiceError):
        services.resolve_comment(c1, "maybe", reason="x", actor=world.main_editor)


def test_clause_must_exist(world, doc):
    with pytest.raises(ServiceError):
        services.add_comment(
            doc,
            revision=doc.head_revision,
            clause="9.9",
            body="x",
            actor=world.participant,
            outline_numbers={"4.1"},
        )


def test_comment_form_and_pages(client, login_as, world, doc, db):
    login_as(world.participant)
    page = client.get(f"/documents/{doc.id}/comments").get_data(as_text=True)
    assert '<option value="4.1">' in page
    r = client.post(
        f"/documents/{doc.id}/comments",
        data={
            "revision_id": doc.head_revision_id,
            "clause": "4.1",
            "type": "te",
            "body": "网页意见",
            "proposed_change": "改",
        },
    )
    assert r.status_code == 302
    cid = queries.comment_threads(doc)[0].comment.id
    r = client.post(f"/documents/{doc.id}/comments/{cid}/reply", data={"body": "补充说明"})
    assert r.status_code == 302
    assert (
        client.post(
            f"/documents/{doc.id}/comments/{cid}/resolve", data={"resolution": "accepted"}
        ).status_code
        == 403
    )
    login_as(world.main_editor)
    r = client.post(
        f"/documents/{doc.id}/comments/{cid}/resolve",
        data={"resolution": "not_accepted", "reason": ""},
    )
    assert r.status_code == 422
    r = client.post(
        f"/documents/{doc.id}/comments/{cid}/resolve",
        data={"resolution": "not_accepted", "reason": "已有规定"},
    )
    assert r.status_code == 302
    page = client.get(f"/documents/{doc.id}/comments?status=not_accepted").get_data(as_text=True)
    assert "网页意见" in page and "补充说明" in page and "已有规定" in page
    assert "网页意见" not in client.get(f"/documents/{doc.id}/comments?status=open").get_data(
        as_text=True
    )


def test_comment_period_by_date_for_member_organizations(client, login_as, world, doc, db):
    doc.stage = DocumentStage.DRAFT_FOR_COMMENTS
    end = utcnow() + timedelta(hours=3)
    doc.comment_period_ends_at = end
    db.session.commit()
    login_as(world.outsider)
    data = {"revision_id": doc.head_revision_id, "clause": "", "type": "ge", "body": "外部单位意见"}
    with time_machine.travel(end - timedelta(minutes=5)):
        assert client.post(f"/documents/{doc.id}/comments", data=data).status_code == 302
    with time_machine.travel(end + timedelta(minutes=5)):
        assert client.post(f"/documents/{doc.id}/comments", data=data).status_code == 403
        assert client.get(f"/documents/{doc.id}/comments").status_code == 200


def test_public_comments_when_chosen(client, world, doc, db):
    doc.stage = DocumentStage.DRAFT_FOR_COMMENTS
    db.session.commit()
    data = {
        "revision_id": doc.head_revision_id,
        "clause": "4.2",
        "type": "te",
        "body": "公众意见",
        "author_name": "王工",
        "organization_name": "某检测中心",
    }
    r = client.post(f"/documents/{doc.id}/comments", data=data)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    doc.comments_public = True
    db.session.commit()
    assert client.get(f"/documents/{doc.id}").status_code == 200
    # Anonymous comments are confirmed by mail before the editors see them: they
    # are sent from the consultation page (tests/consultation/test_comments.py).
    r = client.post(f"/documents/{doc.id}/comments", data=data)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/consultation/{doc.id}")
    assert queries.comment_threads(doc) == []


def test_xlsx_exports(client, login_as, world, doc):
    c1, c2 = _comments(world, doc)
    login_as(world.main_editor)
    r = client.get(f"/documents/{doc.id}/comments/resolution-table.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(BytesIO(r.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert (
        list(rows[1])
        == RESOLUTION_TABLE_HEADERS
        == ["序号", "章条编号", "意见内容", "提出单位", "处理意见", "理由"]
    )
    assert rows[2][0] == 1 and rows[2][1] == "4.1" and "处理能力应量化" in rows[2][2]
    assert (
        rows[2][3] == world.part_org.name
        and rows[2][4] == "部分采纳"
        and rows[2][5] == "量化指标另行规定"
    )
    assert rows[3][1] == "4.2" and rows[3][4] in (None, "")
    assert len(rows) == 4  # replies are not rows
    r = client.get(f"/documents/{doc.id}/comments/iso-template.xlsx")
    rows = list(load_workbook(BytesIO(r.data)).active.iter_rows(values_only=True))
    assert list(rows[1]) == ISO_HEADERS and len(ISO_HEADERS) == 8
    assert rows[2][0] == world.part_org.name and rows[2][2] == "4.1" and rows[2][4] == "te"
    assert rows[2][6] == "改为“年处理能力不低于1万吨”。" and rows[2][7].startswith("部分采纳")
    login_as(world.outsider)
    assert client.get(f"/documents/{doc.id}/comments/iso-template.xlsx").status_code == 404


def test_a_resolved_comment_is_not_silently_re_resolved(world, doc, db):
    c1, _c2 = _comments(world, doc)
    with pytest.raises(Refused) as refused:
        services.resolve_comment(c1, "accepted", reason="", actor=world.main_editor)
    assert refused.value.code == "already_resolved" and refused.value.status == 409
    assert "Partly accepted" in refused.value.message
    assert (
        c1.resolution == Resolution.PARTLY_ACCEPTED and c1.resolution_reason == "量化指标另行规定"
    )
    # naming a resolution it does not have is refused too (someone changed it meanwhile)
    with pytest.raises(Refused):
        services.resolve_comment(
            c1, "accepted", reason="", actor=world.main_editor, replaces="not_accepted"
        )
    services.resolve_comment(
        c1, "accepted", reason="", actor=world.main_editor, replaces="partly_accepted"
    )
    assert c1.resolution == Resolution.ACCEPTED
    entries = db.session.scalars(
        db.select(AuditEntry).filter_by(action="document.comment_resolved").order_by(AuditEntry.id)
    ).all()
    details = [e.details for e in entries if e.details.get("comment_id") == c1.id]
    assert details[0]["resolution"] == "partly_accepted" and "previous" not in details[0]
    assert details[-1]["previous"] == "partly_accepted"
    assert details[-1]["previous_reason"] == "量化指标另行规定"


def test_the_page_changes_a_resolution_and_refuses_a_stale_one(client, login_as, db, world, doc):
    c1, _c2 = _comments(world, doc)
    login_as(world.main_editor)
    url = f"/documents/{doc.id}/comments/{c1.id}/resolve"
    page = client.get(f"/documents/{doc.id}/comments").get_data(as_text=True)
    assert 'name="replaces" value="partly_accepted"' in page
    r = client.post(url, data={"resolution": "accepted", "reason": ""})
    assert r.status_code == 409 and "already resolved" in r.get_data(as_text=True)
    assert c1.resolution == Resolution.PARTLY_ACCEPTED
    r = client.post(url, data={"resolution": "accepted", "replaces": "partly_accepted"})
    assert r.status_code == 302
    db.session.refresh(c1)
    assert c1.resolution == Resolution.ACCEPTED


def test_the_api_refuses_to_re_resolve_without_replaces(client, login_as, world, doc):
    c1, _c2 = _comments(world, doc)
    login_as(world.main_editor)
    url = f"/api/v1/documents/{doc.id}/comments/{c1.id}/resolution"
    r = client.put(url, json={"resolution": "accepted"})
    assert r.status_code == 409 and r.json["error"] == "already_resolved"
    r = client.put(url, json={"resolution": "accepted", "replaces": "partly_accepted"})
    assert r.status_code == 200 and r.json["resolution"] == "accepted"
    r = client.put(url, json={"resolution": "accepted", "replaces": "partly_accepted"})
    assert r.status_code == 409


def test_control_characters_in_comments_are_dropped_not_a_500(client, login_as, world, doc):
    """PostgreSQL cannot store NUL: the web page and the API drop control characters."""
    login_as(world.participant)
    r = client.post(
        f"/documents/{doc.id}/comments",
        data={"revision_id": doc.head_revision_id, "body": "第一\x00条\n第二行", "type": "te"},
    )
    assert r.status_code == 302
    r = client.post(
        f"/api/v1/documents/{doc.id}/comments", json={"comment": "a\x00b", "type": "ed"}
    )
    assert r.status_code == 201 and r.json["comment"] == "ab"
    bodies = [t.comment.body for t in queries.comment_threads(doc)]
    assert bodies == ["第一条\n第二行", "ab"]
