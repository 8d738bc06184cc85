"""Expected outcomes of the documents routes for each role.

The document is a working draft of a group none of the matrix's users belong
to: the secretariat may do everything, members of other organizations and
reviewers get 404 (a document they may not see answers as a missing one),
anonymous visitors are sent to log in (web) or get 401 (API).
"""

from urllib.parse import quote

from drafting.documents import services
from tests.documents.factories import add_image, make_world


def build_context(db) -> dict:
    w = make_world()
    comment = services.add_comment(
        w.document, revision=w.document.head_revision, body="意见", actor=w.participant
    )
    image = add_image(w.document, w.secretariat)
    return {
        "doc": w.document,
        "doc_rev": w.document.head_revision,
        "doc_comment": comment,
        "doc_image": quote(image.name),
    }


def _d(suffix=""):
    return lambda c: f"/documents/{c.doc.id}{suffix}"


def _a(suffix=""):
    return lambda c: f"/api/v1/documents/{c.doc.id}{suffix}"


SECRETARIAT_ONLY = {"anonymous": "login", "member": 403, "reviewer": 403, "secretariat": "ok"}
GROUP_ONLY = {"anonymous": "login", "member": 404, "reviewer": 404, "secretariat": "ok"}
LOGGED_IN = {"anonymous": "login", "member": "ok", "reviewer": "ok", "secretariat": "ok"}
API_GROUP_ONLY = {"anonymous": 401, "member": 404, "reviewer": 404, "secretariat": "ok"}
API_LOGGED_IN = {"anonymous": 401, "member": "ok", "reviewer": "ok", "secretariat": "ok"}

EXPECTATIONS = {
    "documents.index": {
        "url": lambda c: "/documents/",
        "anonymous": "ok",
        "member": "ok",
        "reviewer": "ok",
        "secretariat": "ok",
    },
    "documents.new": {"url": lambda c: "/documents/new", **SECRETARIAT_ONLY},
    "documents.csrf_token": {
        "url": lambda c: "/documents/csrf-token",
        "anonymous": "ok",
        "member": "ok",
        "reviewer": "ok",
        "secretariat": "ok",
    },
    "documents.show": {"url": _d(), **GROUP_ONLY},
    "documents.settings": {"url": _d("/settings"), **GROUP_ONLY},
    "documents.group": {"url": _d("/group"), **GROUP_ONLY},
    "documents.edit": {"url": _d("/edit"), **GROUP_ONLY},
    # The matrix posts form data to a JSON endpoint: 400 once authorized.
    "documents.autosave": {
        "url": _d("/autosave"),
        "method": "POST",
        "anonymous": "login",
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
    "documents.preview": {
        "url": _d("/preview"),
        "method": "POST",
        "anonymous": "login",
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
    "documents.presence": {"url": _d("/presence"), "method": "POST", **GROUP_ONLY},
    "documents.discard_draft": {"url": _d("/draft/discard"), "method": "POST", **GROUP_ONLY},
    "documents.history": {"url": _d("/history"), **GROUP_ONLY},
    "documents.revision": {
        "url": lambda c: f"/documents/{c.doc.id}/revisions/{c.doc_rev.id}",
        **GROUP_ONLY,
    },
    "documents.restore": {
        "url": lambda c: f"/documents/{c.doc.id}/revisions/{c.doc_rev.id}/restore",
        "method": "POST",
        **GROUP_ONLY,
    },
    "documents.diff": {"url": _d("/diff"), **GROUP_ONLY},
    "documents.comments": {"url": _d("/comments"), **GROUP_ONLY},
    "documents.reply": {
        "url": lambda c: f"/documents/{c.doc.id}/comments/{c.doc_comment.id}/reply",
        "method": "POST",
        **GROUP_ONLY,
    },
    "documents.resolve": {
        "url": lambda c: f"/documents/{c.doc.id}/comments/{c.doc_comment.id}/resolve",
        "method": "POST",
        **GROUP_ONLY,
    },
    "documents.comments_table_xlsx": {"url": _d("/comments/resolution-table.xlsx"), **GROUP_ONLY},
    "documents.comments_iso_xlsx": {"url": _d("/comments/iso-template.xlsx"), **GROUP_ONLY},
    "documents.stage": {"url": _d("/stage"), **GROUP_ONLY},
    "documents.export_html": {"url": _d("/export.html"), **GROUP_ONLY},
    "documents.attachment": {
        "url": lambda c: f"/documents/{c.doc.id}/attachments/{c.doc_image}",
        **GROUP_ONLY,
    },
    # No file sent: 422 once authorized.
    "documents.upload_attachment": {
        "url": _d("/attachments"),
        "method": "POST",
        "anonymous": "login",
        "member": 404,
        "reviewer": 404,
        "secretariat": 422,
    },
    "documents.remove_attachment": {
        "url": lambda c: f"/documents/{c.doc.id}/attachments/{c.doc_image}/remove",
        "method": "POST",
        **GROUP_ONLY,
    },
    "api.documents_list": {"url": lambda c: "/api/v1/documents", **API_LOGGED_IN},
    "api.documents_create": {
        "url": lambda c: "/api/v1/documents",
        "method": "POST",
        "anonymous": 401,
        "member": 403,
        "reviewer": 403,
        "secretariat": 400,
    },
    "api.document_get": {"url": _a(), **API_GROUP_ONLY},
    # The matrix sends form data: 400 (not JSON) once authorized.
    "api.revisions_list": {"url": _a("/revisions"), **API_GROUP_ONLY},
    "api.revisions_create": {
        "url": _a("/revisions"),
        "method": "POST",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
    "api.revision_get": {
        "url": lambda c: f"/api/v1/documents/{c.doc.id}/revisions/{c.doc_rev.id}",
        **API_GROUP_ONLY,
    },
    "api.diff_get": {
        "url": lambda c: f"/api/v1/documents/{c.doc.id}/diff?from={c.doc_rev.id}&to={c.doc_rev.id}",
        **API_GROUP_ONLY,
    },
    "api.comments_list": {"url": _a("/comments"), **API_GROUP_ONLY},
    "api.comments_create": {
        "url": _a("/comments"),
        "method": "POST",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
    "api.comment_resolution_put": {
        "url": lambda c: f"/api/v1/documents/{c.doc.id}/comments/{c.doc_comment.id}/resolution",
        "method": "PUT",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
    "api.stage_post": {
        "url": _a("/stage"),
        "method": "POST",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
    "api.checks_get": {"url": _a("/checks"), **API_GROUP_ONLY},
    "api.attachments_list": {"url": _a("/attachments"), **API_GROUP_ONLY},
    "api.attachments_create": {
        "url": _a("/attachments"),
        "method": "POST",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 422,
    },
    "api.attachment_delete": {
        "url": lambda c: f"/api/v1/documents/{c.doc.id}/attachments/{c.doc_image}",
        "method": "DELETE",
        **API_GROUP_ONLY,
    },
    # No group chosen: 422 once authorized.
    "documents.move": {
        "url": _d("/move"),
        "method": "POST",
        "anonymous": "login",
        "member": 404,
        "reviewer": 404,
        "secretariat": 422,
    },
    # The matrix's document has a comment: refused (409) once authorized.
    "documents.delete": {
        "url": _d("/delete"),
        "method": "POST",
        "anonymous": "login",
        "member": 404,
        "reviewer": 404,
        "secretariat": 409,
    },
    "api.document_move": {
        "url": _a("/move"),
        "method": "POST",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
    "api.document_delete": {
        "url": _a(),
        "method": "DELETE",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 409,
    },
    "documents.drafters": {"url": _d("/drafters"), **GROUP_ONLY},
    "api.drafters_get": {"url": _a("/drafters"), **API_GROUP_ONLY},
    # Form data, not JSON: 400 once authorized.
    "api.drafters_put": {
        "url": lambda c: (
            f"/api/v1/documents/{c.doc.id}/drafters/"
            f"{c.doc.drafting_group.memberships[0].organization_id}"
        ),
        "method": "PUT",
        "anonymous": 401,
        "member": 404,
        "reviewer": 404,
        "secretariat": 400,
    },
}
