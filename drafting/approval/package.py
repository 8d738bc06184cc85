"""The approval package (报批材料): one ZIP of every part, listed in a 清单.

The package is a list of :class:`Part` (a name, a file name and a producer),
so a part another package makes (the ballot summary, the redline) is one
more entry in :data:`PARTS`. A producer returns the file's bytes, or ``None``
with nothing to put in (the 清单 then says that part is missing and why).

How it runs: in the request, synchronously, every layout in the export
pool's worker processes (their memory and time limits; the web process never
imports WeasyPrint) and the slow ones through the export cache:

- the 报批稿 PDF through :func:`drafting.documents.services.export_pdf` and the
  .docx through :func:`drafting.word.services.docx_of`, both made from
  :func:`drafting.documents.services.export_inputs`, the inputs (hence the
  cache key) of an export job, so a file exported before, or a PDF made
  speculatively after the stage move (``drafting.jobs.speculation``), is a
  cache hit (tests/approval/test_package.py holds the keys equal);
- the redline and the 条文对照表 through :mod:`drafting.comparison` (cached
  the same way), the 征求意见稿 against the 报批稿;
- the 编制说明, a few pages of plain HTML, as a print job of the pool.

A producer that cannot make its part raises :class:`PartMissing`: the ZIP is
still made and the 清单 says why the part is missing. (``drafting.jobs`` itself
is not imported: its task module reaches the app factory, hence the API, which
the import contracts forbid below the API.)

Names: a folder ``<number> 报批材料/`` with one numbered file per part, in
Chinese, UTF-8 flagged (Python's zipfile sets the flag for non-ASCII names),
every entry within 255 bytes (:func:`drafting.reviews.exports.safe_member_name`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from drafting.approval import notes
from drafting.approval.queries import NotesRecord, notes_record
from drafting.ballots import exports as ballot_exports
from drafting.ballots import queries as ballots
from drafting.comparison import services as comparison
from drafting.core.errors import ServiceError
from drafting.documents import exports as document_exports
from drafting.documents import services as documents
from drafting.documents.models import Revision, StandardDocument
from drafting.documents.queries import comment_threads
from drafting.export import ExportError
from drafting.reviews.exports import MAX_ENTRY_BYTES, safe_member_name
from drafting.word.services import docx_of

MAX_FOLDER_BYTES = 90


@dataclass
class PackageContext:
    """What the producers share: the document, the 报批稿 revision and the record."""

    document: StandardDocument
    revision: Revision
    record: NotesRecord


@dataclass(frozen=True)
class Part:
    key: str
    #: The file name after the number and the document number ("编制说明.pdf").
    filename: str
    #: What the 清单 calls it.
    label: str
    producer: Callable[[PackageContext], bytes | None]
    #: Said in the 清单 when the producer gives nothing.
    missing: str = "本系统中没有这一材料的记录。"

    @property
    def pending(self) -> bool:
        """Made by a package that is not there yet: never in the ZIP, always in the 清单."""
        return self.producer is _not_yet


def approval_pdf(ctx: PackageContext) -> bytes:
    """The 报批稿 PDF through the export cache and pool: the same inputs, hence the same
    cache key, as an export job's (``documents.services.export_inputs``)."""
    return documents.export_pdf(ctx.document, ctx.revision)


def approval_docx(ctx: PackageContext) -> bytes:
    """The 报批稿 .docx, from the export cache under an export job's key when made before."""
    return docx_of(ctx.document, ctx.revision)


def resolution_table(ctx: PackageContext) -> bytes:
    return document_exports.resolution_table(ctx.document, comment_threads(ctx.document))


def notes_pdf(ctx: PackageContext) -> bytes:
    return notes.to_pdf(ctx.record)


def notes_docx(ctx: PackageContext) -> bytes:
    return notes.to_docx(ctx.record)


class PartMissing(Exception):
    """A producer cannot make its part for this document; the message goes into the 清单."""


def _against_comments_draft(ctx: PackageContext) -> Revision:
    """The revision of the 征求意见稿 the 报批稿 is compared with (the comparison's default old one)."""
    pair = comparison.default_revisions(ctx.document)
    if pair is None:
        raise PartMissing("本文件没有征求意见稿的版本，无法对照。")
    return pair[0]


def redline(ctx: PackageContext) -> bytes:
    """The 报批稿 with its changes since the 征求意见稿 marked (drafting.comparison)."""
    old = _against_comments_draft(ctx)
    try:
        return comparison.redline_pdf(ctx.document, old, ctx.revision)
    except (ServiceError, ExportError) as exc:
        raise PartMissing(f"修订标记对照稿未能生成：{exc}") from exc


def clause_table(ctx: PackageContext) -> bytes:
    """条文对照表 (征求意见稿 → 报批稿) with the comment resolutions behind each change."""
    return comparison.clause_table_xlsx(ctx.document, _against_comments_draft(ctx), ctx.revision)


def _ballot(ctx: PackageContext):
    """The ballot the 报批稿 rests on: the last one passed, else the last one held."""
    ballot = ballots.passed_ballot(ctx.document) or ballots.latest_ballot(ctx.document)
    if ballot is None:
        raise PartMissing(
            "本系统中没有送审稿的表决记录（送审稿经会议审查的，请另附会议纪要或审查结论）。"
        )
    return ballot


def ballot_xlsx(ctx: PackageContext) -> bytes:
    return ballot_exports.summary_xlsx(_ballot(ctx))


def ballot_pdf(ctx: PackageContext) -> bytes:
    try:
        return ballot_exports.summary_pdf(_ballot(ctx))
    except ExportError as exc:
        raise PartMissing(f"表决情况汇总表（PDF）未能生成：{exc}") from exc


def _not_yet(ctx: PackageContext) -> None:
    return None


PARTS: list[Part] = [
    Part("approval_pdf", "{title}（报批稿）.pdf", "标准报批稿（PDF）", approval_pdf),
    Part("approval_docx", "{title}（报批稿）.docx", "标准报批稿（Word）", approval_docx),
    Part("resolution_table", "征求意见汇总处理表.xlsx", "征求意见汇总处理表", resolution_table),
    Part("ballot_summary", "表决情况汇总表.xlsx", "送审稿表决情况汇总表（XLSX）", ballot_xlsx),
    Part("ballot_summary_pdf", "表决情况汇总表.pdf", "送审稿表决情况汇总表（PDF）", ballot_pdf),
    Part(
        "redline",
        "与征求意见稿对照（修订标记）.pdf",
        "报批稿与征求意见稿的对照（修订标记）",
        redline,
    ),
    Part("clause_table", "条文对照表.xlsx", "条文对照表（征求意见稿—报批稿）", clause_table),
    Part("notes_pdf", "编制说明.pdf", "编制说明（PDF）", notes_pdf),
    Part("notes_docx", "编制说明.docx", "编制说明（Word）", notes_docx),
]

LIST_NAME = "00 清单.txt"


def _number(document: StandardDocument) -> str:
    # "T/CESA 1234—2026": a slash is a folder in a ZIP; T-CESA is how files are named.
    return document.number.replace("/", "-")


def folder_name(document: StandardDocument) -> str:
    return safe_member_name(f"{_number(document)} 报批材料", MAX_FOLDER_BYTES)


def zip_filename(document: StandardDocument) -> str:
    """The download's name: number, title and 报批材料, within 255 bytes."""
    return safe_member_name(f"{_number(document)} {document.title_zh} 报批材料.zip")


def _member(folder: str, position: int, document: StandardDocument, part: Part) -> str:
    room = MAX_ENTRY_BYTES - len(folder.encode("utf-8")) - 1
    name = f"{position:02d} {_number(document)} " + part.filename.format(title=document.title_zh)
    return f"{folder}/{safe_member_name(name, room)}"


@dataclass(frozen=True)
class PackageResult:
    data: bytes
    filename: str
    included: list[str]
    missing: list[str]


def assemble(
    document: StandardDocument, revision: Revision, *, parts: list[Part] | None = None
) -> PackageResult:
    """The ZIP of the approval package of ``revision`` (the 报批稿), with its 清单."""
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    record = notes_record(document, current_app.config["ASSOCIATION_NAME"], zone)
    ctx = PackageContext(document, revision, record)
    folder = folder_name(document)
    lines = [
        f"《{document.title_zh}》（{document.number}）报批材料清单",
        f"报批稿：第{revision.number}版（{record.day(revision.created_at)}）",
        f"生成日期：{record.made_on.isoformat() if record.made_on else ''}",
        "",
    ]
    included: list[str] = []
    missing: list[str] = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        position = 0
        for part in parts if parts is not None else PARTS:
            try:
                data = part.producer(ctx)
            except PartMissing as why:
                data, reason = None, str(why)
            else:
                reason = part.missing
            if data is None:
                missing.append(part.key)
                lines.append(f"—— {part.label}：未包含。{reason}")
                continue
            position += 1
            name = _member(folder, position, document, part)
            zf.writestr(name, data)
            included.append(part.key)
            lines.append(f"{position:02d} {part.label}：{name.rsplit('/', 1)[1]}")
        zf.writestr(f"{folder}/{LIST_NAME}", ("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    return PackageResult(buf.getvalue(), zip_filename(document), included, missing)
