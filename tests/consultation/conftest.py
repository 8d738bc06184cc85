import pytest

from drafting.consultation.queries import latest_period
from drafting.documents import services
from tests.documents.factories import make_world


@pytest.fixture
def world(db, make_user, make_org):
    """A document of a group with a main and a participating unit, people in every role."""
    return make_world()


@pytest.fixture
def doc(world):
    return world.document


@pytest.fixture
def out_for_comments(world, doc, db):
    """Move the document to 征求意见稿 (which opens the period); ``public=True`` for anyone."""

    def move(public: bool = False, ends_at=None):
        doc.comments_public = public
        doc.comment_period_ends_at = ends_at
        services.transition(doc, "draft_for_comments", actor=world.main_editor)
        db.session.commit()
        return latest_period(doc)

    return move
