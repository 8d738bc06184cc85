"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# A hash to verify against when the account does not exist, so that a
# wrong email takes as long as a wrong password. Written out rather than
# computed at import (123 ms in every worker process); a test checks that it
# has the hasher's current parameters.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$a4+U+kI8Az6o/xmTz7zdfQ$y2SgbTXsasxr8Dg0ef795JLLtPJo60lCP36bkilb/MU"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def password_problem(password: str, *, min_length: int, email: str = "") -> str | None:
    """Why `password` is refused, as a message key, or None."""
    if len(password) < min_length:
        return "too_short"
    lowered = password.lower()
    if lowered in common_passwords() or len(set(password)) <= 2:
        return "too_common"
    local = email.split("@")[0].lower()
    if local and len(local) >= 4 and local in lowered:
        return "contains_email"
    return None
