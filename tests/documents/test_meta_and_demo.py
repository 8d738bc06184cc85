"""The export's view of a document, and the demo document."""

from sqlalchemy import select

from drafting.demo import load_demo
from drafting.documents.models import Comment, StandardDocument
from drafting.documents.queries import document_meta
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
    document = db.session.scalar(select(StandardDocument))
    assert document.title_zh == "废旧磷酸铁锂电池正极材料回收利用技术规范"
    assert document.head_revision.number == 3
    assert "应" in document.head_revision.text and "宜" in document.head_revision.text
    assert not [f for f in run_checks(document.head_revision.text) if f.severity == "error"]
    names = [m.organization.name for m in document.drafting_group.memberships]
    assert names == ["绿能电池回收有限公司", "华锂新材料科技股份有限公司"]
    assert db.session.query(Comment).filter_by(document_id=document.id).count() == 2


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
