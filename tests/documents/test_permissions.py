"""Every predicate for every role and stage."""

from datetime import timedelta

import pytest
import time_machine
from flask_login import AnonymousUserMixin

from drafting.core.timeutil import utcnow
from drafting.documents import permissions as p
from drafting.documents.states import DocumentStage
from drafting.groups import services as group_services

ROLES = [
    "anonymous",
    "main",
    "participant",
    "participant_may_edit",
    "outsider",
    "reviewer",
    "secretariat",
]


def _user(world, role):
    if role == "anonymous":
        return AnonymousUserMixin()
    if role == "participant_may_edit":
        world.group.participants_may_edit = True
        return world.participant
    return {
        "main": world.main_editor,
        "participant": world.participant,
        "outsider": world.outsider,
        "reviewer": world.reviewer,
        "secretariat": world.secretariat,
    }[role]


# role -> (view, edit, comment, resolve, move, export, manage)
WORKING_DRAFT = {
    "anonymous": (False, False, False, False, False, False, False),
    "main": (True, True, True, True, True, True, False),
    "participant": (True, False, True, False, False, True, False),
    "participant_may_edit": (True, True, True, True, False, True, False),
    "outsider": (False, False, False, False, False, False, False),
    "reviewer": (False, False, False, False, False, False, False),
    "secretariat": (True, True, True, True, True, True, True),
}
# Comment period open, members only.
COMMENTS = {
    **WORKING_DRAFT,
    "outsider": (True, False, True, False, False, False, False),
    "reviewer": (True, False, False, False, False, False, False),
}
PUBLISHED = {
    "anonymous": (True, False, False, False, False, False, False),
    "main": (True, False, False, False, False, True, False),
    "participant": (True, False, False, False, False, True, False),
    "participant_may_edit": (True, False, False, False, False, True, False),
    "outsider": (True, False, False, False, False, False, False),
    "reviewer": (True, False, False, False, False, False, False),
    "secretariat": (True, False, False, False, False, True, True),
}


def _check(world, role, expected):
    user = _user(world, role)
    d = world.document
    got = (
        p.can_view_document(user, d),
        p.can_edit_document(user, d),
        p.can_comment(user, d),
        p.can_resolve_comments(user, d),
        p.can_move_stage(user, d),
        p.can_export_comments(user, d),
        p.can_manage_document(user, d),
    )
    assert got == expected, role


@pytest.mark.parametrize("role", ROLES)
def test_working_draft(world, role):
    _check(world, role, WORKING_DRAFT[role])


@pytest.mark.parametrize(
    "stage", [DocumentStage.DRAFT_FOR_REVIEW, DocumentStage.DRAFT_FOR_APPROVAL]
)
@pytest.mark.parametrize("role", ROLES)
def test_review_and_approval_stages_are_the_groups(world, role, stage):
    world.document.stage = stage
    _check(world, role, WORKING_DRAFT[role])


@pytest.mark.parametrize("role", ROLES)
def test_comment_period_open_to_member_organizations(world, role):
    world.document.stage = DocumentStage.DRAFT_FOR_COMMENTS
    world.document.comment_period_ends_at = utcnow() + timedelta(days=10)
    _check(world, role, COMMENTS[role])


def test_comment_period_closed_by_date(world):
    d = world.document
    d.stage = DocumentStage.DRAFT_FOR_COMMENTS
    end = utcnow() + timedelta(days=10)
    d.comment_period_ends_at = end
    with time_machine.travel(end - timedelta(minutes=1), tick=False):
        assert p.can_comment(world.outsider, d)
    with time_machine.travel(end + timedelta(minutes=1), tick=False):
        assert not p.can_comment(world.outsider, d)
        assert p.can_view_document(world.outsider, d)
        assert p.can_comment(world.participant, d)  # the group still comments


def test_public_comments(world):
    anonymous = AnonymousUserMixin()
    d = world.document
    d.stage = DocumentStage.DRAFT_FOR_COMMENTS
    assert not p.can_comment(anonymous, d) and not p.can_view_document(anonymous, d)
    d.comments_public = True
    assert p.can_comment(anonymous, d) and p.can_view_document(anonymous, d)
    assert p.can_comment(world.reviewer, d)
    d.stage = DocumentStage.WORKING_DRAFT
    assert not p.can_comment(anonymous, d) and not p.can_view_document(anonymous, d)


@pytest.mark.parametrize("role", ROLES)
def test_published_is_read_only(world, role):
    world.document.stage = DocumentStage.PUBLISHED
    _check(world, role, PUBLISHED[role])


def test_named_editor_of_another_organization_edits(world, db):
    group_services.name_editor(world.group, world.outsider, actor=world.secretariat)
    assert p.can_edit_document(world.outsider, world.document)
    assert p.can_move_stage(world.outsider, world.document)


def test_only_secretariat_creates_and_overrides(world):
    for role in ROLES:
        user = _user(world, role)
        assert p.can_create_document(user) == (role == "secretariat")
        assert p.can_override_checks(user) == (role == "secretariat")
