"""Concurrent votes: many users of the same organizations vote and change their vote at once.

Each request runs in its own thread, application context and database session
(a committed database, not the rolled-back one of the other tests), through the
API as in production. Run on PostgreSQL (``DRAFTING_TEST_DB=postgresql``) this
proves the row lock: exactly one vote row per organization, one "cast" per
organization in the audit log and the rest "changed", and counts that add up.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from drafting import create_app
from drafting.accounts.services import create_api_token
from drafting.audit.models import AuditEntry
from drafting.ballots.models import Vote
from drafting.core.timeutil import utcnow
from drafting.extensions import db
from tests.ballots.factories import make_review_world, open_on
from tests.support import databases, factories

ORGS, USERS_PER_ORG, VOTES_PER_USER = 6, 3, 3
CHOICES = [
    {"choice": "for"},
    {"choice": "for_with_comments", "comments": "并发修改意见"},
    {"choice": "against", "reason": "并发理由"},
    {"choice": "abstain"},
]


@pytest.fixture
def committed_app(tmp_path, smtp_sink):
    url = databases.fresh_database_url(tmp_path, "ballots")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "EXPORT_DIR": str(tmp_path / "exports"),
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_sink.port,
            "SERVER_NAME": "drafting.test",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade(revision="heads")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    databases.drop_database(url)


def _seed(app) -> dict:
    with app.test_request_context(method="POST"):
        w = make_review_world(voters=ORGS)
        tokens = {}
        for org, first in zip(w.voter_orgs, w.voters, strict=True):
            users = [first] + [
                factories.make_user("member", org=org) for _ in range(USERS_PER_ORG - 1)
            ]
            tokens[org.id] = [create_api_token(u, "rush")[1] for u in users]
        ballot = open_on(w, closes_at=utcnow() + timedelta(days=1))
        _t, sec_token = create_api_token(w.secretariat, "rush")
        db.session.commit()
        return {"ballot_id": ballot.id, "tokens": tokens, "secretariat": sec_token}


def test_concurrent_votes_give_exact_counts(committed_app):
    app = committed_app
    setup = _seed(app)
    url = f"/api/v1/ballots/{setup['ballot_id']}"
    work = [
        (org_id, token, random.Random(i * 31 + k).choice(CHOICES))
        for org_id, org_tokens in setup["tokens"].items()
        for i, token in enumerate(org_tokens)
        for k in range(VOTES_PER_USER)
    ]
    random.Random(7).shuffle(work)
    barrier = threading.Barrier(8)

    def vote(item):
        org_id, token, body = item
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass
        client = app.test_client()
        r = client.put(url + "/vote", json=body, headers={"Authorization": f"Bearer {token}"})
        return org_id, body["choice"], r.status_code, r.get_json()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(vote, work))
    bad = [r for r in results if r[2] != 200]
    assert not bad, bad[:5]

    with app.app_context():
        votes = db.session.scalars(select(Vote).where(Vote.ballot_id == setup["ballot_id"])).all()
        assert sorted(v.organization_id for v in votes) == sorted(setup["tokens"])
        count = lambda action: db.session.scalar(  # noqa: E731
            select(func.count(AuditEntry.id)).where(AuditEntry.action == action)
        )
        assert count("ballot.vote_cast") == ORGS
        assert count("ballot.vote_changed") == len(work) - ORGS
        assert sum(v.changes for v in votes) == len(work) - ORGS
        final = {v.organization_id: v.choice.value for v in votes}
        db.session.remove()

    r = app.test_client().post(
        url + "/close", json={}, headers={"Authorization": f"Bearer {setup['secretariat']}"}
    )
    assert r.status_code == 200, r.get_json()
    counts = r.get_json()["counts"]
    expected_for = sum(1 for c in final.values() if c in ("for", "for_with_comments"))
    assert counts["entitled"] == ORGS and counts["not_voted"] == 0
    assert counts["votes_for"] == expected_for
    assert counts["against"] == sum(1 for c in final.values() if c == "against")
    assert counts["abstain"] == sum(1 for c in final.values() if c == "abstain")
    assert counts["cast"] == counts["votes_for"] + counts["against"]
