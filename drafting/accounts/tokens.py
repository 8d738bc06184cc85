"""Signed, expiring tokens for email links, and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"drafting.{purpose}")


def make_link_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


class TokenError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def read_link_token(purpose: str, token: str, max_age: int) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc


API_TOKEN_PREFIX = "dft_"


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    # A random 256-bit token needs no slow hash: SHA-256 cannot be reversed
    # and lets the lookup use an index.
    return hashlib.sha256(token.encode()).hexdigest()
