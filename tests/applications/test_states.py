"""The application's state machine: who may make which move (the page asks
`can_transition`), one guard for submitting, mail sent by the move's receiver,
and one rule for starting an application."""

import re

import pytest
from flask_login import AnonymousUserMixin

from drafting.applications import services
from drafting.applications.models import ApplicationState as S
from drafting.core.errors import NotAllowed, Refused, ServiceError
from drafting.core.statemachine import can_transition
from drafting.mail.models import OutboundMail
from drafting.reviews import services as review_services
from drafting.reviews.models import Outcome
from drafting.reviews.services import assign_reviewer, return_for_changes
from tests.calls.factories import close_call, make_application, make_call
from tests.support.factories import make_user


def _mail_to(db, email: str) -> list[OutboundMail]:
    return db.session.query(OutboundMail).filter_by(recipient=email).order_by(OutboundMail.id).all()


def test_withdraw_and_reopen_buttons_follow_can_transition(client, login_as, db, sec):
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    applicant = application.organization.users[0]
    reviewer = make_user("reviewer")
    assign_reviewer(call, reviewer, actor=sec)
    db.session.commit()
    page = f"/applications/{application.id}"

    assert can_transition(application, "withdrawn", applicant)
    for other in (sec, reviewer, AnonymousUserMixin()):
        assert not can_transition(application, "withdrawn", other)
    login_as(applicant)
    assert "Withdraw the application" in client.get(page).get_data(as_text=True)
    login_as(sec)
    assert "Withdraw the application" not in client.get(page).get_data(as_text=True)

    services.withdraw(application, actor=applicant)
    db.session.commit()
    assert can_transition(application, "draft", applicant)
    assert not can_transition(application, "draft", sec)
    login_as(sec)  # the secretariat sees the withdrawn application, but cannot reopen it
    assert "Make it a draft again" not in client.get(page).get_data(as_text=True)
    login_as(applicant)
    assert "Make it a draft again" in client.get(page).get_data(as_text=True)

    close_call(call)
    db.session.commit()
    assert not can_transition(application, "draft", applicant)  # past the deadline
    assert "Make it a draft again" not in client.get(page).get_data(as_text=True)


def test_submit_has_one_guard_and_one_code_for_a_move_the_table_refuses(db, sec):
    call = make_call(actor=sec)
    application = make_application(call, complete=False)
    user = application.organization.users[0]
    with pytest.raises(ServiceError) as exc:
        services.submit(application, actor=user)
    assert exc.value.code == "incomplete" and exc.value.details
    assert not can_transition(application, "submitted", user)
    complete = make_application(call, submit=True)
    with pytest.raises(Refused) as exc:
        services.submit(complete, actor=complete.organization.users[0])
    assert exc.value.code == "transition_not_allowed"
    assert exc.value.message == "This application has already been submitted."
    with pytest.raises(Refused) as exc:
        services.withdraw(application, actor=user)
    assert exc.value.code == "transition_not_allowed"


def test_mail_follows_the_moves(db, sec):
    """Receipt, return and decision are mailed by the `application_moved`
    receiver (applications.notify), whoever makes the move."""
    call = make_call(actor=sec)
    application = make_application(call)
    applicant = application.organization.users[0]
    assert _mail_to(db, applicant.email) == []
    services.submit(application, actor=applicant)
    (receipt,) = _mail_to(db, applicant.email)
    assert f"{application.id}" in receipt.body_text and call.title in receipt.subject
    return_for_changes(application, "请补充营业执照。", actor=sec)
    _receipt, returned = _mail_to(db, applicant.email)
    assert "请补充营业执照" in returned.body_text
    other = make_application(call)
    unconfirmed = make_user("member", org=other.organization, email_confirmed_at=None)
    with pytest.raises(Refused):
        services.submit(other, actor=unconfirmed)
    assert _mail_to(db, other.organization.users[0].email) == []  # refused: no mail


def test_one_rule_for_starting_an_application(db, sec):
    call = make_call(actor=sec)
    member = make_user("member")
    reviewer = make_user("reviewer")
    with pytest.raises(NotAllowed):
        services.start_application(call, member.organization, actor=reviewer)
    with pytest.raises(NotAllowed):  # for another organization
        services.start_application(call, make_user("member").organization, actor=member)
    application = services.start_application(call, member.organization, actor=member)
    close_call(call)
    assert services.start_application(call, member.organization, actor=member) is application
    latecomer = make_user("member")
    with pytest.raises(Refused) as exc:
        services.start_application(call, latecomer.organization, actor=latecomer)
    assert exc.value.code == "deadline_passed"


def test_a_rejected_application_reads_not_selected_in_chinese(client, login_as, db, sec):
    """The decision's label is the one beside its enum (未入选), not the
    comments' resolution word (未采纳) the template used to spell out."""
    call = make_call(actor=sec)
    application = make_application(call, submit=True)
    for chosen in application.standards:
        review_services.set_decision(application, chosen.standard_id, Outcome.REJECTED, actor=sec)
    close_call(call)
    review_services.publish_decisions(call, actor=sec)
    assert application.state == S.REJECTED
    db.session.commit()
    login_as(application.organization.users[0])
    page = client.get(f"/applications/{application.id}?lang=zh").get_data(as_text=True)
    labels = re.findall(r'data-testid="decision">([^<]+)<', page)
    assert labels == ["未入选", "未入选"]
