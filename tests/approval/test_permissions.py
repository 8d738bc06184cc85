"""Every approval predicate for every role, at 报批稿 and at other stages."""

from __future__ import annotations

import pytest

from drafting.approval import permissions
from drafting.documents.states import DocumentStage
from tests.documents.factories import make_world

ROLES = ("anonymous", "secretariat", "main_editor", "participant", "outsider", "reviewer")

# role: (edit notes, view page, assemble package, publish) at 报批稿
AT_APPROVAL = {
    "anonymous": (False, False, False, False),
    "secretariat": (True, True, True, True),
    "main_editor": (True, True, True, False),
    "participant": (False, False, False, False),
    "outsider": (False, False, False, False),
    "reviewer": (False, False, False, False),
}


class _Anonymous:
    is_authenticated = False


def _user(w, role):
    return _Anonymous() if role == "anonymous" else getattr(w, role)


def _all(user, document):
    return (
        permissions.can_edit_notes(user, document),
        permissions.can_view_approval(user, document),
        permissions.can_assemble_package(user, document),
        permissions.can_publish(user, document),
    )


@pytest.mark.parametrize("role", ROLES)
def test_at_the_draft_for_approval(db, role):
    w = make_world()
    w.document.stage = DocumentStage.DRAFT_FOR_APPROVAL
    assert _all(_user(w, role), w.document) == AT_APPROVAL[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("stage", [DocumentStage.WORKING_DRAFT, DocumentStage.DRAFT_FOR_REVIEW])
def test_earlier_no_package_and_no_publishing(db, role, stage):
    w = make_world()
    w.document.stage = stage
    edit, view, _assemble, _publish = AT_APPROVAL[role]
    assert _all(_user(w, role), w.document) == (edit, view, False, False)


@pytest.mark.parametrize("role", ROLES)
def test_once_published_only_the_secretariat_sees_the_page(db, role):
    w = make_world()
    w.document.stage = DocumentStage.PUBLISHED
    expected = (False, role == "secretariat", False, False)
    assert _all(_user(w, role), w.document) == expected
