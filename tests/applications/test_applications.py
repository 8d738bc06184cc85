"""Applications: state machine, checklist, deadline, stale saves, uploads, downloads, permissions."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
import time_machine
from flask_babel import force_locale
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from drafting.accounts.models import User
from drafting.applications import permissions, services
from drafting.applications.models import Answer, Application, Attachment
from drafting.applications.models import ApplicationState as S
from drafting.applications.notify import notify_submitted
from drafting.core import transaction
from drafting.core.errors import Conflict, Refused, ServiceError
from drafting.core.files import sniff
from drafting.core.timeutil import utcnow
from drafting.reviews.services import assign_reviewer
from tests.calls.factories import PDF, PNG, close_call, make_application, make_call
from tests.support.factories import make_user
from tests.support.smtp import first_link


def _docx(inner="word/document.xml") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(inner, "<x/>")
    return buf.getvalue()


# --- state machine --------------------------------------------------------

ALLOWED = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {
        S.UNDER_REVIEW,
        S.RETURNED,
        S.WITHDRAWN,
        S.ACCEPTED,
        S.PARTLY_ACCEPTED,
        S.REJECTED,
    },
    S.UNDER_REVIEW: {S.RETURNED, S.WITHDRAWN, S.ACCEPTED, S.PARTLY_ACCEPTED, S.REJECTED},
    S.RETURNED: {S.SUBMITTED},
    S.WITHDRAWN: {S.DRAFT},
    S.ACCEPTED: set(),
    S.PARTLY_ACCEPTED: set(),
    S.REJECTED: set(),
}


@pytest.mark.parametrize("old", list(S))
@pytest.mark.parametrize("new", list(S))
def test_every_transition(db, sec, old, new):
    """The table, for a complete application before the deadline (the guards pass)."""
    call = make_call(actor=sec)
    application = make_application(call)
    application.state = old
    application.submitted_at = utcnow()
    application.decided_at = (
        utcnow() if old in (S.ACCEPTED, S.PARTLY_ACCEPTED, S.REJECTED) else None
    )
    if new in ALLOWED[old]:
        services.transition(application, new, actor=sec, reason="r")
        assert application.state == new
        if new in (S.ACCEPTED, S.PARTLY_ACCEPTED, S.REJECTED):
            assert application.decided_at is not None
    else:
        with pytest.raises(Refused) as exc:
            services.transition(application, new, actor=sec)
        assert exc.value.code == "transition_not_allowed"
        assert application.state == old


def test_decided_needs_decided_at_in_database(db, sec):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    application.state = S.ACCEPTED
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_one_application_per_organization_and_call(db, sec):
    call = make_call(actor=sec)
    a = make_application(call, complete=False)
    assert services.start_application(call, a.organization, actor=a.organization.users[0]) is a
    db.session.add(Application(call=call, organization=a.organization))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_checklist_and_submit_refused_with_missing_list(db, sec):
    call = make_call(actor=sec)
    application = make_application(call, complete=False)
    user = application.organization.users[0]
    with pytest.raises(ServiceError) as exc:
        services.submit(application, actor=user)
    assert exc.value.code == "incomplete" and len(exc.value.details) == 2
    services.save_answer(application, call.requirements[0].id, "是", base_version=0, actor=user)
    items = services.checklist(application)
    assert items[0].missing == ["file"] and items[1].missing == ["statement"]
    assert items[2].missing == ["file"] and not items[2].requirement.mandatory
    services.add_attachment(
        application, call.requirements[0].id, filename="a.pdf", data=PDF, actor=user
    )
    services.save_answer(application, call.requirements[1].id, "有", base_version=0, actor=user)
    services.submit(application, actor=user)  # optional requirement 3 may stay empty
    assert application.state == S.SUBMITTED and application.submitted_at


def test_no_standard_chosen_blocks_submit(db, sec):
    call = make_call(actor=sec)
    application = make_application(call)
    user = application.organization.users[0]
    services.update_details(application, actor=user, standards={})
    with pytest.raises(ServiceError) as exc:
        services.submit(application, actor=user)
    assert len(exc.value.details) == 1, exc.value.details


def test_deadline_with_frozen_time(db, sec):
    call = make_call(actor=sec, closes_in_days=5)
    application = make_application(call)
    user = application.organization.users[0]
    with time_machine.travel(utcnow() + timedelta(days=6)):
        with pytest.raises(Refused, match="deadline") as exc:
            services.submit(application, actor=user)
        assert exc.value.code == "deadline_passed"
        with pytest.raises(Refused):
            services.save_answer(
                application, call.requirements[1].id, "x", base_version=1, actor=user
            )
    services.submit(application, actor=user, now=utcnow() + timedelta(days=4))
    assert application.state == S.SUBMITTED


def test_returned_application_may_resubmit_after_deadline(db, sec):
    call = make_call(actor=sec, closes_in_days=5)
    application = make_application(call, submit=True)
    other = make_application(call)
    user = application.organization.users[0]
    services.transition(application, S.RETURNED, actor=sec, reason="补充营业执照")
    later = utcnow() + timedelta(days=10)
    services.save_answer(
        application, call.requirements[1].id, "已补充", base_version=1, actor=user, now=later
    )
    services.submit(application, actor=user, now=later)
    assert application.state == S.SUBMITTED
    with pytest.raises(Refused):  # for that application only
        services.submit(other, actor=other.organization.users[0], now=later)


def test_withdraw_and_reopen(db, sec):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    user = application.organization.users[0]
    services.withdraw(application, actor=user)
    assert application.state == S.WITHDRAWN
    with pytest.raises(Refused):
        services.withdraw(application, actor=user)
    services.reopen(application, actor=user)
    assert application.state == S.DRAFT


def test_stale_answer_refused_with_both_texts(db, sec):
    call = make_call(actor=sec)
    application = make_application(call, complete=False)
    alice = application.organization.users[0]
    bob = make_user("member", org=application.organization)
    rid = call.requirements[1].id
    services.save_answer(application, rid, "Alice 的文字", base_version=0, actor=alice)
    with pytest.raises(Conflict) as exc:
        services.save_answer(application, rid, "Bob 的文字", base_version=0, actor=bob)
    assert (
        exc.value.details["theirs"] == "Alice 的文字" and exc.value.details["yours"] == "Bob 的文字"
    )
    assert application.answer_for(rid).statement == "Alice 的文字"
    services.save_answer(
        application, rid, "合并后", base_version=exc.value.details["version"], actor=bob
    )
    assert application.answer_for(rid).version == 2


# --- uploads ----------------------------------------------------------------


def test_sniff():
    assert sniff(PDF) == "application/pdf"
    assert sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0JFIF") == "image/jpeg"
    assert sniff(_docx()).endswith("wordprocessingml.document")
    assert sniff(_docx("xl/workbook.xml")).endswith("spreadsheetml.sheet")
    assert sniff(b"MZ\x90\x00" + b"\x00" * 50) is None
    assert sniff(b"<html><script>") is None
    assert sniff(b"PK\x03\x04garbage") is None


# --- permissions for every role -------------------------------------------


@pytest.fixture
def world(db, make_user, make_org, sec):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    org = application.organization
    reviewer = make_user("reviewer")
    assign_reviewer(call, reviewer, actor=sec)
    own_reviewer = make_user("reviewer", org=org)
    assign_reviewer(call, own_reviewer, actor=sec)
    return {
        "call": call,
        "application": application,
        "anonymous": AnonymousUserMixin(),
        "member": org.users[0],
        "other_member": make_user("member"),
        "reviewer_assigned": reviewer,
        "reviewer_unassigned": make_user("reviewer"),
        "reviewer_own_org": own_reviewer,
        "secretariat": sec,
    }


@pytest.mark.parametrize(
    "who,view,edit",
    [
        ("anonymous", False, False),
        ("member", True, True),
        ("other_member", False, False),
        ("reviewer_assigned", True, False),
        ("reviewer_unassigned", False, False),
        ("reviewer_own_org", False, False),
        ("secretariat", True, False),
    ],
)
def test_application_permissions(world, who, view, edit):
    user, application = world[who], world["application"]
    assert permissions.can_view_application(user, application) is view
    assert permissions.can_edit_application(user, application) is edit


def test_reviewer_does_not_see_drafts(world):
    draft = make_application(world["call"], complete=False)
    assert not permissions.can_view_application(world["reviewer_assigned"], draft)


# --- pages ------------------------------------------------------------------


def test_member_applies_through_the_web(client, login_as, db, sec, mailbox):
    call = make_call(actor=sec)
    user = login_as("member")
    r = client.post(f"/calls/{call.id}/apply")
    assert r.status_code == 302
    app_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    r1, r2, r3 = call.requirements
    data = {
        f"standard-{call.standards[0].id}": "main",
        f"standard-{call.standards[1].id}": "",
        "contact_name": "李伟",
        "contact_phone": "123",
        "contact_email": user.email,
        f"answer-{r1.id}": "我们是回收企业",
        f"version-{r1.id}": "0",
        f"answer-{r2.id}": "",
        f"version-{r2.id}": "0",
    }
    assert client.post(f"/applications/{app_id}", data=data).status_code == 302
    page = client.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "我们是回收企业" in page
    r = client.post(f"/applications/{app_id}/submit")
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "具备一定技术能力" in body  # the missing list names the requirement
    r = client.post(
        f"/applications/{app_id}/files",
        data={"requirement_id": r1.id, "file": (io.BytesIO(PDF), "资质证书.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    data.update({f"answer-{r2.id}": "有实力", f"version-{r1.id}": "1", "action": "submit"})
    r = client.post(f"/applications/{app_id}", data=data)
    assert r.status_code == 302
    mail = mailbox.wait_for(user.email)
    assert (
        call.title in mail[0]["Subject"]
        or "Receipt" in mail[0]["Subject"]
        or "回执" in mail[0]["Subject"]
    )


def test_stale_save_over_the_web_shows_both_texts(client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, complete=False)
    rid = call.requirements[1].id
    services.save_answer(
        application, rid, "同事的文字", base_version=0, actor=application.organization.users[0]
    )
    db.session.commit()
    login_as(make_user("member", org=application.organization))
    r = client.post(
        f"/applications/{application.id}",
        data={
            f"standard-{call.standards[0].id}": "main",
            "contact_name": "x",
            f"answer-{rid}": "我的文字",
            f"version-{rid}": "0",
        },
    )
    assert r.status_code == 409
    body = r.get_data(as_text=True)
    assert "同事的文字" in body and "我的文字" in body
    db.session.expire_all()
    assert application.answer_for(rid).statement == "同事的文字"


def test_submit_after_deadline_over_the_web(client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call)
    close_call(call)
    login_as(application.organization.users[0])
    r = client.post(f"/applications/{application.id}/submit")
    assert r.status_code == 409 and "deadline" in r.get_data(as_text=True).lower()


def _upload(client, application, name, data):
    return client.post(
        f"/applications/{application.id}/files",
        data={
            "requirement_id": application.call.requirements[0].id,
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def test_bad_uploads(app, client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, complete=False)
    login_as(application.organization.users[0])
    before = db.session.scalar(select(func.count(Attachment.id)))
    r = _upload(client, application, "setup.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    assert r.status_code == 422 and "PDF" in r.get_data(as_text=True)
    old = app.config["UPLOAD_MAX_BYTES"]
    app.config["UPLOAD_MAX_BYTES"] = 1024
    try:
        r = _upload(client, application, "big.pdf", PDF + b"0" * 2000)
        assert (
            r.status_code == 413
            and "1 MB" in r.get_data(as_text=True)
            or "larger" in r.get_data(as_text=True)
        )
    finally:
        app.config["UPLOAD_MAX_BYTES"] = old
    assert db.session.scalar(select(func.count(Attachment.id))) == before
    r = _upload(client, application, "../../etc/资质证书.pdf", PDF)
    assert r.status_code == 302
    attachment = db.session.scalars(
        select(Attachment).where(Attachment.application_id == application.id)
    ).one()
    assert attachment.filename == "资质证书.pdf"
    r = client.get(f"/applications/{application.id}/files/{attachment.id}")
    assert r.status_code == 200 and r.data == PDF
    cd = r.headers["Content-Disposition"]
    assert (
        cd.startswith("attachment")
        and "filename*=UTF-8''%E8%B5%84%E8%B4%A8%E8%AF%81%E4%B9%A6.pdf" in cd
    )
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    r = client.get(f"/applications/{application.id}/files/{attachment.id}?inline=1")
    assert r.headers["Content-Disposition"].startswith("inline") and r.mimetype == "application/pdf"
    r = client.post(
        f"/applications/{application.id}/files",
        data={"requirement_id": "x"},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400


def test_png_never_inline(client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, complete=False)
    login_as(application.organization.users[0])
    _upload(client, application, "a.png", PNG)
    db.session.expire_all()
    attachment = application.attachments[0]
    r = client.get(f"/applications/{application.id}/files/{attachment.id}?inline=1")
    assert r.headers["Content-Disposition"].startswith("attachment")


def test_other_organization_gets_404(client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    attachment = application.attachments[0]
    login_as("member")
    assert client.get(f"/applications/{application.id}").status_code == 404
    assert client.post(f"/applications/{application.id}", data={}).status_code == 404
    assert client.get(f"/applications/{application.id}/files/{attachment.id}").status_code == 404
    assert client.post(f"/applications/{application.id}/submit").status_code == 404
    # an attachment id of another application under one's own application → 404
    own = make_application(call, user=login_as("member"), complete=False)
    assert client.get(f"/applications/{own.id}/files/{attachment.id}").status_code == 404


@pytest.mark.parametrize(
    "role,expected", [("anonymous", 302), ("member", 200), ("reviewer", 403), ("secretariat", 403)]
)
def test_my_applications_page(client, login_as, db, role, expected):
    if role != "anonymous":
        login_as(role)
    assert client.get("/applications/").status_code == expected


def test_secretariat_opening_application_goes_to_review(client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    login_as(sec)
    r = client.get(f"/applications/{application.id}")
    assert r.status_code == 302 and "/review/" in r.headers["Location"]
    assert client.post(f"/applications/{application.id}", data={}).status_code == 403


def test_racing_saves_are_caught_at_write_time(db, sec):
    """Two saves read the same version; the second UPDATE matches no row and is refused."""
    call = make_call(actor=sec)
    application = make_application(call, complete=False)
    user = application.organization.users[0]
    rid = call.requirements[1].id
    answer = services.save_answer(application, rid, "初稿", base_version=0, actor=user)
    assert answer.version == 1
    db.session.execute(
        update(Answer)
        .where(Answer.id == answer.id)
        .values(statement="同事抢先保存", version=2)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Conflict) as exc:
        services.save_answer(application, rid, "我的修改", base_version=1, actor=user)
    assert exc.value.details["theirs"] == "同事抢先保存" and exc.value.details["version"] == 2
    saved = services.save_answer(application, rid, "合并", base_version=2, actor=user)
    assert saved.version == 3 and saved.statement == "合并"


def test_withdraw_and_reopen_over_the_web(client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    login_as(application.organization.users[0])
    assert client.post(f"/applications/{application.id}/reopen").status_code == 409
    assert client.post(f"/applications/{application.id}/withdraw").status_code == 302
    assert client.post(f"/applications/{application.id}/withdraw").status_code == 409
    assert client.post(f"/applications/{application.id}/reopen").status_code == 302
    db.session.expire_all()
    assert application.state == S.DRAFT


def test_malformed_application_form(client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, complete=False)
    login_as(application.organization.users[0])
    rid = call.requirements[1].id
    r = client.post(
        f"/applications/{application.id}", data={f"standard-{call.standards[0].id}": "boss"}
    )
    assert r.status_code == 422
    services.save_answer(
        application, rid, "已有", base_version=0, actor=application.organization.users[0]
    )
    db.session.commit()
    r = client.post(
        f"/applications/{application.id}", data={f"answer-{rid}": "x", f"version-{rid}": "abc"}
    )
    assert r.status_code == 409  # a version that is not a number is never current
    r = client.post(f"/applications/{application.id}", data={})
    assert r.status_code == 302  # an empty form changes nothing
    db.session.expire_all()
    assert len(application.standards) == 2 and application.contact_name
    assert client.post("/calls/99999/apply").status_code == 404


def test_apply_to_closed_call(client, login_as, db, sec):
    call = make_call(actor=sec, opens_in_days=-10, closes_in_days=-1)
    login_as("member")
    r = client.post(f"/calls/{call.id}/apply")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/calls/{call.id}")


def test_refused_transition_names_states_by_their_labels(db, sec):
    call = make_call(actor=sec)
    application = make_application(call, complete=False)
    with force_locale("zh"):
        with pytest.raises(Refused) as refused:
            services.transition(application, S.ACCEPTED, actor=sec)
    message = refused.value.message
    assert "draft" not in message and "accepted" not in message
    assert message.startswith("申报不能从“") and message.endswith("”状态。")
    with pytest.raises(Refused) as refused:
        services.transition(application, S.ACCEPTED, actor=sec)
    assert refused.value.message == "An application in state “Draft” cannot become “Accepted”."


def test_submitting_needs_a_confirmed_address(client, login_as, db, sec, mailbox):
    """Receipts and decisions go only to confirmed addresses, and submitting needs one."""
    call = make_call(actor=sec)
    user = login_as("member", email_confirmed_at=None)
    colleague = db.session.get(User, user.id)
    application = make_application(call, user=colleague, complete=True)
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'data-testid="confirm-first"' in page and "Send the link again" in page
    assert re.search(r'data-testid="submit"[^>]*disabled', page)
    r = client.post(f"/applications/{application.id}/submit")
    assert r.status_code == 409
    assert "Confirm your email address" in r.get_data(as_text=True)
    db.session.refresh(application)
    assert application.state.value == "draft"
    r = client.post(
        f"/api/v1/applications/{application.id}/submit", headers={"Accept": "application/json"}
    )
    assert r.status_code == 409 and r.json["error"] == "email_unconfirmed"
    # The page's button sends the link again and comes back.
    mailbox.clear()
    r = client.post(f"/confirm/resend?next=/applications/{application.id}")
    assert r.headers["Location"] == f"/applications/{application.id}"
    assert "/confirm/" in first_link(mailbox.wait_for(user.email)[0])
    # No mail beyond the confirmation goes to the unconfirmed address.
    mailbox.clear()
    confirmed = make_user("member", org=user.organization)
    notify_submitted(application)
    transaction.commit()
    assert mailbox.wait_for(confirmed.email)
    assert mailbox.to(user.email) == []
