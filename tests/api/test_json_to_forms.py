"""A JSON body sent to any HTML form route answers 415 (400 for the page's own JSON
endpoints), never a 500 from Flask-WTF or email_validator feeding it to a form."""

from __future__ import annotations

import json

import pytest
from werkzeug.routing import IntegerConverter

BODIES = ("[]", '"text"', "1", '{"email": {"a": [1, {"b": null}]}, "password": [1]}')
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _url(rule) -> str:
    values = {}
    for name in rule.arguments:
        integer = isinstance(rule._converters[name], IntegerConverter)
        values[name] = "1" if integer else "x"
    path = rule.rule
    for name, value in values.items():
        path = path.replace(f"<int:{name}>", value).replace(f"<path:{name}>", value)
        path = path.replace(f"<{name}>", value)
    return path


def _form_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") or rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) & WRITES):
            yield rule, method


@pytest.mark.parametrize("role", ["anonymous", "member", "secretariat"])
def test_json_to_every_form_route(app, client, db, login_as, role):
    if role != "anonymous":
        login_as(role)
    routes = list(_form_routes(app))
    assert len(routes) > 30  # /login, /register, /password/forgot, the editors' forms, …
    failures = []
    for rule, method in routes:
        view = app.view_functions[rule.endpoint]
        for body in BODIES:
            r = client.open(_url(rule), method=method, data=body, content_type="application/json")
            ok = r.status_code < 500 and (
                getattr(view, "_accepts_json", False) or r.status_code == 415
            )
            if not ok:
                failures.append(f"{method} {rule.rule} {body}: {r.status_code}")
    assert not failures, failures


def test_the_answer_says_what_to_do(client, db):
    r = client.post("/login", data=json.dumps(["x"]), content_type="application/json")
    assert r.status_code == 415 and "/api/v1/" in r.get_data(as_text=True)
    r = client.post(
        "/register",
        data="{}",
        content_type="application/json",
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 415 and r.json["error"] == "unsupported_media_type"
    # A real form still works.
    r = client.post("/login", data={"email": "nobody@example.com", "password": "x"})
    assert r.status_code in (200, 401, 422)
