"""The API: the comment period of a document, and comments refused after the close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_get_the_period(client, login_as, world, doc, out_for_comments):
    assert client.get(f"/api/v1/documents/{doc.id}/comment-period").status_code == 404
    with time_machine.travel(T0, tick=False):
        period = out_for_comments(public=False)
        r = client.get(f"/api/v1/documents/{doc.id}/comment-period")
        assert r.status_code == 401  # members only: log in
        login_as(world.outsider)
        r = client.get(f"/api/v1/documents/{doc.id}/comment-period")
    assert r.status_code == 200
    assert r.json == {
        "id": period.id,
        "document_id": doc.id,
        "revision_id": doc.head_revision_id,
        "opens_at": "2026-03-02T01:00:00+00:00",
        "closes_at": "2026-04-01T01:00:00+00:00",
        "extended_at": None,
        "ended_at": None,
        "audience": "members",
        "status": "open",
        "can_comment": True,
    }


def test_api_comments_are_refused_with_409_after_the_close(
    client, login_as, world, doc, out_for_comments
):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments()
    body = {"clause": "4.2", "type": "te", "comment": "意见"}
    with time_machine.travel(period.closes_at - timedelta(seconds=1), tick=False):
        login_as(world.outsider)
        r = client.post(f"/api/v1/documents/{doc.id}/comments", json=body)
        assert r.status_code == 201
    with time_machine.travel(period.closes_at, tick=False):
        login_as(world.outsider)
        r = client.post(f"/api/v1/documents/{doc.id}/comments", json=body)
        assert r.status_code == 409 and r.json["error"] == "comment_period_closed"
        assert "2026-04-01 09:00" in r.json["message"]
        r = client.get(f"/api/v1/documents/{doc.id}/comment-period")
        assert r.json["status"] == "closed" and r.json["can_comment"] is False
        # The drafting group still comments (answering the comments is its work).
        login_as(world.main_editor)
        r = client.post(f"/api/v1/documents/{doc.id}/comments", json=body)
        assert r.status_code == 201
