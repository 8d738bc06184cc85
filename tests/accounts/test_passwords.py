from drafting.accounts.passwords import (
    _DUMMY_HASH,
    _hasher,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)


def test_hash_is_argon2_and_verifies():
    h = hash_password("a-long-test-password-1")
    assert h.startswith("$argon2id$")
    assert "a-long-test-password-1" not in h
    assert verify_password(h, "a-long-test-password-1")
    assert not verify_password(h, "a-long-test-password-2")
    assert not verify_password(None, "anything")
    assert not verify_password("not a hash", "anything")


def test_policy():
    assert password_problem("short", min_length=10) == "too_short"
    assert password_problem("password123", min_length=10) == "too_common"
    assert password_problem("1234567890", min_length=10) == "too_common"
    assert password_problem("aaaaaaaaaaaa", min_length=10) == "too_common"
    assert (
        password_problem("zhangsan-2026-x", min_length=10, email="zhangsan@example.com")
        == "contains_email"
    )
    assert password_problem("Tea and a bicycle at dawn", min_length=10) is None


def test_the_dummy_hash_costs_what_a_real_one_does():
    """A missing account is verified against the dummy hash: with the same
    parameters as real hashes, a wrong email takes as long as a wrong password."""
    assert not needs_rehash(_DUMMY_HASH)
    assert _hasher.verify(_DUMMY_HASH, "not a real password, only for timing")
