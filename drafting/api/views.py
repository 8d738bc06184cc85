"""API endpoints about the caller, and the OpenAPI document."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from drafting.api.core import api_route
from drafting.api.openapi import build_openapi

USER_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "name": {"type": "string"},
        "role": {"type": "string", "enum": ["member", "reviewer", "secretariat"]},
        "email_confirmed": {"type": "boolean"},
        "organization": {
            "type": ["object", "null"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "credit_code": {"type": "string"},
            },
        },
    },
}


def user_json(user) -> dict:
    org = user.organization
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "email_confirmed": user.email_confirmed,
        "organization": None
        if org is None
        else {"id": org.id, "name": org.name, "credit_code": org.credit_code},
    }


@api_route(
    "/me",
    summary="The authenticated user",
    tags=("accounts",),
    response_schema=USER_SCHEMA,
    errors=(401,),
)
def me():
    return user_json(current_user)


@api_route(
    "/openapi.json",
    summary="This OpenAPI document",
    tags=("meta",),
    auth=False,
    errors=(),
)
def openapi():
    return build_openapi(current_app._get_current_object())
