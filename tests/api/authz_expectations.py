"""Expected outcomes of the API's lifecycle routes (calls, reviewers, groups) for each role.

Writes are sent without a JSON body here, so an authorized caller gets 400
(or 409 where the published call refuses first).
"""

from __future__ import annotations


def build_context(db) -> dict:
    from drafting.groups.services import create_group
    from drafting.reviews.services import assign_reviewer
    from tests.calls.factories import make_application, make_call
    from tests.documents.factories import make_document
    from tests.support.factories import make_user

    sec = make_user("secretariat")
    call = make_call(actor=sec)
    reviewer = make_user("reviewer")
    assign_reviewer(call, reviewer, actor=sec)
    application = make_application(call, submit=True)
    document = make_document(create_group("接口起草组", actor=sec), sec)
    return {
        "api_call": call,
        "api_reviewer": reviewer,
        "api_application": application,
        "api_document": document,
    }


def _call(suffix=""):
    return lambda ctx: f"/api/v1/calls/{ctx.api_call.id}{suffix}"


def _standard(ctx):
    return f"/api/v1/calls/{ctx.api_call.id}/standards/{ctx.api_call.standards[0].id}"


def _requirement(ctx):
    return f"/api/v1/calls/{ctx.api_call.id}/requirements/{ctx.api_call.requirements[0].id}"


API_SECRETARIAT = {"anonymous": 401, "member": 403, "reviewer": 403}

EXPECTATIONS = {
    "api.calls_patch": {"url": _call(), "method": "PATCH", **API_SECRETARIAT, "secretariat": 400},
    "api.calls_standard_patch": {
        "url": _standard,
        "method": "PATCH",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.calls_standard_delete": {
        "url": _standard,
        "method": "DELETE",
        **API_SECRETARIAT,
        "secretariat": 409,
    },
    "api.calls_requirement_patch": {
        "url": _requirement,
        "method": "PATCH",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.calls_requirement_delete": {
        "url": _requirement,
        "method": "DELETE",
        **API_SECRETARIAT,
        "secretariat": 409,
    },
    "api.reviewers_list": {"url": _call("/reviewers"), **API_SECRETARIAT, "secretariat": "ok"},
    "api.reviewers_add": {
        "url": _call("/reviewers"),
        "method": "POST",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.reviewers_remove": {
        "url": lambda ctx: f"/api/v1/calls/{ctx.api_call.id}/reviewers/{ctx.api_reviewer.id}",
        "method": "DELETE",
        **API_SECRETARIAT,
        "secretariat": 204,
    },
    "api.applications_return": {
        "url": lambda ctx: f"/api/v1/applications/{ctx.api_application.id}/return",
        "method": "POST",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
    "api.document_patch": {
        "url": lambda ctx: f"/api/v1/documents/{ctx.api_document.id}",
        "method": "PATCH",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.groups_list": {
        "url": lambda ctx: "/api/v1/drafting-groups",
        **API_SECRETARIAT,
        "secretariat": "ok",
    },
}
