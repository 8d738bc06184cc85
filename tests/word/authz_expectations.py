"""Expected outcomes of the Word routes for each role.

As for the documents: a working draft of a group none of the matrix's users
belong to. Only the document's editors (and the secretariat) may import
from Word (the export to Word is an export job's: tests/jobs); members and reviewers may not see the draft, so it
answers 404 as a missing one would. A POST without a file is refused after
authorization.
"""

from tests.documents.factories import make_world


def build_context(db) -> dict:
    world = make_world()
    return {"word_doc": world.document, "word_group": world.group}


def _d(suffix=""):
    return lambda c: f"/documents/{c.word_doc.id}{suffix}"


def _a(suffix=""):
    return lambda c: f"/api/v1/documents/{c.word_doc.id}{suffix}"


#: A new document from Word: the editors of some group (the matrix's member and
#: reviewer edit none) and the secretariat; POSTs without a file or form are
#: refused after authorization.
EDITORS_OF_A_GROUP = {"anonymous": "login", "member": 403, "reviewer": 403, "secretariat": "ok"}


def _g(suffix=""):
    return lambda c: f"/api/v1/drafting-groups/{c.word_group.id}/documents{suffix}"


GROUP_ONLY = {"anonymous": "login", "member": 404, "reviewer": 404, "secretariat": "ok"}
API_GROUP_ONLY = {"anonymous": 401, "member": 404, "reviewer": 404, "secretariat": "ok"}

EXPECTATIONS = {
    "word.import_docx": {"url": _d("/import"), **GROUP_ONLY},
    "word.import_confirm": {"url": _d("/import/confirm"), "method": "POST", **GROUP_ONLY},
    "api.docx_import": {"url": _a("/import"), "method": "POST", **API_GROUP_ONLY},
    "api.docx_import_confirm": {
        "url": _a("/import/confirm"),
        "method": "POST",
        **API_GROUP_ONLY,
    },
    "word.new_from_word": {"url": lambda c: "/documents/import", **EDITORS_OF_A_GROUP},
    "word.create_from_word": {
        "url": lambda c: "/documents/import/create",
        "method": "POST",
        **EDITORS_OF_A_GROUP,
    },
    "api.docx_import_new": {"url": _g("/import"), "method": "POST", **API_GROUP_ONLY},
    "api.docx_import_new_confirm": {
        "url": _g("/import/confirm"),
        "method": "POST",
        **API_GROUP_ONLY,
    },
}
