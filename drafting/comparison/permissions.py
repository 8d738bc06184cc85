"""Who may compare a document's revisions. Pure predicates."""

from __future__ import annotations

from drafting.documents.models import StandardDocument
from drafting.groups import permissions as groups


def can_compare(user, document: StandardDocument) -> bool:
    """The drafting group and the secretariat, as for the comment tables: the
    comparison shows the editors' resolutions next to the changed clauses."""
    return groups.is_group_member(user, document.drafting_group)
