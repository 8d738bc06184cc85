import re

from sqlalchemy import select

from drafting import create_app
from drafting.accounts.models import ApiToken
from drafting.accounts.passwords import hash_password, needs_rehash
from drafting.accounts.services import create_api_token
from tests.support.factories import PASSWORD
from tests.support.smtp import first_link


def login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_and_logout(client, db, make_user):
    user = make_user()
    db.session.commit()
    r = login(client, user.email.upper())
    assert r.status_code == 302
    assert client.get("/account").status_code == 200
    r = client.post("/logout")
    assert r.status_code == 302
    assert client.get("/account").status_code == 302


def test_wrong_password_is_refused_with_a_clear_message(client, db, make_user):
    user = make_user()
    db.session.commit()
    r = login(client, user.email, "wrong password here")
    assert r.status_code == 401
    assert "not correct" in r.get_data(as_text=True)
    r = login(client, "nobody@example.com")
    assert r.status_code == 401


def test_disabled_account_cannot_log_in(client, db, make_user):
    user = make_user(is_active_account=False)
    db.session.commit()
    assert login(client, user.email).status_code == 401


def test_login_starts_a_new_session(client, db, make_user):
    """Session fixation: whatever was in the session before login is dropped."""
    user = make_user()
    db.session.commit()
    with client.session_transaction() as sess:
        sess["planted"] = "by attacker"
        sess["csrf_token"] = "planted-token"
    login(client, user.email)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("csrf_token") != "planted-token"
        assert sess["_user_id"] == f"{user.id}:{user.session_version}"


def test_safe_next_redirect(client, db, make_user):
    user = make_user()
    db.session.commit()
    r = client.post("/login?next=/account", data={"email": user.email, "password": PASSWORD})
    assert r.headers["Location"].endswith("/account")
    client.post("/logout")
    for evil in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
    ]:
        r = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": evil})
        assert "evil" not in r.headers["Location"] and "javascript" not in r.headers["Location"]
        client.post("/logout")


def test_login_rate_limited_per_account(client, app, db, make_user):
    user = make_user()
    db.session.commit()
    statuses = [login(client, user.email, "wrong password!").status_code for _ in range(5)]
    assert statuses == [401] * 5
    r = login(client, user.email)  # even the right password is refused now
    assert r.status_code == 429
    assert "Too many attempts" in r.get_data(as_text=True)
    # Another account from the same address is not blocked by this account's limit.
    other = make_user()
    db.session.commit()
    assert login(client, other.email).status_code == 302


def test_login_rate_limited_per_address(client, app, db, make_user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    try:
        users = [make_user() for _ in range(4)]
        db.session.commit()
        codes = [login(client, u.email, "wrong password!").status_code for u in users]
    finally:
        app.config["LOGIN_LIMIT_PER_ADDRESS"] = "30 per 5 minutes"
    assert codes[:3] == [401, 401, 401]
    assert codes[3] == 429


def test_end_all_sessions_logs_out_other_browsers(app, db, make_user):
    user = make_user()
    db.session.commit()
    a, b = app.test_client(), app.test_client()
    login(a, user.email)
    login(b, user.email)
    assert b.get("/account").status_code == 200
    r = a.post("/account/sessions/end")
    assert r.status_code == 302
    assert a.get("/account").status_code == 302
    assert b.get("/account").status_code == 302  # the other browser's cookie no longer works


def test_change_password(client, db, make_user, app):
    user = make_user()
    db.session.commit()
    other = app.test_client()
    login(client, user.email)
    login(other, user.email)
    r = client.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "password": "new long password 42",
            "password_again": "new long password 42",
        },
    )
    assert r.status_code == 422
    assert "current password is not correct" in r.get_data(as_text=True)
    r = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "new long password 42",
            "password_again": "new long password 42",
        },
    )
    assert r.status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays logged in
    assert other.get("/account").status_code == 302  # others are logged out
    client.post("/logout")
    assert login(client, user.email, "new long password 42").status_code == 302


def test_password_reset_flow(client, db, make_user, mailbox):
    user = make_user()
    db.session.commit()
    r = client.post("/password/forgot", data={"email": user.email})
    assert r.status_code == 302
    link = first_link(mailbox.wait_for(user.email)[0])
    path = re.sub(r"^https?://[^/]+", "", link)
    r = client.post(path, data={"password": "123", "password_again": "123"})
    assert r.status_code == 422
    r = client.post(
        path, data={"password": "a brand new password", "password_again": "a brand new password"}
    )
    assert r.status_code == 302
    assert login(client, user.email, "a brand new password").status_code == 302
    client.post("/logout")
    # The link works once only.
    r = client.post(
        path, data={"password": "another new password", "password_again": "another new password"}
    )
    assert r.status_code == 422
    assert "already been used" in r.get_data(as_text=True)


def test_password_reset_for_unknown_email_says_the_same(client, db, mailbox):
    r = client.post("/password/forgot", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert r.status_code == 200
    assert "If an account exists" in r.get_data(as_text=True)
    assert mailbox.to("nobody@example.com") == []


def test_session_cookie_flags(client, db, make_user):
    user = make_user()
    db.session.commit()
    r = login(client, user.email)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_https_config_uses_host_prefixed_secure_cookie(monkeypatch, tmp_path):
    monkeypatch.setenv("HTTPS", "1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "x"})
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    r = client.get("/", base_url="https://localhost")
    assert "max-age=31536000" in r.headers["Strict-Transport-Security"]


def test_rehash_not_needed_for_fresh_hash():
    assert not needs_rehash(hash_password("x" * 12))


def test_logout_kills_a_copied_cookie(app, client, db, make_user):
    user = make_user()
    db.session.commit()
    login(client, user.email)
    with client.session_transaction() as sess:
        stolen = dict(sess)
    client.post("/logout")
    thief = app.test_client()
    with thief.session_transaction() as sess:
        sess.update(stolen)
    assert thief.get("/account").status_code == 302


def test_successful_logins_do_not_count_against_the_limit(client, db, make_user):
    user = make_user()
    db.session.commit()
    for _ in range(7):
        assert login(client, user.email).status_code == 302
        client.post("/logout")


def test_success_resets_the_accounts_failures(client, db, make_user):
    user = make_user()
    db.session.commit()
    for _ in range(4):
        assert login(client, user.email, "wrong password!").status_code == 401
    assert login(client, user.email).status_code == 302
    client.post("/logout")
    # The count started again: four more failures are allowed, the fifth locks.
    codes = [login(client, user.email, "wrong password!").status_code for _ in range(5)]
    assert codes == [401] * 5
    assert login(client, user.email).status_code == 429


def test_json_login_cannot_get_past_the_account_limit(client, db, make_user):
    user = make_user()
    other = make_user()
    db.session.commit()
    # A JSON body is not the login form: refused before any password is
    # checked (even the right one), so it cannot be used to guess past the limit.
    for email in (user.email, user.email.upper()):
        r = client.post("/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 415
        assert client.get("/account").status_code == 302  # not logged in
    # Other spellings of the address count against the one account.
    for email in (user.email, user.email.upper(), " " + user.email):
        assert login(client, email, "wrong password!").status_code == 401
    for _ in range(2):
        assert login(client, user.email, "wrong password!").status_code == 401
    assert login(client, user.email).status_code == 429
    assert login(client, other.email).status_code == 302


def test_tokens_survive_log_out_everywhere_unless_asked(client, db, make_user):
    user = make_user()
    create_api_token(user, "kept")
    db.session.commit()
    login(client, user.email)
    page = client.get("/account").get_data(as_text=True)
    assert 'name="revoke_tokens"' in page
    client.post("/account/sessions/end")
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert all(t.revoked_at is None for t in tokens)
    login(client, user.email)
    client.post("/account/sessions/end", data={"revoke_tokens": "y"})
    db.session.expire_all()
    assert all(t.revoked_at is not None for t in tokens)


def test_password_change_offers_to_revoke_tokens(client, db, make_user):
    user = make_user()
    token, secret = create_api_token(user, "t")
    db.session.commit()
    login(client, user.email)
    r = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "new long password 42",
            "password_again": "new long password 42",
            "revoke_tokens": "y",
        },
    )
    assert r.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 401


def test_password_reset_revokes_tokens_by_default(client, db, make_user, mailbox):
    user = make_user()
    token, _secret = create_api_token(user, "t")
    db.session.commit()
    client.post("/password/forgot", data={"email": user.email})
    path = re.sub(r"^https?://[^/]+", "", first_link(mailbox.wait_for(user.email)[0]))
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'name="revoke_tokens"[^>]*checked|checked[^>]*name="revoke_tokens"', page)
    r = client.post(
        path,
        data={
            "password": "new long password 42",
            "password_again": "new long password 42",
            "revoke_tokens": "y",
        },
    )
    assert r.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_tokens_page_shows_last_use(client, db, make_user):
    user = make_user()
    _token, secret = create_api_token(user, "scripted")
    db.session.commit()
    login(client, user.email)

    def row():
        page = client.get("/account/tokens").get_data(as_text=True)
        return re.search(r"<tr>\s*<td>scripted</td>.*?</tr>", page, re.S).group(0)

    assert "—" in row()
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    assert "—" not in row() and "20" in row()


def test_forgot_password_answers_the_same_for_unknown_addresses(client, db, make_user, mailbox):
    user = make_user()
    db.session.commit()
    known = client.post("/password/forgot", data={"email": user.email})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com"})
    assert (known.status_code, known.headers["Location"]) == (
        unknown.status_code,
        unknown.headers["Location"],
    )
    flashes = []
    for address in (user.email, "nobody@example.com"):
        client.post("/password/forgot", data={"email": address})
        page = client.get("/login").get_data(as_text=True)
        flashes.append(re.search(r'class="flash[^"]*"[^>]*>(.*?)<', page, re.S).group(1))
    assert flashes[0].replace(user.email, "X") == flashes[1].replace("nobody@example.com", "X")
    assert mailbox.wait_for(user.email, count=2)
    assert mailbox.to("nobody@example.com") == []
