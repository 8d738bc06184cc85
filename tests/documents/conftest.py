import pytest


@pytest.fixture
def world(db, make_user, make_org):
    """A document whose group has a main unit and a participating unit, and people in every role."""
    from tests.documents.factories import make_world

    return make_world()


@pytest.fixture
def doc(world):
    return world.document
