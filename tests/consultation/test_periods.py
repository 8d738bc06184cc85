"""Opening, closing and extending a comment period, with frozen time at the boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from drafting.audit.models import AuditEntry
from drafting.consultation import queries, services
from drafting.consultation.models import Audience, PeriodStatus
from drafting.core.errors import NotAllowed, ServiceError
from drafting.documents import services as documents
from drafting.documents.states import DocumentStage

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_the_move_opens_a_30_day_period_on_the_head(world, doc, out_for_comments):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments()
    assert period.opens_at == T0 and period.closes_at == T0 + timedelta(days=30)
    assert period.audience == Audience.MEMBERS and period.revision_id == doc.head_revision_id
    assert period.opened_by_id == world.main_editor.id
    # The document's own fields mirror the period (documents.can_comment reads them).
    assert doc.comment_period_ends_at == period.closes_at and not doc.comments_public


def test_the_planned_date_and_audience_of_the_settings_are_used(doc, out_for_comments):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments(public=True, ends_at=T0 + timedelta(days=45))
    assert period.closes_at == T0 + timedelta(days=45) and period.audience == Audience.PUBLIC


def test_a_planned_date_in_the_past_gives_the_default(doc, out_for_comments):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments(ends_at=T0 - timedelta(days=1))
    assert period.closes_at == T0 + timedelta(days=30)


def test_the_config_sets_the_default_length(app, doc, out_for_comments):
    app.config["COMMENT_PERIOD_DAYS"] = 14
    try:
        with time_machine.travel(T0, tick=False):
            period = out_for_comments()
    finally:
        app.config["COMMENT_PERIOD_DAYS"] = 30
    assert period.closes_at == T0 + timedelta(days=14)


def test_open_and_closed_at_the_second(doc, out_for_comments):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments()
    close = period.closes_at
    assert period.status(T0 - timedelta(seconds=1)) == PeriodStatus.NOT_YET
    assert period.is_open(T0)
    assert period.is_open(close - timedelta(microseconds=1))
    assert period.status(close) == PeriodStatus.CLOSED
    assert doc.comment_period_open(close - timedelta(seconds=1))
    assert not doc.comment_period_open(close)


def test_leaving_the_stage_ends_the_period_and_a_return_opens_a_new_one(
    world, doc, out_for_comments, db
):
    with time_machine.travel(T0, tick=False):
        first = out_for_comments()
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        documents.transition(doc, DocumentStage.WORKING_DRAFT, actor=world.main_editor)
    assert first.ended_at == T0 + timedelta(days=3) and first.status() == PeriodStatus.ENDED
    assert doc.comment_period_ends_at is None
    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        documents.transition(doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=world.main_editor)
        second = queries.latest_period(doc)
    assert second.id != first.id and second.closes_at == T0 + timedelta(days=35)
    assert [p.id for p in queries.periods_of(doc)] == [first.id, second.id]


def test_extend_later_reopens_a_closed_period_and_is_audited(world, doc, out_for_comments, db):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments()
    old = period.closes_at
    after_close = old + timedelta(days=2)
    with time_machine.travel(after_close, tick=False):
        assert period.status() == PeriodStatus.CLOSED
        with pytest.raises(ServiceError) as exc:
            services.extend_period(period, old, actor=world.secretariat)
        assert exc.value.code == "not_later"
        with pytest.raises(ServiceError) as exc:
            services.extend_period(period, old + timedelta(days=1), actor=world.secretariat)
        assert exc.value.code == "in_the_past"
        with pytest.raises(NotAllowed):
            services.extend_period(period, old + timedelta(days=9), actor=world.main_editor)
        services.extend_period(period, old + timedelta(days=9), actor=world.secretariat)
        assert period.is_open() and period.extended_at == after_close
        assert doc.comment_period_ends_at == old + timedelta(days=9)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "consultation.period_extended")
    )
    assert entry.details["old_closes_at"] == old.isoformat()
    assert entry.details["new_closes_at"] == (old + timedelta(days=9)).isoformat()
    assert entry.details["reopened"] is True


def test_an_ended_period_cannot_be_extended(world, doc, out_for_comments):
    period = out_for_comments()
    documents.transition(doc, DocumentStage.WORKING_DRAFT, actor=world.main_editor)
    with pytest.raises(ServiceError) as exc:
        services.extend_period(
            period, period.closes_at + timedelta(days=3), actor=world.secretariat
        )
    assert exc.value.code == "period_ended"


def test_the_settings_page_moves_the_open_period(
    client, login_as, world, doc, out_for_comments, db, mailbox
):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments()
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        login_as(world.secretariat)
        r = client.post(
            f"/documents/{doc.id}/settings",
            data={
                "number": doc.number,
                "title_zh": doc.title_zh,
                # Asia/Shanghai: 2026-04-10 17:00 is 09:00 UTC
                "comment_period_ends_at": "2026-04-10T17:00",
                "comments_public": "y",
            },
        )
    assert r.status_code == 302 and "/login" not in r.headers["Location"]
    db.session.refresh(period)
    assert period.closes_at == datetime(2026, 4, 10, 9, 0, tzinfo=UTC)
    assert period.audience == Audience.PUBLIC
    # A later date is an extension: the group is told.
    mailbox.wait_for(world.participant.email)


def test_the_settings_cannot_end_a_period_before_it_opened(
    client, login_as, world, doc, out_for_comments, db
):
    with time_machine.travel(T0, tick=False):
        period = out_for_comments()
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        login_as(world.secretariat)
        r = client.post(
            f"/documents/{doc.id}/settings",
            data={
                "number": doc.number,
                "title_zh": doc.title_zh,
                "comment_period_ends_at": "2026-03-01T08:00",
            },
        )
    assert r.status_code == 422
    assert "cannot end before" in r.get_data(as_text=True)
    db.session.refresh(period)
    assert period.closes_at == T0 + timedelta(days=30)
