"""Expected outcomes of the API's lifecycle routes (calls, reviewers, groups) for each role.

Writes are sent without a JSON body here, so an authorized caller gets 400
(or 409 where the published call refuses first).
"""

from __future__ import annotations


def build_context(db) -> dict:
    from drafting.reviews.services import assign_reviewer
    from tests.calls.factories import make_call
    from tests.support.factories import make_user

    sec = make_user("secretariat")
    call = make_call(actor=sec)
    reviewer = make_user("reviewer")
    assign_reviewer(call, reviewer, actor=sec)
    return {"api_call": call, "api_reviewer": reviewer}


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
    "api.groups_list": {
        "url": lambda ctx: "/api/v1/drafting-groups",
        **API_SECRETARIAT,
        "secretariat": "ok",
    },
}
