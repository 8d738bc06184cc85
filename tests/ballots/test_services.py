"""Opening, voting, closing, the 报批稿 gate and its override."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from drafting.audit.models import AuditEntry
from drafting.ballots import queries, services
from drafting.ballots.models import Vote
from drafting.ballots.states import BallotResult, BallotStatus, Choice
from drafting.core import transaction
from drafting.core.errors import NotAllowed, Refused, ServiceError
from drafting.core.timeutil import utcnow
from drafting.documents import services as document_services
from drafting.documents.models import Comment
from drafting.documents.states import DocumentStage
from tests.ballots.factories import make_review_world, open_on
from tests.documents.factories import TEXT, make_world
from tests.support import factories


def _actions(db, action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- opening -------------------------------------------------------------


def test_open_copies_the_rule_and_the_voters(app, rw, db):
    app.config.update(BALLOT_PASS_RATIO="2/3", BALLOT_MAX_AGAINST_RATIO="0.2")
    try:
        ballot = open_on(rw)
    finally:
        app.config.update(BALLOT_PASS_RATIO="3/4", BALLOT_MAX_AGAINST_RATIO="1/4")
    assert (ballot.pass_numerator, ballot.pass_denominator) == (2, 3)
    assert (ballot.against_numerator, ballot.against_denominator) == (1, 5)
    assert ballot.revision_id == rw.document.head_revision_id
    assert {v.organization_id for v in ballot.voters} == {o.id for o in rw.voter_orgs}
    assert ballot.status == BallotStatus.OPEN
    assert _actions(db, "ballot.opened")


def test_default_voters_are_all_organizations_minus_units_when_set(app, rw):
    rule = services.rule_from_settings()
    everyone = {o.id for o in services.default_voters(rw.document, rule)}
    assert {rw.main_org.id, rw.part_org.id, rw.voter_orgs[0].id} <= everyone
    app.config["BALLOT_EXCLUDE_DRAFTING_UNITS"] = True
    try:
        ballot = services.open_ballot(
            rw.document, actor=rw.secretariat, closes_at=utcnow() + timedelta(days=3)
        )
    finally:
        app.config["BALLOT_EXCLUDE_DRAFTING_UNITS"] = False
    voters = {v.organization_id for v in ballot.voters}
    assert rw.main_org.id not in voters and rw.part_org.id not in voters
    assert rw.other_org.id in voters and ballot.exclude_drafting_units


def test_open_only_in_draft_for_review_by_the_secretariat(db):
    world = make_world()
    with pytest.raises(Refused) as exc:
        services.open_ballot(
            world.document, actor=world.secretariat, closes_at=utcnow() + timedelta(days=3)
        )
    assert exc.value.code == "not_draft_for_review"
    rw = make_review_world()
    with pytest.raises(NotAllowed):
        services.open_ballot(
            rw.document, actor=rw.main_editor, closes_at=utcnow() + timedelta(days=3)
        )


def test_open_refuses_a_second_open_ballot_a_past_close_and_no_voters(rw):
    with pytest.raises(ServiceError) as exc:
        open_on(rw, closes_at=utcnow() - timedelta(minutes=1))
    assert exc.value.code == "closes_at_past"
    with pytest.raises(ServiceError) as exc:
        open_on(rw, orgs=[])
    assert exc.value.code == "no_voters"
    open_on(rw)
    with pytest.raises(Refused) as exc:
        open_on(rw)
    assert exc.value.code == "ballot_open"


def test_revision_must_belong_to_the_draft_for_review(rw):
    old = rw.document.head_revision
    # The head at the move to 送审稿 is tagged: allowed. A revision from another document is not.
    other = make_review_world()
    with pytest.raises(ServiceError) as exc:
        open_on(rw, revision=other.document.head_revision)
    assert exc.value.code == "unknown_revision"
    assert open_on(rw, revision=old).revision_id == old.id


# --- voting --------------------------------------------------------------


def test_vote_change_and_who_cast_it(rw, db):
    ballot = open_on(rw)
    org = rw.voter_orgs[0]
    colleague = factories.make_user("member", org=org)
    services.cast_vote(ballot, actor=rw.voters[0], choice=Choice.FOR)
    vote = services.cast_vote(ballot, actor=colleague, choice=Choice.AGAINST, reason="范围过宽")
    rows = db.session.scalars(select(Vote).where(Vote.ballot_id == ballot.id)).all()
    assert len(rows) == 1 and rows[0] is vote
    assert vote.choice == Choice.AGAINST and vote.cast_by_id == colleague.id
    assert vote.reason == "范围过宽" and vote.changes == 1
    assert _actions(db, "ballot.vote_cast") and _actions(db, "ballot.vote_changed")


def test_against_needs_a_reason(rw):
    ballot = open_on(rw)
    with pytest.raises(ServiceError) as exc:
        services.cast_vote(ballot, actor=rw.voters[0], choice="against", reason="  ")
    assert exc.value.code == "reason_required"
    assert queries.vote_of(ballot, rw.voter_orgs[0].id) is None


def test_comments_are_required_and_land_in_the_revision_comment_list(rw, db):
    ballot = open_on(rw)
    with pytest.raises(ServiceError) as exc:
        services.cast_vote(ballot, actor=rw.voters[0], choice="for_with_comments")
    assert exc.value.code == "comments_required"
    vote = services.cast_vote(
        ballot,
        actor=rw.voters[0],
        choice="for_with_comments",
        comments="建议补充试验方法。",
        clause="5.1",
    )
    comment = db.session.get(Comment, vote.comment_id)
    assert comment.revision_id == ballot.revision_id and comment.document_id == rw.document.id
    assert comment.body == "建议补充试验方法。" and comment.clause == "5.1"
    assert comment.organization_id == rw.voter_orgs[0].id
    # The same comments again add nothing; other comments add one more.
    services.cast_vote(
        ballot,
        actor=rw.voters[0],
        choice="for_with_comments",
        comments="建议补充试验方法。",
        clause="5.1",
    )
    n = lambda: db.session.scalar(  # noqa: E731
        select(db.func.count(Comment.id)).where(Comment.revision_id == ballot.revision_id)
    )
    assert n() == 1
    services.cast_vote(ballot, actor=rw.voters[0], choice="for_with_comments", comments="另一条")
    assert n() == 2


def test_unknown_clause_is_refused_when_the_outline_is_given(rw):
    ballot = open_on(rw)
    with pytest.raises(ServiceError) as exc:
        services.cast_vote(
            ballot,
            actor=rw.voters[0],
            choice="for_with_comments",
            comments="x",
            clause="99",
            outline_numbers={"1", "2"},
        )
    assert exc.value.code == "unknown_clause"


def test_only_voting_organizations_vote(rw):
    ballot = open_on(rw, orgs=rw.voter_orgs[:2])
    with pytest.raises(NotAllowed):
        services.cast_vote(ballot, actor=rw.voters[3], choice="for")
    with pytest.raises(NotAllowed):
        services.cast_vote(ballot, actor=rw.secretariat, choice="for")


def test_votes_refused_from_closes_at_on(rw):
    start = utcnow().replace(microsecond=0)
    closes_at = start + timedelta(days=2)
    ballot = open_on(rw, closes_at=closes_at)
    with time_machine.travel(closes_at - timedelta(seconds=1), tick=False):
        services.cast_vote(ballot, actor=rw.voters[0], choice="for")
    with time_machine.travel(closes_at, tick=False):
        with pytest.raises(Refused) as exc:
            services.cast_vote(ballot, actor=rw.voters[1], choice="for")
        assert exc.value.code == "ballot_closed"
        assert "closed" in exc.value.message


def test_votes_refused_after_an_early_close(rw):
    ballot = open_on(rw)
    services.cast_vote(ballot, actor=rw.voters[0], choice="for")
    services.close_ballot(ballot, actor=rw.secretariat, reason="会议决定提前截止")
    with pytest.raises(Refused) as exc:
        services.cast_vote(ballot, actor=rw.voters[0], choice="against", reason="改主意")
    assert exc.value.code == "ballot_closed"
    assert queries.vote_of(ballot, rw.voter_orgs[0].id).choice == Choice.FOR


# --- closing -------------------------------------------------------------


def test_close_stores_the_counts(rw):
    ballot = open_on(rw)
    services.cast_vote(ballot, actor=rw.voters[0], choice="for")
    services.cast_vote(ballot, actor=rw.voters[1], choice="for_with_comments", comments="意见")
    services.cast_vote(ballot, actor=rw.voters[2], choice="abstain")
    services.close_ballot(ballot, actor=rw.secretariat)
    assert ballot.status == BallotStatus.CLOSED and ballot.result == BallotResult.PASSED
    assert (
        ballot.entitled,
        ballot.votes_cast,
        ballot.votes_for,
        ballot.for_with_comments,
        ballot.against,
        ballot.abstain,
        ballot.not_voted,
    ) == (4, 2, 2, 1, 0, 1, 1)
    with pytest.raises(Refused):
        services.close_ballot(ballot, actor=rw.secretariat)


def test_close_needs_the_secretariat(rw):
    ballot = open_on(rw)
    with pytest.raises(NotAllowed):
        services.close_ballot(ballot, actor=rw.main_editor)


def test_close_due_at_closes_at(rw, db):
    closes_at = utcnow().replace(microsecond=0) + timedelta(days=1)
    ballot = open_on(rw, closes_at=closes_at)
    services.cast_vote(ballot, actor=rw.voters[0], choice="against", reason="不同意")
    with time_machine.travel(closes_at - timedelta(seconds=1), tick=False):
        assert services.close_due() == []
    with time_machine.travel(closes_at, tick=False):
        assert services.close_due() == [ballot]
    assert ballot.result == BallotResult.FAILED and ballot.closed_by_id is None
    assert ballot.closed_at == closes_at
    assert services.close_due(closes_at + timedelta(days=1)) == []


def test_mail_to_voters_at_opening_and_to_voters_and_editors_at_the_result(rw, db, mailbox):
    ballot = open_on(rw, orgs=rw.voter_orgs[:2])
    transaction.commit()
    for user in rw.voters[:2]:
        (mail,) = mailbox.wait_for(user.email)
        assert "表决" in mail["Subject"]  # in the recipient's language (the default: Chinese)
        assert f"/ballots/{ballot.id}" in mail.get_body().get_content()
    assert not mailbox.to(rw.voters[2].email)
    mailbox.clear()
    services.cast_vote(ballot, actor=rw.voters[0], choice="for")
    services.close_ballot(ballot, actor=rw.secretariat)
    transaction.commit()
    for user in (rw.voters[0], rw.voters[1], rw.main_editor):
        (mail,) = mailbox.wait_for(user.email)
        assert mail["Subject"].startswith("表决结果")
    body = mailbox.to(rw.main_editor.email)[0].get_body().get_content()
    assert "结果：通过" in body and "赞成：1" in body
    assert not mailbox.to(rw.outsider.email)


def test_close_due_command(app, rw, db, mailbox):
    ballot = open_on(rw, orgs=rw.voter_orgs[:1], closes_at=utcnow() + timedelta(hours=1))
    transaction.commit()
    runner = app.test_cli_runner()
    with time_machine.travel(utcnow() + timedelta(hours=2), tick=False):
        result = runner.invoke(args=["ballots", "close-due"])
    assert "1 ballot(s) closed." in result.output, result.output
    db.session.refresh(ballot)
    assert ballot.is_closed and ballot.result == BallotResult.FAILED and ballot.not_voted == 1


# --- the gate to 报批稿 ---------------------------------------------------


def _pass(rw):
    ballot = open_on(rw)
    for user in rw.voters:
        services.cast_vote(ballot, actor=user, choice="for")
    services.close_ballot(ballot, actor=rw.secretariat)
    assert ballot.passed
    return ballot


def test_no_approval_draft_without_a_passed_ballot(rw):
    with pytest.raises(Refused) as exc:
        document_services.transition(
            rw.document, DocumentStage.DRAFT_FOR_APPROVAL, actor=rw.main_editor
        )
    assert exc.value.code == "ballot_required"
    assert rw.document.stage == DocumentStage.DRAFT_FOR_REVIEW


def test_a_failed_ballot_does_not_open_the_gate(rw):
    ballot = open_on(rw)
    services.cast_vote(ballot, actor=rw.voters[0], choice="against", reason="不同意")
    services.close_ballot(ballot, actor=rw.secretariat)
    with pytest.raises(Refused) as exc:
        document_services.transition(
            rw.document, DocumentStage.DRAFT_FOR_APPROVAL, actor=rw.main_editor
        )
    assert exc.value.code == "ballot_required"


def test_a_passed_ballot_on_the_head_opens_the_gate(rw):
    ballot = _pass(rw)
    assert queries.passed_ballot(rw.document) == ballot
    assert queries.latest_ballot(rw.document) == ballot
    document_services.transition(
        rw.document, DocumentStage.DRAFT_FOR_APPROVAL, actor=rw.main_editor
    )
    assert rw.document.stage == DocumentStage.DRAFT_FOR_APPROVAL


def test_a_revision_saved_after_the_ballot_closes_the_gate_again(rw):
    ballot = _pass(rw)
    document_services.save_revision(
        rw.document,
        TEXT + "\n补充一句。\n",
        rw.document.head_revision_id,
        "补充",
        actor=rw.main_editor,
    )
    assert not queries.is_current(ballot, rw.document)
    assert queries.passed_ballot(rw.document) == ballot  # still the ballot that passed
    with pytest.raises(Refused) as exc:
        document_services.transition(
            rw.document, DocumentStage.DRAFT_FOR_APPROVAL, actor=rw.main_editor
        )
    assert exc.value.code == "ballot_required"


def test_the_secretariat_overrides_the_gate_with_a_reason(rw, db):
    with pytest.raises(NotAllowed):
        document_services.transition(
            rw.document,
            DocumentStage.DRAFT_FOR_APPROVAL,
            actor=rw.main_editor,
            override_checks=True,
            reason="会议审查",
        )
    with pytest.raises(ServiceError) as exc:
        document_services.transition(
            rw.document,
            DocumentStage.DRAFT_FOR_APPROVAL,
            actor=rw.secretariat,
            override_checks=True,
        )
    assert exc.value.code == "reason_required"
    document_services.transition(
        rw.document,
        DocumentStage.DRAFT_FOR_APPROVAL,
        actor=rw.secretariat,
        override_checks=True,
        reason="以会议审查代替函审",
    )
    assert rw.document.stage == DocumentStage.DRAFT_FOR_APPROVAL
    (entry,) = _actions(db, "ballot.gate_overridden")
    assert entry.actor_id == rw.secretariat.id and entry.object_id == rw.document.id
    assert entry.details["reason"] == "以会议审查代替函审"


def test_other_moves_are_not_gated(rw):
    document_services.transition(
        rw.document, DocumentStage.DRAFT_FOR_COMMENTS, actor=rw.main_editor
    )
    assert rw.document.stage == DocumentStage.DRAFT_FOR_COMMENTS
