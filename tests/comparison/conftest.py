import pytest

from tests.comparison.factories import comparison_world


@pytest.fixture
def cw(db):
    return comparison_world()
