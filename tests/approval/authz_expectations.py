"""Expected outcomes of the approval routes for each role.

The document is a 报批稿 of a group none of the matrix's users belong to: the
secretariat may do everything, members of other organizations and reviewers
get 404 (a document they may not see answers as a missing one), anonymous
visitors are sent to log in.
"""

from drafting.documents.states import DocumentStage
from tests.documents.factories import make_world


def build_context(db) -> dict:
    w = make_world()
    w.document.stage = DocumentStage.DRAFT_FOR_APPROVAL
    db.session.flush()
    return {"approval_doc": w.document}


def _d(suffix=""):
    return lambda c: f"/documents/{c.approval_doc.id}{suffix}"


GROUP_ONLY = {"anonymous": "login", "member": 404, "reviewer": 404, "secretariat": "ok"}
API_GROUP_ONLY = {"anonymous": 401, "member": 404, "reviewer": 404, "secretariat": "ok"}


def _a(suffix=""):
    return lambda c: f"/api/v1/documents/{c.approval_doc.id}{suffix}"


EXPECTATIONS = {
    "approval.page": {"url": _d("/approval"), **GROUP_ONLY},
    "approval.save_notes": {"url": _d("/approval/notes"), "method": "POST", **GROUP_ONLY},
    "approval.notes_pdf": {"url": _d("/approval/notes.pdf"), **GROUP_ONLY},
    "approval.notes_docx": {"url": _d("/approval/notes.docx"), **GROUP_ONLY},
    "approval.assemble": {"url": _d("/approval/package"), "method": "POST", **GROUP_ONLY},
    # Without dates: 422 for the secretariat, after the authorization.
    "approval.publish": {"url": _d("/publish"), "method": "POST", **GROUP_ONLY},
    "api.notes_get": {"url": _a("/explanatory-notes"), **API_GROUP_ONLY},
    # The matrix sends form data: 400 (not JSON) once authorized.
    "api.notes_put": {"url": _a("/explanatory-notes"), "method": "PUT", **API_GROUP_ONLY},
    "api.package_post": {"url": _a("/approval-package"), "method": "POST", **API_GROUP_ONLY},
}
