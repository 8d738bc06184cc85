import pytest


@pytest.fixture
def aw(db):
    """A document at the stage 报批稿 with its whole record (see factories)."""
    from tests.approval.factories import make_approval_world

    return make_approval_world()
