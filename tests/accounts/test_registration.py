import re

from sqlalchemy import select

from drafting.accounts.models import Organization, User
from drafting.accounts.tokens import make_link_token
from drafting.audit.models import AuditEntry
from tests.support.smtp import first_link

GOOD = dict(
    org_name="绿能电池回收有限公司",
    org_credit_code="91350100M000100Y43",
    org_type="enterprise",
    address="深圳市龙岗区",
    user_name="李伟",
    phone="13500000000",
    email="Li.Wei@Example.com",
    password="correct horse battery staple",
    password_again="correct horse battery staple",
)


def register(client, **overrides):
    return client.post("/register", data={**GOOD, **overrides})


def test_register_creates_org_and_admin_and_mails_confirmation(client, db, mailbox):
    r = register(client)
    assert r.status_code == 302
    org = db.session.scalar(
        select(Organization).where(Organization.credit_code == "91350100M000100Y43")
    )
    user = db.session.scalar(select(User).where(User.email == "li.wei@example.com"))
    assert org is not None and user.organization_id == org.id
    assert user.is_org_admin and user.email_confirmed_at is None
    assert user.password_hash.startswith("$argon2id$")
    mail = mailbox.wait_for("li.wei@example.com")[0]
    link = first_link(mail)
    assert "/confirm/" in link
    # The page says where the link went; nobody is logged in yet.
    assert r.headers["Location"].endswith("/register/sent")
    page = client.get("/register/sent").get_data(as_text=True)
    assert "li.wei@example.com" in page and "Check your mailbox" in page
    assert client.get("/account").status_code == 302
    # Following the link confirms the address and logs the user in.
    path = re.sub(r"^https?://[^/]+", "", link)
    r = client.get(path)
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed_at is not None
    assert "li.wei@example.com" in client.get("/account").get_data(as_text=True)
    # A second use of the link confirms nothing new and logs nobody in.
    client.post("/logout")
    client.get(path)
    assert client.get("/account").status_code == 302
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "organization.registered" in actions and "user.email_confirmed" in actions


def test_register_refuses_bad_credit_code_keeping_input(client, db):
    r = register(client, org_credit_code="91350100M000100Y44")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "last character" in page
    assert "绿能电池回收有限公司" in page  # the rest of the input is kept
    assert db.session.scalar(select(Organization)) is None


def test_register_refuses_weak_password(client, db):
    r = register(client, password="password123", password_again="password123")
    assert r.status_code == 422
    assert "too common" in r.get_data(as_text=True)
    r = register(client, password="short", password_again="short")
    assert r.status_code == 422
    assert "at least 10 characters" in r.get_data(as_text=True)


def test_register_refuses_duplicate_org(client, db, make_user):
    register(client)
    r = register(client, email="other@example.com", org_name="另一家公司")
    assert r.status_code == 422
    assert "already registered" in r.get_data(as_text=True)


def test_register_does_not_reveal_an_existing_account(app, db, mailbox):
    """User enumeration: a taken address gets the answer a new one gets; its owner is told by mail."""
    first, second = app.test_client(), app.test_client()
    r_new = register(first)
    mailbox.wait_for("li.wei@example.com")
    mailbox.clear()
    r_taken = register(second, org_credit_code="91110000802100433B", org_name="另一家公司")
    assert (r_taken.status_code, r_taken.headers["Location"]) == (
        r_new.status_code,
        r_new.headers["Location"],
    )
    page_new = first.get("/register/sent").get_data(as_text=True)
    page_taken = second.get("/register/sent").get_data(as_text=True)
    tokens = re.compile(r'(name="csrf[-_]token"[^>]*)value="[^"]*"|content="[^"]*"')
    assert tokens.sub("", page_new) == tokens.sub("", page_taken)
    assert "already" not in page_taken
    # Nothing was created for the second attempt, and the owner knows of it.
    assert db.session.scalar(select(Organization).where(Organization.name == "另一家公司")) is None
    mail = mailbox.wait_for("li.wei@example.com")[0]
    text = mail.get_body(("plain",)).get_content()
    assert "already has an account" in text and "/password/forgot" in text


def test_register_empty_form_is_422(client, db):
    r = client.post("/register", data={})
    assert r.status_code == 422
    assert "This field is required" in r.get_data(as_text=True)


def test_confirmation_link_tampered_or_expired(client, app, db, make_user):
    user = make_user(email_confirmed_at=None)
    db.session.commit()
    r = client.get("/confirm/not-a-token")
    assert r.status_code == 400
    assert "not valid" in r.get_data(as_text=True)
    with app.test_request_context():
        token = make_link_token("confirm", {"uid": user.id, "email": user.email})
    app.config["CONFIRM_TOKEN_MAX_AGE"] = -1
    try:
        r = client.get(f"/confirm/{token}")
    finally:
        app.config["CONFIRM_TOKEN_MAX_AGE"] = 3 * 24 * 3600
    assert r.status_code == 400
    assert "expired" in r.get_data(as_text=True)
