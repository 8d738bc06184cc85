"""Comments on the public page: members directly, anonymous commenters confirmed by mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from drafting.consultation.models import PendingComment
from drafting.documents import queries as document_queries
from drafting.documents import services as documents
from drafting.documents.models import Comment
from tests.support.smtp import body, first_link

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

PUBLIC = {
    "clause": "4.2",
    "type": "te",
    "body": "建议明确环保要求的具体标准。",
    "proposed_change": "处理过程应符合GB 18597的要求。",
    "author_name": "王工",
    "organization_name": "某检测中心",
    "email": "Wang.Gong@Example.com",
}


def _comments(db, doc) -> list[Comment]:
    return [t.comment for t in document_queries.comment_threads(doc)]


def _path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def test_public_page_shows_the_draft_deadline_and_form(client, doc, out_for_comments):
    with time_machine.travel(T0, tick=False):
        out_for_comments(public=True)
        page = client.get(f"/consultation/{doc.id}").get_data(as_text=True)
    assert doc.title_zh in page and "回收企业应具备相应的处理能力" in page
    # 2026-04-01 01:00 UTC is 09:00 in Asia/Shanghai, the default zone of a reader without an account.
    assert "2026-04-01 09:00" in page
    assert 'name="email"' in page and 'value="4.2"' in page and 'value="ed"' in page
    assert f"/documents/{doc.id}/export.pdf?revision={doc.head_revision_id}" in page


def test_a_logged_in_readers_zone_is_used(client, login_as, world, doc, out_for_comments, db):
    with time_machine.travel(T0, tick=False):
        out_for_comments(public=True)
        world.outsider.timezone = "Europe/Berlin"
        login_as(world.outsider)
        page = client.get(f"/consultation/{doc.id}").get_data(as_text=True)
    assert "2026-04-01 03:00" in page  # CEST (UTC+2) on 1 April
    assert 'name="email"' not in page  # a member is known by the account


def test_anonymous_comment_is_held_until_the_link_is_followed(
    client, db, doc, out_for_comments, mailbox
):
    out_for_comments(public=True)
    r = client.post(f"/consultation/{doc.id}", data=PUBLIC)
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "wang.gong@example.com" in page
    # Nothing reaches the editors yet.
    assert _comments(db, doc) == []
    pending = db.session.scalar(select(PendingComment))
    assert pending.email == "wang.gong@example.com" and pending.confirmed_at is None
    mail = mailbox.wait_for("wang.gong@example.com")[0]
    assert doc.number in mail["Subject"] and "建议明确环保要求" in body(mail)
    link = first_link(mail)
    assert link.startswith("http://drafting.test/consultation/confirm/")
    r = client.get(_path(link))
    assert r.status_code == 200 and "your comment is confirmed" in r.get_data(as_text=True)
    [comment] = _comments(db, doc)
    assert (comment.clause, comment.type.value, comment.body) == ("4.2", "te", PUBLIC["body"])
    assert comment.proposed_change == PUBLIC["proposed_change"]
    assert comment.author_id is None and comment.author_name == "王工"
    assert comment.organization_name == "某检测中心"
    # A second click shows the same comment, and records nothing more.
    assert client.get(_path(link)).status_code == 200
    assert len(_comments(db, doc)) == 1


def test_the_form_says_what_is_missing(client, db, doc, out_for_comments, mailbox):
    out_for_comments(public=True)
    for field, message in (
        ("email", "Give an email address"),
        ("author_name", "Give your name and your organization"),
        ("body", "This field is required"),
    ):
        r = client.post(f"/consultation/{doc.id}", data={**PUBLIC, field: ""})
        assert r.status_code == 422, field
        page = r.get_data(as_text=True)
        assert message in page, field
        # What was typed is still on the page.
        assert "某检测中心" in page or field == "organization_name"
    r = client.post(f"/consultation/{doc.id}", data={**PUBLIC, "clause": "9.9"})
    assert r.status_code == 422 and "There is no clause 9.9" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PendingComment)) == 0


def test_expired_and_forged_links(app, client, db, doc, out_for_comments, mailbox):
    with time_machine.travel(T0, tick=False):
        out_for_comments(public=True)
        client.post(f"/consultation/{doc.id}", data=PUBLIC)
    link = _path(first_link(mailbox.wait_for("wang.gong@example.com")[0]))
    forged = link[:-3] + ("abc" if not link.endswith("abc") else "xyz")
    r = client.get(forged)
    assert r.status_code == 422 and "not valid" in r.get_data(as_text=True)
    r = client.get("/consultation/confirm/nonsense")
    assert r.status_code == 422
    with time_machine.travel(T0 + timedelta(days=7, seconds=1), tick=False):
        r = client.get(link)
    assert r.status_code == 422 and "expired" in r.get_data(as_text=True)
    assert _comments(db, doc) == []
    with time_machine.travel(T0 + timedelta(days=6, hours=23), tick=False):
        assert client.get(link).status_code == 200
    assert len(_comments(db, doc)) == 1


def test_a_link_confirmed_after_the_document_moved_on_is_refused(
    client, db, world, doc, out_for_comments, mailbox
):
    out_for_comments(public=True)
    client.post(f"/consultation/{doc.id}", data=PUBLIC)
    link = _path(first_link(mailbox.wait_for("wang.gong@example.com")[0]))
    documents.transition(doc, "working_draft", actor=world.main_editor)
    db.session.commit()
    r = client.get(link)
    assert r.status_code == 409 and "has ended" in r.get_data(as_text=True)
    assert _comments(db, doc) == []
    # The page says the period ended; the working draft is no longer shown to the public.
    page = client.get(f"/consultation/{doc.id}").get_data(as_text=True)
    assert 'data-testid="period-closed"' in page and "回收企业应具备" not in page
    assert 'name="body"' not in page


def test_members_only_period_refuses_anonymous_commenters(
    client, login_as, db, world, doc, out_for_comments
):
    out_for_comments(public=False)
    r = client.get(f"/consultation/{doc.id}")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    r = client.post(f"/consultation/{doc.id}", data=PUBLIC)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(PendingComment)) == 0
    # A member of another organization comments directly, without a mail.
    login_as(world.outsider)
    r = client.post(
        f"/consultation/{doc.id}", data={k: v for k, v in PUBLIC.items() if k != "email"}
    )
    assert r.status_code == 302
    [comment] = _comments(db, doc)
    assert comment.author_id == world.outsider.id
    assert comment.organization_id == world.outsider.organization_id
    # A reviewer has no organization: reads, but may not comment.
    login_as(world.reviewer)
    assert client.get(f"/consultation/{doc.id}").status_code == 200
    assert client.post(f"/consultation/{doc.id}", data=PUBLIC).status_code == 403


def test_after_the_close_the_form_is_gone(client, db, doc, out_for_comments):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments(public=True)
    with time_machine.travel(period.closes_at, tick=False):
        page = client.get(f"/consultation/{doc.id}").get_data(as_text=True)
        assert "The comment period closed on 2026-04-01 09:00" in page
        assert 'name="body"' not in page
        r = client.post(f"/consultation/{doc.id}", data=PUBLIC)
        assert r.status_code == 409
        # The text sent as it closed stays on the page.
        assert PUBLIC["body"] in r.get_data(as_text=True)
    with time_machine.travel(period.closes_at - timedelta(seconds=1), tick=False):
        assert 'name="body"' in client.get(f"/consultation/{doc.id}").get_data(as_text=True)


def test_the_closed_message_in_chinese(client, doc, out_for_comments):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments(public=True)
    with time_machine.travel(period.closes_at + timedelta(days=1), tick=False):
        page = client.get(f"/consultation/{doc.id}", headers={"Accept-Language": "zh"}).get_data(
            as_text=True
        )
    assert "意见征求期已于 2026-04-01 09:00" in page and "截止" in page


def test_the_rate_limit_per_address_and_per_email(app, client, db, doc, out_for_comments):
    out_for_comments(public=True)
    app.config["PUBLIC_COMMENT_LIMIT"] = "3 per hour"
    try:
        for i in range(3):
            data = {**PUBLIC, "email": f"a{i}@example.com"}
            assert client.post(f"/consultation/{doc.id}", data=data).status_code == 302
        r = client.post(f"/consultation/{doc.id}", data={**PUBLIC, "email": "b@example.com"})
        assert r.status_code == 429
        page = r.get_data(as_text=True)
        assert "Too many comments" in page and PUBLIC["body"] in page  # the text is given back
        r = client.post(
            f"/consultation/{doc.id}",
            data={**PUBLIC, "email": "b@example.com"},
            headers={"Accept-Language": "zh"},
        )
        assert r.status_code == 429 and "意见过多" in r.get_data(as_text=True)
        # From other addresses, the same email address is limited too.
        for i in range(3):
            other = app.test_client()
            r = other.post(
                f"/consultation/{doc.id}",
                data={**PUBLIC, "email": "same@example.com"},
                environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"},
            )
            assert r.status_code == 302
        r = app.test_client().post(
            f"/consultation/{doc.id}",
            data={**PUBLIC, "email": "same@example.com"},
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        )
        assert r.status_code == 429
        # Forms without an address (refused anyway) do not share one count between addresses.
        for i in range(5):
            r = app.test_client().post(
                f"/consultation/{doc.id}",
                data={**PUBLIC, "email": ""},
                environ_base={"REMOTE_ADDR": f"10.0.1.{i + 1}"},
            )
            assert r.status_code == 422
    finally:
        app.config["PUBLIC_COMMENT_LIMIT"] = "10 per hour"


def test_anonymous_comments_on_the_comments_page_go_to_the_consultation_page(
    client, db, doc, out_for_comments
):
    out_for_comments(public=True)
    r = client.post(
        f"/documents/{doc.id}/comments",
        data={"revision_id": doc.head_revision_id, "body": "x", "author_name": "a"},
    )
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/consultation/{doc.id}")
    assert _comments(db, doc) == []


def test_the_home_page_lists_open_public_drafts(client, login_as, world, doc, out_for_comments):
    assert "open-consultations" not in client.get("/").get_data(as_text=True)
    period = out_for_comments(public=False)
    assert "open-consultations" not in client.get("/").get_data(as_text=True)
    login_as(world.outsider)
    page = client.get("/").get_data(as_text=True)
    assert f"/consultation/{doc.id}" in page
    with time_machine.travel(period.closes_at, tick=False):
        login_as(world.outsider)
        assert "open-consultations" not in client.get("/").get_data(as_text=True)


def test_odd_input_is_a_clear_refusal_or_kept(client, login_as, db, world, doc, out_for_comments):
    """NUL (PostgreSQL cannot store it), an unknown type, very long fields: never a 500."""
    out_for_comments(public=True)
    for data in (
        {**PUBLIC, "body": "意见\x00有空字符"},
        {**PUBLIC, "author_name": "王\x00工"},
        {**PUBLIC, "type": "zz"},
        {**PUBLIC, "email": "x" * 300 + "@example.com"},
        {**PUBLIC, "clause": "x" * 500},
    ):
        r = client.post(f"/consultation/{doc.id}", data=data)
        assert r.status_code in (302, 422), (data, r.status_code)
    login_as(world.outsider)
    r = client.post(f"/consultation/{doc.id}", data={**PUBLIC, "body": "成员\x00意见"})
    assert r.status_code == 302
    assert [c.body for c in _comments(db, doc)] == ["成员意见"]
    assert (
        db.session.scalar(select(PendingComment.body).where(PendingComment.body.like("意见%")))
        == "意见有空字符"
    )


def test_the_confirmation_mail_is_in_the_commenters_language(
    client, doc, out_for_comments, mailbox
):
    out_for_comments(public=True)
    r = client.post(
        f"/consultation/{doc.id}",
        data={**PUBLIC, "email": "zh@example.com"},
        headers={"Accept-Language": "zh"},
    )
    assert r.status_code == 302
    mail = mailbox.wait_for("zh@example.com")[0]
    assert mail["Subject"] == f"请确认您对 {doc.number} 的意见"
    assert "链接在 7 天内有效" in body(mail)
