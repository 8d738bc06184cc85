"""Security properties that hold for the whole app."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import quote

import pytest

from drafting import create_app
from drafting.accounts.services import create_api_token, revoke_all_api_tokens
from drafting.core.security import is_safe_redirect, safe_next
from tests.support.factories import PASSWORD
from tests.test_authz_matrix import EXPECTATIONS, _modules

POST_ROUTES = sorted(e for e, spec in EXPECTATIONS.items() if spec.get("method", "GET") != "GET")


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("endpoint", POST_ROUTES)
def test_every_form_route_requires_a_csrf_token(endpoint, app, client, db, login_as, csrf_on):
    ctx = {}
    for module in _modules():
        ctx.update(module.build_context(db))
    db.session.commit()
    login_as("secretariat")
    spec = EXPECTATIONS[endpoint]
    url = spec["url"](SimpleNamespace(**ctx))
    r = client.open(url, method=spec["method"], data={})
    assert r.status_code == 400, f"{endpoint}: {r.status_code}"
    if url.startswith("/api/"):
        assert r.json["error"] == "csrf"
    else:
        assert "expired" in r.get_data(as_text=True)


def test_csrf_token_from_the_page_is_accepted(app, client, db, make_user, csrf_on):
    user = make_user()
    db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    r = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302


def test_api_with_bearer_token_needs_no_csrf(app, db, make_user, csrf_on):
    user = make_user()
    _token, secret = create_api_token(user, "t")
    db.session.commit()
    r = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200


def test_security_headers(client, db):
    r = client.get("/")
    csp = r.headers["Content-Security-Policy"]
    for part in [
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    ]:
        assert part in csp
    assert "unsafe-inline" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in r.headers  # only when served over HTTPS
    assert r.headers["X-Request-Id"]


def test_no_inline_script_in_pages(client, db, login_as):
    login_as("secretariat")
    for path in ["/", "/account", "/admin/users", "/admin/audit/", "/account/tokens"]:
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and "onclick=" not in page and " style=" not in page, path


def test_request_too_large_gets_a_friendly_413(app, client, db):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        r = client.post("/login", data={"email": "x" * 5000, "password": "y"})
        assert r.status_code == 413
        assert "larger than the limit" in r.get_data(as_text=True)
        r = client.post("/api/v1/me", data="x" * 5000, content_type="application/json")
        assert r.status_code in (405, 413)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 60 * 1024 * 1024


def test_form_memory_limit_allows_large_texts(app):
    # Flask 3.1 refuses form fields over 500 KB by default; a standard's text is larger.
    assert app.config["MAX_FORM_MEMORY_SIZE"] >= 4 * 1024 * 1024


def test_error_pages_are_in_the_users_language(client, db):
    r = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert r.status_code == 404
    assert "does not exist" in r.get_data(as_text=True)
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json == {"error": "not_found", "message": r.json["message"]}


def test_unexpected_error_is_logged_and_shown_without_stack(tmp_path, caplog):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "x"})

    @app.route("/_boom")
    def _boom():
        raise RuntimeError("secret internals")

    r = app.test_client().get("/_boom", headers={"Accept-Language": "en"})
    assert r.status_code == 500
    body = r.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert "went wrong" in body
    assert any(
        rec.exc_info and "secret internals" in str(rec.exc_info[1]) for rec in caplog.records
    )


# Each of these once led a browser off the site (or would have).
OPEN_REDIRECT_VARIANTS = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/x",
    "///evil.example/x",
    "////evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "http:///evil.example/",
    "http:////evil.example/",
    "HTTP:///evil.example/",
    "https:/evil.example/",
    "http:evil.example",
    "HtTpS:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\x00//evil.example",
    "\x01/\\evil.example",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "//evil.example@drafting.test/",
    "http://drafting.test@evil.example/",
]


@pytest.mark.parametrize("target", OPEN_REDIRECT_VARIANTS)
def test_next_refuses_open_redirect_variants(target, app):
    with app.test_request_context("/login"):
        assert not is_safe_redirect(target), repr(target)
        assert safe_next(target) is None


def test_login_and_language_next_stay_on_the_site(client, db, make_user):
    user = make_user()
    db.session.commit()
    for target in OPEN_REDIRECT_VARIANTS:
        r = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
        assert r.status_code == 302
        assert r.headers["Location"] in ("/", "http://drafting.test/"), repr(target)
        client.post("/logout")
        for r in (
            client.post("/language", data={"lang": "en", "next": target}),
            client.post(f"/language?next={quote(target)}", data={"lang": "en"}),
        ):
            assert r.status_code == 302
            assert r.headers["Location"] in ("/", "http://drafting.test/"), repr(target)
    # A real path on the site is still followed, as the browser would read it.
    r = client.post("/language", data={"lang": "en", "next": "/calls/?page=2"})
    assert r.headers["Location"] == "/calls/?page=2"
    r = client.post("/language?next=/account", data={"lang": "zh"})
    assert r.headers["Location"] == "/account"


def test_junk_bearer_token_does_not_skip_csrf_for_a_cookie_user(app, client, db, login_as, csrf_on):
    user = login_as("member")
    for header in ["Bearer junk", "Bearer ", "bearer x", "Bearer dft_not_a_real_token"]:
        r = client.post(
            "/account", data={"name": "Forged", "locale": "en"}, headers={"Authorization": header}
        )
        assert r.status_code in (400, 401), header
        r = client.post(
            "/api/v1/applications", json={"call_id": 1}, headers={"Authorization": header}
        )
        assert r.status_code == 401, header
        assert r.json["error"] == "unauthorized"
    db.session.refresh(user)
    assert user.name != "Forged"


def test_valid_bearer_token_ignores_the_cookie(app, client, db, make_user, login_as, csrf_on):
    cookie_user = login_as("secretariat")
    token_user = make_user()
    _token, secret = create_api_token(token_user, "t")
    db.session.commit()
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 200
    assert r.json["email"] == token_user.email != cookie_user.email
    # A revoked token is no token: the cookie is not used instead.
    revoke_all_api_tokens(token_user, actor=token_user)
    db.session.commit()
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 401


def test_unauthenticated_api_write_is_401_not_form_expired(app, db, csrf_on):
    anonymous = app.test_client()
    r = anonymous.post("/api/v1/applications", json={"call_id": 1})
    assert r.status_code == 401
    assert r.json["error"] == "unauthorized"
    assert "token" in r.json["message"] and "Log in" in r.json["message"]


def test_cookie_api_write_without_csrf_is_still_refused(app, client, db, login_as, csrf_on):
    login_as("member")
    r = client.post("/api/v1/applications", json={"call_id": 1})
    assert r.status_code == 400
    assert r.json["error"] == "csrf"
