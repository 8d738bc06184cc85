"""A document that moved between stages keeps its record: it can no longer be deleted
(its comment period or ballot would go with it)."""

from drafting.consultation.models import CommentPeriod
from drafting.documents import services
from drafting.documents.models import StandardDocument
from drafting.documents.states import DocumentStage


def test_a_document_that_moved_a_stage_is_not_deleted(client, login_as, db, world):
    doc = world.document
    services.transition(doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=world.secretariat)
    db.session.commit()
    assert doc.head_revision.number == 1  # still its first revision, and no comment
    assert db.session.query(CommentPeriod).filter_by(document_id=doc.id).count() == 1

    login_as(world.secretariat)
    page = client.get(f"/documents/{doc.id}/settings").get_data(as_text=True)
    assert 'data-testid="delete-document"' not in page
    assert "moved from one stage to another" in page

    r = client.post(f"/documents/{doc.id}/delete")
    assert r.status_code == 409 and "moved from one stage to another" in r.get_data(as_text=True)
    r = client.delete(f"/api/v1/documents/{doc.id}")
    assert r.status_code == 409 and r.json["error"] == "has_stage_history"

    r = client.delete(f"/api/v1/documents/{doc.id}", headers={"Accept-Language": "zh"})
    assert "不能删除" in r.json["message"]

    db.session.expire_all()
    assert db.session.get(StandardDocument, doc.id) is not None
    assert db.session.query(CommentPeriod).filter_by(document_id=doc.id).count() == 1
