"""The API carries the whole lifecycle with the pages' services and checks:
calls edited, extended and closed early; standards and requirements changed and
removed; reviewers assigned; drafting groups listed; documents numbered as the
form requires; times in one form (UTC)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from drafting.audit.models import AuditEntry
from drafting.calls.models import CallStandard, Requirement, ReviewerAssignment
from drafting.core.timeutil import utcnow
from tests.calls.factories import PDF, make_application, make_call
from tests.documents.factories import make_world


@pytest.fixture
def sec(db, login_as):
    return login_as("secretariat")


def _actions(db, action):
    return db.session.query(AuditEntry).filter(AuditEntry.action == action).count()


def test_times_are_utc_on_post_and_get(client, db, sec):
    r = client.post(
        "/api/v1/calls",
        json={
            "title": "关于征集起草单位的通知",
            "opens_at": "2027-01-05T09:00:00+08:00",
            "closes_at": "2027-02-01T17:00:00+08:00",
        },
    )
    assert r.status_code == 201
    assert r.json["opens_at"] == "2027-01-05T01:00:00+00:00"
    assert r.json["closes_at"] == "2027-02-01T09:00:00+00:00"
    got = client.get(f"/api/v1/calls/{r.json['id']}").json
    assert (got["opens_at"], got["closes_at"]) == (r.json["opens_at"], r.json["closes_at"])


def test_patch_a_draft_call(client, db, sec):
    call = make_call(state="draft", actor=sec)
    r = client.patch(
        f"/api/v1/calls/{call.id}",
        json={"title": "新标题", "closes_at": "2030-03-01T12:00:00+08:00"},
    )
    assert r.status_code == 200 and r.json["title"] == "新标题"
    assert r.json["closes_at"] == "2030-03-01T04:00:00+00:00"
    db.session.refresh(call)
    assert call.title == "新标题" and call.closes_at == datetime(2030, 3, 1, 4, tzinfo=UTC)
    r = client.patch(f"/api/v1/calls/{call.id}", json={"closes_at": "2000-01-01T00:00:00Z"})
    assert r.status_code == 422 and r.json["error"] == "dates"


def test_extend_and_close_a_published_call(client, db, sec, mailbox):
    call = make_call(actor=sec)
    make_application(call)
    db.session.commit()
    later = (call.closes_at + timedelta(days=7)).astimezone(UTC)
    r = client.patch(f"/api/v1/calls/{call.id}", json={"closes_at": later.isoformat()})
    assert r.status_code == 200 and r.json["closes_at"] == later.isoformat()
    assert _actions(db, "call.deadline_extended") == 1
    earlier = later - timedelta(days=30)
    r = client.patch(f"/api/v1/calls/{call.id}", json={"closes_at": earlier.isoformat()})
    assert r.status_code == 422 and r.json["error"] == "closes_at"
    r = client.patch(f"/api/v1/calls/{call.id}", json={"opens_at": "2026-01-01T00:00:00Z"})
    assert r.status_code == 409 and r.json["error"] == "dates_locked"
    r = client.patch(f"/api/v1/calls/{call.id}", json={"close_now": True})
    assert r.status_code == 200 and r.json["status"] == "closed"
    db.session.refresh(call)
    assert call.closes_at <= utcnow()
    r = client.patch(f"/api/v1/calls/{call.id}", json={"close_now": True})
    assert r.status_code == 409 and r.json["error"] == "not_open"


def test_standards_patch_delete_and_planned_numbers(client, db, sec):
    call = make_call(state="draft", actor=sec)
    first, second = call.standards
    url = f"/api/v1/calls/{call.id}/standards"
    r = client.patch(
        f"{url}/{first.id}", json={"planned_number": "T/CESA 1201—2026", "main_capacity": 2}
    )
    assert r.status_code == 200 and r.json["planned_number"] == "T/CESA 1201—2026"
    assert r.json["main_capacity"] == 2
    r = client.patch(f"{url}/{second.id}", json={"planned_number": "T/CESA 1201—2026"})
    assert r.status_code == 409 and r.json["error"] == "planned_number_taken"
    r = client.post(url, json={"title_zh": "第三项", "planned_number": "T/CESA 1201—2026"})
    assert r.status_code == 409
    assert db.session.query(CallStandard).filter_by(call_id=call.id).count() == 2
    second_id = second.id
    r = client.delete(f"{url}/{second_id}")
    assert r.status_code == 204
    db.session.expire_all()
    assert db.session.get(CallStandard, second_id) is None
    assert client.delete(f"{url}/{second_id}").status_code == 404
    # Published: applications may use the standard, so it stays.
    published = make_call(actor=sec)
    make_application(published)
    db.session.commit()
    r = client.delete(f"/api/v1/calls/{published.id}/standards/{published.standards[0].id}")
    assert r.status_code == 409 and r.json["error"] == "published_structure"
    r = client.patch(
        f"/api/v1/calls/{published.id}/standards/{published.standards[0].id}",
        json={"scope": "本文件规定了……"},
    )
    assert r.status_code == 200 and r.json["scope"] == "本文件规定了……"


def test_requirements_patch_and_delete(client, db, sec):
    call = make_call(state="draft", actor=sec)
    req = call.requirements[0]
    req_id = req.id
    url = f"/api/v1/calls/{call.id}/requirements/{req_id}"
    r = client.patch(
        url,
        json={"text": "具备资质", "mandatory": False, "standard_ids": [call.standards[0].id]},
    )
    assert r.status_code == 200
    assert r.json["text"] == "具备资质" and r.json["mandatory"] is False
    assert r.json["standard_ids"] == [call.standards[0].id]
    r = client.patch(url, json={"standard_ids": []})
    assert r.status_code == 200 and r.json["standard_ids"] is None
    r = client.patch(url, json={"standard_ids": [999999]})
    assert r.status_code == 422 and r.json["error"] == "standards"
    assert client.delete(url).status_code == 204
    db.session.expire_all()
    assert db.session.get(Requirement, req_id) is None
    published = make_call(actor=sec)
    preq = published.requirements[0]
    purl = f"/api/v1/calls/{published.id}/requirements/{preq.id}"
    assert client.patch(purl, json={"text": "措辞调整"}).status_code == 200
    r = client.patch(purl, json={"mandatory": False})
    assert r.status_code == 409 and r.json["error"] == "published_structure"
    assert client.delete(purl).status_code == 409


def test_reviewer_assignment(client, db, sec, make_user):
    call = make_call(actor=sec)
    reviewer, member = make_user("reviewer"), make_user("member")
    db.session.commit()
    url = f"/api/v1/calls/{call.id}/reviewers"
    r = client.post(url, json={"user_id": reviewer.id})
    assert r.status_code == 200 and r.json["user_id"] == reviewer.id
    assert client.post(url, json={"user_id": reviewer.id}).status_code == 200
    assert db.session.query(ReviewerAssignment).filter_by(call_id=call.id).count() == 1
    assert [u["user_id"] for u in client.get(url).json] == [reviewer.id]
    r = client.post(url, json={"user_id": member.id})
    assert r.status_code == 422 and r.json["error"] == "not_reviewer"
    r = client.post(url, json={"user_id": 2**62})
    assert r.status_code == 422 and list(r.json["fields"]) == ["user_id"]
    assert client.delete(f"{url}/{reviewer.id}").status_code == 204
    assert client.get(url).json == []
    assert client.delete(f"{url}/{reviewer.id}").status_code == 409


def test_drafting_groups_listed_with_call_and_number(client, db, login_as):
    w = make_world()
    call = make_call(actor=w.secretariat)
    call.standards[0].drafting_group = w.group
    call.standards[0].planned_number = "T/CESA 1202—2026"
    db.session.commit()
    login_as(w.secretariat)
    groups = client.get("/api/v1/drafting-groups").json
    (g,) = [g for g in groups if g["id"] == w.group.id]
    assert g["document_ids"] == [w.document.id]
    assert g["standards"] == [
        {
            "standard_id": call.standards[0].id,
            "title_zh": call.standards[0].title_zh,
            "planned_number": "T/CESA 1202—2026",
            "call_id": call.id,
            "call_title": call.title,
        }
    ]
    assert {m["role"] for m in g["members"]} == {"main", "participating"}
    only = client.get(f"/api/v1/drafting-groups?call_id={call.id}").json
    assert [g["id"] for g in only] == [w.group.id]
    login_as(w.main_editor)
    assert client.get("/api/v1/drafting-groups").status_code == 403


def test_document_number_checked_as_the_form_does(client, db, login_as):
    w = make_world()
    login_as(w.secretariat)
    body = {"title_zh": "新标准", "drafting_group_id": w.group.id}
    for bad in ("CESA 1-2026", "T/CESA 1201", "T/CESA 1201—26", " "):
        r = client.post("/api/v1/documents", json={**body, "number": bad})
        assert r.status_code == 422 and r.json["fields"] == {
            "number": ["Write the number as T/CESA 1201—2026."]
        }, bad
    r = client.post("/api/v1/documents", json={**body, "number": "T/CESA 1301—2026"})
    assert r.status_code == 201
    r = client.post("/api/v1/documents", json={**body, "number": "T/CESA 1301—2026"})
    assert r.status_code == 409 and r.json["error"] == "number_taken"


def test_second_application_answers_200_with_the_existing_one(client, db, login_as):
    call = make_call()
    login_as("member")
    r = client.post("/api/v1/applications", json={"call_id": call.id})
    assert r.status_code == 201
    again = client.post("/api/v1/applications", json={"call_id": call.id})
    assert again.status_code == 200 and again.json["id"] == r.json["id"]


def test_openapi_lists_the_new_endpoints_and_their_request_schemas(client, db):
    doc = client.get("/api/v1/openapi.json").json
    paths = doc["paths"]
    assert "patch" in paths["/api/v1/calls/{call_id}"]
    assert {"patch", "delete"} <= set(paths["/api/v1/calls/{call_id}/standards/{standard_id}"])
    assert {"patch", "delete"} <= set(
        paths["/api/v1/calls/{call_id}/requirements/{requirement_id}"]
    )
    assert {"get", "post"} <= set(paths["/api/v1/calls/{call_id}/reviewers"])
    assert "delete" in paths["/api/v1/calls/{call_id}/reviewers/{user_id}"]
    assert "get" in paths["/api/v1/drafting-groups"]
    create = paths["/api/v1/documents"]["post"]["requestBody"]["content"]["application/json"]
    number = create["schema"]["properties"]["number"]
    assert number["pattern"].startswith("^T/") and number["maxLength"] == 60
    ids = create["schema"]["properties"]["drafting_group_id"]
    assert ids["maximum"] == 2**31 - 1
    apply = paths["/api/v1/applications"]["post"]["responses"]
    assert {"200", "201"} <= set(apply)
    params = paths["/api/v1/applications"]["get"]["parameters"]
    assert [p["name"] for p in params] == ["call_id"]


def test_patch_a_document(client, db, login_as):
    w = make_world()
    other = make_world().document
    login_as(w.secretariat)
    url = f"/api/v1/documents/{w.document.id}"
    r = client.patch(
        url,
        json={
            "title_en": "Recycling",
            "planned_published_on": "2027-06-01",
            "comment_period_ends_at": "2027-03-01T18:00:00+08:00",
            "comments_public": True,
        },
    )
    assert r.status_code == 200 and r.json["title_en"] == "Recycling"
    assert r.json["comment_period_ends_at"] == "2027-03-01T10:00:00+00:00"
    assert r.json["planned_published_on"] == "2027-06-01" and r.json["comments_public"] is True
    assert client.patch(url, json={"number": "CESA 1-2026"}).status_code == 422
    r = client.patch(url, json={"number": other.number})
    assert r.status_code == 409 and r.json["error"] == "number_taken"
    r = client.patch(url, json={"planned_published_on": "0001-01-01"})
    assert r.status_code == 422 and list(r.json["fields"]) == ["planned_published_on"]
    r = client.patch(url, json={"replaces": "T/CESA 1100—2020", "adoption": "ISO 12345:2020, MOD"})
    assert r.status_code == 200 and r.json["replaces"] == "T/CESA 1100—2020"
    # null clears what may be empty, and leaves alone what may not
    r = client.patch(url, json={"replaces": None, "adoption": None, "title_zh": None})
    assert r.status_code == 200 and r.json["replaces"] == "" and r.json["adoption"] == ""
    assert r.json["title_zh"] == w.document.title_zh
    login_as(w.main_editor)
    assert client.patch(url, json={"title_en": "x"}).status_code == 403


def test_return_an_application_for_changes(client, db, sec, mailbox):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    db.session.commit()
    url = f"/api/v1/applications/{application.id}/return"
    r = client.post(url, json={"message": ""})
    assert r.status_code == 422 and list(r.json["fields"]) == ["message"]
    r = client.post(url, json={"message": "请补充证明材料。"})
    assert r.status_code == 200 and r.json["state"] == "returned"
    db.session.refresh(application)
    assert application.state.value == "returned"


def test_drafting_group_members_and_editors(client, db, login_as, make_org, make_user):
    w = make_world()
    newcomer, person = make_org(), make_user("member")
    db.session.commit()
    login_as(w.secretariat)
    url = f"/api/v1/drafting-groups/{w.group.id}"
    r = client.post(f"{url}/members", json={"organization_id": newcomer.id, "role": "main"})
    assert r.status_code == 200
    assert {"organization_id": newcomer.id, "organization": newcomer.name, "role": "main"} in (
        r.json["members"]
    )
    r = client.post(f"{url}/members", json={"organization_id": newcomer.id, "role": "boss"})
    assert r.status_code == 422 and list(r.json["fields"]) == ["role"]
    assert client.delete(f"{url}/members/{newcomer.id}").status_code == 204
    assert client.delete(f"{url}/members/{newcomer.id}").status_code == 409
    db.session.expire_all()
    assert w.group.membership_of(newcomer.id) is None
    r = client.post(f"{url}/editors", json={"user_id": person.id})
    assert r.status_code == 200 and r.json["editors"] == [
        {"user_id": person.id, "name": person.name}
    ]
    assert client.delete(f"{url}/editors/{person.id}").status_code == 204
    r = client.patch(url, json={"participants_may_edit": True})
    assert r.status_code == 200 and r.json["participants_may_edit"] is True
    login_as(w.main_editor)
    assert client.patch(url, json={"participants_may_edit": False}).status_code == 403


def test_close_early_then_publish_decisions(client, db, sec, mailbox):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    db.session.commit()
    for choice in application.standards:
        r = client.post(
            "/api/v1/decisions",
            json={
                "application_id": application.id,
                "standard_id": choice.standard_id,
                "outcome": "main",
            },
        )
        assert r.status_code == 200
    r = client.post(f"/api/v1/calls/{call.id}/decisions/publish")
    assert r.status_code == 409 and r.json["error"] == "call_open"
    assert client.patch(f"/api/v1/calls/{call.id}", json={"close_now": True}).status_code == 200
    r = client.post(f"/api/v1/calls/{call.id}/decisions/publish")
    assert r.status_code == 200 and r.json == {"published": 1}, r.json
    assert client.get(f"/api/v1/calls/{call.id}").json["status"] == "decided"


def test_call_attachments(client, db, sec):
    call = make_call(state="draft", actor=sec)
    url = f"/api/v1/calls/{call.id}/attachments"
    r = client.post(url, data={"file": (io.BytesIO(PDF), "通知.pdf")})
    assert r.status_code == 201 and r.json["filename"] == "通知.pdf"
    assert r.json["size"] == len(PDF)
    r2 = client.post(url, data={})
    assert r2.status_code == 422 and list(r2.json["fields"]) == ["file"]
    assert client.delete(f"{url}/{r.json['id']}").status_code == 204
    db.session.expire_all()
    assert call.attachments == []
    assert client.delete(f"{url}/{r.json['id']}").status_code == 404


def test_application_file_removed_and_reopened(client, db, login_as):
    call = make_call()
    application = make_application(call)
    other = make_application(call, submit=True)
    db.session.commit()
    login_as(application.organization.users[0])
    f = application.attachments[0]
    url = f"/api/v1/applications/{application.id}"
    assert client.delete(f"{url}/attachments/{f.id}").status_code == 204
    assert client.delete(f"{url}/attachments/{f.id}").status_code == 404
    assert client.post(f"{url}/reopen").status_code == 409  # a draft, not withdrawn
    login_as(other.organization.users[0])
    url = f"/api/v1/applications/{other.id}"
    r = client.post(f"{url}/withdraw")
    assert r.status_code == 200 and r.json["state"] == "withdrawn", r.json
    r = client.post(f"{url}/reopen")
    assert r.status_code == 200 and r.json["state"] == "draft"


def test_restore_a_revision(client, db, login_as):
    w = make_world()
    first = w.document.head_revision
    login_as(w.main_editor)
    url = f"/api/v1/documents/{w.document.id}"
    r = client.post(
        f"{url}/revisions",
        json={"text": first.text + "\n新增段落。\n", "base_revision_id": first.id},
    )
    assert r.status_code == 201
    r = client.post(f"{url}/revisions/{first.id}/restore")
    assert r.status_code == 201 and r.json["created"] is True
    assert client.get(f"{url}/revisions/{r.json['revision']['id']}").json["text"] == first.text
    r = client.post(f"{url}/revisions/{first.id}/restore")
    assert r.status_code == 200 and r.json["created"] is False
