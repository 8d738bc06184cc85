
import pytest


@pytest.fixture(autouse=True)
def _english(request):
    """Messages are asserted in English, whatever the default locale and catalogue."""
    if "db" not in request.fixturenames:
        yield
        return
    from flask_babel import force_locale

    request.getfixturevalue("db")
    if "client" in request.fixturenames:
        request.getfixturevalue("client").environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with force_locale("en"):
        yield


@pytest.fixture
def world(db, make_user, make_org):
    """A document whose group has a main unit and a participating unit, and people in every role."""
    from tests.documents.factories import make_world

    return make_world()


@pytest.fixture
def doc(world):
    return world.document
