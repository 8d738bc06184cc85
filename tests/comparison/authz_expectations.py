"""Expected outcomes of the comparison routes for each role.

As for the document's history and diff: the drafting group and the
secretariat; others get 404 (the document is a working draft they may not
see), anonymous visitors are sent to log in.
"""

from tests.documents.factories import make_world

GROUP_ONLY = {"anonymous": "login", "member": 404, "reviewer": 404, "secretariat": "ok"}


def build_context(db) -> dict:
    w = make_world()
    return {"cmp_doc": w.document}


def _c(suffix=""):
    return lambda c: f"/documents/{c.cmp_doc.id}/comparison{suffix}"


EXPECTATIONS = {
    "comparison.page": {"url": _c(), **GROUP_ONLY},
    "comparison.redline_pdf": {"url": _c("/redline.pdf"), **GROUP_ONLY},
    "comparison.clause_table_pdf": {"url": _c("/clause-table.pdf"), **GROUP_ONLY},
    "comparison.clause_table_xlsx": {"url": _c("/clause-table.xlsx"), **GROUP_ONLY},
}
