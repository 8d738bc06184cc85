"""Each drafting unit names its drafters (person, organization, order); 前言's
主要起草人 line prints them in that order."""

from sqlalchemy import select

from drafting.audit.models import AuditEntry
from drafting.documents.queries import document_meta
from drafting.groups import services as group_services


def test_units_name_their_drafters_and_the_foreword_lists_them_in_order(
    client, login_as, db, world, doc
):
    login_as(world.participant)
    r = client.post(
        f"/documents/{doc.id}/drafters",
        data={"organization_id": world.part_org.id, "names": "赵六\n\n 钱七 \n赵六\n"},
    )
    assert r.status_code == 302
    login_as(world.main_editor)
    page = client.get(f"/documents/{doc.id}/drafters").get_data(as_text=True)
    assert "前言" in page and "本文件主要起草人：赵六、钱七。" in page
    r = client.post(
        f"/documents/{doc.id}/drafters",
        data={"organization_id": world.main_org.id, "names": "王五\n张三\n李四"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    # main drafting units first, each unit in its own order
    assert document_meta(doc).drafters == ("王五", "张三", "李四", "赵六", "钱七")
    drafters = group_services.unit_drafters(doc.drafting_group, world.main_org.id)
    assert [(d.name, d.position, d.organization_id) for d in drafters] == [
        ("王五", 0, world.main_org.id),
        ("张三", 1, world.main_org.id),
        ("李四", 2, world.main_org.id),
    ]
    page = client.get(f"/documents/{doc.id}/drafters").get_data(as_text=True)
    assert "本文件主要起草人：王五、张三、李四、赵六、钱七。" in page

    html = client.get(f"/documents/{doc.id}/export.html").get_data(as_text=True)
    assert "本文件主要起草人：王五、张三、李四、赵六、钱七。" in html
    entries = db.session.scalars(
        select(AuditEntry).filter_by(action="group.drafters_set", object_id=doc.drafting_group_id)
    ).all()
    assert [e.details["names"] for e in entries] == [["赵六", "钱七"], ["王五", "张三", "李四"]]

    # reordering is saving the list again
    client.post(
        f"/documents/{doc.id}/drafters",
        data={"organization_id": world.main_org.id, "names": "张三\n王五"},
    )
    db.session.expire_all()
    assert document_meta(doc).drafters == ("张三", "王五", "赵六", "钱七")


def test_a_unit_names_only_its_own_drafters(client, login_as, db, world, doc):
    login_as(world.participant)
    r = client.post(
        f"/documents/{doc.id}/drafters",
        data={"organization_id": world.main_org.id, "names": "冒名"},
    )
    assert r.status_code == 403
    page = client.get(f"/documents/{doc.id}/drafters").get_data(as_text=True)
    assert page.count("<textarea") == 1  # only its own unit's list is editable
    for bad in (
        {"organization_id": world.other_org.id, "names": "x"},
        {"organization_id": "x"},
        {},
    ):
        assert client.post(f"/documents/{doc.id}/drafters", data=bad).status_code == 422
    login_as(world.outsider)
    # a document the user may not see answers as a missing one
    assert client.get(f"/documents/{doc.id}/drafters").status_code == 404
    db.session.expire_all()
    assert document_meta(doc).drafters == ()


def test_named_editors_who_draft_follow_the_units_drafters(db, world, doc):
    group = doc.drafting_group
    group_services.set_unit_drafters(group, world.main_org, ["张三"], actor=world.main_editor)
    group_services.name_editor(group, world.outsider, actor=world.secretariat)
    assert document_meta(doc).drafters == ("张三", world.outsider.name)


def test_the_api_reads_and_replaces_a_units_drafters(client, login_as, db, world, doc):
    login_as(world.main_editor)
    url = f"/api/v1/documents/{doc.id}/drafters"
    r = client.put(f"{url}/{world.main_org.id}", json={"names": ["王五", "张三"]})
    assert r.status_code == 200
    assert r.json["foreword"] == ["王五", "张三"]
    assert r.json["units"][0] == {
        "organization_id": world.main_org.id,
        "organization": world.main_org.name,
        "role": "main",
        "drafters": ["王五", "张三"],
    }
    assert client.get(url).json["foreword"] == ["王五", "张三"]
    assert client.put(f"{url}/{world.part_org.id}", json={"names": ["x"]}).status_code == 403
    assert client.put(f"{url}/{world.other_org.id}", json={"names": ["x"]}).status_code == 404
    assert client.put(f"{url}/{world.main_org.id}", json={"names": "王五"}).status_code == 422
    assert client.put(f"{url}/{world.main_org.id}", json={"names": [1]}).status_code == 422
    r = client.put(f"{url}/{world.main_org.id}", json={"names": ["长" * 101]})
    assert r.status_code == 422 and r.json["error"] == "name_too_long"
    login_as(world.secretariat)
    r = client.put(f"{url}/{world.part_org.id}", json={"names": ["赵六"]})
    assert r.status_code == 200 and r.json["foreword"] == ["王五", "张三", "赵六"]


def test_control_characters_are_not_part_of_a_name(db, world, doc):
    """The fuzzer sent NUL in a name: PostgreSQL cannot store it (500)."""
    group = doc.drafting_group
    group_services.set_unit_drafters(
        group, world.main_org, ["张\x00三", "\x0b李四\x7f", "\x00"], actor=world.main_editor
    )
    db.session.flush()
    db.session.expire_all()
    assert document_meta(doc).drafters == ("张 三", "李四")
