"""Export jobs shared through Redis: two app instances (gunicorn) and one RQ
worker process. A job queued on instance A is done by the worker and served,
status and PDF, by instance B."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from io import BytesIO

import pytest
import redis
from pypdf import PdfReader
from rq import Queue
from rq.registry import FailedJobRegistry, FinishedJobRegistry

from tests.support import databases, server
from tests.support.http import Browserish

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DEMO_PASSWORD = "demo-password-2026"
EDITOR = "li.wei@greencell.example"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"Redis is needed at {REDIS_URL} ({exc}); start it: redis-server --daemonize yes"
        )
    tmp = tmp_path_factory.mktemp("export_jobs")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    queue = f"drafting-exports-{prefix}"
    extra = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix, "EXPORT_QUEUE_NAME": queue}
    url, env = server.prepare_database(tmp, "export_jobs", env_extra=extra)
    env.update(extra)
    a = server.Server(env, tmp / "a.log", gunicorn=True)
    b = server.Server(env, tmp / "b.log", gunicorn=True)
    yield a, b, env, tmp
    a.stop()
    b.stop()
    _clean_redis(redis.Redis.from_url(REDIS_URL), queue, prefix)
    databases.drop_database(url)


def _clean_redis(client, queue: str, prefix: str) -> None:
    q = Queue(queue, connection=client)
    job_ids = set(q.job_ids)
    for registry in (FinishedJobRegistry(queue=q), FailedJobRegistry(queue=q)):
        job_ids.update(registry.get_job_ids())
    for job_id in job_ids:
        client.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.srem("rq:queues", f"rq:queue:{queue}")


def _run_worker(env: dict, log_path) -> None:
    with open(log_path, "w") as log:
        subprocess.run(
            [sys.executable, "-m", "flask", "jobs", "worker", "--burst"],
            cwd=server.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=180,
            check=True,
        )


def _download(user: Browserish, url: str) -> tuple[int, dict, bytes]:
    with user.opener.open(urllib.request.Request(url), timeout=30) as resp:
        return resp.status, dict(resp.headers), resp.read()


def test_a_job_queued_on_one_instance_is_done_by_the_worker_and_served_by_the_other(cluster):
    a, b, env, tmp = cluster
    user = Browserish()
    assert user.login(a.base, EDITOR, DEMO_PASSWORD).status == 302
    documents = user.get(a.base + "/api/v1/documents").json()
    document = next(d for d in documents if d["can_edit"])

    r = user.post_form(
        f"{a.base}/documents/{document['id']}/exports",
        {},
        token_page=f"{a.base}/documents/{document['id']}",
    )
    assert r.status == 303, r.text
    path = r.headers["Location"].replace(a.base, "")
    assert re.fullmatch(rf"/documents/{document['id']}/exports/\d+", path)

    # No worker yet: the job waits in Redis, and B knows about it.
    status = user.get(b.base + path + ".json").json()
    assert status["state"] == "queued"
    page = user.get(b.base + path)
    assert page.status == 200 and "Waiting for an export worker" in page.text

    _run_worker(env, tmp / "worker.log")

    status = user.get(b.base + path + ".json").json()
    assert status["state"] == "done" and status["progress"] == 100, (
        status,
        (tmp / "worker.log").read_text(),
    )
    code, headers, pdf = _download(user, b.base + status["download_url"])
    assert code == 200 and pdf.startswith(b"%PDF")
    assert headers["Content-Disposition"].startswith("attachment;")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(BytesIO(pdf)).pages)
    assert document["title_zh"] in text

    # Now cached: asking A again gives the PDF at once, no job.
    token = user.csrf_token(f"{a.base}/documents/{document['id']}")
    req = urllib.request.Request(
        f"{a.base}/documents/{document['id']}/exports",
        method="POST",
        data=urllib.parse.urlencode({"csrf_token": token}).encode(),
    )
    with user.opener.open(req, timeout=30) as resp:
        assert resp.status == 200 and resp.read().startswith(b"%PDF")


def test_health_reports_the_queue(cluster):
    a, b, _env, _tmp = cluster
    for instance in (a, b):
        r = Browserish().get(instance.base + "/healthz")
        assert r.status == 200 and r.json()["checks"] == {
            "database": "ok",
            "redis": "ok",
            "queue": "ok",
        }
