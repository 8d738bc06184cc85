"""What the 编制说明 says from the record: the call, the group, the stage history, the comments.

Everything here is read from the other domains' tables; nothing is typed twice.
The ballot result comes from the ballots package once it exists (see
:func:`ballot_summary_line`); until then the 送审稿 → 报批稿 move is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from drafting.approval.models import ExplanatoryNotes, Publication
from drafting.ballots import exports as ballot_exports
from drafting.ballots import queries as ballots
from drafting.calls.models import Call, CallStandard
from drafting.consultation import queries as consultation
from drafting.core.timeutil import utcnow
from drafting.documents.models import Comment, StageChange, StandardDocument
from drafting.documents.queries import stage_changes_of
from drafting.documents.states import DocumentStage, Resolution
from drafting.export.meta import STAGE_LABELS as STAGE_ZH
from drafting.export.meta import Stage
from drafting.extensions import db
from drafting.groups import services as group_services


def notes_of(document: StandardDocument) -> ExplanatoryNotes | None:
    return db.session.scalar(
        select(ExplanatoryNotes).where(ExplanatoryNotes.document_id == document.id)
    )


def publication_of(document: StandardDocument) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.document_id == document.id))


@dataclass(frozen=True)
class Origin:
    """Where the work came from: the call that formed the drafting group."""

    call_title: str
    standard_title: str
    planned_number: str
    issuing_body: str
    opens_at: datetime | None
    closes_at: datetime | None
    decided_at: datetime | None


def origin_of(document: StandardDocument) -> Origin | None:
    """The call whose decision formed the document's group (reviews publishes the
    decision, which gives the call's standard its ``drafting_group_id``)."""
    row = db.session.execute(
        select(Call, CallStandard)
        .join(CallStandard, CallStandard.call_id == Call.id)
        .where(CallStandard.drafting_group_id == document.drafting_group_id)
        .order_by(Call.id)
    ).first()
    if row is None:
        return None
    call, standard = row
    return Origin(
        call_title=call.title,
        standard_title=standard.title_zh,
        planned_number=standard.planned_number,
        issuing_body=call.issuing_body,
        opens_at=call.opens_at,
        closes_at=call.closes_at,
        decided_at=call.decided_at,
    )


@dataclass(frozen=True)
class HistoryStep:
    when: datetime
    from_label: str
    to_label: str
    revision: int | None
    by: str
    overridden: bool
    reason: str


def _zh(stage: DocumentStage) -> str:
    return STAGE_ZH[Stage(stage.value)] or "发布"


def history_of(document: StandardDocument) -> list[HistoryStep]:
    return [
        HistoryStep(
            when=c.created_at,
            from_label=_zh(c.from_stage),
            to_label=_zh(c.to_stage),
            revision=c.revision.number if c.revision else None,
            by=c.actor.name if c.actor else "",
            overridden=c.checks_overridden,
            reason=c.reason,
        )
        for c in stage_changes_of(document)
    ]


@dataclass(frozen=True)
class CommentPeriod:
    """The comment period of the 征求意见稿 and what came of its comments."""

    started_at: datetime | None
    ended_at: datetime | None
    received: int
    accepted: int
    partly_accepted: int
    not_accepted: int
    open: int
    organizations: int


def _period(changes: list[StageChange]) -> tuple[datetime | None, datetime | None]:
    """From the last move into 征求意见稿 to the move out of it (None: still open or never)."""
    start = end = None
    for c in changes:
        if c.to_stage == DocumentStage.DRAFT_FOR_COMMENTS:
            start, end = c.created_at, None
        elif c.from_stage == DocumentStage.DRAFT_FOR_COMMENTS and start is not None:
            end = c.created_at
    return start, end


def comment_period(document: StandardDocument) -> CommentPeriod:
    """The comment period of the 征求意见稿 (drafting.consultation: its dates, and the
    comments received since the first period opened, by resolution). A document
    that never had a period counts the comments made while it was the 征求意见稿
    (all of them when it never was)."""
    period = consultation.latest_period(document)
    if period is not None:
        counts = consultation.comment_counts(document)
        first = consultation.periods_of(document)
        since = min(p.opens_at for p in first) if first else period.opens_at
        rows = db.session.execute(
            select(Comment.resolution, Comment.organization_name, Comment.author_name).where(
                Comment.document_id == document.id,
                Comment.parent_id.is_(None),
                Comment.created_at >= since,
            )
        ).all()
        resolved = counts["accepted"] + counts["partly"] + counts["not_accepted"]
        return CommentPeriod(
            started_at=period.opens_at,
            ended_at=period.closes_at,
            received=counts["received"],
            accepted=counts["accepted"],
            partly_accepted=counts["partly"],
            not_accepted=counts["not_accepted"],
            open=counts["received"] - resolved,
            organizations=len({org or author for _r, org, author in rows if org or author}),
        )
    changes = list(
        db.session.scalars(
            select(StageChange)
            .where(StageChange.document_id == document.id)
            .order_by(StageChange.id)
        )
    )
    start, end = _period(changes)
    query = select(Comment.resolution, Comment.organization_name, Comment.author_name).where(
        Comment.document_id == document.id, Comment.parent_id.is_(None)
    )
    if start is not None:
        query = query.where(Comment.created_at >= start, Comment.created_at <= (end or utcnow()))
    rows = db.session.execute(query).all()
    by = {r: 0 for r in Resolution}
    open_ = 0
    for resolution, _org, _author in rows:
        if resolution is None:
            open_ += 1
        else:
            by[Resolution(resolution)] += 1
    organizations = {org or author for _r, org, author in rows if org or author}
    return CommentPeriod(
        started_at=start,
        # The deadline the period was given, else the day it ended (the move out of 征求意见稿).
        ended_at=document.comment_period_ends_at or end,
        received=len(rows),
        accepted=by[Resolution.ACCEPTED],
        partly_accepted=by[Resolution.PARTLY_ACCEPTED],
        not_accepted=by[Resolution.NOT_ACCEPTED],
        open=open_,
        organizations=len(organizations),
    )


@dataclass(frozen=True)
class NotesRecord:
    """Everything the generated 编制说明 prints, gathered once."""

    number: str
    title_zh: str
    title_en: str
    association: str
    origin: Origin | None
    drafting_units: list[str]
    drafters: list[str]
    history: list[HistoryStep]
    comments: CommentPeriod
    ballot: str
    sections: dict[str, str] = field(default_factory=dict)
    made_on: date | None = None
    zone: str = "Asia/Shanghai"

    def day(self, value: datetime | None) -> str:
        """A stored time as the date in the association's zone (2026-03-01), "" for none."""
        return value.astimezone(ZoneInfo(self.zone)).date().isoformat() if value else ""


def ballot_line(document: StandardDocument, history: list[HistoryStep], zone: str) -> str:
    """The ballot on the 送审稿 (drafting.ballots): its counts and result, in one paragraph;
    without a closed ballot, what the stage history says."""
    ballot = ballots.passed_ballot(document) or ballots.latest_ballot(document)
    if ballot is None or not ballot.is_closed:
        return ballot_summary_line(history, zone)
    s = ballot_exports.summary(ballot)
    return f"送审稿（第{ballot.revision.number}版）经表决：{s.totals}{s.result}。"


def ballot_summary_line(history: list[HistoryStep], zone: str) -> str:
    """The ballot result in one sentence. Without a ballot record (the ballots
    package), the move of the 送审稿 to 报批稿 is what the record holds."""
    moves = [h for h in history if h.from_label == "送审稿" and h.to_label == "报批稿"]
    if not moves:
        return "尚无送审稿审查（表决）记录。"
    last = moves[-1]
    day = last.when.astimezone(ZoneInfo(zone)).date().isoformat()
    line = f"送审稿于{day}审查通过，转为报批稿"
    if last.overridden:
        line += f"（秘书处决定越过检查：{last.reason}）"
    return line + "。"


def notes_record(
    document: StandardDocument, association: str, zone: str = "Asia/Shanghai"
) -> NotesRecord:
    group = document.drafting_group
    history = history_of(document)
    notes = notes_of(document)
    return NotesRecord(
        number=document.number,
        title_zh=document.title_zh,
        title_en=document.title_en,
        association=document.issuing_body or association,
        origin=origin_of(document),
        drafting_units=[o.name for o in group_services.drafting_units(group)],
        drafters=group_services.foreword_drafters(group),
        history=history,
        comments=comment_period(document),
        ballot=ballot_line(document, history, zone),
        sections={
            name: (notes.section(name) if notes else "")
            for name in ("technical_content", "relations", "divergences", "other")
        },
        made_on=utcnow().astimezone(ZoneInfo(zone)).date(),
        zone=zone,
    )
