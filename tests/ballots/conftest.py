import pytest


@pytest.fixture
def rw(db):
    """A document in 送审稿 and four voting organizations, one user each."""
    from tests.ballots.factories import make_review_world

    return make_review_world()


@pytest.fixture
def world(db):
    from tests.documents.factories import make_world

    return make_world()
