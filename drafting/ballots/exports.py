"""The vote summary (表决情况汇总表) of a ballot, as XLSX and as PDF.

Written in Chinese whatever the UI language (it goes into the approval
package), times in the reader's time zone. One row per organization entitled
to vote, in the ballot's order: 序号, 单位名称, 表决意见, 意见或理由, 表决人,
表决时间; an organization that did not vote says 未投票. Above the table: the
document, the revision, the dates and the rule; below it the counts and the
result (表决进行中 while the ballot is open, counted from the votes so far).

Every value typed by a user (names, reasons, comments) passes through
:func:`drafting.core.spreadsheet.cell` in the XLSX and is escaped in the PDF's HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from flask import render_template

from drafting.ballots import queries
from drafting.ballots.models import Ballot
from drafting.ballots.rules import Rule, Tally, tally
from drafting.ballots.states import CHOICE_ZH, RESULT_ZH
from drafting.core.i18n import format_dt
from drafting.core.spreadsheet import row as safe_row
from drafting.export.redline import HtmlJob
from drafting.export.worker import default_pool

HEADERS = ["序号", "单位名称", "表决意见", "意见或理由", "表决人", "表决时间"]
WIDTHS = [6, 36, 18, 60, 14, 18]


@dataclass(frozen=True)
class Summary:
    title: str
    lines: list[str]
    rows: list[list]
    totals: str
    result: str


def _rule_text(ballot: Ballot) -> str:
    abst = "弃权计入投票数" if ballot.abstentions_count else "弃权不计入投票数"
    return (
        f"表决规则：赞成票不少于投票数的 {ballot.pass_ratio}，"
        f"且不赞成票不超过应表决单位数的 {ballot.max_against_ratio}；{abst}"
    )


def _counts(ballot: Ballot, votes) -> Tally:
    if ballot.is_closed:
        return Tally(
            entitled=ballot.entitled or 0,
            cast=ballot.votes_cast or 0,
            votes_for=ballot.votes_for or 0,
            for_with_comments=ballot.for_with_comments or 0,
            against=ballot.against or 0,
            abstain=ballot.abstain or 0,
            not_voted=ballot.not_voted or 0,
            passed=ballot.passed,
        )
    rule = Rule(ballot.pass_ratio, ballot.max_against_ratio, ballot.abstentions_count)
    voters = {v.organization_id for v in ballot.voters}
    return tally([v.choice for o, v in votes.items() if o in voters], len(voters), rule)


def summary(ballot: Ballot) -> Summary:
    document, revision = ballot.document, ballot.revision
    votes = queries.votes_of(ballot)
    rows = []
    for i, voter in enumerate(ballot.voters, 1):
        vote = votes.get(voter.organization_id)
        if vote is None:
            rows.append([i, voter.organization.name, "未投票", "", "", ""])
            continue
        text = vote.reason or vote.comments
        if vote.clause and vote.comments:
            text = f"{vote.clause}：{text}"
        rows.append(
            [
                i,
                voter.organization.name,
                CHOICE_ZH[vote.choice],
                text,
                vote.cast_by.name if vote.cast_by else "",
                format_dt(vote.updated_at),
            ]
        )
    t = _counts(ballot, votes)
    totals = (
        f"应表决单位 {t.entitled} 个，投票数 {t.cast}；赞成 {t.votes_for}"
        f"（其中有修改意见 {t.for_with_comments}），不赞成 {t.against}，"
        f"弃权 {t.abstain}，未投票 {t.not_voted}。"
    )
    if ballot.is_closed:
        result = f"表决结论：{RESULT_ZH[ballot.result]}（{format_dt(ballot.closed_at)} 截止）"
    else:
        result = "表决结论：表决进行中（以上为截至目前的统计）"
    return Summary(
        title=f"《{document.title_zh}》（{document.number}）送审稿表决情况汇总表",
        lines=[
            f"表决稿：第 {revision.number} 版（{format_dt(revision.created_at)}）",
            f"表决时间：{format_dt(ballot.opens_at)} 至 {format_dt(ballot.closes_at)}",
            _rule_text(ballot),
        ],
        rows=rows,
        totals=totals,
        result=result,
    )


def summary_xlsx(ballot: Ballot) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415  (deferred: heavy)
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415  (deferred: heavy)

    s = summary(ballot)
    wb = Workbook()
    ws = wb.active
    ws.title = "表决情况汇总表"
    ws.append(safe_row([s.title]))
    ws["A1"].font = Font(bold=True, size=13)
    for line in s.lines:
        ws.append(safe_row([line]))
    header_row = ws.max_row + 1
    ws.append(safe_row(HEADERS))
    for c in ws[header_row]:
        c.font = Font(bold=True)
    for r in s.rows:
        ws.append(safe_row(r))
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in ws.iter_rows(min_row=header_row + 1):
        for c in r:
            c.alignment = wrap
    ws.append(safe_row([s.totals]))
    ws.append(safe_row([s.result]))
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def summary_html(ballot: Ballot) -> str:
    return render_template("ballots/summary_print.html", s=summary(ballot), headers=HEADERS)


def summary_pdf(ballot: Ballot) -> bytes:
    """The summary as a PDF, laid out by an export worker process (WeasyPrint with the
    export's safe fetcher, the CJK fonts, the pool's memory and time limits)."""
    return default_pool().run(HtmlJob(summary_html(ballot))).pdf
