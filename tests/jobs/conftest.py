from io import BytesIO

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

# The documents' fixtures (`world`, `doc`) serve the export jobs too.
from tests.documents.conftest import doc, world  # noqa: F401


@pytest.fixture(autouse=True)
def _english(request):
    """Messages are asserted in English, whatever the default locale and catalogue."""
    if "db" not in request.fixturenames:
        yield
        return

    request.getfixturevalue("db")
    with force_locale("en"):
        yield


@pytest.fixture
def pdf_title():
    """The text pypdf extracts from a PDF, to look for the document's title."""

    def extract(data: bytes) -> str:
        return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)

    return extract
