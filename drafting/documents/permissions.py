"""Who may read, edit, comment on and move a standard document. Pure predicates."""

from __future__ import annotations

from datetime import datetime

from drafting.accounts.models import Role
from drafting.documents.models import StandardDocument
from drafting.documents.states import DocumentStage
from drafting.groups import permissions as groups


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_secretariat(user) -> bool:
    return _authenticated(user) and user.role == Role.SECRETARIAT


def can_create_document(user) -> bool:
    return is_secretariat(user)


def can_create_document_in(user, group) -> bool:
    """A new document in a drafting group from a Word draft: the group's editors and the secretariat."""
    return groups.is_editor(user, group)


def can_manage_document(user, document: StandardDocument | None = None) -> bool:
    """Metadata, the comment period, the drafting group: the secretariat."""
    return is_secretariat(user)


def can_view_document(user, document: StandardDocument) -> bool:
    """The drafting group always; member organizations (or the public, if chosen)
    while it is a draft for comments; everyone once published."""
    if document.stage == DocumentStage.PUBLISHED:
        return True
    if groups.is_group_member(user, document.drafting_group):
        return True
    if document.stage == DocumentStage.DRAFT_FOR_COMMENTS:
        return document.comments_public or _authenticated(user)
    return False


def can_edit_document(user, document: StandardDocument) -> bool:
    return not document.is_published and groups.is_editor(user, document.drafting_group)


def can_move_stage(user, document: StandardDocument) -> bool:
    return not document.is_published and groups.is_main_editor(user, document.drafting_group)


def can_override_checks(user, document: StandardDocument | None = None) -> bool:
    return is_secretariat(user)


def can_comment(user, document: StandardDocument, now: datetime | None = None) -> bool:
    """Group members while it is a draft; during the comment period every member
    organization, or anyone when the secretariat made the comments public."""
    if document.is_published:
        return False
    if groups.is_group_member(user, document.drafting_group):
        return True
    if not document.comment_period_open(now):
        return False
    if document.comments_public:
        return True
    return _authenticated(user) and user.organization_id is not None


def can_resolve_comments(user, document: StandardDocument) -> bool:
    return not document.is_published and groups.is_editor(user, document.drafting_group)


def can_export_comments(user, document: StandardDocument) -> bool:
    return groups.is_group_member(user, document.drafting_group)


def can_view_drafters(user, document: StandardDocument) -> bool:
    """The drafting group (and the secretariat) sees who each unit named."""
    return groups.is_group_member(user, document.drafting_group)


def can_name_drafters(user, document: StandardDocument, organization_id: int | None) -> bool:
    """A unit of the group names its own drafters; the secretariat any unit's."""
    return not document.is_published and groups.can_name_drafters(
        user, document.drafting_group, organization_id
    )
