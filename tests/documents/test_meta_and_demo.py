"""The export's view of a document, and the demo document."""

from sqlalchemy import select

from drafting.ballots.queries import open_ballot_of
from drafting.ballots.states import Choice
from drafting.consultation.queries import latest_period
from drafting.core.timeutil import utcnow
from drafting.demo import load_demo
from drafting.documents.models import Comment, StandardDocument
from drafting.documents.queries import document_meta
from drafting.documents.states import DocumentStage
from drafting.groups import services as group_services
from drafting.standardtext import run_checks


def test_document_meta_lists_units_and_drafters(world, doc, app):
    group_services.name_editor(world.group, world.main_editor, actor=world.secretariat)
    meta = document_meta(doc)
    assert meta.number == doc.number and meta.title_zh == doc.title_zh
    assert meta.stage.value == "working_draft"
    assert meta.drafting_units == (world.main_org.name, world.part_org.name)
    assert meta.drafters == (world.main_editor.name,)
    assert meta.association_code == app.config["ASSOCIATION_CODE"]


def test_demo_document(app, db):
    load_demo()
    document = db.session.scalar(select(StandardDocument).order_by(StandardDocument.id))
    assert document.title_zh == "废旧磷酸铁锂电池正极材料回收利用技术规范"
    assert document.head_revision.number == 3
    assert "应" in document.head_revision.text and "宜" in document.head_revision.text
    assert not [f for f in run_checks(document.head_revision.text) if f.severity == "error"]
    names = [m.organization.name for m in document.drafting_group.memberships]
    assert names == ["绿能电池回收有限公司", "华锂新材料科技股份有限公司"]
    assert db.session.query(Comment).filter_by(document_id=document.id).count() == 2


def test_demo_has_a_public_comment_period_and_an_open_ballot(app, db):
    load_demo()
    first, commented, balloted = db.session.scalars(
        select(StandardDocument).order_by(StandardDocument.id)
    ).all()
    assert first.stage == DocumentStage.WORKING_DRAFT
    assert commented.stage == DocumentStage.DRAFT_FOR_COMMENTS
    period = latest_period(commented)
    assert period.is_public and period.is_open(utcnow())
    [comment] = db.session.query(Comment).filter_by(document_id=commented.id).all()
    assert comment.author.organization.name == "中科再生资源研究院"
    assert balloted.stage == DocumentStage.DRAFT_FOR_REVIEW
    ballot = open_ballot_of(balloted)
    assert ballot.revision_id == balloted.head_revision_id and ballot.closes_at > utcnow()
    [vote] = ballot.votes
    assert vote.choice == Choice.FOR and vote.organization.name == "中科再生资源研究院"
    for document in (commented, balloted):
        assert not [f for f in run_checks(document.head_revision.text) if f.severity == "error"]


def test_export_pdf_and_print_preview(client, login_as, world, doc):
    login_as(world.participant)
    r = client.get(f"/documents/{doc.id}/export.html")
    assert r.status_code == 200 and doc.title_zh in r.get_data(as_text=True)
    # The first reading starts the export job (its progress page), the next one is cached.
    assert client.get(f"/documents/{doc.id}/export.pdf").status_code == 303
    r = client.get(f"/documents/{doc.id}/export.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    r = client.get(f"/api/v1/documents/{doc.id}/export.pdf?revision={doc.head_revision_id}")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    login_as(world.outsider)
    assert (
        client.get(f"/api/v1/documents/{doc.id}/export.pdf").status_code == 404
    )  # hidden: answers as missing
