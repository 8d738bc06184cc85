"""Several app instances on one database and one Redis share everything
that must be shared: sessions, rate limits, data."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from drafting.accounts.credit_code import check_character
from tests.support import databases, server
from tests.support.http import Browserish

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DEMO_PASSWORD = "demo-password-2026"


def _redis_available() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"Redis is needed at {REDIS_URL} ({exc}); start it: redis-server --daemonize yes"
        )


@pytest.fixture(scope="module")
def two_instances(tmp_path_factory):
    _redis_available()
    tmp = tmp_path_factory.mktemp("instances")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    extra = {
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_LIMIT_PER_ACCOUNT": "4 per minute",
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
    }
    url, env = server.prepare_database(tmp, "instances", env_extra=extra)
    env.update(extra)
    a = server.Server(env, tmp / "a.log", gunicorn=True)
    b = server.Server(env, tmp / "b.log", gunicorn=True)
    yield a, b
    a.stop()
    b.stop()

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    databases.drop_database(url)


def test_login_on_one_instance_is_honoured_by_the_other(two_instances):
    a, b = two_instances
    user = Browserish()
    r = user.login(a.base, "li.wei@greencell.example", DEMO_PASSWORD)
    assert r.status == 302
    # Same host (127.0.0.1), so the browser sends the cookie to both ports.
    r = user.get(b.base + "/account")
    assert r.status == 200 and "li.wei@greencell.example" in r.text
    # Logging out everywhere on B ends the session seen by A too.
    r = user.post_form(b.base + "/account/sessions/end", {}, token_page=b.base + "/account")
    assert r.status == 302
    assert user.get(a.base + "/account").status == 302


def test_login_rate_limit_is_counted_across_instances(two_instances):
    a, b = two_instances
    attacker = Browserish()
    codes = []
    for base in (a.base, b.base, a.base, b.base):
        codes.append(attacker.login(base, "wang.fang@greencell.example", "wrong password!").status)
    assert codes == [401, 401, 401, 401]
    # The fifth attempt, on either instance, is refused: the count is shared in Redis.
    assert attacker.login(a.base, "wang.fang@greencell.example", DEMO_PASSWORD).status == 429
    assert attacker.login(b.base, "wang.fang@greencell.example", DEMO_PASSWORD).status == 429


def test_health_reports_database_and_redis(two_instances):
    a, _b = two_instances
    r = Browserish().get(a.base + "/healthz")
    assert r.status == 200
    assert r.json()["checks"] == {"database": "ok", "redis": "ok", "queue": "ok"}


def test_concurrent_writers_on_both_instances(two_instances):
    """Registrations at once on two instances: no 500, every write stored."""
    a, b = two_instances

    def register(i: int) -> int:
        first17 = f"91330100MA2{i:06d}"
        code = first17 + check_character(first17)
        client = Browserish()
        base = (a, b)[i % 2].base
        r = client.post_form(
            base + "/register",
            {
                "org_name": f"并发测试企业{i}",
                "org_credit_code": code,
                "org_type": "enterprise",
                "address": "杭州",
                "user_name": f"用户{i}",
                "phone": "",
                "email": f"rush{i}@example.com",
                "password": "a long enough password",
                "password_again": "a long enough password",
            },
        )
        return r.status

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(register, range(24)))
    assert statuses == [302] * 24, statuses
    admin = Browserish()
    assert admin.login(a.base, "secretariat@drafting.example", DEMO_PASSWORD).status == 302
    page = admin.get(b.base + "/admin/organizations").text
    assert all(f"并发测试企业{i}" in page for i in range(24))
