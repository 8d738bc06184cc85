"""Expected outcomes of the calls, applications and reviews routes for each role.

"member" is a member of an organization other than the applicant's, and
"reviewer" is a reviewer not assigned to the call: both must not learn
that another organization's application exists (404).
"""

from __future__ import annotations

from drafting.calls.services import add_attachment
from tests.calls.factories import PDF, make_application, make_call
from tests.support.factories import make_user


def build_context(db) -> dict:
    sec = make_user("secretariat")
    pub = make_call(actor=sec)
    draft = make_call(state="draft", actor=sec)
    application = make_application(pub, submit=True)
    call_file = add_attachment(pub, filename="通知.pdf", data=PDF, actor=sec)
    return {
        "calls_pub": pub,
        "calls_draft": draft,
        "calls_app": application,
        "calls_file": application.attachments[0],
        "calls_call_file": call_file,
    }


def _u(path):
    return lambda ctx: path


def _pub(suffix=""):
    return lambda ctx: f"/calls/{ctx.calls_pub.id}{suffix}"


def _draft(suffix=""):
    return lambda ctx: f"/calls/{ctx.calls_draft.id}{suffix}"


def _app(prefix="/applications", suffix=""):
    return lambda ctx: f"{prefix}/{ctx.calls_app.id}{suffix}"


def _review_call(suffix=""):
    return lambda ctx: f"/review/calls/{ctx.calls_pub.id}{suffix}"


ANYONE = {"anonymous": "ok", "member": "ok", "reviewer": "ok", "secretariat": "ok"}
SECRETARIAT = {"anonymous": "login", "member": 403, "reviewer": 403, "secretariat": "ok"}
# Another organization's application: hidden from members and unassigned reviewers.
APPLICANT_WRITE = {"anonymous": "login", "member": 404, "reviewer": 404, "secretariat": 403}
APPLICANT_READ = {"anonymous": "login", "member": 404, "reviewer": 404, "secretariat": "ok"}
API_SECRETARIAT = {"anonymous": 401, "member": 403, "reviewer": 403}
API_APPLICANT_WRITE = {"anonymous": 401, "member": 404, "reviewer": 404, "secretariat": 403}
API_APPLICANT_READ = {"anonymous": 401, "member": 404, "reviewer": 404, "secretariat": "ok"}

EXPECTATIONS = {
    # calls: public pages
    "calls.index": {"url": _u("/calls/"), **ANYONE},
    "calls.show": {"url": _pub(), **ANYONE},
    "calls.attachment": {
        "url": lambda ctx: f"/calls/{ctx.calls_pub.id}/attachments/{ctx.calls_call_file.id}",
        **ANYONE,
    },
    # calls: the secretariat's editor
    "calls.new": {"url": _u("/calls/new"), **SECRETARIAT},
    "calls.edit": {"url": _draft("/edit"), **SECRETARIAT},
    "calls.add_standard": {
        "url": _draft("/standards"),
        "method": "POST",
        "data": {"title_zh": "标准"},
        **SECRETARIAT,
    },
    "calls.remove_standard": {
        "url": lambda ctx: f"/calls/{ctx.calls_draft.id}/standards/{ctx.calls_draft.standards[0].id}/delete",
        "method": "POST",
        **SECRETARIAT,
    },
    "calls.add_requirement": {
        "url": _draft("/requirements"),
        "method": "POST",
        "data": {"text": "要求", "evidence": "both", "weight": "1"},
        **SECRETARIAT,
    },
    "calls.remove_requirement": {
        "url": lambda ctx: f"/calls/{ctx.calls_draft.id}/requirements/{ctx.calls_draft.requirements[0].id}/delete",
        "method": "POST",
        **SECRETARIAT,
    },
    "calls.add_attachment": {
        "url": _draft("/attachments"),
        "method": "POST",
        **SECRETARIAT,
        "secretariat": 400,
    },
    "calls.remove_attachment": {
        "url": lambda ctx: f"/calls/{ctx.calls_pub.id}/attachments/{ctx.calls_call_file.id}/delete",
        "method": "POST",
        **SECRETARIAT,
    },
    "calls.publish": {"url": _draft("/publish"), "method": "POST", **SECRETARIAT},
    "calls.extend": {
        "url": _pub("/extend"),
        "method": "POST",
        "data": {"closes_at": "2099-01-01T00:00"},
        **SECRETARIAT,
    },
    "calls.close": {"url": _pub("/close"), "method": "POST", **SECRETARIAT},
    # A published call is not archived yet (refused, 409 for the API), but the
    # secretariat is let in.
    "calls.archive": {"url": _pub("/archive"), "method": "POST", **SECRETARIAT},
    # applications
    "applications.index": {
        "url": _u("/applications/"),
        "anonymous": "login",
        "member": "ok",
        "reviewer": 403,
        "secretariat": 403,
    },
    "applications.start": {
        "url": _pub("/apply"),
        "method": "POST",
        "anonymous": "login",
        "member": "ok",
        "reviewer": 403,
        "secretariat": 403,
    },
    "applications.edit": {"url": _app(), **APPLICANT_READ},
    "applications.save": {"url": _app(), "method": "POST", **APPLICANT_WRITE},
    "applications.upload": {"url": _app(suffix="/files"), "method": "POST", **APPLICANT_WRITE},
    "applications.delete_file": {
        "url": lambda ctx: f"/applications/{ctx.calls_app.id}/files/{ctx.calls_file.id}/delete",
        "method": "POST",
        **APPLICANT_WRITE,
    },
    "applications.download": {
        "url": lambda ctx: f"/applications/{ctx.calls_app.id}/files/{ctx.calls_file.id}",
        **APPLICANT_READ,
    },
    "applications.submit": {"url": _app(suffix="/submit"), "method": "POST", **APPLICANT_WRITE},
    "applications.withdraw": {"url": _app(suffix="/withdraw"), "method": "POST", **APPLICANT_WRITE},
    "applications.reopen": {"url": _app(suffix="/reopen"), "method": "POST", **APPLICANT_WRITE},
    # reviews
    "reviews.index": {
        "url": _u("/review/"),
        "anonymous": "login",
        "member": 403,
        "reviewer": "ok",
        "secretariat": "ok",
    },
    "reviews.dashboard": {"url": _review_call(), **SECRETARIAT},
    "reviews.review": {"url": _app("/review/applications"), **APPLICANT_READ},
    "reviews.assess": {
        "url": _app("/review/applications", "/assessments"),
        "method": "POST",
        **APPLICANT_READ,
        "secretariat": 422,
    },
    "reviews.return_application": {
        "url": _app("/review/applications", "/return"),
        "method": "POST",
        **APPLICANT_READ,
        "secretariat": 422,
    },
    "reviews.reviewers": {"url": _review_call("/reviewers"), **SECRETARIAT},
    "reviews.decisions": {"url": _review_call("/decisions"), **SECRETARIAT},
    "reviews.publish_decisions": {
        "url": _review_call("/decisions/publish"),
        "method": "POST",
        **SECRETARIAT,
    },
    "reviews.groups": {"url": _review_call("/groups"), **SECRETARIAT},
    "reviews.export_xlsx": {"url": _review_call("/export.xlsx"), **SECRETARIAT},
    "reviews.export_csv": {"url": _review_call("/export.csv"), **SECRETARIAT},
    "reviews.export_zip": {"url": _review_call("/evidence.zip"), **SECRETARIAT},
    # API
    "api.calls_list": {"url": _u("/api/v1/calls"), **ANYONE},
    "api.calls_get": {"url": lambda ctx: f"/api/v1/calls/{ctx.calls_pub.id}", **ANYONE},
    "api.calls_standards": {
        "url": lambda ctx: f"/api/v1/calls/{ctx.calls_pub.id}/standards",
        **ANYONE,
    },
    "api.calls_requirements": {
        "url": lambda ctx: f"/api/v1/calls/{ctx.calls_pub.id}/requirements",
        **ANYONE,
    },
    "api.calls_create": {
        "url": _u("/api/v1/calls"),
        "method": "POST",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.calls_standards_add": {
        "url": lambda ctx: f"/api/v1/calls/{ctx.calls_pub.id}/standards",
        "method": "POST",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.calls_requirements_add": {
        "url": lambda ctx: f"/api/v1/calls/{ctx.calls_pub.id}/requirements",
        "method": "POST",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.calls_archive": {
        "url": lambda ctx: f"/api/v1/calls/{ctx.calls_pub.id}/archive",
        "method": "POST",
        **API_SECRETARIAT,
        "secretariat": 409,
    },
    "api.calls_publish": {
        "url": lambda ctx: f"/api/v1/calls/{ctx.calls_draft.id}/publish",
        "method": "POST",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": "ok",
    },
    "api.applications_list": {
        "url": _u("/api/v1/applications"),
        "anonymous": 401,
        "member": "ok",
        "reviewer": 403,
        "secretariat": "ok",
    },
    "api.applications_create": {
        "url": _u("/api/v1/applications"),
        "method": "POST",
        "anonymous": 401,
        "member": 400,
        "reviewer": 403,
        "secretariat": 403,
    },
    "api.applications_get": {"url": _app("/api/v1/applications"), **API_APPLICANT_READ},
    "api.applications_patch": {
        "url": _app("/api/v1/applications"),
        "method": "PATCH",
        **API_APPLICANT_WRITE,
    },
    "api.applications_answer": {
        "url": _app("/api/v1/applications", "/answers"),
        "method": "PUT",
        **API_APPLICANT_WRITE,
    },
    "api.applications_upload": {
        "url": _app("/api/v1/applications", "/attachments"),
        "method": "POST",
        **API_APPLICANT_WRITE,
    },
    "api.applications_download": {
        "url": lambda ctx: f"/api/v1/applications/{ctx.calls_app.id}/attachments/{ctx.calls_file.id}",
        **API_APPLICANT_READ,
    },
    "api.applications_submit": {
        "url": _app("/api/v1/applications", "/submit"),
        "method": "POST",
        **API_APPLICANT_WRITE,
    },
    "api.applications_withdraw": {
        "url": _app("/api/v1/applications", "/withdraw"),
        "method": "POST",
        **API_APPLICANT_WRITE,
    },
    "api.assessments_list": {
        "url": _app("/api/v1/applications", "/assessments"),
        **API_APPLICANT_READ,
    },
    "api.application_score": {
        "url": _app("/api/v1/applications", "/score"),
        **API_APPLICANT_READ,
    },
    "api.assessments_save": {
        "url": _app("/api/v1/applications", "/assessments"),
        "method": "POST",
        **API_APPLICANT_READ,
        "secretariat": 400,
    },
    "api.decisions_list": {
        "url": lambda ctx: f"/api/v1/decisions?call_id={ctx.calls_pub.id}",
        **API_SECRETARIAT,
        "secretariat": "ok",
    },
    "api.decisions_save": {
        "url": _u("/api/v1/decisions"),
        "method": "POST",
        **API_SECRETARIAT,
        "secretariat": 400,
    },
    "api.decisions_publish": {
        "url": lambda ctx: f"/api/v1/calls/{ctx.calls_pub.id}/decisions/publish",
        "method": "POST",
        **API_SECRETARIAT,
        "secretariat": 409,
    },
}
