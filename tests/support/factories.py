"""Factories for test data: each returns a flushed model instance."""

from __future__ import annotations

import itertools

from drafting.accounts.credit_code import check_character
from drafting.accounts.models import Organization, OrganizationType, Role, User
from drafting.accounts.passwords import hash_password
from drafting.core.timeutil import utcnow
from drafting.extensions import db

PASSWORD = "a-long-test-password-1"
_counter = itertools.count(1)
# Hashing with argon2 costs ~50 ms; tests share one hash.
_HASH: list[str] = []


def password_hash() -> str:
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


def credit_code(n: int | None = None) -> str:
    n = next(_counter) if n is None else n
    first17 = f"91110000{n:09d}"
    return first17 + check_character(first17)


def make_org(name: str | None = None, **kw) -> Organization:
    n = next(_counter)
    org = Organization(
        name=name or f"测试企业{n}有限公司",
        credit_code=kw.pop("credit_code", None) or credit_code(n),
        type=kw.pop("type", OrganizationType.ENTERPRISE),
        address=kw.pop("address", "北京市海淀区"),
        **kw,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(role: Role | str = Role.MEMBER, org: Organization | None = None, **kw) -> User:
    role = Role(role)
    n = next(_counter)
    if role == Role.MEMBER and org is None:
        org = make_org()
    user = User(
        email=kw.pop("email", None) or f"user{n}@example.com",
        name=kw.pop("name", None) or f"用户{n}",
        password_hash=password_hash(),
        role=role,
        organization=org,
        is_org_admin=kw.pop("is_org_admin", role == Role.MEMBER),
        email_confirmed_at=kw.pop("email_confirmed_at", utcnow()),
        **kw,
    )
    db.session.add(user)
    db.session.flush()
    return user
