"""The dashboard's cached table part (issue 14).

Kept per reader, language, time zone and filters under the call's `cache_tag`
and a digest of its applications' tags: a change of any application or of its
parts shows at once, the page reads the same with and without the cache, and
one reader never gets another's rows.
"""

from __future__ import annotations

import re

import pytest

from drafting.core import pagecache
from drafting.reviews import services
from drafting.reviews.models import Rating
from tests.calls.factories import make_application, make_call
from tests.support.factories import make_org, make_user


@pytest.fixture
def fresh_cache(app):
    pagecache.store(app).clear()
    yield
    pagecache.store(app).clear()


@pytest.fixture
def world(db, sec, fresh_cache):
    call = make_call(actor=sec)
    own_org = make_org(name="评审人所在研究院")
    reviewer = make_user("reviewer", org=own_org, name="Rita Reviewer")
    services.assign_reviewer(call, reviewer, actor=sec)
    first = make_application(call, submit=True)
    own = make_application(call, org=own_org, submit=True)
    db.session.commit()
    return {"call": call, "first": first, "own": own, "reviewer": reviewer, "sec": sec}


def _client(app, user):
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return client


def _page(app, user, call, query="") -> str:
    r = _client(app, user).get(f"/review/calls/{call.id}{query}")
    assert r.status_code == 200
    body = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', r.get_data(as_text=True))
    return re.sub(r'<meta name="csrf-token" content="[^"]+"', "<meta", body)  # per request


def test_the_page_reads_the_same_with_and_without_the_cache(app, world):
    call, sec = world["call"], world["sec"]
    miss = _page(app, sec, call)
    hit = _page(app, sec, call)
    app.config["PAGE_CACHE_ENABLED"] = False
    try:
        uncached = _page(app, sec, call)
    finally:
        app.config["PAGE_CACHE_ENABLED"] = True
    assert miss == hit == uncached
    assert world["first"].organization.name in hit and "评审人所在研究院" in hit
    sorted_by_state = _page(app, sec, call, "?sort=state&role=main")
    assert 'value="state" selected' in sorted_by_state and 'value="state" selected' not in hit


def test_no_reader_gets_another_readers_rows(app, world):
    call = world["call"]
    assert "评审人所在研究院" in _page(app, world["sec"], call)  # cached for the secretariat
    # The reviewer works for an applicant: its application is never shown to them.
    mine = _page(app, world["reviewer"], call)
    assert "评审人所在研究院" not in mine and world["first"].organization.name in mine
    assert f'href="/review/calls/{call.id}/decisions"' not in mine  # the secretariat's tabs


def test_a_change_shows_at_once(app, db, world):
    call, sec, first = world["call"], world["sec"], world["first"]
    before = _page(app, sec, call)
    assert before == _page(app, sec, call)

    services.save_assessment(
        first, call.requirements[0].id, rating=Rating.MET, score=7, reason="好", reviewer=sec
    )
    db.session.commit()
    scored = _page(app, sec, call)
    assert scored != before and "7.00" in scored

    services.return_for_changes(first, message="请补充。", actor=sec)
    db.session.commit()
    assert "state-returned" in _page(app, sec, call)

    first.organization.name = "改了名的公司"
    db.session.commit()
    assert "改了名的公司" in _page(app, sec, call)

    late = make_application(call, org=make_org(name="刚提交的公司"), submit=True)
    db.session.commit()
    assert late.organization.name in _page(app, sec, call)


def test_a_hit_reads_a_constant_number_of_rows(app, db, world, query_counter):
    call, sec = world["call"], world["sec"]
    _page(app, sec, call)
    with query_counter() as few:
        _page(app, sec, call)
    for _ in range(5):
        make_application(call, submit=True)
    db.session.commit()
    _page(app, sec, call)  # the miss after the change
    with query_counter() as more:
        _page(app, sec, call)
    assert len(more) == len(few) <= 6
