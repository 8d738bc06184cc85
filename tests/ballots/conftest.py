import pytest

from tests.ballots.factories import make_review_world
from tests.documents.factories import make_world


@pytest.fixture
def rw(db):
    """A document in 送审稿 and four voting organizations, one user each."""
    return make_review_world()


@pytest.fixture
def world(db):
    return make_world()
