"""Archiving a decided call: the secretariat's button and API; the call leaves
the default lists and stays readable."""

import pytest

from drafting.audit.models import AuditEntry
from drafting.calls import services
from drafting.calls.models import CallState
from drafting.core.errors import Refused
from drafting.core.statemachine import can_transition
from tests.calls.factories import make_call
from tests.support.factories import make_user


@pytest.fixture
def decided(db, sec):
    call = make_call(actor=sec, title="已评定的征集通知")
    services.transition(call, CallState.DECIDED, actor=sec)
    db.session.commit()
    return call


def test_only_a_decided_call_is_archived(db, sec, decided):
    published = make_call(actor=sec)
    with pytest.raises(Refused) as exc:
        services.archive(published, actor=sec)
    assert exc.value.code == "transition_not_allowed"
    assert "cannot become" in exc.value.message and published.state == CallState.PUBLISHED
    services.archive(decided, actor=sec)
    assert decided.state == CallState.ARCHIVED
    entry = db.session.query(AuditEntry).filter_by(action="call.archived").one()
    assert entry.object_id == decided.id and entry.actor_id == sec.id
    assert entry.details["old"] == "decided" and entry.details["new"] == "archived"
    with pytest.raises(Refused):
        services.archive(decided, actor=sec)


def test_who_sees_the_archive_button(db, sec, decided):
    published = make_call(actor=sec)
    assert can_transition(decided, "archived", sec)
    assert not can_transition(published, "archived", sec)
    assert not can_transition(decided, "archived", make_user("member"))
    assert can_transition(decided, CallState.ARCHIVED)  # no user: the table and guards only


def test_archive_from_the_call_page(client, login_as, db, sec, decided):
    login_as(sec)
    page = client.get(f"/calls/{decided.id}").get_data(as_text=True)
    assert 'data-testid="archive"' in page
    r = client.post(f"/calls/{decided.id}/archive", follow_redirects=True)
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "The call is archived" in body
    assert 'data-testid="archive"' not in body  # archived: nothing more to do
    db.session.refresh(decided)
    assert decided.state == CallState.ARCHIVED


def test_no_archive_button_for_a_published_call_or_a_member(client, login_as, db, sec, decided):
    published = make_call(actor=sec)
    db.session.commit()
    login_as(sec)
    assert 'data-testid="archive"' not in client.get(f"/calls/{published.id}").get_data(
        as_text=True
    )
    r = client.post(f"/calls/{published.id}/archive", follow_redirects=True)
    assert "cannot become" in r.get_data(as_text=True)
    login_as("member")
    assert 'data-testid="archive"' not in client.get(f"/calls/{decided.id}").get_data(as_text=True)


def test_archived_calls_leave_the_lists_and_stay_readable(client, db, sec, decided):
    current = make_call(actor=sec, title="仍在征集的通知")
    services.archive(decided, actor=sec)
    db.session.commit()
    index = client.get("/calls/").get_data(as_text=True)
    assert current.title in index and decided.title not in index
    archive = client.get("/calls/?archived=1").get_data(as_text=True)
    assert decided.title in archive and current.title not in archive
    page = client.get(f"/calls/{decided.id}")
    assert page.status_code == 200 and decided.title in page.get_data(as_text=True)
    listed = [c["id"] for c in client.get("/api/v1/calls").json]
    assert current.id in listed and decided.id not in listed
    archived = client.get("/api/v1/calls?archived=true").json
    assert [c["id"] for c in archived] == [decided.id] and archived[0]["state"] == "archived"
    assert client.get(f"/api/v1/calls/{decided.id}").status_code == 200
    assert client.get("/api/v1/calls?archived=maybe").status_code == 422


def test_archive_through_the_api(client, login_as, db, sec, decided):
    published = make_call(actor=sec)
    db.session.commit()
    login_as(sec)
    r = client.post(f"/api/v1/calls/{published.id}/archive")
    assert r.status_code == 409 and r.json["error"] == "transition_not_allowed"
    r = client.post(f"/api/v1/calls/{decided.id}/archive")
    assert r.status_code == 200 and r.json["state"] == "archived"
    login_as("member")
    assert client.post(f"/api/v1/calls/{decided.id}/archive").status_code == 403
