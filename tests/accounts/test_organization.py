import re

import pytest
from sqlalchemy import select

from drafting.accounts.models import User
from drafting.accounts.services import remove_member
from drafting.core.errors import Refused
from tests.support.smtp import first_link


def test_invite_colleague_and_accept(client, db, login_as, mailbox, app):
    admin = login_as("member")
    r = client.post("/organization/invite", data={"email": "colleague@example.com"})
    assert r.status_code == 302
    link = first_link(mailbox.wait_for("colleague@example.com")[0])
    client.post("/logout")
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.get(path).status_code == 200
    r = client.post(
        path,
        data={
            "name": "王芳",
            "password": "a good long password",
            "password_again": "a good long password",
        },
    )
    assert r.status_code == 302
    new = db.session.scalar(select(User).where(User.email == "colleague@example.com"))
    assert new.organization_id == admin.organization_id
    assert not new.is_org_admin and new.email_confirmed
    # The invitation cannot be used twice.
    other = app.test_client()
    assert other.get(path).status_code == 400


def test_invite_existing_account_is_refused(client, db, login_as, make_user):
    existing = make_user()
    login_as("member")
    r = client.post("/organization/invite", data={"email": existing.email}, follow_redirects=True)
    assert "already has an account" in r.get_data(as_text=True)


def test_admin_removes_member_but_not_another_orgs_user(client, db, login_as, make_user, make_org):
    admin = login_as("member")
    colleague = make_user(org=admin.organization, is_org_admin=False)
    stranger = make_user()
    db.session.commit()
    assert client.post(f"/organization/members/{stranger.id}/remove").status_code == 404
    r = client.post(f"/organization/members/{colleague.id}/remove")
    assert r.status_code == 302
    db.session.refresh(colleague)
    assert not colleague.is_active_account


def test_non_admin_cannot_remove(client, db, login_as, make_user):
    admin = make_user()
    plain = make_user(org=admin.organization, is_org_admin=False)
    login_as(plain)
    assert client.post(f"/organization/members/{admin.id}/remove").status_code == 403


def test_last_admin_cannot_be_removed_by_secretariat(client, db, login_as, make_user):
    admin = make_user()
    sec = login_as("secretariat")
    with pytest.raises(Refused):
        remove_member(admin.organization, admin, actor=sec)


def test_edit_organization_details(client, db, login_as):
    admin = login_as("member")
    r = client.post(
        "/organization",
        data={
            "name": "新名称有限公司",
            "type": "enterprise",
            "address": "上海",
            "contact_name": "",
            "contact_phone": "",
            "contact_email": "",
        },
    )
    assert r.status_code == 302
    db.session.refresh(admin.organization)
    assert admin.organization.name == "新名称有限公司"


def test_secretariat_sets_role(client, db, login_as, make_user):
    user = make_user()
    login_as("secretariat")
    r = client.post(f"/admin/users/{user.id}/role", data={"role": "reviewer"})
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.role.value == "reviewer"


def test_member_cannot_set_roles(client, db, login_as, make_user):
    user = make_user()
    login_as("member")
    assert (
        client.post(f"/admin/users/{user.id}/role", data={"role": "secretariat"}).status_code == 403
    )
