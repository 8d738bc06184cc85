"""Bad input is refused with 400/404/415/422, never a 500: one regression test per root cause."""

from __future__ import annotations

import json

import pytest

from drafting.documents.models import Comment
from tests.calls.factories import make_call
from tests.documents.factories import make_world

BIG = 2**63  # beyond any id column (SQLite overflows at 2**63, PostgreSQL at 2**31)


@pytest.fixture
def world(db):
    return make_world()


def _post_json(client, url, raw: str, method="POST"):
    return client.open(url, method=method, data=raw, content_type="application/json")


def test_huge_ids_in_paths_are_404(client, db, login_as, world):
    login_as(world.secretariat)
    for url in (
        f"/api/v1/calls/{BIG}",
        f"/api/v1/documents/{BIG}",
        f"/api/v1/applications/{BIG}",
        f"/api/v1/documents/{world.document.id}/revisions/{BIG}",
        f"/calls/{BIG}",
        f"/documents/{BIG}",
        f"/applications/{BIG}",
        f"/calls/{10**40}",
        f"/calls/{2**31}",
        f"/api/v1/calls/{2**31}",
    ):
        r = client.get(url)
        assert r.status_code == 404, url


def test_huge_ids_in_queries_and_bodies_are_422(client, db, login_as, world):
    doc = world.document
    login_as(world.secretariat)
    for url in (
        f"/api/v1/applications?call_id={BIG}",
        f"/api/v1/decisions?call_id={BIG}",
        f"/api/v1/documents/{doc.id}/checks?revision={BIG}",
        f"/api/v1/documents/{doc.id}/diff?from={BIG}&to=1",
    ):
        r = client.get(url)
        assert r.status_code == 422 and r.json["error"] == "invalid", url
    r = client.get(f"/api/v1/documents/{doc.id}/checks?revision={BIG}")
    assert list(r.json["fields"]) == ["revision"]
    login_as(world.main_editor)
    r = client.post(
        f"/api/v1/documents/{doc.id}/revisions",
        json={"text": "x", "base_revision_id": BIG},
    )
    assert r.status_code == 422 and r.json["fields"] == {
        "base_revision_id": ["The number is out of range."]
    }
    call = make_call()
    login_as(world.secretariat)
    r = client.post(f"/api/v1/calls/{call.id}/requirements", json={"text": "要求", "weight": BIG})
    assert r.status_code == 422 and set(r.json["fields"]) == {"weight"}
    r = client.post(
        f"/api/v1/calls/{call.id}/standards", json={"title_zh": "标准", "main_capacity": BIG}
    )
    assert r.status_code == 422 and set(r.json["fields"]) == {"main_capacity"}


def test_lone_surrogate_is_refused(client, db, login_as, world):
    login_as(world.participant)
    url = f"/api/v1/documents/{world.document.id}/comments"
    r = _post_json(client, url, '{"comment": "\\ud800"}')
    assert r.status_code == 400 and r.json["error"] == "malformed_json"
    r = _post_json(client, url, '{"\\udfff": "x", "comment": "ok"}')
    assert r.status_code == 400
    assert db.session.query(Comment).count() == 0
    # A valid pair (an emoji) is fine.
    r = _post_json(client, url, '{"comment": "\\ud83d\\ude00 好"}')
    assert r.status_code == 201 and r.json["comment"] == "😀 好"


def test_deep_nesting_is_refused(client, db, login_as, world):
    login_as(world.participant)
    url = f"/api/v1/documents/{world.document.id}/comments"
    for depth in (50, 100_000):
        r = _post_json(client, url, '{"comment": ' + "[" * depth + "]" * depth + "}")
        assert r.status_code == 400 and r.json["error"] == "malformed_json", depth


def test_body_size_is_limited(app, client, db, login_as, world):
    login_as(world.participant)
    url = f"/api/v1/documents/{world.document.id}/comments"
    app.config["JSON_BODY_MAX_BYTES"] = 1000
    try:
        r = _post_json(client, url, json.dumps({"comment": "x" * 2000}))
    finally:
        del app.config["JSON_BODY_MAX_BYTES"]
    assert r.status_code == 413 and r.json["error"] == "too_large"


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1.5", "1e400", '"7"', "true"])
def test_not_an_integer_is_refused(client, db, login_as, world, raw):
    login_as(world.main_editor)
    r = _post_json(
        client,
        f"/api/v1/documents/{world.document.id}/revisions",
        '{"text": "x", "base_revision_id": ' + raw + "}",
    )
    assert r.status_code in (400, 422), r.json
    if r.status_code == 422:
        assert list(r.json["fields"]) == ["base_revision_id"]


@pytest.mark.parametrize(
    "value",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-12-31T17:00:00", "soon", 0],
)
def test_insane_dates_are_refused(client, db, login_as, value):
    login_as("secretariat")
    r = client.post(
        "/api/v1/calls",
        json={"title": "征集", "opens_at": value, "closes_at": "2027-01-31T17:00:00+08:00"},
    )
    assert r.status_code == 422 and list(r.json["fields"]) == ["opens_at"]


@pytest.mark.parametrize("value", ["abc", 1.5, True, [], {}, -1, 0])
def test_comment_revision_id_must_be_an_id(client, db, login_as, world, value):
    login_as(world.participant)
    r = client.post(
        f"/api/v1/documents/{world.document.id}/comments",
        json={"comment": "意见", "revision_id": value},
    )
    assert r.status_code == 422 and list(r.json["fields"]) == ["revision_id"]


def test_field_errors_in_chinese(client, db, login_as):
    login_as("secretariat")
    r = client.post(
        "/api/v1/calls",
        json={"title": 7, "opens_at": "soon"},
        headers={"Accept-Language": "zh"},
    )
    assert r.status_code == 422
    assert r.json["message"] and r.json["fields"] == {
        "title": ["请填写文本。"],
        "opens_at": ["请填写带时区的 ISO 8601 时间，例如 2026-12-31T17:00:00+08:00。"],
        "closes_at": ["此字段为必填项。"],
    }


def test_html_comment_form_revision_id_superscript(client, db, login_as, world):
    """`revision_id=²` passed `str.isdigit()` and then failed in `int()`."""
    login_as(world.participant)
    for value in ("²", "٣", str(BIG), "-1"):
        r = client.post(
            f"/documents/{world.document.id}/comments",
            data={"body": f"意见{value}", "type": "te", "revision_id": value},
        )
        assert r.status_code in (302, 303), value
    comments = db.session.query(Comment).all()
    assert len(comments) == 4
    assert {c.revision_id for c in comments} == {world.document.head_revision_id}


def test_html_forms_with_huge_ids(client, db, login_as, world):
    call = make_call()
    login_as(world.secretariat)
    r = client.post(f"/review/calls/{call.id}/reviewers", data={"user_id": str(BIG)})
    assert r.status_code == 400
    r = client.get(f"/documents/{world.document.id}/diff?from={BIG}&to={BIG}")
    assert r.status_code == 200
    r = client.get(f"/admin/audit/?object_id={BIG}&page={BIG}")
    assert r.status_code == 200


def test_choices_listed_in_the_users_language(client, db, login_as):
    call = make_call(state="draft")
    login_as("secretariat")
    r = client.post(
        f"/api/v1/calls/{call.id}/requirements",
        json={"text": "要求", "evidence": "photo"},
        headers={"Accept-Language": "zh"},
    )
    assert r.status_code == 422
    assert r.json["fields"] == {"evidence": ["请从以下选项中选择：statement / file / both。"]}
