"""Calls: state machine, structure rules, deadlines, permissions and pages."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask_babel import force_locale
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from drafting import create_app
from drafting.applications.notify import remind_drafts
from drafting.audit.models import AuditEntry
from drafting.calls import permissions, services
from drafting.calls import signals as call_signals
from drafting.calls.models import Call, CallState
from drafting.core.errors import Refused, ServiceError
from drafting.core.timeutil import utcnow
from drafting.mail.models import OutboundMail
from tests.calls.factories import PDF, make_application, make_call
from tests.support.factories import make_org, make_user
from tests.support.smtp import first_link


def test_transition_table(db, sec):
    call = make_call(state="draft", actor=sec)
    for bad in (CallState.DECIDED, CallState.ARCHIVED, CallState.DRAFT):
        with pytest.raises(Refused):
            services.transition(call, bad, actor=sec)
    services.transition(call, CallState.PUBLISHED, actor=sec)
    assert call.published_at is not None
    for bad in (CallState.DRAFT, CallState.PUBLISHED, CallState.ARCHIVED):
        with pytest.raises(Refused):
            services.transition(call, bad, actor=sec)
    services.transition(call, CallState.DECIDED, actor=sec)
    assert call.decided_at is not None
    services.transition(call, CallState.ARCHIVED, actor=sec)
    with pytest.raises(Refused):
        services.transition(call, CallState.PUBLISHED, actor=sec)
    actions = [
        a
        for (a,) in db.session.query(AuditEntry.action).filter_by(
            object_type="call", object_id=call.id
        )
    ]
    assert {"call.published", "call.decided", "call.archived"} <= set(actions)


def test_publish_needs_standards_and_requirements(db, sec):
    now = utcnow()
    call = services.create_call(
        title="t",
        notice="",
        issuing_body="",
        contact="",
        opens_at=now,
        closes_at=now + timedelta(days=1),
        actor=sec,
    )
    with pytest.raises(Refused, match="standard"):
        services.publish(call, actor=sec)
    services.add_standard(call, title_zh="标准", actor=sec)
    with pytest.raises(Refused, match="requirement"):
        services.publish(call, actor=sec)


def test_dates_must_be_ordered(db, sec):
    now = utcnow()
    with pytest.raises(ServiceError):
        services.create_call(
            title="t",
            notice="",
            issuing_body="",
            contact="",
            opens_at=now,
            closes_at=now,
            actor=sec,
        )


def test_open_closed_derived_from_dates(db, sec):
    call = make_call(actor=sec, opens_in_days=1, closes_in_days=10)
    assert call.display_state() == "upcoming"
    with time_machine.travel(utcnow() + timedelta(days=2)):
        assert call.is_open() and call.display_state() == "open"
    with time_machine.travel(utcnow() + timedelta(days=11)):
        assert not call.is_open() and call.display_state() == "closed"


def test_published_call_refuses_removals(db, sec):
    call = make_call(actor=sec)
    with pytest.raises(Refused, match="invalidate"):
        services.remove_requirement(call, call.requirements[0], actor=sec)
    with pytest.raises(Refused, match="invalidate"):
        services.remove_standard(call, call.standards[0], actor=sec)
    with pytest.raises(Refused):
        services.add_requirement(call, text="新的强制要求", mandatory=True, actor=sec)
    services.add_requirement(call, text="可选要求", mandatory=False, actor=sec)


def test_draft_call_allows_removals(db, sec):
    call = make_call(state="draft", actor=sec)
    services.remove_requirement(call, call.requirements[0], actor=sec)
    services.remove_standard(call, call.standards[0], actor=sec)
    assert len(call.requirements) == 2 and len(call.standards) == 1


def test_requirement_for_chosen_standards(db, sec):
    call = make_call(state="draft", actor=sec)
    r = services.add_requirement(
        call, text="仅标准2", standard_ids=[call.standards[1].id], actor=sec
    )
    assert (
        not r.applies_to_all
        and r.applies_to({call.standards[1].id})
        and not r.applies_to({call.standards[0].id})
    )


def test_extend_deadline_mails_applicants(app, db, sec, client, login_as, mailbox):
    call = make_call(actor=sec)
    application = make_application(call)
    member_email = application.organization.users[0].email
    login_as(sec)
    new = (utcnow() + timedelta(days=30)).astimezone().strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/calls/{call.id}/extend", data={"closes_at": new})
    assert r.status_code == 302, r.get_data(as_text=True)
    mail = mailbox.wait_for(member_email)
    assert call.title in mail[0]["Subject"]
    with pytest.raises(ServiceError):
        services.extend_deadline(call, utcnow(), actor=sec)


def test_deadline_mail_goes_through_the_signal_once_per_recipient(app, db, sec):
    """`calls` announces the extension; `applications` (connected at app creation) mails.
    Building the app again does not connect the receiver twice."""
    create_app(dict(app.config))
    call = make_call(actor=sec)
    application = make_application(call)
    recipients = {u.email for u in application.organization.users if u.email_confirmed_at}
    assert call_signals.deadline_extended.receivers
    services.extend_deadline(call, call.closes_at + timedelta(days=3), actor=sec)
    mails = db.session.scalars(
        select(OutboundMail).where(OutboundMail.recipient.in_(recipients))
    ).all()
    assert sorted(m.recipient for m in mails) == sorted(recipients)
    assert all(call.title in m.subject for m in mails)


def test_close_early(db, sec):
    call = make_call(actor=sec)
    services.close_early(call, actor=sec)
    assert call.has_closed() and not call.is_open()
    with pytest.raises(Refused):
        services.close_early(call, actor=sec)


def test_published_dates_change_only_by_extend(db, sec):
    call = make_call(actor=sec)
    with pytest.raises(Refused):
        services.update_call(call, actor=sec, closes_at=call.closes_at + timedelta(days=1))
    services.update_call(call, actor=sec, title="新标题")
    assert call.title == "新标题"


# --- permissions for every role -------------------------------------------


@pytest.fixture
def users(db, make_user, make_org):
    org = make_org()
    return {
        "anonymous": AnonymousUserMixin(),
        "member": make_user("member", org=org),
        "reviewer": make_user("reviewer"),
        "secretariat": make_user("secretariat"),
    }


@pytest.mark.parametrize(
    "role,manage,view_draft,view_published,apply",
    [
        ("anonymous", False, False, True, False),
        ("member", False, False, True, True),
        ("reviewer", False, False, True, False),
        ("secretariat", True, True, True, False),
    ],
)
def test_call_permissions(db, users, role, manage, view_draft, view_published, apply):
    user = users[role]
    draft = make_call(state="draft", actor=users["secretariat"])
    published = make_call(actor=users["secretariat"])
    assert permissions.can_manage_calls(user) is manage
    assert permissions.can_view_call(user, draft) is view_draft
    assert permissions.can_view_call(user, published) is view_published
    assert permissions.can_start_application(user, published) is apply
    closed = make_call(actor=users["secretariat"], opens_in_days=-10, closes_in_days=-1)
    assert permissions.can_start_application(user, closed) is False


# --- pages -------------------------------------------------------------------


def test_public_pages_for_anonymous(client, db, sec):
    call = make_call(actor=sec)
    draft = make_call(state="draft", actor=sec, title="草稿通知")
    r = client.get("/calls/")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and call.title in body and "草稿通知" not in body
    r = client.get(f"/calls/{call.id}")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "团体标准1" in body and "行业相关企事业单位" in body
    assert "<script>" not in body  # raw HTML in the notice is not rendered
    assert client.get(f"/calls/{draft.id}").status_code == 404
    assert client.get("/calls/99999").status_code == 404


def test_secretariat_previews_draft(client, login_as, db, sec):
    draft = make_call(state="draft", actor=sec)
    login_as(sec)
    r = client.get(f"/calls/{draft.id}")
    assert (
        r.status_code == 200
        and "Preview" in r.get_data(as_text=True)
        or "预览" in r.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    "role,expected", [("anonymous", 302), ("member", 403), ("reviewer", 403), ("secretariat", 200)]
)
def test_editor_access(client, login_as, db, sec, role, expected):
    call = make_call(state="draft", actor=sec)
    if role != "anonymous":
        login_as(role)
    assert client.get("/calls/new").status_code == expected
    assert client.get(f"/calls/{call.id}/edit").status_code == expected
    r = client.post(f"/calls/{call.id}/publish")
    assert r.status_code == (302 if role in ("anonymous", "secretariat") else expected)


def test_secretariat_builds_and_publishes_call(client, login_as, db):
    login_as("secretariat")
    r = client.post(
        "/calls/new",
        data={
            "title": "新通知",
            "notice": "# 通知",
            "issuing_body": "联盟",
            "contact": "",
            "opens_at": "2020-01-01T09:00",
            "closes_at": "2099-01-01T17:00",
        },
    )
    assert r.status_code == 302
    call_id = int(r.headers["Location"].rstrip("/").split("/")[-2])
    assert client.post(f"/calls/{call_id}/publish").status_code == 409  # no standards yet
    r = client.post(
        f"/calls/{call_id}/standards",
        data={"title_zh": "标准甲", "title_en": "A", "main_capacity": "2"},
    )
    assert r.status_code == 302
    r = client.post(
        f"/calls/{call_id}/requirements",
        data={"text": "信誉良好", "mandatory": "y", "evidence": "statement", "weight": "1"},
    )
    assert r.status_code == 302
    assert client.post(f"/calls/{call_id}/standards", data={"title_zh": ""}).status_code == 422
    r = client.post(
        f"/calls/{call_id}/attachments",
        data={"file": (__import__("io").BytesIO(PDF), "通知.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert client.post(f"/calls/{call_id}/publish").status_code == 302
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert "标准甲" in page and "通知.pdf" in page
    call = db.session.get(Call, call_id)
    r = client.post(f"/calls/{call_id}/requirements/{call.requirements[0].id}/delete")
    assert r.status_code == 409 and "invalidate" in r.get_data(as_text=True)
    r = client.get(f"/calls/{call_id}/attachments/{call.attachments[0].id}")
    assert r.status_code == 200 and r.headers["Content-Disposition"].startswith("attachment")
    assert client.post(f"/calls/{call_id}/close").status_code == 302


def test_remind_command(app, db, sec, mailbox):
    """The cron reminder's link is built on PUBLIC_URL (it runs without a request)."""
    call = make_call(actor=sec, closes_in_days=2)
    draft = make_application(call, complete=False)
    make_application(call, submit=True)
    assert remind_drafts(1) == 0
    runner = app.test_cli_runner()
    # As in production: no SERVER_NAME, links from PUBLIC_URL.
    saved = app.config["SERVER_NAME"], app.config["PUBLIC_URL"]
    app.config.update(SERVER_NAME=None, PUBLIC_URL="https://drafting.example.org")
    try:
        result = runner.invoke(args=["calls", "remind", "--days", "3"])
    finally:
        app.config["SERVER_NAME"], app.config["PUBLIC_URL"] = saved
    assert "1 reminder(s) queued." in result.output
    runner.invoke(args=["mail", "send"])
    mail = mailbox.wait_for(draft.organization.users[0].email)[-1]
    assert first_link(mail) == f"https://drafting.example.org/applications/{draft.id}"


def test_empty_and_malformed_forms(client, login_as, db, sec):
    call = make_call(state="draft", actor=sec)
    login_as(sec)
    assert client.post("/calls/new", data={}).status_code == 422
    r = client.post(
        "/calls/new", data={"title": "x", "opens_at": "not a date", "closes_at": "2099-01-01T00:00"}
    )
    assert r.status_code == 422
    r = client.post(
        "/calls/new",
        data={"title": "x", "opens_at": "2030-01-02T00:00", "closes_at": "2030-01-01T00:00"},
    )
    assert r.status_code == 422  # closes before it opens
    assert (
        client.post(f"/calls/{call.id}/requirements", data={"text": "", "weight": "-1"}).status_code
        == 422
    )
    assert client.post(f"/calls/{call.id}/edit", data={}).status_code == 422
    assert client.post(f"/calls/{call.id}/attachments", data={}).status_code == 400
    r = client.post(
        f"/calls/{call.id}/attachments",
        data={"file": (__import__("io").BytesIO(b"<html>"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    published = make_call(actor=sec)
    assert (
        client.post(
            f"/calls/{published.id}/extend", data={"closes_at": "2000-01-01T00:00"}
        ).status_code
        == 422
    )
    assert client.post(f"/calls/{published.id}/extend", data={}).status_code == 422


def test_notice_time_shown_in_user_zone(client, db, sec):
    call = make_call(actor=sec)
    call.closes_at = datetime(2099, 3, 1, 9, 0, tzinfo=UTC)
    db.session.commit()
    body = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "2099-03-01 17:00" in body  # Asia/Shanghai, UTC+8


def test_edit_published_call_text_through_the_form(client, login_as, db, sec):
    call = make_call(actor=sec)  # dates with seconds, as created at "now"
    login_as(sec)
    page = client.get(f"/calls/{call.id}/edit").get_data(as_text=True)
    opens = re.search(r'name="opens_at"[^>]*value="([^"]+)"', page).group(1)
    closes = re.search(r'name="closes_at"[^>]*value="([^"]+)"', page).group(1)
    r = client.post(
        f"/calls/{call.id}/edit",
        data={"title": "改后的标题", "opens_at": opens, "closes_at": closes},
    )
    assert r.status_code == 302
    r = client.post(
        f"/calls/{call.id}/edit",
        data={"title": "x", "opens_at": opens, "closes_at": "2099-01-01T00:00"},
    )
    assert r.status_code == 409


def test_refused_transition_names_states_by_their_labels(db, sec):
    call = make_call(state="draft", actor=sec)
    services.transition(call, CallState.PUBLISHED, actor=sec)
    with force_locale("zh"):
        with pytest.raises(Refused) as refused:
            services.transition(call, CallState.PUBLISHED, actor=sec)
        assert refused.value.message == "征集通知不能从“已发布”状态变为“已发布”状态。"
    with pytest.raises(Refused) as refused:
        services.transition(call, CallState.DRAFT, actor=sec)
    assert refused.value.message == "A call in state “Published” cannot become “Draft”."


def test_reviewer_does_not_learn_that_their_organization_applied(client, login_as, db):
    call = make_call()
    org = make_org()
    member = make_user("member", org=org)
    make_application(call, user=member, submit=True)
    reviewer = make_user("reviewer", org=org)
    db.session.commit()
    login_as(reviewer)
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "Your organization’s application" not in page
    assert "/applications/" not in page
    login_as(member)
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "Your organization’s application" in page
