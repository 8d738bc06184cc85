"""The ballots API: open, PUT the organization's vote, close, GET with the counts."""

from datetime import UTC, timedelta

from drafting.core.timeutil import utcnow


def _iso(days=7):
    return (utcnow() + timedelta(days=days)).astimezone(UTC).isoformat()


def test_the_whole_ballot_through_the_api(client, login_as, rw, db):
    login_as(rw.secretariat)
    doc = rw.document
    r = client.post(
        f"/api/v1/documents/{doc.id}/ballots",
        json={"closes_at": _iso(), "organization_ids": [o.id for o in rw.voter_orgs]},
    )
    assert r.status_code == 201, r.json
    ballot = r.json
    assert ballot["status"] == "open" and ballot["rule"]["pass_ratio"] == "3/4"
    assert ballot["counts"]["entitled"] is None and len(ballot["voters"]) == 4
    # A second one is refused while this one is open.
    r = client.post(f"/api/v1/documents/{doc.id}/ballots", json={"closes_at": _iso()})
    assert r.status_code == 409 and r.json["error"] == "ballot_open"

    url = f"/api/v1/ballots/{ballot['id']}"
    for user, body in zip(
        rw.voters,
        [
            {"choice": "for"},
            {"choice": "for_with_comments", "comments": "第5章补充", "clause": ""},
            {"choice": "for"},
            {"choice": "abstain"},
        ],
        strict=True,
    ):
        login_as(user)
        r = client.put(url + "/vote", json=body)
        assert r.status_code == 200, r.json
        assert r.json["choice"] == body["choice"] and r.json["cast_by"] == user.name
    login_as(rw.voters[0])
    r = client.put(url + "/vote", json={"choice": "against"})
    assert r.status_code == 422 and r.json["error"] == "reason_required"
    r = client.get(url)
    assert r.json["my_vote"]["choice"] == "for" and r.json["votes"] == []

    login_as(rw.secretariat)
    r = client.post(url + "/close", json={})
    assert r.status_code == 200 and r.json["result"] == "passed"
    assert r.json["counts"] == {
        "entitled": 4,
        "cast": 3,
        "votes_for": 3,
        "for_with_comments": 1,
        "against": 0,
        "abstain": 1,
        "not_voted": 0,
    }
    assert len(client.get(url).json["votes"]) == 4
    assert client.post(url + "/close", json={}).status_code == 409
    login_as(rw.voters[1])
    r = client.put(url + "/vote", json={"choice": "abstain"})
    assert r.status_code == 409 and r.json["error"] == "ballot_closed"


def test_bad_input_is_a_clear_422(client, login_as, rw):
    login_as(rw.secretariat)
    url = f"/api/v1/documents/{rw.document.id}/ballots"
    r = client.post(url, json={"closes_at": "tomorrow"})
    assert r.status_code == 422 and "closes_at" in r.json["fields"]
    r = client.post(url, json={"closes_at": _iso(-1)})
    assert r.status_code == 422 and r.json["error"] == "closes_at_past"
    r = client.post(url, json={"closes_at": _iso(), "organization_ids": [2_000_000]})
    assert r.status_code == 422 and r.json["error"] == "unknown_organization"
    r = client.post(url, json={"closes_at": _iso(), "revision_id": 2_000_000})
    assert r.status_code == 404
    r = client.post(url, json={"closes_at": _iso(), "organization_ids": [rw.voter_orgs[0].id]})
    assert r.status_code == 201
    login_as(rw.voters[0])
    vote = f"/api/v1/ballots/{r.json['id']}/vote"
    r = client.put(vote, json={"choice": "maybe"})
    assert r.status_code == 422 and "choice" in r.json["fields"]
    r = client.put(vote, json={"choice": "for_with_comments", "comments": "x" * 6000})
    assert r.status_code == 422


def test_members_of_the_group_may_not_open_and_outsiders_see_nothing(client, login_as, rw):
    login_as(rw.main_editor)
    r = client.post(f"/api/v1/documents/{rw.document.id}/ballots", json={"closes_at": _iso()})
    assert r.status_code == 403
    login_as(rw.outsider)
    r = client.post(f"/api/v1/documents/{rw.document.id}/ballots", json={"closes_at": _iso()})
    assert r.status_code == 404


def test_the_gate_through_the_documents_api(client, login_as, rw):
    login_as(rw.main_editor)
    url = f"/api/v1/documents/{rw.document.id}/stage"
    r = client.post(url, json={"stage": "draft_for_approval"})
    assert r.status_code == 409 and r.json["error"] == "ballot_required"
    r = client.post(url, json={"stage": "draft_for_approval"}, headers={"Accept-Language": "zh"})
    assert "当前送审稿尚无通过的表决" in r.json["message"]
    login_as(rw.secretariat)
    r = client.post(url, json={"stage": "draft_for_approval", "override_checks": True})
    assert r.status_code == 422 and r.json["error"] == "reason_required"
    r = client.post(
        url, json={"stage": "draft_for_approval", "override_checks": True, "reason": "会议审查"}
    )
    assert r.status_code == 200 and r.json["stage"] == "draft_for_approval"
