import pytest

from tests.approval.factories import make_approval_world


@pytest.fixture
def aw(db):
    """A document at the stage 报批稿 with its whole record (see factories)."""
    return make_approval_world()
