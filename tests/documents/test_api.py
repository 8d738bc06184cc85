"""The documents API: 201 or 409 with the conflict, 400 on malformed JSON, 422 with field errors."""

from drafting.documents import services
from drafting.documents.states import DocumentStage
from tests.documents.factories import TEXT

A = TEXT.replace("回收企业应具备相应的处理能力。", "回收企业应具备年处理5万吨的能力。")
B = TEXT.replace("回收企业应具备相应的处理能力。", "回收企业宜具备专业的处理设备。")


def test_list_and_get(client, login_as, world, doc):
    login_as(world.participant)
    r = client.get("/api/v1/documents")
    assert r.status_code == 200 and [d["number"] for d in r.json] == [doc.number]
    r = client.get(f"/api/v1/documents/{doc.id}")
    assert (
        r.json["stage"] == "working_draft"
        and r.json["can_edit"] is False
        and r.json["can_comment"] is True
    )
    assert client.get("/api/v1/documents/999999").status_code == 404
    login_as(world.outsider)
    assert client.get("/api/v1/documents").json == []
    assert client.get(f"/api/v1/documents/{doc.id}").status_code == 404


def test_create_by_secretariat(client, login_as, world):
    login_as(world.secretariat)
    r = client.post(
        "/api/v1/documents",
        json={
            "number": "T/CESA 7100—2026",
            "title_zh": "新标准",
            "drafting_group_id": world.group.id,
        },
    )
    assert r.status_code == 201 and r.json["head_revision_id"]
    r = client.post("/api/v1/documents", json={"title_zh": "x"})
    assert r.status_code == 422 and set(r.json["fields"]) == {"number", "drafting_group_id"}
    r = client.post("/api/v1/documents", data="{oops", content_type="application/json")
    assert r.status_code == 400 and r.json["error"] == "malformed_json"
    login_as(world.main_editor)
    r = client.post(
        "/api/v1/documents",
        json={"number": "T/CESA 7101—2026", "title_zh": "x", "drafting_group_id": world.group.id},
    )
    assert r.status_code == 403


def test_post_revision_201_then_409_with_conflict(client, login_as, world, doc, db):
    base = doc.head_revision_id
    login_as(world.main_editor)
    r = client.post(
        f"/api/v1/documents/{doc.id}/revisions",
        json={"text": A, "base_revision_id": base, "message": "A"},
    )
    assert r.status_code == 201 and r.json["created"] and not r.json["merged"]
    login_as(world.main_editor2)
    r = client.post(
        f"/api/v1/documents/{doc.id}/revisions", json={"text": B, "base_revision_id": base}
    )
    assert r.status_code == 409 and r.json["error"] == "conflict"
    conflict = r.json["conflicts"][0]
    assert "专业的处理设备" in conflict["ours"] and "年处理5万吨" in conflict["theirs"]
    assert r.json["draft_saved"] and "<<<<<<<" in r.json["conflict_text"]
    assert services.draft_of(doc, world.main_editor2).text == B
    # Conflict markers are refused.
    r = client.post(
        f"/api/v1/documents/{doc.id}/revisions",
        json={"text": r.json["conflict_text"], "base_revision_id": r.json["head_revision_id"]},
    )
    assert r.status_code == 422 and r.json["error"] == "conflict_markers"


def test_post_revision_clean_merge_and_identical(client, login_as, world, doc):
    base = doc.head_revision_id
    login_as(world.main_editor)
    client.post(f"/api/v1/documents/{doc.id}/revisions", json={"text": A, "base_revision_id": base})
    login_as(world.main_editor2)
    b = TEXT.replace("处理过程应符合环保要求。", "处理过程应符合国家环保要求。")
    r = client.post(
        f"/api/v1/documents/{doc.id}/revisions", json={"text": b, "base_revision_id": base}
    )
    assert (
        r.status_code == 201
        and r.json["merged"]
        and r.json["merged_authors"] == [world.main_editor.name]
    )
    head = r.json["revision"]["id"]
    text = client.get(f"/api/v1/documents/{doc.id}/revisions/{head}").json["text"]
    assert "年处理5万吨" in text and "国家环保要求" in text
    r = client.post(
        f"/api/v1/documents/{doc.id}/revisions", json={"text": text, "base_revision_id": head}
    )
    assert r.status_code == 200 and r.json["created"] is False


def test_post_revision_validation(client, login_as, world, doc):
    login_as(world.main_editor)
    url = f"/api/v1/documents/{doc.id}/revisions"
    assert client.post(url, data="[1,", content_type="application/json").status_code == 400
    r = client.post(url, json={"text": "x"})
    assert r.status_code == 422 and "base_revision_id" in r.json["fields"]
    r = client.post(url, json={"text": "x", "base_revision_id": 999999})
    assert r.status_code == 422 and r.json["error"] == "unknown_base"
    login_as(world.outsider)
    assert (
        client.post(url, json={"text": "x", "base_revision_id": doc.head_revision_id}).status_code
        == 404
    )


def test_one_megabyte_save_through_the_api(client, login_as, world, doc):
    text = TEXT + "\n# 附加\n\n" + "回收企业应按本文件的规定开展工作并保存完整的记录。\n\n" * 15000
    assert len(text.encode()) > 1_000_000
    login_as(world.main_editor)
    r = client.post(
        f"/api/v1/documents/{doc.id}/revisions",
        json={"text": text, "base_revision_id": doc.head_revision_id},
    )
    assert r.status_code == 201
    assert (
        client.get(f"/api/v1/documents/{doc.id}/revisions/{r.json['revision']['id']}").json["text"]
        == text
    )


def test_published_refuses_api_saves(client, login_as, world, doc, db):
    doc.stage = DocumentStage.PUBLISHED
    db.session.commit()
    login_as(world.secretariat)
    r = client.post(
        f"/api/v1/documents/{doc.id}/revisions",
        json={"text": TEXT + "x", "base_revision_id": doc.head_revision_id},
    )
    assert r.status_code == 403


def test_diff_checks_comments_and_stage(client, login_as, world, doc):
    base = doc.head_revision_id
    login_as(world.main_editor)
    new = client.post(
        f"/api/v1/documents/{doc.id}/revisions", json={"text": A, "base_revision_id": base}
    ).json["revision"]["id"]
    r = client.get(f"/api/v1/documents/{doc.id}/diff?from={base}&to={new}")
    assert (
        r.status_code == 200
        and r.json["stats"]["chars_inserted"] > 0
        and "<ins" in r.json["side_by_side_html"]
    )
    assert client.get(f"/api/v1/documents/{doc.id}/diff?from={base}").status_code == 422
    r = client.get(f"/api/v1/documents/{doc.id}/checks")
    assert r.status_code == 200 and r.json["errors"] == 0
    r = client.post(
        f"/api/v1/documents/{doc.id}/comments",
        json={"comment": "请补充", "clause": "4.1", "type": "te"},
    )
    assert r.status_code == 201 and r.json["organization"] == world.main_org.name
    cid = r.json["id"]
    r = client.post(f"/api/v1/documents/{doc.id}/comments", json={"comment": "x", "clause": "99.9"})
    assert r.status_code == 422 and r.json["error"] == "unknown_clause"
    assert (
        client.post(f"/api/v1/documents/{doc.id}/comments", json={"clause": "4.1"}).status_code
        == 422
    )
    r = client.post(
        f"/api/v1/documents/{doc.id}/comments", json={"comment": "同意", "parent_id": cid}
    )
    assert r.status_code == 201 and r.json["parent_id"] == cid
    r = client.get(f"/api/v1/documents/{doc.id}/comments?status=open")
    assert [c["id"] for c in r.json] == [cid] and len(r.json[0]["replies"]) == 1
    r = client.put(
        f"/api/v1/documents/{doc.id}/comments/{cid}/resolution", json={"resolution": "not_accepted"}
    )
    assert r.status_code == 422 and r.json["error"] == "reason_required"
    r = client.put(
        f"/api/v1/documents/{doc.id}/comments/{cid}/resolution", json={"resolution": "accepted"}
    )
    assert r.status_code == 200 and r.json["resolution"] == "accepted"
    r = client.post(f"/api/v1/documents/{doc.id}/stage", json={"stage": "published"})
    assert r.status_code == 409 and r.json["error"] == "transition_not_allowed"
    r = client.post(f"/api/v1/documents/{doc.id}/stage", json={"stage": "draft_for_comments"})
    assert r.status_code == 200 and r.json["stage"] == "draft_for_comments"
    login_as(world.participant)
    assert (
        client.post(
            f"/api/v1/documents/{doc.id}/stage", json={"stage": "draft_for_review"}
        ).status_code
        == 403
    )
