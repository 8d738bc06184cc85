import pytest


@pytest.fixture
def cw(db):
    from tests.comparison.factories import comparison_world

    return comparison_world()
