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
def sec(db, make_user):
    return make_user("secretariat")
