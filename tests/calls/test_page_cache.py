"""The call page's cached part and the paginated call list (issue 14).

The part of the call page that is the same for every reader (notice,
standards, requirements, files) is kept under the call's `cache_tag`, which
every change renews: a change shows at once, and nothing of one reader's
page (CSRF token, user menu, flashed messages, the organization's own
application) ever reaches another.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
import redis

from drafting.calls import queries, services
from drafting.calls.models import EvidenceKind
from drafting.core import pagecache
from drafting.core.timeutil import utcnow
from tests.calls.factories import PDF, make_application, make_call

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _csrf(body: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', body).group(1)


@pytest.fixture
def fresh_cache(app):
    pagecache.store(app).clear()
    yield pagecache.store(app)
    pagecache.store(app).clear()


def test_a_change_shows_at_once(client, login_as, db, sec, fresh_cache):
    call = make_call(actor=sec)
    db.session.commit()
    url = f"/calls/{call.id}"
    first = client.get(url).get_data(as_text=True)
    assert "行业相关企事业单位" in first and "团体标准1" in first
    tag = call.cache_tag
    assert client.get(url).get_data(as_text=True).count("行业相关企事业单位") == first.count(
        "行业相关企事业单位"
    )

    services.update_call(call, actor=sec, notice="## 新的申报要求\n\n改过的通知正文。")
    db.session.commit()
    assert call.cache_tag != tag
    body = client.get(url).get_data(as_text=True)
    assert "改过的通知正文" in body and "行业相关企事业单位。" not in body

    tag = call.cache_tag
    services.add_attachment(call, filename="正式通知.pdf", data=PDF, actor=sec)
    db.session.commit()
    assert call.cache_tag != tag
    assert "正式通知.pdf" in client.get(url).get_data(as_text=True)

    # A draft's structure: standards and requirements, added and removed.
    draft = make_call(state="draft", actor=sec)
    db.session.commit()
    login_as(sec)
    url = f"/calls/{draft.id}"
    assert "团体标准3" not in client.get(url).get_data(as_text=True)
    standard = services.add_standard(draft, title_zh="团体标准3", actor=sec)
    db.session.commit()
    assert "团体标准3" in client.get(url).get_data(as_text=True)
    services.add_requirement(
        draft,
        text="只对第三项标准的要求",
        mandatory=True,
        evidence=EvidenceKind.STATEMENT,
        weight=1,
        standard_ids=[standard.id],
        actor=sec,
    )
    db.session.commit()
    body = client.get(url).get_data(as_text=True)
    assert "只对第三项标准的要求" in body
    # The requirement names the standard it is limited to (loaded as id pairs).
    assert re.search(r"只对第三项标准的要求.*?团体标准3", body, re.S)
    services.remove_standard(draft, standard, actor=sec)
    db.session.commit()
    assert "团体标准3" not in client.get(url).get_data(as_text=True)


def test_cache_hit_reads_only_the_call_row(client, db, sec, query_counter, fresh_cache):
    call = make_call(actor=sec)
    db.session.commit()
    url = f"/calls/{call.id}"
    with query_counter() as miss:
        assert client.get(url).status_code == 200
    with query_counter() as hit:
        body = client.get(url).get_data(as_text=True)
    assert "团体标准2" in body
    assert len(hit) == 1 < len(miss)  # the call row; the rest comes from the cache
    # More standards and requirements: the same number of queries on a miss.
    for i in range(3):
        services.add_attachment(call, filename=f"附件{i}.pdf", data=PDF, actor=sec)
    db.session.commit()
    with query_counter() as miss_again:
        client.get(url)
    assert len(miss_again) == len(miss)


def test_no_reader_gets_another_readers_page(app, db, sec, make_org, make_user, fresh_cache):
    call = make_call(actor=sec)
    org_a, org_b = make_org(name="甲公司"), make_org(name="乙公司")
    alice = make_user("member", org=org_a, name="Alice Applicant")
    bob = make_user("member", org=org_b, name="Bob Bystander")
    application = make_application(call, org=org_a, user=alice)
    db.session.commit()
    url = f"/calls/{call.id}"

    clients = {}
    for who, user in (("alice", alice), ("bob", bob), ("anonymous", None)):
        c = app.test_client()
        if user is not None:
            with c.session_transaction() as sess:
                sess["_user_id"] = user.get_id()
                sess["_fresh"] = True
                if who == "alice":
                    sess["_flashes"] = [("success", "仅给Alice的消息")]
        clients[who] = c

    pages = {who: c.get(url).get_data(as_text=True) for who, c in clients.items()}
    # ...and again, now that the shared part is stored: every reader twice.
    pages_again = {who: c.get(url).get_data(as_text=True) for who, c in clients.items()}
    assert pagecache.store(app).get(f"call-page:{call.id}:{call.cache_tag}:en") is not None

    link = f"/applications/{application.id}"
    assert link in pages["alice"]
    assert link not in pages["bob"] and link not in pages["anonymous"]
    assert link not in pages_again["bob"] and link not in pages_again["anonymous"]
    assert "Alice Applicant" in pages["alice"]
    for who in ("bob", "anonymous"):
        for page in (pages[who], pages_again[who]):
            assert "Alice Applicant" not in page and "仅给Alice的消息" not in page
    assert "仅给Alice的消息" in pages["alice"] and "仅给Alice的消息" not in pages_again["alice"]
    assert "Bob Bystander" in pages["bob"] and "Bob Bystander" not in pages["anonymous"]
    assert "Log in to apply" in pages["anonymous"] and "Log in to apply" not in pages["bob"]
    # Each reader's CSRF token is their own session's, on the first and the cached page.
    tokens = {who: _csrf(pages[who]) for who in pages}
    assert len(set(tokens.values())) == 3
    assert {who: _csrf(pages_again[who]) for who in pages} == tokens
    for page in (*pages.values(), *pages_again.values()):
        assert "行业相关企事业单位" in page and "团体标准2" in page


def test_each_language_its_own_part(client, db, sec, fresh_cache):
    call = make_call(actor=sec)
    db.session.commit()
    url = f"/calls/{call.id}"
    en = client.get(url).get_data(as_text=True)
    zh = client.get(url, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "How to apply" in en and "How to apply" not in zh
    assert "申报方式" in zh
    assert "How to apply" in client.get(url).get_data(as_text=True)


def test_cache_off_renders_every_time(app, client, db, sec, fresh_cache):
    call = make_call(actor=sec)
    db.session.commit()
    app.config["PAGE_CACHE_ENABLED"] = False
    try:
        assert "团体标准1" in client.get(f"/calls/{call.id}").get_data(as_text=True)
        assert fresh_cache.get(f"call-page:{call.id}:{call.cache_tag}:en") is None
    finally:
        app.config["PAGE_CACHE_ENABLED"] = True


def test_local_cache_is_bounded():
    cache = pagecache.LocalCache(2)
    cache.set("a", "1")
    cache.set("b", "2")
    assert cache.get("a") == "1"  # now the most recent
    cache.set("c", "3")
    assert cache.get("b") is None and cache.get("a") == "1" and cache.get("c") == "3"


def test_redis_cache_round_trip_and_failure():
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is needed at {REDIS_URL} ({exc})")
    cache = pagecache.RedisCache(REDIS_URL, ttl=60)
    key = f"test:{os.getpid()}:{utcnow().timestamp()}"
    assert cache.get(key) is None
    cache.set(key, "通知正文 <b>")
    assert cache.get(key) == "通知正文 <b>"
    assert 0 < cache.redis.ttl("drafting:page:" + key) <= 60
    cache.redis.delete("drafting:page:" + key)
    # A Redis that does not answer is a miss, not an error page.
    dead = pagecache.RedisCache("redis://127.0.0.1:1/0", ttl=60)
    assert dead.get(key) is None
    dead.set(key, "x")


# --- the call list -------------------------------------------------------------


def _past_calls(n: int, sec) -> None:
    for i in range(n):
        call = make_call(actor=sec, title=f"往期通知{i:03d}")
        call.closes_at = utcnow() - timedelta(days=i + 1)
        call.opens_at = call.closes_at - timedelta(days=30)


def test_call_list_pages(client, db, sec, query_counter):
    make_call(actor=sec, title="正在征集的通知")
    _past_calls(queries.CALLS_PER_PAGE + 5, sec)
    db.session.commit()
    first = client.get("/calls/").get_data(as_text=True)
    assert "正在征集的通知" in first
    assert first.count("往期通知") == queries.CALLS_PER_PAGE
    assert "往期通知000" in first and "往期通知024" not in first  # latest deadline first
    assert "/calls/?page=2" in first and "page=0" not in first
    second = client.get("/calls/?page=2").get_data(as_text=True)
    assert second.count("往期通知") == 5 and "往期通知024" in second
    assert "正在征集的通知" not in second  # open calls head the first page only
    assert "/calls/?page=1" in second and "page=3" not in second
    for bad in ("abc", "0", "-3", "99999999999"):
        r = client.get(f"/calls/?page={bad}")
        assert r.status_code == 200
    assert "往期通知000" in client.get("/calls/?page=abc").get_data(as_text=True)


def test_call_list_queries_constant(client, login_as, db, sec, query_counter):
    make_call(actor=sec)
    _past_calls(3, sec)
    db.session.commit()
    login_as(sec)
    with query_counter() as few:
        client.get("/calls/")
    make_call(actor=sec, state="draft")
    for _ in range(4):
        make_call(actor=sec)
    _past_calls(30, sec)
    db.session.commit()
    with query_counter() as many:
        body = client.get("/calls/").get_data(as_text=True)
    assert len(many) == len(few)
    # Only the columns the list shows: the notice text is not read.
    assert not any("call.notice" in str(s) for s in many)
    assert "Drafts" in body


def test_call_list_in_chinese(client, db, sec):
    _past_calls(queries.CALLS_PER_PAGE + 1, sec)
    db.session.commit()
    body = client.get("/calls/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "往期征集" in body and "下一页" in body and "Past calls" not in body
