"""The secretariat moves a document filed under the wrong group and deletes one
that has nothing but its first revision; group choices name their call."""

from sqlalchemy import select

from drafting.audit.models import AuditEntry
from drafting.calls import services as call_services
from drafting.documents import services
from drafting.documents.models import Revision, StandardDocument
from drafting.groups import services as group_services
from drafting.groups.models import GroupRole
from tests.calls.factories import make_call
from tests.documents.factories import make_document


def _audit(db, action, object_id):
    return db.session.scalars(
        select(AuditEntry).filter_by(action=action, object_id=object_id)
    ).all()


def _two_calls_with_the_same_standard(db, sec):
    groups = []
    for k, number in enumerate(["T/CESA 1501—2026", "T/CESA 1601—2027"]):
        call = make_call(
            actor=sec, standards=0, state="draft", title=f"第{k + 1}批团体标准起草单位征集通知"
        )
        standard = call_services.add_standard(
            call, title_zh="锂电池回收规范", planned_number=number, actor=sec
        )
        standard.drafting_group = group_services.create_group("锂电池回收规范", actor=sec)
        groups.append(standard.drafting_group)
    db.session.flush()
    return groups


def test_group_choices_name_the_call_and_the_planned_number(client, login_as, db, world):
    first, second = _two_calls_with_the_same_standard(db, world.secretariat)
    login_as(world.secretariat)
    page = client.get("/documents/new").get_data(as_text=True)
    assert "锂电池回收规范 · T/CESA 1501—2026 · 第1批团体标准起草单位征集通知" in page
    assert "锂电池回收规范 · T/CESA 1601—2027 · 第2批团体标准起草单位征集通知" in page
    settings = client.get(f"/documents/{world.document.id}/settings").get_data(as_text=True)
    assert "锂电池回收规范 · T/CESA 1601—2027 · 第2批团体标准起草单位征集通知" in settings
    # a group made by hand keeps its plain name
    assert ">测试起草组</option>" in settings


def test_the_secretariat_moves_a_document_to_another_group(client, login_as, db, world):
    _first, second = _two_calls_with_the_same_standard(db, world.secretariat)
    doc = world.document
    old_group_id = doc.drafting_group_id
    login_as(world.secretariat)
    r = client.post(f"/documents/{doc.id}/move", data={"move-group_id": second.id})
    assert r.status_code == 302
    db.session.expire_all()
    assert doc.drafting_group_id == second.id
    [entry] = _audit(db, "document.moved", doc.id)
    assert entry.actor_id == world.secretariat.id
    assert (entry.details["old_group_id"], entry.details["new_group_id"]) == (
        old_group_id,
        second.id,
    )
    # the old group's editors no longer see it (404, as for a missing one)
    login_as(world.main_editor)
    assert client.get(f"/documents/{doc.id}/edit").status_code == 404
    # an unknown group is refused without a change
    login_as(world.secretariat)
    r = client.post(f"/documents/{doc.id}/move", data={"move-group_id": "999999"})
    assert r.status_code == 422
    r = client.post(f"/documents/{doc.id}/move", data={"move-group_id": "x"})
    assert r.status_code == 422


def test_only_the_secretariat_moves_or_deletes(client, login_as, db, world):
    doc = world.document
    login_as(world.main_editor)
    assert (
        client.post(f"/documents/{doc.id}/move", data={"move-group_id": doc.drafting_group_id})
    ).status_code == 403
    assert client.post(f"/documents/{doc.id}/delete").status_code == 403
    assert client.delete(f"/api/v1/documents/{doc.id}").status_code == 403
    assert db.session.get(StandardDocument, doc.id) is not None


def test_the_secretariat_deletes_a_document_with_only_its_first_revision(
    client, login_as, db, world
):
    doc = world.document
    doc_id, number = doc.id, doc.number
    login_as(world.secretariat)
    page = client.get(f"/documents/{doc_id}/settings").get_data(as_text=True)
    assert 'data-testid="delete-document"' in page
    r = client.post(f"/documents/{doc_id}/delete")
    assert r.status_code == 302 and r.headers["Location"].endswith("/documents/")
    db.session.expire_all()
    assert db.session.get(StandardDocument, doc_id) is None
    assert not db.session.scalars(select(Revision).filter_by(document_id=doc_id)).all()
    [entry] = _audit(db, "document.deleted", doc_id)
    assert entry.details["number"] == number and entry.actor_id == world.secretariat.id
    assert client.get(f"/documents/{doc_id}").status_code == 404


def test_a_document_with_more_revisions_or_comments_is_not_deleted(client, login_as, db, world):
    doc = world.document
    services.save_revision(
        doc,
        doc.head_revision.text + "\n补充。\n",
        doc.head_revision_id,
        "",
        actor=world.main_editor,
    )
    db.session.commit()
    login_as(world.secretariat)
    page = client.get(f"/documents/{doc.id}/settings").get_data(as_text=True)
    assert 'data-testid="delete-document"' not in page
    r = client.post(f"/documents/{doc.id}/delete")
    assert r.status_code == 409 and "2 revisions" in r.get_data(as_text=True)
    r = client.delete(f"/api/v1/documents/{doc.id}")
    assert r.status_code == 409 and r.json["error"] == "has_revisions"

    other = world.group
    commented = make_document(other, world.secretariat)
    services.add_comment(
        commented, revision=commented.head_revision, body="意见", actor=world.participant
    )
    db.session.commit()
    r = client.delete(f"/api/v1/documents/{commented.id}")
    assert r.status_code == 409 and r.json["error"] == "has_comments"
    db.session.expire_all()
    assert db.session.get(StandardDocument, doc.id) is not None
    assert db.session.get(StandardDocument, commented.id) is not None


def test_the_api_moves_and_deletes(client, login_as, db, world):
    _first, second = _two_calls_with_the_same_standard(db, world.secretariat)
    doc = world.document
    db.session.commit()
    login_as(world.secretariat)
    url = f"/api/v1/documents/{doc.id}/move"
    r = client.post(url, json={"drafting_group_id": second.id})
    assert r.status_code == 200 and r.json["drafting_group_id"] == second.id
    for bad in ({"drafting_group_id": 10**20}, {"drafting_group_id": "1"}, {}):
        r = client.post(url, json=bad)
        assert r.status_code == 422, bad
    r = client.delete(f"/api/v1/documents/{doc.id}")
    assert r.status_code == 204
    assert client.get(f"/api/v1/documents/{doc.id}").status_code == 404
    assert client.delete(f"/api/v1/documents/{doc.id}").status_code == 404
    assert len(_audit(db, "document.moved", doc.id)) == 1
    assert len(_audit(db, "document.deleted", doc.id)) == 1


def test_moving_to_the_same_group_changes_nothing(db, world):
    services.move_document(world.document, world.group, actor=world.secretariat)
    assert not _audit(db, "document.moved", world.document.id)
    assert world.document.drafting_group.memberships[0].role == GroupRole.MAIN
