"""The redline PDF and the 条文对照表 of two revisions of a document.

Nothing here writes: the PDFs are laid out in the export worker processes
(:mod:`drafting.export.worker`, with its time and memory limits) and kept in
the export cache, keyed by everything they are made from, so asking twice
costs one layout. Every function may raise
:class:`~drafting.export.errors.ExportError` (a message for the user) when an
export fails or exceeds its limits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from io import BytesIO
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from drafting.comparison import queries
from drafting.core.errors import ServiceError
from drafting.core.spreadsheet import cell
from drafting.core.timeutil import as_utc
from drafting.documents.models import Comment, Revision, StandardDocument
from drafting.documents.queries import document_meta
from drafting.documents.services import attachment_files
from drafting.documents.states import RESOLUTION_ZH, DocumentStage
from drafting.export import (
    DocumentMeta,
    ExportCache,
    ExportLimits,
    LayoutOptions,
    cache_key,
    layout_version,
)
from drafting.export.meta import Stage
from drafting.export.redline import (
    ROW_KIND_LABELS,
    ClauseRow,
    HtmlJob,
    RedlineJob,
    RevisionLabel,
    TableLine,
    clause_rows,
    clause_table_html,
    compare,
    cover_line,
)
from drafting.export.worker import default_pool

__all__ = [
    "Reason",
    "TableRow",
    "clause_table_pdf",
    "clause_table_xlsx",
    "cover_text",
    "default_revisions",
    "redline_pdf",
    "table_rows",
]

#: Bump when the redline's own code changes in a way the cache key does not see.
REDLINE_VERSION = "1"


# --- which revisions -----------------------------------------------------------


def default_revisions(document: StandardDocument) -> tuple[Revision, Revision] | None:
    """The 征求意见稿 the comments were made on and the current 送审稿 head, if there are both.

    The old one is the newest revision of the last comment stage that was commented
    on (the text the commenters read: edits made while processing their comments,
    before the move to 送审稿, are changes the comparison must show), else the
    revision the document left the comment stage at (its StageChange), else the
    newest revision saved in that stage. The new one is
    the head while the document is a 送审稿, else (once it moved on) the
    newest revision saved as a 送审稿, else the revision it entered the stage at.
    """
    moved = queries.last_move(
        document, DocumentStage.DRAFT_FOR_COMMENTS, DocumentStage.DRAFT_FOR_REVIEW
    )
    revisions = queries.revisions_by_number(document)
    entered = queries.last_entry(document, DocumentStage.DRAFT_FOR_COMMENTS)
    left = moved.revision if moved is not None else None
    old = None
    if entered is not None and entered.revision is not None:
        old = queries.newest_commented_revision(document, entered.revision.number, moved)
    if old is None:
        old = left
    if old is None:
        old = next((r for r in revisions if r.stage == DocumentStage.DRAFT_FOR_COMMENTS), None)
    if old is None:
        return None
    if document.stage == DocumentStage.DRAFT_FOR_REVIEW and document.head_revision is not None:
        return old, document.head_revision
    new = next((r for r in revisions if r.stage == DocumentStage.DRAFT_FOR_REVIEW), None)
    if new is None and moved is not None and document.stage != DocumentStage.DRAFT_FOR_COMMENTS:
        new = moved.revision
    if new is None:
        return None
    return old, new


# --- what the cover says ---------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")


def revision_label(revision: Revision) -> RevisionLabel:
    """第 3 版（征求意见稿，2026-05-01）: the stage it was saved in, the day in the association's zone."""
    day = as_utc(revision.created_at).astimezone(_zone()).date().isoformat()
    return RevisionLabel(revision.number, Stage(str(revision.stage)).label or "发布稿", day)


def cover_text(old: Revision, new: Revision) -> str:
    """The redline cover's line: which revision (stage, date) is compared with which."""
    return cover_line(revision_label(old), revision_label(new))


def _meta(document: StandardDocument, new: Revision) -> DocumentMeta:
    # The redline is the new revision: its stage on the cover and in the watermark.
    return replace(document_meta(document), stage=Stage(str(new.stage)))


def _check_size(old: Revision, new: Revision) -> None:
    limit = ExportLimits().max_text_chars
    if len(old.text) + len(new.text) > limit:
        raise ServiceError(
            _(
                "These revisions are too long to compare here (%(n)d characters, at most %(limit)d).",
                n=len(old.text) + len(new.text),
                limit=limit,
            ),
            code="too_long",
        )


# --- the 条文对照表 ---------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """An accepted (or partly accepted) comment on the clause: why it changed."""

    comment_id: int
    resolution: str
    reason: str

    @property
    def text(self) -> str:
        """ "采纳：…（意见 #12）", in Chinese like the resolution table."""
        label = RESOLUTION_ZH.get(self.resolution, str(self.resolution))
        body = f"{label}：{self.reason}" if self.reason else label
        return f"{body}（意见 #{self.comment_id}）"


@dataclass(frozen=True)
class TableRow:
    clause: ClauseRow
    reasons: tuple[Reason, ...] = ()

    @property
    def reason_text(self) -> str:
        return "\n".join(r.text for r in self.reasons)

    def line(self) -> TableLine:
        c = self.clause
        return TableLine(c.number, c.kind, c.old_text, c.new_text, self.reason_text)


def _reasons_by_clause(comments: list[Comment]) -> dict[str, list[Reason]]:
    found: dict[str, list[Reason]] = {}
    for comment in comments:
        if comment.clause:
            found.setdefault(comment.clause, []).append(
                Reason(comment.id, str(comment.resolution), comment.resolution_reason)
            )
    return found


def table_rows(document: StandardDocument, old: Revision, new: Revision) -> list[TableRow]:
    """The changed clauses with the resolutions of the comments made on them
    between the two revisions (matched by the clause number on either side)."""
    reasons = _reasons_by_clause(queries.changing_resolutions(document, old, new))
    rows = []
    for row in _clause_rows(document, old, new):
        found: dict[int, Reason] = {}
        for number in (row.old_number, row.new_number):
            for reason in reasons.get(number, []) if number else []:
                found.setdefault(reason.comment_id, reason)
        rows.append(TableRow(row, tuple(found[k] for k in sorted(found))))
    return rows


def _clause_rows(document: StandardDocument, old: Revision, new: Revision) -> list[ClauseRow]:
    """The rows of two revisions; kept in the export cache (rendering and aligning two
    long texts takes seconds, and revisions never change)."""
    names = sorted(attachment_files(document))
    digest = hashlib.sha256(
        json.dumps(
            [REDLINE_VERSION, layout_version(), old.sha256, new.sha256, names], ensure_ascii=False
        ).encode()
    ).hexdigest()
    cache = ExportCache(current_app.config["EXPORT_DIR"], suffix=".rows.json")
    hit = cache.get(digest)
    if hit is not None:
        try:
            return [ClauseRow(**row) for row in json.loads(hit)]
        except (ValueError, TypeError):
            pass  # a damaged file: make it again
    _check_size(old, new)
    rows = clause_rows(compare(old.text, new.text, attachments=names))
    cache.put(digest, json.dumps([asdict(r) for r in rows], ensure_ascii=False).encode())
    return rows


TABLE_HEADERS = ["序号", "章条编号", "变化", "原条文", "修改后条文", "修改理由"]


def clause_table_xlsx(document: StandardDocument, old: Revision, new: Revision) -> bytes:
    """条文对照表 as XLSX: one row per changed clause; every text cell escaped by ``cell()``."""
    from openpyxl import Workbook  # noqa: PLC0415  (deferred: heavy)
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415  (deferred: heavy)

    rows = table_rows(document, old, new)
    wb = Workbook()
    ws = wb.active
    ws.title = "条文对照表"
    ws.append([cell(f"《{document.title_zh}》（{document.number}）条文对照表")])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([cell(cover_text(old, new))])
    ws.append([cell(h) for h in TABLE_HEADERS])
    for header in ws[3]:
        header.font = Font(bold=True)
    for k, row in enumerate(rows, 1):
        line = row.line()
        ws.append(
            [
                k,
                cell(line.number),
                cell(ROW_KIND_LABELS.get(line.kind, line.kind)),
                cell(line.old_text),
                cell(line.new_text),
                cell(line.reason),
            ]
        )
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet_row in ws.iter_rows(min_row=4):
        for c in sheet_row:
            c.alignment = wrap
    for letter, width in zip("ABCDEF", (6, 14, 8, 50, 50, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDFs, through the export worker ------------------------------------------------


def _cache() -> ExportCache:
    return ExportCache(current_app.config["EXPORT_DIR"])


def _through_pool(key: str, job) -> bytes:
    cache = _cache()
    hit = cache.get(key)
    if hit is not None:
        return hit
    pdf = default_pool().run(job).pdf
    cache.put(key, pdf)
    return pdf


def redline_pdf(document: StandardDocument, old: Revision, new: Revision) -> bytes:
    """The new revision in the GB/T layout with the changes since ``old`` marked."""
    _check_size(old, new)
    meta = _meta(document, new)
    attachments = attachment_files(document)
    cover = cover_text(old, new)
    options = LayoutOptions()
    key = cache_key(
        meta,
        f"{old.text}\0{new.text}",
        attachments=attachments,
        options={"kind": "redline", "version": REDLINE_VERSION, "cover": cover, **asdict(options)},
    )
    job = RedlineJob.make(
        meta, old.text, new.text, cover=cover, attachments=attachments, options=options
    )
    return _through_pool(key, job)


def clause_table_pdf(document: StandardDocument, old: Revision, new: Revision) -> bytes:
    """条文对照表 as PDF (A4 landscape)."""
    meta = _meta(document, new)
    lines = [row.line() for row in table_rows(document, old, new)]
    html = clause_table_html(meta, cover_text(old, new), lines)
    key = cache_key(meta, html, options={"kind": "clause-table", "version": REDLINE_VERSION})
    return _through_pool(key, HtmlJob(html))
