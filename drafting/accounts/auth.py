"""How a request is tied to a user: the session cookie or a bearer token."""

from __future__ import annotations

from flask import Flask, flash, request
from flask_babel import lazy_gettext as _l

from drafting.accounts.models import User
from drafting.accounts.services import user_for_api_token
from drafting.core.requests import json_error
from drafting.core.security import bearer_token
from drafting.core.web import login_redirect
from drafting.extensions import db, login_manager


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(login_id: str) -> User | None:
        # The login id is "<user id>:<session version>": raising the version
        # in the database invalidates every cookie that carries the old one.
        if bearer_token(request) is not None:
            # A request that brings a token is authenticated by the token
            # alone, never by the cookie that came with it.
            return None
        user_id, _, version = login_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.session_version != int(version) or not user.is_active_account:
            return None
        return user

    @login_manager.request_loader
    def load_user_from_token(req) -> User | None:
        secret = bearer_token(req)
        if not secret:
            return None

        return user_for_api_token(secret)

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return json_error(401, "unauthorized", _l("Log in or send a valid API token."))
        flash(login_manager.login_message, "info")
        return login_redirect()
