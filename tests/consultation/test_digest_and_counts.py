"""The daily digest (sent once), the comments per clause, the counts for the approval package."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from drafting.consultation import queries
from drafting.consultation.models import PendingComment
from drafting.consultation.notify import confirmation_token
from drafting.consultation.services import confirm_comment
from drafting.documents import services as documents
from drafting.documents.states import Resolution
from drafting.mail.models import OutboundMail
from tests.support.smtp import body

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _comment(world, doc, clause: str, text: str = "意见", actor=None):
    return documents.add_comment(
        doc,
        revision=doc.head_revision,
        body=text,
        clause=clause,
        actor=actor or world.outsider,
    )


def _digest(app):
    result = app.test_cli_runner().invoke(args=["consultation", "digest"])
    assert result.exit_code == 0, result.output
    return result.output


def test_digest_mails_new_comments_once(app, db, world, doc, out_for_comments, mailbox):
    # A comment from before the period (the group's working draft) is not news.
    _comment(world, doc, "4.1", "起草组内部意见", actor=world.participant)
    db.session.commit()
    out_for_comments()
    _comment(world, doc, "4.2", "第一条意见")
    _comment(world, doc, "", "总体意见")
    db.session.commit()
    assert "queued for 1 document" in _digest(app)
    mail = mailbox.wait_for(world.main_editor.email)[0]
    text = body(mail)
    assert doc.number in mail["Subject"] and "2" in mail["Subject"]
    assert "第一条意见" in text and "总体意见" in text and "起草组内部意见" not in text
    assert f"http://drafting.test/documents/{doc.id}/comments" in text  # an absolute link
    # Main units' users and named editors get it; a participating unit (may not edit) does not.
    assert mailbox.to(world.main_editor2.email) and not mailbox.to(world.participant.email)
    mailbox.clear()
    assert "0 digest mail(s)" in _digest(app)
    before = db.session.scalar(select(func.count()).select_from(OutboundMail))
    _comment(world, doc, "4.1", "第二天的意见")
    db.session.commit()
    _digest(app)
    text = body(mailbox.wait_for(world.main_editor.email)[0])
    assert "第二天的意见" in text and "第一条意见" not in text
    assert db.session.scalar(select(func.count()).select_from(OutboundMail)) == before + 2


def test_clause_counts_in_one_query_and_in_clause_order(
    db, world, doc, out_for_comments, query_counter
):
    out_for_comments()
    for clause in ("4.2", "4.2", "4.10", "", "A.1", "4.2", "1"):
        _comment(world, doc, clause)
    db.session.flush()
    with query_counter() as statements:
        counts = queries.clause_counts(doc)
    assert len(statements) == 1
    assert [(c.clause, c.total) for c in counts] == [
        ("", 1),
        ("1", 1),
        ("4.2", 3),
        ("4.10", 1),
        ("A.1", 1),
    ]


def test_comment_counts_for_the_approval_package(db, world, doc, out_for_comments):
    assert queries.comment_counts(doc) == {
        "received": 0,
        "accepted": 0,
        "partly": 0,
        "not_accepted": 0,
    }
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        _comment(world, doc, "4.1", actor=world.participant)  # before the period
    with time_machine.travel(T0, tick=False):
        out_for_comments()
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        a, b, c, _d = (_comment(world, doc, "4.2") for _ in range(4))
        documents.resolve_comment(a, Resolution.ACCEPTED, reason="", actor=world.main_editor)
        documents.resolve_comment(
            b, Resolution.PARTLY_ACCEPTED, reason="r", actor=world.main_editor
        )
        documents.resolve_comment(c, Resolution.NOT_ACCEPTED, reason="r", actor=world.main_editor)
        documents.reply(a, body="回复不计数", actor=world.main_editor)
    assert queries.comment_counts(doc) == {
        "received": 4,
        "accepted": 1,
        "partly": 1,
        "not_accepted": 1,
    }
    assert queries.latest_period(doc).opens_at == T0
    # Comments on a later stage (a vote's comments on the 送审稿) are not the consultation's.
    with time_machine.travel(T0 + timedelta(days=31), tick=False):
        for open_comment in documents.unresolved_comments(doc):
            documents.resolve_comment(
                open_comment, Resolution.NOT_ACCEPTED, reason="r", actor=world.main_editor
            )
        documents.transition(doc, "draft_for_review", actor=world.secretariat)
    with time_machine.travel(T0 + timedelta(days=32), tick=False):
        _comment(world, doc, "4.2", "表决时的修改意见")
    assert queries.comment_counts(doc) == {
        "received": 4,
        "accepted": 1,
        "partly": 1,
        "not_accepted": 2,
    }


def test_the_document_page_shows_the_period_and_counts(
    client, login_as, db, world, doc, out_for_comments
):
    with time_machine.travel(T0, tick=False):
        out_for_comments(public=True)
        _comment(world, doc, "4.2")
        _comment(world, doc, "4.2")
        db.session.commit()
        login_as(world.main_editor)
        page = client.get(f"/documents/{doc.id}").get_data(as_text=True)
    assert 'data-testid="comment-period"' in page and "2026-04-01 09:00" in page
    assert 'data-testid="clause-counts"' in page
    assert f"/documents/{doc.id}/comments?clause=4.2" in page
    # The public sees the dates but not the counts.
    client.post("/logout")
    with time_machine.travel(T0, tick=False):
        page = client.get(f"/documents/{doc.id}").get_data(as_text=True)
    assert 'data-testid="comment-period"' in page and 'data-testid="clause-counts"' not in page


def test_extension_is_mailed_to_editors_and_member_units(
    client, login_as, db, world, doc, out_for_comments, mailbox
):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments()
    with time_machine.travel(period.closes_at + timedelta(days=1), tick=False):
        login_as(world.secretariat)
        page = client.get(f"/consultation/{doc.id}").get_data(as_text=True)
        assert 'data-testid="extend-period"' in page
        r = client.post(f"/consultation/{doc.id}/extend", data={"closes_at": "2026-03-20T17:00"})
        assert r.status_code == 422 and "must be later" in r.get_data(as_text=True)
        r = client.post(f"/consultation/{doc.id}/extend", data={"closes_at": "2026-04-20T17:00"})
        assert r.status_code == 302
        page = client.get(f"/consultation/{doc.id}").get_data(as_text=True)
        assert 'name="body"' in page  # open again
    db.session.refresh(period)
    assert period.closes_at == datetime(2026, 4, 20, 9, 0, tzinfo=UTC)
    for user in (world.main_editor, world.main_editor2, world.participant):
        mail = mailbox.wait_for(user.email)[0]
        assert "2026-04-20 17:00" in body(mail) and "2026-04-01 09:00" in body(mail)
    assert not mailbox.to(world.outsider.email)
    login_as(world.main_editor)
    r = client.post(f"/consultation/{doc.id}/extend", data={"closes_at": "2026-05-20T17:00"})
    assert r.status_code == 403


def test_unconfirmed_public_comments_are_forgotten_after_the_links_validity(
    app, client, db, doc, out_for_comments, mailbox
):
    t0 = datetime.now(UTC)
    out_for_comments(public=True)
    data = {
        "body": "意见",
        "author_name": "王工",
        "organization_name": "某单位",
        "email": "w@example.com",
    }
    assert client.post(f"/consultation/{doc.id}", data=data).status_code == 302
    assert (
        client.post(f"/consultation/{doc.id}", data={**data, "email": "v@example.com"}).status_code
        == 302
    )
    confirmed = db.session.scalar(
        select(PendingComment).where(PendingComment.email == "v@example.com")
    )
    confirm_comment(confirmation_token(confirmed))
    db.session.commit()
    with time_machine.travel(t0 + timedelta(days=6), tick=False):
        assert "forgotten" not in _digest(app)
    with time_machine.travel(t0 + timedelta(days=7, minutes=1), tick=False):
        assert "1 unconfirmed public comment(s) forgotten" in _digest(app)
    assert db.session.scalars(select(PendingComment.email)).all() == ["v@example.com"]
