"""Who may write the 编制说明, assemble the approval package and publish. Pure predicates."""

from __future__ import annotations

from drafting.documents.models import StandardDocument
from drafting.documents.permissions import can_edit_document, is_secretariat
from drafting.documents.states import DocumentStage


def can_edit_notes(user, document: StandardDocument) -> bool:
    """The editors (and the secretariat) write their sections until the standard is published."""
    return can_edit_document(user, document)


def can_view_approval(user, document: StandardDocument) -> bool:
    """The approval page: whoever may edit the document (the package is theirs to assemble)."""
    return can_edit_document(user, document) or (document.is_published and is_secretariat(user))


def can_assemble_package(user, document: StandardDocument) -> bool:
    """Editors and the secretariat, once the document is the 报批稿."""
    return document.stage == DocumentStage.DRAFT_FOR_APPROVAL and can_edit_document(user, document)


def can_publish(user, document: StandardDocument) -> bool:
    """Only the secretariat publishes a 报批稿 (报批稿 → 发布), giving the dates."""
    return document.stage == DocumentStage.DRAFT_FOR_APPROVAL and is_secretariat(user)
