"""Template globals: permission predicates and the role-dependent navigation.

Domains add their predicates to `PERMISSIONS` and their menu entries to
`NAV` when their package is imported, so base.html never changes when a
domain is added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from drafting.accounts import permissions as account_permissions
from drafting.accounts.models import ORGANIZATION_TYPE_LABELS, ROLE_LABELS
from drafting.core.statemachine import can_transition
from drafting.core.text import shorten
from drafting.groups.models import GROUP_ROLE_LABELS

PERMISSIONS: dict[str, Callable] = {
    "is_secretariat": account_permissions.is_secretariat,
    "can_manage_users": account_permissions.can_manage_users,
    "can_view_audit_log": account_permissions.can_view_audit_log,
    "can_remove_member": account_permissions.can_remove_member,
    "can_edit_organization": account_permissions.can_edit_organization,
}


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object
    visible: Callable[[object], bool]
    order: int = 50


def _authenticated(user) -> bool:
    return user.is_authenticated


def _has_org(user) -> bool:
    return user.is_authenticated and user.organization_id is not None


NAV: list[NavEntry] = [
    NavEntry("accounts.organization", _l("My organization"), _has_org, 80),
    NavEntry("admin.users", _l("Users"), account_permissions.can_manage_users, 90),
    NavEntry("admin.organizations", _l("Organizations"), account_permissions.can_manage_users, 91),
    NavEntry("audit.index", _l("Audit log"), account_permissions.can_view_audit_log, 95),
    NavEntry("accounts.tokens", _l("API tokens"), _authenticated, 99),
]


@dataclass(frozen=True)
class HomeSection:
    title: object
    template: str
    visible: Callable[[object], bool]
    order: int = 50


HOME_SECTIONS: list[HomeSection] = []


def home_sections() -> list[HomeSection]:
    return [s for s in sorted(HOME_SECTIONS, key=lambda s: s.order) if s.visible(current_user)]


def nav_items() -> list[dict]:
    items = []
    for entry in sorted(NAV, key=lambda e: e.order):
        if entry.visible(current_user):
            url = url_for(entry.endpoint)
            items.append(
                {
                    "url": url,
                    "label": entry.label,
                    "active": request.path.startswith(url) and url != "/",
                }
            )
    return items


def init_app(app: Flask) -> None:
    app.jinja_env.globals["perm"] = PERMISSIONS
    app.jinja_env.globals["can_transition"] = can_transition
    app.jinja_env.filters["shorten"] = shorten
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["home_sections"] = home_sections

    app.jinja_env.globals["role_labels"] = ROLE_LABELS
    app.jinja_env.globals["org_type_labels"] = ORGANIZATION_TYPE_LABELS
    app.jinja_env.globals["group_role_labels"] = GROUP_ROLE_LABELS

    @app.context_processor
    def _request_path():
        if not has_request_context():  # mail rendered by a CLI command
            return {"request_path": "/"}
        return {"request_path": request.full_path.rstrip("?")}
