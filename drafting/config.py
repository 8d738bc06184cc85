"""Configuration from the environment, with embedded defaults.

Every setting has a default that works on a laptop (SQLite and files in the
instance folder, mail printed to the log); production overrides them with
environment variables (see the README's table).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept.

    Keeping it in the instance folder means sessions survive restarts and
    all workers on one machine share it without anyone choosing a key.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def normalise_database_url(url: str) -> str:
    """Accept the usual `postgres://` spellings and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def from_environment(instance_path: Path) -> dict:
    https = _bool("HTTPS", False)
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'drafting.db'}"
    redis_url = os.environ.get("REDIS_URL") or None
    upload_limit = _int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # Every checkout is tested: PostgreSQL may drop a connection at any time
        # (restart, failover), and no request may see that as a 500
        # (tests/production/test_faults.py).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(instance_path / "uploads"),
        "EXPORT_DIR": os.environ.get("EXPORT_DIR") or str(instance_path / "exports"),
        "UPLOAD_MAX_BYTES": upload_limit,
        # A whole request may carry several evidence files at the per-file limit.
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 3 * upload_limit),
        # Flask 3.1 refuses form fields over 500 KB by default; a standard's
        # text can be larger, and a refused save would lose the editor's work.
        "MAX_FORM_MEMORY_SIZE": _int("MAX_FORM_MEMORY_SIZE", 8 * 1024 * 1024),
        "REDIS_URL": redis_url,
        # The page parts that are the same for every reader (drafting.core.pagecache):
        # in Redis when REDIS_URL is set, else an LRU of PAGE_CACHE_SIZE per process.
        "PAGE_CACHE_ENABLED": _bool("PAGE_CACHE", True),
        "PAGE_CACHE_SIZE": _int("PAGE_CACHE_SIZE", 1024),
        "PAGE_CACHE_TTL": _int("PAGE_CACHE_TTL", 86_400),
        # Export jobs: "thread" (in the web process), "rq" (default when
        # REDIS_URL is set: a queue shared by every instance) or "eager".
        "EXPORT_QUEUE": os.environ.get("EXPORT_QUEUE") or None,
        "EXPORT_QUEUE_NAME": os.environ.get("EXPORT_QUEUE_NAME", "drafting-exports"),
        # Speculative exports (drafting.jobs.speculation): on unless EXPORT_SPECULATE=0;
        # unset in tests, where it is off unless a test turns it on.
        "EXPORT_SPECULATE": _bool("EXPORT_SPECULATE", True)
        if "EXPORT_SPECULATE" in os.environ
        else None,
        "EXPORT_SPECULATE_IDLE_SECONDS": _int("EXPORT_SPECULATE_IDLE_SECONDS", 180),
        "EXPORT_SPECULATE_WINDOW_SECONDS": _int("EXPORT_SPECULATE_WINDOW_SECONDS", 86400),
        # The export processes' memory limit and number (drafting.export.worker.derived_limits):
        # unset, 2,048 MiB each (a 300-page standard needs 1,279 MiB) and as many as cores and memory allow.
        "EXPORT_MEMORY_LIMIT_MB": _int("EXPORT_MEMORY_LIMIT_MB", 0) or None,
        "EXPORT_WORKERS": _int("EXPORT_WORKERS", 0) or None,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "drafting"),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 5 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 5 minutes"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "drafting <no-reply@localhost>"),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        # "background" or "request": who sends the mail that must not make a
        # page slower when an account exists (reset links, registration).
        # Unset: a background thread, except in tests.
        "MAIL_SEND": os.environ.get("MAIL_SEND") or None,
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "zh"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "Asia/Shanghai"),
        "LANGUAGES": ["zh", "en"],
        "SITE_NAME": os.environ.get("SITE_NAME", "团体标准起草平台"),
        # One name per language; unset, Chinese uses SITE_NAME and English its
        # own default (or SITE_NAME when that was changed). See core.i18n.site_name.
        "SITE_NAME_ZH": os.environ.get("SITE_NAME_ZH") or None,
        "SITE_NAME_EN": os.environ.get("SITE_NAME_EN") or None,
        "ASSOCIATION_NAME": os.environ.get("ASSOCIATION_NAME", "中国电子节能技术协会"),
        "ASSOCIATION_CODE": os.environ.get("ASSOCIATION_CODE", "CESA"),
        # Links in mail sent by CLI commands (cron) point here.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "HTTPS": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "SESSION_COOKIE_NAME": "__Host-session" if https else "session",
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_LIFETIME_SECONDS", 12 * 3600),
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        # Editors keep a page open for hours; the page refreshes its token,
        # and a token as old as the session is still accepted.
        "WTF_CSRF_TIME_LIMIT": None,
        # CSRF is checked in a before_request hook so that API calls with a
        # bearer token (no cookie, so no CSRF risk) can skip it.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "CONFIRM_TOKEN_MAX_AGE": _int("CONFIRM_TOKEN_MAX_AGE", 3 * 24 * 3600),
        "RESET_TOKEN_MAX_AGE": _int("RESET_TOKEN_MAX_AGE", 2 * 3600),
        "INVITE_TOKEN_MAX_AGE": _int("INVITE_TOKEN_MAX_AGE", 7 * 24 * 3600),
        "PASSWORD_MIN_LENGTH": _int("PASSWORD_MIN_LENGTH", 10),
        # A draft for comments is open this many days unless the settings give a date.
        "COMMENT_PERIOD_DAYS": _int("COMMENT_PERIOD_DAYS", 30),
        # A public commenter's confirmation link is valid this long.
        "COMMENT_CONFIRM_MAX_AGE": _int("COMMENT_CONFIRM_MAX_AGE", 7 * 24 * 3600),
        # Public comments without an account, per address and per email address.
        "PUBLIC_COMMENT_LIMIT": os.environ.get("PUBLIC_COMMENT_LIMIT", "10 per hour"),
        # The ballot on the 送审稿 (drafting.ballots.rules): passes with at least
        # BALLOT_PASS_RATIO of the votes cast in favour and no more than
        # BALLOT_MAX_AGAINST_RATIO of those entitled against ("3/4" or "0.75").
        "BALLOT_PASS_RATIO": os.environ.get("BALLOT_PASS_RATIO", "3/4"),
        "BALLOT_MAX_AGAINST_RATIO": os.environ.get("BALLOT_MAX_AGAINST_RATIO", "1/4"),
        "BALLOT_ABSTENTIONS_COUNT": _bool("BALLOT_ABSTENTIONS_COUNT", False),
        "BALLOT_EXCLUDE_DRAFTING_UNITS": _bool("BALLOT_EXCLUDE_DRAFTING_UNITS", False),
    }
