"""Language and time zone: from the user's choice, else the browser."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user

from drafting.core.timeutil import as_utc
from drafting.extensions import babel

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
DEFAULT_SITE_NAME = {"zh": "团体标准起草平台", "en": "Group Standards Drafting Platform"}


def site_name(locale: str | None = None) -> str:
    """The site's name in `locale` (default: the current one).

    `SITE_NAME_ZH` / `SITE_NAME_EN` name it per language; `SITE_NAME` alone
    still names it in Chinese, and in English too once it is not the default.
    """
    config = current_app.config
    locale = locale or str(get_locale() or config["BABEL_DEFAULT_LOCALE"])
    legacy = config.get("SITE_NAME") or DEFAULT_SITE_NAME["zh"]
    if locale == "en":
        if config.get("SITE_NAME_EN"):
            return config["SITE_NAME_EN"]
        return DEFAULT_SITE_NAME["en"] if legacy == DEFAULT_SITE_NAME["zh"] else legacy
    return config.get("SITE_NAME_ZH") or legacy


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands, jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in languages:
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


# Patterns with nothing to translate, written by strftime (a fifth of Babel's
# time: pages print a date per row); others go through Babel.
_NUMERIC_PATTERNS = {"medium": "%Y-%m-%d %H:%M", "date": "%Y-%m-%d"}
_PATTERNS = {"full": "yyyy-MM-dd HH:mm zzz"}


def format_dt(value: datetime | None, fmt: str = "medium") -> str:
    """A stored UTC time in the user's zone and language."""
    if value is None:
        return ""
    zone = get_timezone()
    numeric = _NUMERIC_PATTERNS.get(fmt)
    if numeric is not None:
        return as_utc(value).astimezone(zone).strftime(numeric)
    # get_locale() is the request's parsed babel Locale (parsed once per request).
    return babel_format_datetime(
        as_utc(value), _PATTERNS.get(fmt, fmt), tzinfo=zone, locale=get_locale() or "zh"
    )


def language() -> str:
    """The reader's language code ("zh" or "en"): for texts made outside gettext
    (the checks' findings)."""
    return str(get_locale() or "zh")[:2]


def join_names(names) -> str:
    """Names as one list in the reader's language: "甲、乙" or "A, B"."""
    separator = ", " if str(get_locale() or "zh") == "en" else "、"
    return separator.join(str(name) for name in names)


def colon() -> str:
    """The colon after a label: full-width in Chinese ("截止时间：")."""
    return ": " if str(get_locale() or "zh") == "en" else "："


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    app.jinja_env.filters["dt"] = format_dt
    app.jinja_env.filters["join_names"] = join_names
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    app.jinja_env.globals["site_name"] = site_name
    app.jinja_env.globals["colon"] = colon
