"""Expected outcomes of the foundation's routes for each role.

"ok" means the role passed authorization (any status but 401/403/404 and no
redirect to the login page); a number is the exact status expected.
Anonymous users of web pages are sent to the login page ("login").
"""

from drafting.accounts.services import create_api_token
from tests.support import factories


def build_context(db) -> dict:
    other_user = factories.make_user()
    token, _secret = create_api_token(other_user, "theirs")
    return {"other_user": other_user, "other_token": token}


def _u(path):
    return lambda ctx: path


ANYONE = {"anonymous": "ok", "member": "ok", "reviewer": "ok", "secretariat": "ok"}
LOGGED_IN = {"anonymous": "login", "member": "ok", "reviewer": "ok", "secretariat": "ok"}
SECRETARIAT = {"anonymous": "login", "member": 403, "reviewer": 403, "secretariat": "ok"}
HAS_ORG = {"anonymous": "login", "member": "ok", "reviewer": 404, "secretariat": 404}

EXPECTATIONS = {
    "main.home": {"url": _u("/"), **ANYONE},
    "main.set_language": {"url": _u("/language"), "method": "POST", **ANYONE},
    "main.healthz": {"url": _u("/healthz"), **ANYONE},
    "main.ping": {"url": _u("/_ping"), **ANYONE},
    "main.help_page": {"url": _u("/help/conventions"), **ANYONE},
    "main.favicon": {"url": _u("/favicon.ico"), **ANYONE},
    "accounts.register": {
        "url": _u("/register"),
        "anonymous": "ok",
        "member": 302,
        "reviewer": 302,
        "secretariat": 302,
    },
    # Without a registration in this session it sends back to the form.
    "accounts.registered": {
        "url": _u("/register/sent"),
        "anonymous": 302,
        "member": 302,
        "reviewer": 302,
        "secretariat": 302,
    },
    "accounts.confirm_email": {
        "url": _u("/confirm/x"),
        "anonymous": 400,
        "member": 400,
        "reviewer": 400,
        "secretariat": 400,
    },
    "accounts.resend_confirmation": {"url": _u("/confirm/resend"), "method": "POST", **LOGGED_IN},
    "accounts.login": {
        "url": _u("/login"),
        "anonymous": "ok",
        "member": 302,
        "reviewer": 302,
        "secretariat": 302,
    },
    "accounts.logout": {"url": _u("/logout"), "method": "POST", **ANYONE},
    "accounts.forgot_password": {"url": _u("/password/forgot"), **ANYONE},
    "accounts.reset_password": {"url": _u("/password/reset/x"), **ANYONE},
    "accounts.profile": {"url": _u("/account"), **LOGGED_IN},
    "accounts.change_password": {
        "url": _u("/account/password"),
        "method": "POST",
        "anonymous": "login",
        "member": 422,
        "reviewer": 422,
        "secretariat": 422,
    },
    # Ending all sessions logs this browser out too: back to the login page.
    "accounts.end_sessions": {
        "url": _u("/account/sessions/end"),
        "method": "POST",
        "anonymous": "login",
        "member": "login",
        "reviewer": "login",
        "secretariat": "login",
    },
    "accounts.tokens": {"url": _u("/account/tokens"), **LOGGED_IN},
    "accounts.revoke_token": {
        "url": lambda c: f"/account/tokens/{c.other_token.id}/revoke",
        "method": "POST",
        "anonymous": "login",
        "member": 404,
        "reviewer": 404,
        "secretariat": 404,
    },
    "accounts.organization": {"url": _u("/organization"), **HAS_ORG},
    "accounts.invite": {"url": _u("/organization/invite"), "method": "POST", **HAS_ORG},
    "accounts.remove_member": {
        "url": lambda c: f"/organization/members/{c.other_user.id}/remove",
        "method": "POST",
        "anonymous": "login",
        "member": 404,
        "reviewer": 404,
        "secretariat": 404,
    },
    "accounts.accept_invitation": {
        "url": _u("/invitation/x"),
        "anonymous": 400,
        "member": 400,
        "reviewer": 400,
        "secretariat": 400,
    },
    "admin.users": {"url": _u("/admin/users"), **SECRETARIAT},
    "admin.set_role": {
        "url": lambda c: f"/admin/users/{c.other_user.id}/role",
        "method": "POST",
        **SECRETARIAT,
    },
    "admin.set_active": {
        "url": lambda c: f"/admin/users/{c.other_user.id}/active",
        "method": "POST",
        **SECRETARIAT,
    },
    "admin.end_sessions": {
        "url": lambda c: f"/admin/users/{c.other_user.id}/sessions/end",
        "method": "POST",
        **SECRETARIAT,
    },
    "admin.organizations": {"url": _u("/admin/organizations"), **SECRETARIAT},
    "admin.organization": {
        "url": lambda c: f"/admin/organizations/{c.other_user.organization_id}",
        **SECRETARIAT,
    },
    "audit.index": {"url": _u("/admin/audit/"), **SECRETARIAT},
    "api.me": {
        "url": _u("/api/v1/me"),
        "anonymous": 401,
        "member": "ok",
        "reviewer": "ok",
        "secretariat": "ok",
    },
    "api.openapi": {"url": _u("/api/v1/openapi.json"), **ANYONE},
}
