"""Exports of a call's applications and assessments: XLSX, CSV, and the evidence as ZIP.

Layout (also in the README):

- **applications** (XLSX sheet and CSV): one row per application, ordered by
  organization name (pinyin order for Chinese names), then submission time.
  After the application's own columns come three columns per requirement,
  in the call's order: ``R1 statement``, ``R1 evidence files`` (the file
  names, one per line) and ``R1 score (rated by)``. The XLSX has a
  **requirements** sheet that says what R1, R2, … are.
- **assessments** (XLSX sheet and CSV): one row per assessment, in the same
  application order, then by requirement and reviewer, with the statement
  and evidence files the reviewer was rating beside the rating.

Headers and values are in the user's language, times in the user's time zone
(to the second), scores as on the pages (`scores.format_score`, the same
aggregate). Every value passes through `core.spreadsheet.cell`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass

from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from drafting.applications.models import (
    ROLE_LABELS,
    STATE_LABELS,
    Answer,
    Application,
    ApplicationState,
    Attachment,
)
from drafting.calls.models import Call, Requirement
from drafting.core.collation import name_key
from drafting.core.i18n import format_dt
from drafting.core.spreadsheet import row as safe_row
from drafting.extensions import db
from drafting.reviews.models import RATING_LABELS, Assessment
from drafting.reviews.queries import (
    Row,
    call_weights,
    dashboard,
    scores_for,
    visible_applications_filter,
)
from drafting.reviews.scores import Score, format_score
from drafting.storage import read_blob

TIME_FORMAT = "yyyy-MM-dd HH:mm:ss"


def _zone() -> str:
    tz = get_timezone()
    return getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)


def _time(value) -> str:
    return format_dt(value, TIME_FORMAT) if value else ""


def _standard_title(standard) -> str:
    if str(get_locale() or "zh") == "en" and standard.title_en:
        return standard.title_en
    return standard.title_zh


def _rated(score: Score | None, requirement_id: int) -> str:
    r = score.requirements.get(requirement_id) if score else None
    return f"{format_score(r.mean)} ({r.rated_by})" if r else ""


@dataclass
class Answers:
    statements: dict[tuple[int, int], str]
    files: dict[tuple[int, int], list[str]]

    def statement(self, application_id: int, requirement_id: int) -> str:
        return self.statements.get((application_id, requirement_id), "")

    def file_names(self, application_id: int, requirement_id: int) -> str:
        return "\n".join(self.files.get((application_id, requirement_id), []))


def _answers(scope) -> Answers:
    statements = {
        (a, r): s
        for a, r, s in db.session.execute(
            select(Answer.application_id, Answer.requirement_id, Answer.statement).where(
                Answer.application_id.in_(scope)
            )
        )
    }
    files: dict[tuple[int, int], list[str]] = {}
    for a, r, name in db.session.execute(
        select(Attachment.application_id, Attachment.requirement_id, Attachment.filename)
        .where(Attachment.application_id.in_(scope))
        .order_by(Attachment.id)
    ):
        files.setdefault((a, r), []).append(name)
    return Answers(statements, files)


def _scope(user, call: Call):
    return select(Application.id).where(*visible_applications_filter(user, call.id))


def _application_order(row: Row):
    a = row.application
    return (name_key(a.organization.name), a.submitted_at is None, a.submitted_at or 0, a.id)


def application_header(call: Call) -> list[str]:
    header = [
        _("Application no."),
        _("Organization"),
        _("Unified social credit code"),
        _("State"),
        _("Submitted at (%(zone)s)", zone=_zone()),
        _("Standards and roles"),
        _("Contact"),
        _("Missing mandatory items"),
        _("Weighted score"),
        _("Assessments"),
    ]
    for n, _r in enumerate(call.requirements, 1):
        header += [
            _("R%(n)d statement", n=n),
            _("R%(n)d evidence files", n=n),
            _("R%(n)d score (rated by)", n=n),
        ]
    return header


def application_rows(user, call: Call) -> list[list]:
    rows, _counts = dashboard(user, call)
    rows.sort(key=_application_order)
    answers = _answers(_scope(user, call))
    titles = {s.id: _standard_title(s) for s in call.standards}
    out = []
    for row in rows:
        a = row.application
        values = [
            a.id,
            a.organization.name,
            a.organization.credit_code,
            str(STATE_LABELS[a.state]),
            _time(a.submitted_at),
            "\n".join(
                _(
                    "%(standard)s (%(role)s)",
                    standard=titles.get(s.standard_id, ""),
                    role=ROLE_LABELS[s.role],
                )
                for s in a.standards
            ),
            " ".join(p for p in (a.contact_name, a.contact_phone, a.contact_email) if p),
            len(row.missing),
            "" if row.score is None else round(row.score, 2),
            row.assessments,
        ]
        for r in call.requirements:
            values += [
                answers.statement(a.id, r.id),
                answers.file_names(a.id, r.id),
                _rated(row.scores, r.id),
            ]
        out.append(values)
    return out


def assessment_header() -> list[str]:
    return [
        _("Application no."),
        _("Organization"),
        _("Requirement no."),
        _("Requirement"),
        _("Weight"),
        _("Statement"),
        _("Evidence files"),
        _("Reviewer"),
        _("Rating"),
        _("Score"),
        _("Reason"),
        _("Requirement mean score (rated by)"),
        _("Assessed at (%(zone)s)", zone=_zone()),
    ]


def assessment_rows(user, call: Call) -> list[list]:
    scope = _scope(user, call)
    requirements: dict[int, Requirement] = {r.id: r for r in call.requirements}
    positions = {r.id: n for n, r in enumerate(call.requirements, 1)}
    assessments = list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.application_id.in_(scope))
            .options(
                joinedload(Assessment.reviewer),
                joinedload(Assessment.application).joinedload(Application.organization),
            )
        )
    )
    scores = scores_for(scope, call_weights(call))
    answers = _answers(scope)
    assessments.sort(
        key=lambda x: (
            name_key(x.application.organization.name),
            x.application_id,
            positions.get(x.requirement_id, 0),
            name_key(x.reviewer.name),
            x.reviewer_id,
        )
    )
    out = []
    for x in assessments:
        r = requirements.get(x.requirement_id)
        out.append(
            [
                x.application_id,
                x.application.organization.name,
                f"R{positions.get(x.requirement_id, 0)}",
                r.text if r else "",
                r.weight if r else "",
                answers.statement(x.application_id, x.requirement_id),
                answers.file_names(x.application_id, x.requirement_id),
                x.reviewer.name,
                str(RATING_LABELS[x.rating]),
                x.score,
                x.reason,
                _rated(scores.get(x.application_id), x.requirement_id),
                _time(x.updated_at),
            ]
        )
    return out


def requirement_rows(call: Call) -> tuple[list[str], list[list]]:
    weights = call_weights(call)
    header = [_("Requirement no."), _("Requirement"), _("Weight"), _("Mandatory")]
    rows = [
        [f"R{n}", r.text, weights[r.id], _("yes") if r.mandatory else _("no")]
        for n, r in enumerate(call.requirements, 1)
    ]
    return header, rows


def _sheet(ws, header: list[str], rows: list[list]) -> None:
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415  (deferred: heavy)

    ws.append(safe_row(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append(safe_row(values))
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = wrap
    ws.freeze_panes = "C2"


def xlsx(user, call: Call) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415  (deferred: heavy)

    wb = Workbook()
    ws = wb.active
    ws.title = _("applications")
    _sheet(ws, application_header(call), application_rows(user, call))
    _sheet(wb.create_sheet(_("assessments")), assessment_header(), assessment_rows(user, call))
    _sheet(wb.create_sheet(_("requirements")), *requirement_rows(call))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(user, call: Call, which: str = "applications") -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese text correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    if which == "assessments":
        header, rows = assessment_header(), assessment_rows(user, call)
    else:
        header, rows = application_header(call), application_rows(user, call)
    writer.writerow(safe_row(header))
    for values in rows:
        writer.writerow(safe_row(values))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# --- evidence ZIP -------------------------------------------------------------

# File systems limit a name to 255 bytes; the whole entry path is kept within
# it so that any extraction (unzip, Python, Windows Explorer) can create it.
MAX_ENTRY_BYTES = 255
MAX_FOLDER_BYTES = 90
MAX_EXTENSION_BYTES = 16

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\ud800-\udfff]')


def _cut_utf8(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` bytes of UTF-8, never splitting a character."""
    return text.encode("utf-8")[: max(limit, 0)].decode("utf-8", errors="ignore")


def safe_member_name(name: str, limit: int = MAX_ENTRY_BYTES) -> str:
    """A ZIP member name part with no path separators or traversal, within `limit` bytes, keeping its extension."""
    name = _UNSAFE.sub("_", name).strip().strip(".") or "_"
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, ext = os.path.splitext(name)
    if not stem or len(ext.encode("utf-8")) > MAX_EXTENSION_BYTES:
        stem, ext = name, ""
    return (_cut_utf8(stem, limit - len(ext.encode("utf-8"))).rstrip(" .") or "_") + ext


def evidence_zip(user, call: Call) -> bytes:
    applications = db.session.scalars(
        select(Application)
        .where(
            *visible_applications_filter(user, call.id), Application.state != ApplicationState.DRAFT
        )
        .options(joinedload(Application.organization), selectinload(Application.attachments))
    ).all()
    applications = sorted(applications, key=lambda a: (name_key(a.organization.name), a.id))
    positions = {r.id: r.position + 1 for r in call.requirements}
    buf = io.BytesIO()
    folders: set[str] = set()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for a in applications:
            folder = safe_member_name(a.organization.name, MAX_FOLDER_BYTES)
            if folder in folders:  # two organizations whose names were cut alike
                folder = safe_member_name(f"{a.id}_{a.organization.name}", MAX_FOLDER_BYTES)
            folders.add(folder)
            room = MAX_ENTRY_BYTES - len(folder.encode("utf-8")) - 1
            used: set[str] = set()
            for f in a.attachments:
                prefix = f"R{positions.get(f.requirement_id, 0):02d}_"
                name, n = prefix + safe_member_name(f.filename, room - len(prefix)), 1
                while name in used:
                    n += 1
                    tag = f"{prefix}{n}_"
                    name = tag + safe_member_name(f.filename, room - len(tag))
                used.add(name)
                zf.writestr(f"{folder}/{name}", read_blob(f.sha256))
    return buf.getvalue()
