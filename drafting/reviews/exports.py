"""Exports of a call's applications and assessments: XLSX, CSV, and the evidence as ZIP."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from drafting.applications.models import Application, ApplicationState
from drafting.calls.models import Call
from drafting.extensions import db
from drafting.reviews.models import Assessment
from drafting.reviews.queries import dashboard
from drafting.storage import read_blob

APPLICATION_HEADER = [
    "id",
    "organization",
    "credit_code",
    "state",
    "submitted_at",
    "standards",
    "contact",
    "missing_mandatory",
    "weighted_score",
    "assessments",
]
ASSESSMENT_HEADER = [
    "application_id",
    "organization",
    "requirement",
    "weight",
    "reviewer",
    "rating",
    "score",
    "reason",
]


def application_rows(user, call: Call) -> list[list]:
    rows, _counts = dashboard(user, call)
    titles = {s.id: s.title_zh for s in call.standards}
    out = []
    for row in rows:
        a = row.application
        out.append(
            [
                a.id,
                a.organization.name,
                a.organization.credit_code,
                a.state.value,
                a.submitted_at.isoformat() if a.submitted_at else "",
                "; ".join(
                    f"{titles.get(s.standard_id, s.standard_id)} ({s.role.value})"
                    for s in a.standards
                ),
                f"{a.contact_name} {a.contact_phone} {a.contact_email}".strip(),
                len(row.missing),
                "" if row.score is None else round(row.score, 2),
                row.assessments,
            ]
        )
    return out


def assessment_rows(user, call: Call) -> list[list]:
    from drafting.reviews.queries import visible_applications_filter

    scope = select(Application.id).where(*visible_applications_filter(user, call.id))
    requirements = {r.id: r for r in call.requirements}
    assessments = db.session.scalars(
        select(Assessment)
        .where(Assessment.application_id.in_(scope))
        .options(
            joinedload(Assessment.reviewer),
            joinedload(Assessment.application).joinedload(Application.organization),
        )
        .order_by(Assessment.application_id, Assessment.requirement_id, Assessment.id)
    )
    return [
        [
            a.application_id,
            a.application.organization.name,
            requirements[a.requirement_id].text,
            requirements[a.requirement_id].weight,
            a.reviewer.name,
            a.rating.value,
            a.score,
            a.reason,
        ]
        for a in assessments
    ]


def _safe_cell(value):
    # A cell starting with = + - @ is run as a formula by spreadsheet programs.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def xlsx(user, call: Call) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "applications"
    ws.append(APPLICATION_HEADER)
    for row in application_rows(user, call):
        ws.append([_safe_cell(v) for v in row])
    ws2 = wb.create_sheet("assessments")
    ws2.append(ASSESSMENT_HEADER)
    for row in assessment_rows(user, call):
        ws2.append([_safe_cell(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(user, call: Call, which: str = "applications") -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese text correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    if which == "assessments":
        writer.writerow(ASSESSMENT_HEADER)
        rows = assessment_rows(user, call)
    else:
        writer.writerow(APPLICATION_HEADER)
        rows = application_rows(user, call)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def safe_member_name(name: str) -> str:
    """A ZIP member name part with no path separators or traversal."""
    name = _UNSAFE.sub("_", name).strip().strip(".") or "_"
    return name[:120]


def evidence_zip(user, call: Call) -> bytes:
    from sqlalchemy.orm import selectinload

    from drafting.reviews.queries import visible_applications_filter

    applications = db.session.scalars(
        select(Application)
        .where(
            *visible_applications_filter(user, call.id), Application.state != ApplicationState.DRAFT
        )
        .options(joinedload(Application.organization), selectinload(Application.attachments))
        .order_by(Application.id)
    )
    positions = {r.id: r.position + 1 for r in call.requirements}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for a in applications:
            folder = safe_member_name(a.organization.name)
            used: set[str] = set()
            for f in a.attachments:
                base = f"R{positions.get(f.requirement_id, 0):02d}_{safe_member_name(f.filename)}"
                name, n = base, 1
                while name in used:
                    n += 1
                    name = f"{n}_{base}"
                used.add(name)
                zf.writestr(f"{folder}/{name}", read_blob(f.sha256))
    return buf.getvalue()
