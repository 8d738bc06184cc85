import pytest

from tests.documents.factories import make_world


@pytest.fixture
def world(db, make_user, make_org):
    """A document whose group has a main unit and a participating unit, and people in every role."""
    return make_world()


@pytest.fixture
def doc(world):
    return world.document
