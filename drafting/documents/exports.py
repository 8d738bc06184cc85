"""Comment tables as XLSX: the 征求意见汇总处理表 and ISO's eight-column commenting template."""

from __future__ import annotations

from io import BytesIO

from drafting.core.spreadsheet import row as safe_row
from drafting.documents.models import StandardDocument
from drafting.documents.queries import Thread
from drafting.documents.states import RESOLUTION_ZH

RESOLUTION_TABLE_HEADERS = ["序号", "章条编号", "意见内容", "提出单位", "处理意见", "理由"]
ISO_HEADERS = [
    "MB/NC",
    "Line number",
    "Clause/Subclause",
    "Paragraph/Figure/Table",
    "Type of comment",
    "Comments",
    "Proposed change",
    "Observations of the secretariat",
]


def _workbook(
    title: str, headers: list[str], rows: list[list], widths: list[int], heading: str
) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415  (deferred: heavy)
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415  (deferred: heavy)

    wb = Workbook()
    ws = wb.active
    ws.title = title
    # Comments are typed by anyone who may comment: every cell goes through
    # the one escaping helper (no live formulas, no characters openpyxl refuses).
    ws.append(safe_row([heading]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(safe_row(headers))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(safe_row(row))
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A3"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _comment_text(thread: Thread) -> str:
    c = thread.comment
    parts = [c.body]
    if c.quote:
        parts.insert(0, f"「{c.quote}」")
    if c.proposed_change:
        parts.append(f"建议修改为：{c.proposed_change}")
    return "\n".join(parts)


def resolution_table(document: StandardDocument, threads: list[Thread]) -> bytes:
    """征求意见汇总处理表: one row per comment, headers in Chinese."""
    rows = []
    for i, thread in enumerate(threads, 1):
        c = thread.comment
        rows.append(
            [
                i,
                c.clause or "全文",
                _comment_text(thread),
                c.organization_name or c.author_name,
                RESOLUTION_ZH.get(c.resolution, "") if c.resolution else "",
                c.resolution_reason,
            ]
        )
    heading = f"《{document.title_zh}》（{document.number}）征求意见汇总处理表"
    return _workbook(
        "征求意见汇总处理表", RESOLUTION_TABLE_HEADERS, rows, [6, 12, 60, 28, 12, 40], heading
    )


def iso_template(document: StandardDocument, threads: list[Thread]) -> bytes:
    """ISO's commenting template (MB/NC, line, clause, paragraph, type, comment, proposal, observations)."""
    rows = []
    for thread in threads:
        c = thread.comment
        observation = ""
        if c.resolution:
            observation = RESOLUTION_ZH[c.resolution] + (
                f"：{c.resolution_reason}" if c.resolution_reason else ""
            )
        rows.append(
            [
                c.organization_name or c.author_name,
                "",
                c.clause,
                c.quote,
                str(c.type),
                c.body,
                c.proposed_change,
                observation,
            ]
        )
    heading = f"{document.number} {document.title_zh}"
    return _workbook("Comments", ISO_HEADERS, rows, [24, 10, 14, 30, 10, 50, 40, 40], heading)
