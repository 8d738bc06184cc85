"""Logs on a real gunicorn server: every line is JSON, every request has a
line with the id the response carries in X-Request-Id, and an error is
logged with its stack under that id while the user sees a page in their
language without one (the in-process check is in tests/test_security.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.support import databases, server
from tests.support.http import Browserish
from tests.support.smtp import free_port


class BoomServer(server.Server):
    """gunicorn serving tests.support.boom_app (the app plus failing routes)."""

    def __init__(self, env: dict, log_path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")
        env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "4",
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "tests.support.boom_app:app",
            ],
            cwd=server.ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait()


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("logs")
    url, env = server.prepare_database(tmp, "logs")
    s = BoomServer(env, tmp / "server.log")
    yield s
    s.stop()
    databases.drop_database(url)


def _entries(srv) -> list[dict]:
    lines = [line for line in srv.log_path.read_text().splitlines() if line.strip()]
    entries = []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except ValueError:
            pytest.fail(f"a log line that is not JSON: {line[:300]}")
    return entries


def _lines_for(srv, request_id: str, expect: int = 1) -> list[dict]:
    deadline = time.monotonic() + 10
    while True:
        found = [e for e in _entries(srv) if e.get("request_id") == request_id]
        if len(found) >= expect or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_every_request_is_a_json_line_with_its_request_id(srv):
    client = Browserish()
    seen = []
    for path in ("/", "/calls/", "/no-such-page"):
        r = client.get(srv.base + path)
        seen.append((path, r.status, r.headers["X-Request-Id"]))
    r = client.login(srv.base, "li.wei@greencell.example", "demo-password-2026")
    assert r.status == 302
    seen.append(("/login", 302, r.headers["X-Request-Id"]))
    # An id from a proxy in front is kept, so both logs can be joined.
    r = client.get(srv.base + "/calls/", headers={"X-Request-Id": "fromproxy123"})
    assert r.headers["X-Request-Id"] == "fromproxy123"
    seen.append(("/calls/", 200, "fromproxy123"))
    assert len({rid for _p, _s, rid in seen}) == len(seen), "request ids must differ"
    for path, status, request_id in seen:
        [line] = [e for e in _lines_for(srv, request_id) if e["logger"] == "drafting.request"]
        assert line["message"].split()[1:3] == [path, str(status)], line
        assert line["level"] == "INFO" and line["time"]
    assert all(
        {"time", "level", "logger", "message", "request_id"} <= set(e) for e in _entries(srv)
    )


@pytest.mark.parametrize(
    "lang, title, absent",
    [("zh", "系统出错", "Something went wrong"), ("en", "Something went wrong", "系统出错")],
)
def test_an_error_is_logged_with_its_stack_and_shown_without_it(srv, lang, title, absent):
    r = Browserish().get(srv.base + "/_test/boom", headers={"Accept-Language": lang})
    assert r.status == 500
    assert title in r.text and absent not in r.text
    assert "Traceback" not in r.text and "secret internals" not in r.text
    request_id = r.headers["X-Request-Id"]
    lines = _lines_for(srv, request_id, expect=2)
    [error] = [e for e in lines if e["level"] == "ERROR"]
    assert "GET /_test/boom" in error["message"]
    assert "Traceback" in error["stack"] and "RuntimeError: secret internals 42" in error["stack"]
    assert any(e["logger"] == "drafting.request" and " 500 " in e["message"] for e in lines)


def test_an_api_error_is_json_without_the_stack(srv):
    r = Browserish().get(srv.base + "/api/v1/_test/boom", headers={"Accept-Language": "zh"})
    assert r.status == 500
    assert r.json() == {
        "error": "server_error",
        "message": "系统发生错误，已记录在案，请稍后重试。",
    }
    [error] = [
        e for e in _lines_for(srv, r.headers["X-Request-Id"], expect=2) if e["level"] == "ERROR"
    ]
    assert "RuntimeError: secret internals 43" in error["stack"]


def test_an_error_after_a_failed_flush_still_gets_the_apps_page(srv):
    """The error page reads the session's user; after a failed flush that
    needs a rollback first, else the user gets the server's bare page."""
    client = Browserish()
    assert client.login(srv.base, "li.wei@greencell.example", "demo-password-2026").status == 302
    r = client.get(srv.base + "/_test/flush-boom", headers={"Accept-Language": "zh"})
    assert r.status == 500
    assert "系统出错" in r.text and "Traceback" not in r.text and "IntegrityError" not in r.text
    assert 'name="csrf-token"' in r.text, "not the app's own page"
    [error] = [
        e for e in _lines_for(srv, r.headers["X-Request-Id"], expect=2) if e["level"] == "ERROR"
    ]
    assert "IntegrityError" in error["stack"]
    # The worker's session is usable again.
    assert client.get(srv.base + "/account").status == 200
