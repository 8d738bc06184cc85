"""Expected outcomes of the Word routes for each role.

As for the documents: a working draft of a group none of the matrix's users
belong to. Only the document's editors (and the secretariat) may export to
and import from Word; members and reviewers may not see the draft, so it
answers 404 as a missing one would. A POST without a file is refused after
authorization.
"""

from tests.documents.factories import make_world


def build_context(db) -> dict:
    return {"word_doc": make_world().document}


def _d(suffix=""):
    return lambda c: f"/documents/{c.word_doc.id}{suffix}"


def _a(suffix=""):
    return lambda c: f"/api/v1/documents/{c.word_doc.id}{suffix}"


GROUP_ONLY = {"anonymous": "login", "member": 404, "reviewer": 404, "secretariat": "ok"}
API_GROUP_ONLY = {"anonymous": 401, "member": 404, "reviewer": 404, "secretariat": "ok"}

EXPECTATIONS = {
    "word.export_docx": {"url": _d("/export.docx"), **GROUP_ONLY},
    "word.import_docx": {"url": _d("/import"), **GROUP_ONLY},
    "word.import_confirm": {"url": _d("/import/confirm"), "method": "POST", **GROUP_ONLY},
    "api.docx_export": {"url": _a("/export.docx"), **API_GROUP_ONLY},
    "api.docx_import": {"url": _a("/import"), "method": "POST", **API_GROUP_ONLY},
    "api.docx_import_confirm": {
        "url": _a("/import/confirm"),
        "method": "POST",
        **API_GROUP_ONLY,
    },
}
