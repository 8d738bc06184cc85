"""A password hashed with older argon2 parameters is hashed again at the next login."""

from argon2 import PasswordHasher

from drafting.accounts.models import User
from drafting.accounts.passwords import needs_rehash, verify_password
from tests.support.factories import PASSWORD

OLD_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def test_login_stores_the_hash_again_with_todays_parameters(client, db, make_user):
    user = make_user()
    user.password_hash = OLD_HASHER.hash(PASSWORD)
    db.session.commit()
    old_hash, version = user.password_hash, user.session_version
    assert needs_rehash(old_hash)

    r = client.post("/login", data={"email": user.email, "password": PASSWORD})

    assert r.status_code == 302
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored.password_hash != old_hash
    assert "m=65536,t=3,p=4" in stored.password_hash and not needs_rehash(stored.password_hash)
    assert verify_password(stored.password_hash, PASSWORD)
    assert stored.session_version == version  # nobody is logged out by it
    assert client.get("/account").status_code == 200


def test_a_wrong_password_leaves_the_old_hash_alone(client, db, make_user):
    user = make_user()
    user.password_hash = OLD_HASHER.hash(PASSWORD)
    db.session.commit()
    old_hash = user.password_hash

    r = client.post("/login", data={"email": user.email, "password": "not the password at all"})

    assert r.status_code == 401
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash
