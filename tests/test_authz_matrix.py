"""Every route, every role: the expected authorization outcome is written down.

A route with no entry in an `authz_expectations.py` fails this test, so no
new route slips through unchecked. Domains keep their entries beside their
tests (tests/<domain>/authz_expectations.py).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest

ROLES = ("anonymous", "member", "reviewer", "secretariat")
TESTS = Path(__file__).parent


def _modules():
    names = ["tests.authz_expectations"]
    for path in sorted(TESTS.glob("*/authz_expectations.py")):
        names.append(f"tests.{path.parent.name}.authz_expectations")
    return [importlib.import_module(n) for n in names]


def _expectations() -> dict:
    merged: dict = {}
    for module in _modules():
        for endpoint, spec in module.EXPECTATIONS.items():
            assert endpoint not in merged, f"{endpoint} has two expectations"
            merged[endpoint] = spec
    return merged


EXPECTATIONS = _expectations()


def test_every_route_has_expectations(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    missing = sorted(endpoints - set(EXPECTATIONS))
    assert not missing, f"routes with no authorization expectations: {missing}"
    stale = sorted(set(EXPECTATIONS) - endpoints)
    assert not stale, f"expectations for routes that do not exist: {stale}"
    for endpoint, spec in EXPECTATIONS.items():
        for role in ROLES:
            assert role in spec, f"{endpoint}: no expectation for {role}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(EXPECTATIONS))
def test_route_authorization(endpoint, role, app, client, db, login_as):
    spec = EXPECTATIONS[endpoint]
    ctx = {}
    for module in _modules():
        ctx.update(module.build_context(db))
    db.session.commit()
    ctx = SimpleNamespace(**ctx)
    if role != "anonymous":
        login_as(role)
    url = spec["url"](ctx)
    method = spec.get("method", "GET")
    response = client.open(url, method=method, data=spec.get("data", {}))
    expected = spec[role]
    location = response.headers.get("Location", "")
    went_to_login = response.status_code == 302 and "/login" in location
    if expected == "ok":
        assert response.status_code not in (401, 403, 404, 405, 500) and not went_to_login, (
            f"{role} {method} {url}: {response.status_code} {location}"
        )
    elif expected == "login":
        assert went_to_login, f"{role} {method} {url}: {response.status_code} {location}"
    else:
        assert response.status_code == expected, (
            f"{role} {method} {url}: {response.status_code} {location}"
        )
