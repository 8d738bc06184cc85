"""Demo data further along the road: a draft for comments (征求意见稿) open to the
public, and a draft for review (送审稿) with its ballot open, so that a secretariat
trying the app sees the comment period and the ballot without first walking a
standard through every stage."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from drafting.accounts.models import Organization, Role, User
from drafting.ballots import services as ballots
from drafting.ballots.states import Choice
from drafting.core.timeutil import utcnow
from drafting.documents import services as documents
from drafting.documents.demo import DEMO_TEXT
from drafting.documents.models import StandardDocument
from drafting.documents.states import CommentType, DocumentStage
from drafting.extensions import db

#: Neither drafting unit of the demo group: it comments and votes.
OUTSIDE_UNIT = "中科再生资源研究院"


def _document(first, secretariat, number, title_zh, title_en, message) -> StandardDocument:
    """A document in the first demo document's group, with the demo text under its own title."""
    return documents.create_document(
        number=number,
        title_zh=title_zh,
        title_en=title_en,
        ics="13.030.50",
        ccs="Z 70",
        issuing_body=first.issuing_body,
        group=first.drafting_group,
        actor=secretariat,
        text=DEMO_TEXT.replace("废旧磷酸铁锂电池正极材料回收利用技术规范", title_zh),
        message=message,
    )


def load_demo_stages() -> None:
    """Two more documents in the demo group: one in its public comment period with a
    comment, one in its ballot with a vote cast (run after the demo documents)."""
    secretariat = db.session.scalar(
        select(User).where(User.role == Role.SECRETARIAT).order_by(User.id)
    )
    first = db.session.scalar(select(StandardDocument).order_by(StandardDocument.id))
    outside = db.session.scalar(select(Organization).where(Organization.name == OUTSIDE_UNIT))
    voter = outside.users[0] if outside is not None and outside.users else None

    commented = _document(
        first,
        secretariat,
        "T/CESA 1202—2026",
        "退役动力电池包拆解作业规范",
        "Specification for dismantling retired traction battery packs",
        "征求意见稿",
    )
    commented.comments_public = True  # anyone may comment, confirmed by mail
    documents.transition(commented, DocumentStage.DRAFT_FOR_COMMENTS, actor=secretariat)
    if voter is not None:
        documents.add_comment(
            commented,
            revision=commented.head_revision,
            clause="5.1",
            type=CommentType.TECHNICAL,
            body="拆解工位的通风要求宜给出具体换气次数。",
            proposed_change="增加“拆解区换气次数不少于每小时 6 次”。",
            actor=voter,
        )

    balloted = _document(
        first,
        secretariat,
        "T/CESA 1203—2026",
        "废旧锂离子电池贮存安全要求",
        "Safety requirements for the storage of waste lithium-ion batteries",
        "送审稿",
    )
    documents.transition(balloted, DocumentStage.DRAFT_FOR_COMMENTS, actor=secretariat)
    documents.transition(balloted, DocumentStage.DRAFT_FOR_REVIEW, actor=secretariat)
    ballot = ballots.open_ballot(
        balloted, actor=secretariat, closes_at=utcnow() + timedelta(days=14)
    )
    if voter is not None:
        ballots.cast_vote(ballot, actor=voter, choice=Choice.FOR)
