"""The JSON API for calls, applications, assessments and decisions."""

import io

import pytest

from drafting.reviews.services import assign_reviewer
from tests.calls.factories import PDF, close_call, make_application, make_call
from tests.support.factories import make_user


def test_public_call_endpoints(client, db, sec):
    call = make_call(actor=sec)
    draft = make_call(state="draft", actor=sec)
    assert [c["id"] for c in client.get("/api/v1/calls").json] == [call.id]
    assert client.get(f"/api/v1/calls/{call.id}").json["status"] == "open"
    assert len(client.get(f"/api/v1/calls/{call.id}/standards").json) == 2
    reqs = client.get(f"/api/v1/calls/{call.id}/requirements").json
    assert [r["position"] for r in reqs] == [0, 1, 2] and reqs[0]["mandatory"] is True
    assert client.get(f"/api/v1/calls/{draft.id}").status_code == 404


def test_secretariat_creates_call_over_api(client, login_as, db):
    login_as("secretariat")
    r = client.post(
        "/api/v1/calls",
        json={
            "title": "API 通知",
            "opens_at": "2020-01-01T00:00:00+08:00",
            "closes_at": "2099-01-01T00:00:00Z",
        },
    )
    assert r.status_code == 201
    cid = r.json["id"]
    assert client.post(f"/api/v1/calls/{cid}/publish").status_code == 409
    assert (
        client.post(f"/api/v1/calls/{cid}/standards", json={"title_zh": "标准"}).status_code == 201
    )
    assert (
        client.post(
            f"/api/v1/calls/{cid}/requirements", json={"text": "要求", "evidence": "statement"}
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/v1/calls/{cid}/requirements", json={"text": "x", "evidence": "nope"}
        ).status_code
        == 422
    )
    assert client.post(f"/api/v1/calls/{cid}/publish").json["state"] == "published"
    r = client.post(
        "/api/v1/calls",
        json={"title": "x", "opens_at": "yesterday", "closes_at": "2099-01-01T00:00:00Z"},
    )
    assert r.status_code == 422 and r.json["error"] == "invalid"


@pytest.mark.parametrize("role", ["member", "reviewer"])
def test_non_secretariat_cannot_create_calls(client, login_as, db, role):
    login_as(role)
    r = client.post("/api/v1/calls", json={"title": "x"})
    assert r.status_code == 403 and set(r.json) >= {"error", "message"}


def test_applicant_journey_over_api(client, login_as, db, sec, mailbox):
    call = make_call(actor=sec)
    user = login_as("member")
    assert (
        client.post(
            "/api/v1/applications", data="{not json", content_type="application/json"
        ).status_code
        == 400
    )
    assert client.post("/api/v1/applications", json={"call_id": "x"}).status_code == 422
    assert client.post("/api/v1/applications", json={"call_id": 99999}).status_code == 404
    r = client.post("/api/v1/applications", json={"call_id": call.id})
    assert r.status_code == 201
    aid = r.json["id"]
    r1, r2, _r3 = call.requirements
    r = client.patch(
        f"/api/v1/applications/{aid}",
        json={"standards": [{"standard_id": call.standards[0].id, "role": "main"}]},
    )
    assert r.status_code == 200 and r.json["standards"][0]["role"] == "main"
    assert (
        client.patch(
            f"/api/v1/applications/{aid}", json={"standards": [{"role": "boss"}]}
        ).status_code
        == 422
    )
    r = client.put(
        f"/api/v1/applications/{aid}/answers",
        json={"requirement_id": r1.id, "statement": "甲", "version": 0},
    )
    assert r.json["version"] == 1
    r = client.put(
        f"/api/v1/applications/{aid}/answers",
        json={"requirement_id": r1.id, "statement": "乙", "version": 0},
    )
    assert r.status_code == 409
    assert (
        r.json["error"] == "stale_answer"
        and r.json["details"]["theirs"] == "甲"
        and r.json["details"]["yours"] == "乙"
    )
    assert client.put(f"/api/v1/applications/{aid}/answers", json={}).status_code == 422
    r = client.post(f"/api/v1/applications/{aid}/submit")
    assert r.status_code == 422 and len(r.json["details"]) == 2
    r = client.post(
        f"/api/v1/applications/{aid}/attachments",
        data={"requirement_id": r1.id, "file": (io.BytesIO(b"MZ\x00\x01"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and r.json["error"] == "file_type"
    r = client.post(
        f"/api/v1/applications/{aid}/attachments",
        data={"requirement_id": r1.id, "file": (io.BytesIO(PDF), "资质证书.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 201
    fid = r.json["id"]
    r = client.get(f"/api/v1/applications/{aid}/attachments/{fid}")
    assert r.status_code == 200 and "%E8%B5%84" in r.headers["Content-Disposition"]
    client.put(
        f"/api/v1/applications/{aid}/answers",
        json={"requirement_id": r2.id, "statement": "有", "version": 0},
    )
    r = client.post(f"/api/v1/applications/{aid}/submit")
    assert r.status_code == 200 and r.json["state"] == "submitted"
    mailbox.wait_for(user.email)
    assert [a["id"] for a in client.get("/api/v1/applications").json] == [aid]


def test_upload_too_large_over_api(app, client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, user=login_as("member"), complete=False)
    app.config["UPLOAD_MAX_BYTES"], old = 100, app.config["UPLOAD_MAX_BYTES"]
    try:
        r = client.post(
            f"/api/v1/applications/{application.id}/attachments",
            data={
                "requirement_id": call.requirements[0].id,
                "file": (io.BytesIO(PDF + b"0" * 200), "a.pdf"),
            },
            content_type="multipart/form-data",
        )
    finally:
        app.config["UPLOAD_MAX_BYTES"] = old
    assert r.status_code == 413 and r.json["error"] == "too_large" and "MB" in r.json["message"]


def test_api_other_org_and_anonymous(client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    assert client.get(f"/api/v1/applications/{application.id}").status_code == 401
    login_as("member")
    for method, url in [
        ("get", ""),
        ("patch", ""),
        ("post", "/submit"),
        ("get", "/assessments"),
        ("get", f"/attachments/{application.attachments[0].id}"),
    ]:
        r = getattr(client, method)(f"/api/v1/applications/{application.id}{url}", json={})
        assert r.status_code == 404, (method, url)
    reviewer = make_user("reviewer", org=application.organization)
    assign_reviewer(call, reviewer, actor=sec)
    login_as(reviewer)
    assert client.get(f"/api/v1/applications/{application.id}").status_code == 404


def test_review_over_api(client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    reviewer = make_user("reviewer")
    assign_reviewer(call, reviewer, actor=sec)
    login_as(reviewer)
    rid = call.requirements[0].id
    r = client.post(
        f"/api/v1/applications/{application.id}/assessments",
        json={"requirement_id": rid, "rating": "met", "score": 8},
    )
    assert r.status_code == 200
    assert (
        client.post(
            f"/api/v1/applications/{application.id}/assessments",
            json={"requirement_id": rid, "rating": "met", "score": 11},
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/api/v1/applications/{application.id}/assessments",
            json={"requirement_id": rid, "rating": "?", "score": 1},
        ).status_code
        == 422
    )
    assert len(client.get(f"/api/v1/applications/{application.id}/assessments").json) == 1
    assert client.post("/api/v1/decisions", json={}).status_code == 403
    login_as(sec)
    for s in application.standards:
        r = client.post(
            "/api/v1/decisions",
            json={
                "application_id": application.id,
                "standard_id": s.standard_id,
                "outcome": "main",
            },
        )
        assert r.status_code == 200
    assert len(client.get(f"/api/v1/decisions?call_id={call.id}").json) == 2
    r = client.get("/api/v1/decisions")
    assert r.status_code == 422 and r.json["fields"] == {"call_id": ["This field is required."]}
    assert (
        client.post(f"/api/v1/calls/{call.id}/decisions/publish").status_code == 409
    )  # still open
    close_call(call)
    db.session.commit()
    r = client.post(f"/api/v1/calls/{call.id}/decisions/publish")
    assert r.status_code == 200 and r.json["published"] == 1


def test_openapi_documents_every_route(client, db):
    doc = client.get("/api/v1/openapi.json").json
    for path in [
        "/calls",
        "/calls/{call_id}",
        "/applications/{application_id}/answers",
        "/decisions",
    ]:
        path = "/api/v1" + path
        assert path in doc["paths"]
