from sqlalchemy import select

from drafting.audit.models import AuditEntry
from drafting.audit.services import record


def test_state_changes_are_audited_and_browsable(client, db, login_as, make_user):
    sec = login_as("secretariat")
    user = make_user()
    db.session.commit()
    client.post(f"/admin/users/{user.id}/role", data={"role": "reviewer"})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.role_changed"))
    assert entry.actor_id == sec.id and entry.object_type == "user" and entry.object_id == user.id
    assert entry.details == {"old": "member", "new": "reviewer"}
    page = client.get("/admin/audit/?action=user.role").get_data(as_text=True)
    assert "user.role_changed" in page
    page = client.get("/admin/audit/?action=organization.").get_data(as_text=True)
    assert "user.role_changed" not in page


def test_audit_filters(client, db, login_as, make_user):
    sec = login_as("secretariat")
    other = make_user()
    record(other, "thing.done", object_type="thing", object_id=7)
    record(sec, "thing.done", object_type="thing", object_id=8)
    db.session.commit()
    page = client.get(f"/admin/audit/?actor={other.email}").get_data(as_text=True)
    assert "#7" in page and "#8" not in page
    page = client.get("/admin/audit/?object_type=thing&object_id=8").get_data(as_text=True)
    assert "#8" in page and "#7" not in page
    page = client.get("/admin/audit/?since=2000-01-01&until=2000-01-02").get_data(as_text=True)
    assert "thing.done" not in page
    # Malformed filter values are ignored, not errors.
    assert client.get("/admin/audit/?since=yesterday&object_id=abc&page=-3").status_code == 200
