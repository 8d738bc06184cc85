"""A document that went through the stages to 报批稿, with a call, drafters and resolved comments."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from drafting.ballots import services as ballots
from drafting.core.timeutil import utcnow
from drafting.documents import services as documents
from drafting.documents.states import DocumentStage
from drafting.extensions import db
from drafting.groups import services as group_services
from tests.calls.factories import make_call
from tests.documents.factories import make_world

# The dates the record should show (Asia/Shanghai): the stage moves happen at 10:00 local.
START = utcnow().replace(year=2026, month=3, day=2, hour=2, minute=0, second=0, microsecond=0)


def at(days: float):
    return time_machine.travel(START + timedelta(days=days), tick=False)


def make_approval_world(
    *, stage: DocumentStage = DocumentStage.DRAFT_FOR_APPROVAL, ballot: bool = True
):
    """make_world() plus: the group came from a call; two drafters; the document moved
    working draft → 征求意见稿 (2026-03-02) → 送审稿 (2026-04-06) → 报批稿 (2026-05-11),
    with three comments resolved accepted / partly / not accepted."""
    with at(-20):
        w = make_world()
        call = make_call(
            standards=1, actor=w.secretariat, title="关于征集动力电池回收团体标准起草单位的通知"
        )
        standard = call.standards[0]
        standard.planned_number = "T/CESA 2026-007"
        standard.drafting_group_id = w.group.id
        call.decided_at = utcnow() + timedelta(days=5)
        group_services.set_unit_drafters(w.group, w.main_org, ["张三", "李四"], actor=w.secretariat)
        group_services.set_unit_drafters(w.group, w.part_org, ["王五"], actor=w.secretariat)
        db.session.flush()
        w.call = call
    doc = w.document
    if stage == DocumentStage.WORKING_DRAFT:
        return w
    with at(0):
        documents.transition(doc, DocumentStage.DRAFT_FOR_COMMENTS, actor=w.secretariat)
        doc.comment_period_ends_at = utcnow() + timedelta(days=30)
    with at(3):
        comments = [
            documents.add_comment(
                doc, revision=doc.head_revision, body=body, clause="4.1", actor=w.outsider
            )
            for body in ("意见一", "意见二", "意见三")
        ]
    with at(31):
        for comment, resolution in zip(
            comments, ("accepted", "partly_accepted", "not_accepted"), strict=True
        ):
            documents.resolve_comment(comment, resolution, reason="理由", actor=w.main_editor)
    if stage == DocumentStage.DRAFT_FOR_COMMENTS:
        return w
    with at(35):
        documents.transition(doc, DocumentStage.DRAFT_FOR_REVIEW, actor=w.secretariat)
    if stage == DocumentStage.DRAFT_FOR_REVIEW:
        return w
    if ballot:
        # The other organization votes on the 送审稿 (2026-04-11 to 04-21) and it passes.
        with at(40):
            w.ballot = ballots.open_ballot(
                doc,
                actor=w.secretariat,
                closes_at=utcnow() + timedelta(days=10),
                organization_ids=[w.other_org.id],
            )
            ballots.cast_vote(w.ballot, actor=w.outsider, choice="for")
        with at(50):
            ballots.close_ballot(w.ballot, actor=w.secretariat)
    with at(70):
        # Without a ballot, the secretariat's override (with a reason) passes the gate.
        documents.transition(
            doc,
            DocumentStage.DRAFT_FOR_APPROVAL,
            actor=w.secretariat,
            override_checks=not ballot,
            reason="" if ballot else "审查会议审查通过",
        )
    db.session.flush()
    return w
