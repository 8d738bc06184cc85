"""Expected outcomes of the consultation routes for each role.

The document is a draft for comments open to the public, of a group none of
the matrix's users belong to: anyone reads it and may comment; only the
secretariat extends the period.
"""

from drafting.documents import services
from tests.documents.factories import make_world


def build_context(db) -> dict:
    w = make_world()
    w.document.comments_public = True
    services.transition(w.document, "draft_for_comments", actor=w.secretariat)
    return {"consulted": w.document}


def _c(suffix=""):
    return lambda c: f"/consultation/{c.consulted.id}{suffix}"


ANYONE = {"anonymous": "ok", "member": "ok", "reviewer": "ok", "secretariat": "ok"}

EXPECTATIONS = {
    "consultation.page": {"url": _c(), **ANYONE},
    # A link that is not a signed token: the same refusal for everyone.
    "consultation.confirm": {
        "url": lambda c: "/consultation/confirm/x",
        "anonymous": 422,
        "member": 422,
        "reviewer": 422,
        "secretariat": 422,
    },
    # The secretariat passes authorization and gets 422 for the missing date.
    "consultation.extend": {
        "url": _c("/extend"),
        "method": "POST",
        "anonymous": "login",
        "member": 403,
        "reviewer": 403,
        "secretariat": 422,
    },
    "api.comment_period_get": {
        "url": lambda c: f"/api/v1/documents/{c.consulted.id}/comment-period",
        **ANYONE,
    },
}
