"""Expected outcomes of the API's lifecycle routes (calls, reviewers, groups) for each role.

Writes are sent without a JSON body here, so an authorized caller gets 400
(or 409 where the published call refuses first). The objects are those of the
calls and documents modules' contexts.
"""

from __future__ import annotations

from tests.support.factories import make_user


def build_context(db) -> dict:
    # The call, application and document come from the calls and documents
    # modules' contexts (merged before the URLs are built); only a reviewer here.
    return {"api_reviewer": make_user("reviewer")}


def _call(suffix=""):
    return lambda ctx: f"/api/v1/calls/{ctx.calls_pub.id}{suffix}"


def _standard(ctx):
    return f"/api/v1/calls/{ctx.calls_pub.id}/standards/{ctx.calls_pub.standards[0].id}"


def _requirement(ctx):
    return f"/api/v1/calls/{ctx.calls_pub.id}/requirements/{ctx.calls_pub.requirements[0].id}"


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
        # Not assigned: the secretariat passes authorization and gets 409.
        "url": lambda ctx: f"/api/v1/calls/{ctx.calls_pub.id}/reviewers/{ctx.api_reviewer.id}",
        "method": "DELETE",
        **API_SECRETARIAT,
        "secretariat": 409,
    },
    "api.applications_return": {
        "url": lambda ctx: f"/api/v1/applications/{ctx.calls_app.id}/return",
        "method": "POST",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
    # a document the user may not see answers as a missing one
    "api.document_patch": {
        "url": lambda ctx: f"/api/v1/documents/{ctx.doc.id}",
        "method": "PATCH",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
    "api.group_patch": {
        "url": lambda ctx: f"/api/v1/drafting-groups/{ctx.doc.drafting_group_id}",
        "method": "PATCH",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.group_member_add": {
        "url": lambda ctx: f"/api/v1/drafting-groups/{ctx.doc.drafting_group_id}/members",
        "method": "POST",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.group_member_remove": {
        "url": lambda ctx: (
            f"/api/v1/drafting-groups/{ctx.doc.drafting_group_id}/members/{ctx.doc.drafting_group.memberships[0].organization_id}"
        ),
        "method": "DELETE",
        **API_SECRETARIAT,
        "secretariat": 204,
    },
    "api.group_editor_add": {
        "url": lambda ctx: f"/api/v1/drafting-groups/{ctx.doc.drafting_group_id}/editors",
        "method": "POST",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.group_editor_remove": {
        # Not a named editor: the secretariat passes authorization and gets 409.
        "url": lambda ctx: (
            f"/api/v1/drafting-groups/{ctx.doc.drafting_group_id}/editors/{ctx.api_reviewer.id}"
        ),
        "method": "DELETE",
        **API_SECRETARIAT,
        "secretariat": 409,
    },
    "api.applications_attachment_delete": {
        "url": lambda ctx: (
            f"/api/v1/applications/{ctx.calls_app.id}/attachments/{ctx.calls_file.id}"
        ),
        "method": "DELETE",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 403,
    },
    "api.applications_reopen": {
        "url": lambda ctx: f"/api/v1/applications/{ctx.calls_app.id}/reopen",
        "method": "POST",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 403,
    },
    "api.calls_attachment_add": {
        "url": _call("/attachments"),
        "method": "POST",
        **API_SECRETARIAT,
        "secretariat": 422,
    },
    "api.calls_attachment_delete": {
        "url": lambda ctx: (
            f"/api/v1/calls/{ctx.calls_pub.id}/attachments/{ctx.calls_call_file.id}"
        ),
        "method": "DELETE",
        **API_SECRETARIAT,
        "secretariat": 204,
    },
    "api.revision_restore": {
        "url": lambda ctx: f"/api/v1/documents/{ctx.doc.id}/revisions/{ctx.doc_rev.id}/restore",
        "method": "POST",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": "ok",
    },
    "api.groups_list": {
        "url": lambda ctx: "/api/v1/drafting-groups",
        **API_SECRETARIAT,
        "secretariat": "ok",
    },
}
